"""``run_experiment``: simulated active learning over strategies and seeds, with outputs."""
import contextlib
import dataclasses
import importlib.util
import logging
import numbers
import random
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from small_text.base import _missing_extra_message
from small_text.experiments.config import ExperimentConfig, read_config_file
from small_text.experiments.data import load_data
from small_text.experiments.exceptions import ExperimentError, ExperimentInterrupted
from small_text.experiments.outputs import (
    SUMMARY_MD,
    ResultsWriter,
    dependency_versions,
    lock_output,
    metric_names,
    open_results,
    result_columns,
    stopped_runs,
)
from small_text.experiments.registry import CLASSIFIERS, STRATEGIES, RunContext
from small_text.experiments.stopping import (
    StoppingTracker,
    check_stopping,
    stopping_columns,
    stopping_rows,
)
from small_text.experiments.summary import (
    BASELINE_STRATEGY,
    METRIC_LABELS,
    compare_to_baseline,
    format_comparison,
    format_stopping_summary,
    format_summary,
    summarize,
    summarize_stopping,
)

DEFAULT_RESULTS_DIR = 'small-text-results'
"""Parent folder (relative to the working directory) of the default output folders."""


@dataclass
class ExperimentResults:
    """What :func:`run_experiment` returns.

    Attributes
    ----------
    config : ExperimentConfig
        The configuration that ran.
    out : Path or None
        The output folder (absolute); None if the experiment was run without one.
    rows : list of dict
        One row per data set, strategy, seed and round, as in results.csv.
    summary : list of dict
        Per data set and strategy the final scores and the learning-curve area with their
        95 % confidence intervals over seeds: the entries of
        :func:`small_text.experiments.summary.summarize`, each with a ``dataset`` key.
    summary_table : str
        ``summary`` as a Markdown table (the body of summary.md), followed by the table of
        ``comparison`` and, if the experiment has stopping criteria, the stopping table. With
        several data sets, these tables per data set, each under a heading ``## <name>``.
    stopping_rows : list of dict
        Per data set, strategy, seed and stopping criterion, the first round at which the
        criterion would have stopped, as in stopping.csv (empty without ``stopping``).
    stopping_summary : list of dict
        Per data set, criterion and strategy the mean stopping point and accuracy lost: the
        entries of :func:`small_text.experiments.summary.summarize_stopping` with a
        ``dataset`` key.
    comparison : list of dict
        Per data set and strategy other than random sampling, the paired difference to
        random sampling (same seeds) in the final score and the learning-curve area, with
        95 % interval and Wilcoxon p-value: the entries of
        :func:`small_text.experiments.summary.compare_to_baseline` with a ``dataset`` key;
        empty without ``random``.
    """
    config: ExperimentConfig
    out: Path
    rows: list
    summary: list
    summary_table: str
    stopping_rows: list = None
    stopping_summary: list = None
    comparison: list = None


def run_experiment(config=None, *, resume=False, overwrite=False, quiet=False, workers=None,
                   scheduler=None, **options):
    """Run an active-learning experiment and write its results.

    For each data set, query strategy and seed, a pool-based active learner starts from
    ``initial`` labelled training texts and labels ``query_size`` more in each of ``rounds``
    rounds, the labels coming from the data (simulated annotation). After the initial fit and
    after each round the classifier is evaluated on the test set. Each (data set, strategy,
    seed) run first seeds Python's ``random``, NumPy's global RNG and (if loaded) torch with
    its seed, so the same configuration gives the same results (apart from the timing
    columns).

    Files are written only when ``out`` is given: ``results.csv`` (with a ``dataset``
    column) and ``results.json`` row by row, then ``summary.md`` and ``learning_curves.png``
    (or ``.svg``/``.pdf``, see ``plot_format``), both with a part (tables, a row of panels)
    per data set. Without ``out`` the results are only returned. With stopping criteria
    (``stopping``), each run also records the first round at which each criterion would have
    stopped, in ``stopping.csv`` and under ``stopping`` in ``results.json``; the plot marks
    the mean stopping points and the summary gets another table.

    Parameters
    ----------
    config : ExperimentConfig or str or Path, default=None
        The configuration, or a TOML file with its keys; ``None`` uses the defaults (the
        bundled TREC-6 data set).
    resume : bool, default=False
        Continue the unfinished runs of a previous experiment in ``out`` (which must hold a
        run of the same configuration).
    overwrite : bool, default=False
        Delete previous results in ``out`` first.
    quiet : bool, default=False
        Hide the progress bar, and silence Python warnings and log messages below ERROR
        while the experiment runs (errors are still raised).
    workers : int, default=None
        Run the (data set, strategy, seed) runs as tasks on a new local Dask cluster of this
        many worker processes (needs the extra ``dask``). Each run's rows are written when
        the run is complete; a run whose worker dies is run again elsewhere. The worker
        processes are spawned, which imports the main module: in a script, call
        ``run_experiment`` under ``if __name__ == '__main__':``.
    scheduler : str, default=None
        Run them on the running Dask ``distributed`` cluster whose scheduler listens at this
        address, e.g. ``tcp://10.0.0.5:8786`` (needs the extra ``dask``). Without
        ``workers`` and ``scheduler`` everything runs in this process and Dask is not
        imported. See :mod:`small_text.distributed.grid` for what travels where.
    **options
        Configuration keys (see :class:`ExperimentConfig`) that override ``config``.

    Returns
    -------
    ExperimentResults

    Raises
    ------
    ExperimentError
        For any bad input: options, data files, or the output folder (including one that
        another experiment is writing into: each run holds a lock on its output folder);
        ``workers`` or ``scheduler`` without Dask installed, or a ``scheduler`` that does not
        answer within a few seconds.
    ExperimentInterrupted
        On Ctrl-C while the runs are going; a :class:`KeyboardInterrupt` that names the
        output folder, whose results.csv and results.json hold every finished round.
    """
    config = _make_config(config, options)
    _check_scale_out(workers, scheduler)
    with _silenced(quiet):
        return _run_experiment(config, resume, overwrite, quiet, workers, scheduler)


def _check_scale_out(workers, scheduler):
    """Validate ``workers`` and ``scheduler``, and that Dask is installed if one is given."""
    if workers is not None and scheduler is not None:
        raise ExperimentError('give either --workers or --scheduler, not both')
    if workers is not None and (not isinstance(workers, numbers.Integral)
                                or isinstance(workers, bool) or workers <= 0):
        raise ExperimentError(f'--workers must be a positive number of worker processes '
                              f'(got {workers!r})')
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ExperimentError(f'--scheduler must be a scheduler address such as '
                              f'tcp://10.0.0.5:8786 (got {scheduler!r})')
    if workers is None and scheduler is None:
        return
    missing = [name for name in ('dask', 'distributed') if importlib.util.find_spec(name) is None]
    if missing:
        option = '--workers' if workers is not None else '--scheduler'
        raise ExperimentError(_missing_extra_message(option, missing, 'dask'))


@contextlib.contextmanager
def _silenced(quiet):
    """Silence warnings and log messages below ERROR while the block runs, if ``quiet``."""
    if not quiet:
        yield
        return
    previous = logging.root.manager.disable
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        logging.disable(logging.WARNING)
        try:
            yield
        finally:
            logging.disable(previous)


def _run_experiment(config, resume, overwrite, quiet, workers, scheduler):
    if resume and config.out is None:
        raise ExperimentError('--resume needs --out: the folder of the run to continue')
    client = None
    if workers is not None or scheduler is not None:
        from small_text.distributed.grid import connect
        client = connect(workers=workers, scheduler=scheduler)  # first: a bad address fails fast
    try:
        datasets = _load_datasets(config)
        out = None if config.out is None else config.out.resolve()
        metrics = metric_names(datasets[0].multi_label)
        descriptions = [_dataset_description(data) for data in datasets]
        header = {'config': {**config.to_dict(), 'out': None if out is None else str(out)},
                  'dataset': descriptions[0] if len(datasets) == 1 else descriptions,
                  'versions': dependency_versions()}
        with contextlib.nullcontext() if out is None else lock_output(out):
            return _run_into(out, header, config, datasets, metrics, resume, overwrite, quiet,
                             client)
    finally:
        if client is not None:
            from small_text.distributed.grid import disconnect
            disconnect(client)


def _load_datasets(config):
    """Load every data set of ``config`` and check that they fit one experiment."""
    datasets = [load_data(config.for_dataset(data, test)) for data, test in config.datasets]
    names = [data.name for data in datasets]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ExperimentError(f'several --data entries have the data set name '
                              f'{", ".join(map(repr, repeated))} (a file\'s name, the folder\'s '
                              'name for train.* files, "dataframe" for a DataFrame); rename the '
                              'files or folders so that each data set has its own name')
    if len({data.multi_label for data in datasets}) > 1:
        raise ExperimentError('--data mixes single-label and multi-label data sets, whose '
                              'results have different columns; run them as two experiments')
    for data in datasets:
        _check_strategies(config.strategies, data.multi_label)
        check_stopping(config.stopping, data.multi_label)
    return datasets


def _dataset_description(data):
    """Return what results.json records about a data set."""
    return {'name': data.name, 'num_train': len(data.train_texts),
            'num_test': len(data.test_texts), 'classes': data.class_names,
            'multi_label': data.multi_label, 'files': data.files}


def _run_into(out, header, config, datasets, metrics, resume, overwrite, quiet, client):
    """Run the experiment, writing into ``out`` (locked by the caller; None: no files), in
    this process or, given a Dask ``client``, on its cluster."""
    columns = result_columns(datasets[0].multi_label)
    stopping = stopping_columns(metrics[0]) if config.stopping else ()
    if out is None:
        writer, finished = ResultsWriter(None, header, columns, stopping_columns=stopping), set()
    else:
        writer, finished = open_results(out, header, columns, config.rounds, resume=resume,
                                        overwrite=overwrite, stopping_columns=stopping)

    runs = [(data.name, strategy, seed) for data in datasets for strategy in config.strategies
            for seed in config.seed_list if (data.name, strategy, seed) not in finished]
    setups = {data.name: _prepare(config, data, metrics) for data in datasets
              if any(run[0] == data.name for run in runs)}
    if client is not None:
        from small_text.distributed.grid import run_on_dask, worker_count
    progress = Progress(runs, config.rounds + 1, len(writer.rows), quiet,
                        metric=metrics[0], show_dataset=len(datasets) > 1,
                        parallel=1 if client is None else worker_count(client))
    try:
        with progress:
            if client is None:
                _run_all(runs, setups, writer, progress)
            else:
                run_on_dask(client, runs, setups, writer, progress)
    except KeyboardInterrupt:
        raise ExperimentInterrupted(out) from None
    return _summarize(out, config, datasets, metrics, writer)


@dataclass
class RunSetup:
    """What every (strategy, seed) run on one data set shares, built once per data set.

    On Dask it is sent to the workers once per data set, not with every run.

    Attributes
    ----------
    dataset : str
        The data set's name.
    context : RunContext
        What the strategies and the classifier factory are built from.
    clf_factory : object
        The classifier factory.
    train, test : Dataset
        The training pool and the test set, in the classifier's dataset type.
    metrics : tuple of str
        The metric columns.
    rounds : int
        Query rounds per run.
    stopping : tuple of str
        Stopping criteria to record.
    stop_on : str or None
        The criterion that ends a run, if any.
    """
    dataset: str
    context: RunContext
    clf_factory: object
    train: object
    test: object
    metrics: tuple
    rounds: int
    stopping: tuple
    stop_on: str | None


def _prepare(config, data, metrics):
    """Return the :class:`RunSetup` of the data set ``data``."""
    classifier = CLASSIFIERS[config.classifier]
    model_option = {'model': str(config.model)} if classifier.needs_model else {}
    train, test = classifier.build_datasets(data.train_texts, data.y_train, data.test_texts,
                                            data.y_test, data.num_classes, **model_option)
    context = RunContext(num_classes=data.num_classes, multi_label=data.multi_label,
                         initial=config.initial, query_size=config.query_size,
                         needs_embeddings=any(STRATEGIES[name].needs_embeddings
                                              for name in config.strategies),
                         model=model_option.get('model'),
                         embeddings=None if config.embeddings is None else str(config.embeddings))
    return RunSetup(dataset=data.name, context=context,
                    clf_factory=classifier.build_factory(context, train), train=train,
                    test=test, metrics=tuple(metrics), rounds=config.rounds,
                    stopping=config.stopping, stop_on=config.stop_on)


def _summarize(out, config, datasets, metrics, writer):
    """Summarise each data set's runs, write summary.md and the plot, return the results."""
    sections = [_summarize_dataset(config, data, metrics, writer) for data in datasets]
    if len(sections) == 1:
        table = sections[0]['table']
    else:
        table = '\n\n'.join(f'## {section["name"]}\n\n{section["table"]}'
                             for section in sections)
    if out is not None:
        _write_summary_and_plot(out, config, metrics, sections)

    def merged(key):
        return [{'dataset': section['name'], **entry} for section in sections
                for entry in section[key]]

    return ExperimentResults(config=config, out=out, rows=writer.rows, summary=merged('summary'),
                             summary_table=table, stopping_rows=writer.stopping_rows,
                             stopping_summary=merged('stopping_summary'),
                             comparison=merged('comparison'))


def _summarize_dataset(config, data, metrics, writer):
    """Return the summaries of one data set's runs (the rows in the configuration's order of
    strategies and seeds, whatever order the runs finished in)."""
    rows = _in_config_order(writer.rows, config, data.name)
    stopping = _in_config_order(writer.stopping_rows, config, data.name)
    stopped = {(strategy, seed): last for (_, strategy, seed), last
               in stopped_runs(stopping, config.stop_on, config.rounds).items()}
    summary = summarize(rows, metrics, stopped)
    table = format_summary(summary, metrics)
    comparison = compare_to_baseline(rows, metrics, stopped=stopped)
    if comparison:
        table += '\n\n' + format_comparison(comparison, metrics[0])
    stopping_summary = summarize_stopping(stopping, metrics[0])
    if config.stopping:
        table += '\n\n' + format_stopping_summary(stopping_summary, metrics[0])
    return {'name': data.name, 'data': data, 'rows': rows, 'stopped': stopped,
            'summary': summary, 'comparison': comparison, 'stopping_summary': stopping_summary,
            'table': table}


def _in_config_order(rows, config, dataset):
    """Return the rows of ``dataset``, sorted by strategy and seed as configured, then by
    criterion and round."""
    strategies = {name: i for i, name in enumerate(config.strategies)}
    seeds = {seed: i for i, seed in enumerate(config.seed_list)}
    criteria = {name: i for i, name in enumerate(config.stopping)}
    return sorted((row for row in rows if row['dataset'] == dataset),
                  key=lambda row: (strategies[row['strategy']], seeds[row['seed']],
                                   criteria.get(row.get('criterion'), 0), row.get('round', 0)))


def _write_summary_and_plot(out, config, metrics, sections):
    notes = [f'{section["table"]}\n\n{_summary_note(config, section["data"], metrics[0])}'
             for section in sections]
    if len(sections) > 1:
        notes = [f'## {section["name"]}\n\n{note}' for section, note in zip(sections, notes)]
    (out / SUMMARY_MD).write_text('\n\n'.join(notes) + '\n', encoding='utf-8')
    from small_text.experiments.plot import plot_dataset_learning_curves
    panels = [{'title': f'{section["name"]}, {config.classifier}: '
                        f'{len(config.seed_list)} seed(s)',
               'rows': section['rows'], 'stopping_summary': section['stopping_summary'],
               'stopped': section['stopped']} for section in sections]
    plot_dataset_learning_curves(panels, metrics[0], out / f'learning_curves.{config.plot_format}',
                                 metrics=metrics)


def _make_config(config, options):
    if isinstance(config, ExperimentConfig):
        return dataclasses.replace(config, **options)
    if config is None:
        return ExperimentConfig(**options)
    if isinstance(config, (str, Path)):
        return ExperimentConfig(**{**read_config_file(config), **options})
    raise ExperimentError(f'config must be an ExperimentConfig, a TOML file path or None '
                          f'(got {type(config).__name__})')


def _check_strategies(strategies, multi_label):
    kind = 'multi-label' if multi_label else 'single-label'
    for name in strategies:
        label_type = STRATEGIES[name].label_type
        if label_type is not None and label_type != kind:
            raise ExperimentError(f'strategy {name!r} works only on {label_type} data, but the '
                                  f'data is {kind}; remove it from --strategies')


def default_out(name):
    """Return the output folder the command line uses without ``--out``.

    ``./small-text-results/<name>-<timestamp>``, relative to the working directory.
    """
    return Path(DEFAULT_RESULTS_DIR) / f'{name}-{datetime.now():%Y%m%d-%H%M%S}'


def _run_all(runs, setups, writer, progress):
    """Run ``runs`` one after the other in this process, writing each row as it comes."""
    for run in runs:
        dataset, strategy, seed = run
        start = time.perf_counter()
        rounds = 0
        for row, stopping in run_active_learning(setups[dataset], strategy, seed):
            if stopping:
                writer.append_stopping(stopping)  # before the last row: see open_results
            writer.append(row)
            rounds += 1
            progress.round_done(run, row, time.perf_counter() - start)
            start = time.perf_counter()
        progress.run_done(run, rounds)


class Progress:
    """The experiment's progress bar: rounds done of all runs, and the time left.

    Counts the rounds of the finished runs plus those of the runs under way (a run redone
    after its Dask worker died counts the most rounds it reached, not the sum). The time
    left is :func:`estimate_remaining_seconds` over the rounds the unfinished runs still
    have, divided by the number of runs that go on in parallel. Safe to call from several
    threads (a Dask client reports rounds from its own).

    Parameters
    ----------
    runs : list of (str, str, int)
        The (dataset, strategy, seed) runs still to do.
    rounds_per_run : int
        Rounds of a full run (query rounds plus the initial one).
    done : int
        Rounds finished before (the rows kept from a resumed experiment).
    quiet : bool
        Show no bar.
    metric : str
        The metric shown with the last round.
    show_dataset : bool, default=False
        Name the data set of the last round too (grids over several data sets).
    parallel : int, default=1
        Runs that go on at the same time (the number of Dask worker processes).
    """

    def __init__(self, runs, rounds_per_run, done, quiet, metric, show_dataset=False,
                 parallel=1):
        self.rounds_per_run = rounds_per_run
        self.done = done
        self.under_way = {run: 0 for run in runs}  # rounds reached by each unfinished run
        self.seconds = {}  # (dataset, strategy) -> durations of its rounds so far
        self.metric = metric
        self.show_dataset = show_dataset
        self.parallel = parallel
        self.quiet = quiet
        self.bar = None
        self._lock = threading.Lock()

    def __enter__(self):
        from tqdm import tqdm
        self.bar = tqdm(total=self.done + len(self.under_way) * self.rounds_per_run,
                        initial=self.done, disable=self.quiet, unit='round',
                        desc='small-text experiment', bar_format=_BAR_FORMAT)
        return self

    def __exit__(self, *exc_info):
        self.bar.close()

    def round_done(self, run, row, seconds):
        """Count ``row``, a round of ``run`` that took ``seconds`` (ignored once the run is
        done: a Dask worker's report can arrive after the run's result)."""
        with self._lock:
            if run not in self.under_way:
                return
            self.under_way[run] = max(self.under_way[run], row['round'] + 1)
            self.seconds.setdefault(run[:2], []).append(seconds)
            self._show(run, row)

    def run_done(self, run, rounds):
        """Count ``run`` as finished after ``rounds`` rounds (fewer than a full run's if a
        stopping criterion ended it)."""
        with self._lock:
            self.under_way.pop(run)
            self.done += rounds
            self.bar.total -= self.rounds_per_run - rounds
            self._show(run, None)

    def remaining_rounds(self):
        """Return the rounds that the unfinished runs still have, per (dataset, strategy)."""
        remaining = {}
        for run, reached in self.under_way.items():
            remaining[run[:2]] = remaining.get(run[:2], 0) + self.rounds_per_run - reached
        return remaining

    def _show(self, run, row):
        from tqdm import tqdm

        self.bar.n = self.done + sum(self.under_way.values())
        eta = estimate_remaining_seconds(self.remaining_rounds(), self.seconds)
        if eta is not None:
            eta /= max(1, min(self.parallel, len(self.under_way)))
        text = f'ETA {"?" if eta is None else tqdm.format_interval(eta)}'
        if row is not None:
            name = f'{run[0]}, ' if self.show_dataset else ''
            text += (f', {name}{run[1]}, seed {run[2]}, {METRIC_LABELS[self.metric]} '
                     f'{row[self.metric]:.3f}')
            self.bar.set_postfix_str(text, refresh=False)
        self.bar.refresh()


_BAR_FORMAT = '{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]'
"""The progress bar: tqdm's own remaining time is replaced by :func:`estimate_remaining_seconds`."""


def estimate_remaining_seconds(remaining_rounds, seconds):
    """Estimate the time left from each strategy's measured cost per round.

    Strategies differ widely in cost (random sampling against an embedding strategy), so
    each strategy's remaining rounds are multiplied by its own mean seconds per round; a
    strategy not measured yet is assumed to cost the mean of the measured ones. The keys may
    be strategy names or, in a grid, (data set, strategy) pairs.

    Parameters
    ----------
    remaining_rounds : dict
        Strategy to the number of rounds it has left.
    seconds : dict
        Strategy to the list of measured durations of its rounds, in seconds.

    Returns
    -------
    float or None
        Seconds left; None if nothing has been measured yet.
    """
    means = {strategy: float(np.mean(values)) for strategy, values in seconds.items() if values}
    if not means:
        return None
    fallback = float(np.mean(list(means.values())))
    return float(sum(rounds * means.get(strategy, fallback)
                     for strategy, rounds in remaining_rounds.items()))


def run_active_learning(setup, strategy_name, seed):
    """Yield the result row of round 0 (the initial labels) and of each query round of one
    run, each with the run's stopping rows (with the last round; an empty list before).

    The run first seeds Python's ``random``, NumPy's global RNG and, if it is loaded,
    torch with ``seed``, so it gives the same rows whatever ran before it in the process.

    Parameters
    ----------
    setup : RunSetup
        The data set and what its runs share.
    strategy_name : str
        The query strategy's kebab-case name.
    seed : int
        The run's seed.

    Yields
    ------
    row : dict
        The round's row of results.csv.
    stopping : list of dict
        The run's stopping.csv rows with its last round, else empty.
    """
    from small_text.active_learner import PoolBasedActiveLearner

    _seed_everything(seed)
    context, metrics = setup.context, setup.metrics
    query_strategy = STRATEGIES[strategy_name].build(context)
    learner = PoolBasedActiveLearner(setup.clf_factory, query_strategy, setup.train)
    tracker = StoppingTracker(setup.stopping, context.num_classes, setup.rounds,
                              context.multi_label)
    run_rows = []

    indices, query_seconds = _timed(_initial_indices, setup.train.y, context.initial,
                                    context.multi_label)
    _, fit_seconds = _timed(learner.initialize, indices)
    num_labels = context.initial
    for round_number in range(setup.rounds + 1):
        if round_number > 0:
            indices, query_seconds = _timed(learner.query, num_samples=context.query_size)
            _, fit_seconds = _timed(learner.update, setup.train.y[indices])
            num_labels += len(indices)
        scores, predict_seconds = _timed(_evaluate, learner.classifier, setup.test, metrics)
        run_rows.append({'dataset': setup.dataset, 'strategy': strategy_name, 'seed': seed,
                         'round': round_number, 'num_labels': num_labels, **scores,
                         'fit_seconds': fit_seconds, 'predict_seconds': predict_seconds,
                         'query_seconds': query_seconds})
        tracker.update(round_number, learner, setup.train)
        stop_now = setup.stop_on is not None and tracker.stop_rounds[setup.stop_on] is not None
        last = round_number == setup.rounds or stop_now
        yield run_rows[-1], (stopping_rows(setup.dataset, strategy_name, seed,
                                           tracker.stop_rounds, run_rows, metrics[0])
                             if last and setup.stopping else [])
        if stop_now:
            return  # --stop-on: the criterion ended the run


def _seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch = sys.modules.get('torch')
    if torch is not None:
        torch.manual_seed(seed)


def _initial_indices(y, num_samples, multi_label):
    from small_text.initialization import (
        random_initialization_balanced,
        random_initialization_stratified,
    )
    if multi_label:
        return random_initialization_stratified(y, n_samples=num_samples)
    return random_initialization_balanced(y, n_samples=num_samples)


def _evaluate(clf, test, metrics):
    from sklearn.metrics import accuracy_score, f1_score

    predictions = clf.predict(test)
    labels = np.arange(test.target_labels.shape[0])
    scorers = {
        'accuracy': lambda: accuracy_score(test.y, predictions),
        'macro_f1': lambda: f1_score(test.y, predictions, labels=labels, average='macro',
                                     zero_division=0),
        'micro_f1': lambda: f1_score(test.y, predictions, labels=labels, average='micro',
                                     zero_division=0),
    }
    return {metric: float(scorers[metric]()) for metric in metrics}


def _timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def _summary_note(config, data, metric):
    final = config.initial + config.rounds * config.query_size
    seeds = len(config.seed_list)
    shown = ', '.join(data.class_names[:10]) + (', ...' if data.num_classes > 10 else '')
    note = (f'{data.name}: {len(data.train_texts)} training and {len(data.test_texts)} test '
            f'texts, {data.num_classes} classes ({shown}); classifier {config.classifier}; '
            f'{config.initial} initial labels, then {config.rounds} rounds of '
            f'{config.query_size} queries ({final} labels at the end). Scores are the mean '
            f'over {seeds} seed(s) with, in brackets, its 95 % confidence interval (Student t, '
            f'clipped to [0, 1]); AUC is the area under the {METRIC_LABELS[metric]} learning '
            f'curve divided by the label range ({config.initial} to {final}), so it lies in '
            '[0, 1].')
    if config.stop_on is not None:
        note += (f' Runs end when {config.stop_on} stops them (see the stopping table); a '
                 'stopped run keeps its last scores for the rest of the curve.')
    if BASELINE_STRATEGY in config.strategies and len(config.strategies) > 1:
        note += (f' Δ is the difference to {BASELINE_STRATEGY} sampling run with the same '
                 'seed, averaged over the seeds, with its 95 % t-interval; p is the two-sided '
                 'Wilcoxon signed-rank test of a zero median difference.')
        if seeds <= 5:
            note += (f' With {seeds} seed(s) no p-value can fall below 0.05 (the smallest '
                     f'possible is {2 / 2 ** seeds:.3g}): use more seeds to test differences.'
                     if seeds > 1 else ' A single seed allows neither interval nor test.')
    return note
