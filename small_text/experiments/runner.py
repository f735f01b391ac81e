"""``run_experiment``: simulated active learning over strategies and seeds, with outputs."""
import contextlib
import dataclasses
import logging
import time
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

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
        One row per strategy, seed and round, as in results.csv.
    summary : list of dict
        Per strategy the final scores and the learning-curve area with their 95 % confidence
        intervals over seeds, see :func:`small_text.experiments.summary.summarize`.
    summary_table : str
        ``summary`` as a Markdown table (the body of summary.md), followed by the table of
        ``comparison`` and, if the experiment has stopping criteria, the stopping table.
    stopping_rows : list of dict
        Per strategy, seed and stopping criterion, the first round at which the criterion
        would have stopped, as in stopping.csv (empty without ``stopping``).
    stopping_summary : list of dict
        Per criterion and strategy the mean stopping point and accuracy lost, see
        :func:`small_text.experiments.summary.summarize_stopping`.
    comparison : list of dict
        Per strategy other than random sampling, the paired difference to it (same seeds)
        in the final score and the learning-curve area, with 95 % interval and Wilcoxon
        p-value, see :func:`small_text.experiments.summary.compare_to_baseline`; empty
        without ``random``.
    """
    config: ExperimentConfig
    out: Path
    rows: list
    summary: list
    summary_table: str
    stopping_rows: list = None
    stopping_summary: list = None
    comparison: list = None


def run_experiment(config=None, *, resume=False, overwrite=False, quiet=False, **options):
    """Run an active-learning experiment and write its results.

    For each query strategy and seed, a pool-based active learner starts from ``initial``
    labelled training texts and labels ``query_size`` more in each of ``rounds`` rounds, the
    labels coming from the data (simulated annotation). After the initial fit and after each
    round the classifier is evaluated on the test set. Each (strategy, seed) run seeds NumPy's
    global RNG with its seed, so the same configuration gives the same results (apart from
    the timing columns).

    Files are written only when ``out`` is given: ``results.csv`` and ``results.json`` row
    by row, then ``summary.md`` and ``learning_curves.png`` (or ``.svg``/``.pdf``, see
    ``plot_format``). Without ``out`` the results are only returned. With stopping criteria
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
    **options
        Configuration keys (see :class:`ExperimentConfig`) that override ``config``.

    Returns
    -------
    ExperimentResults

    Raises
    ------
    ExperimentError
        For any bad input: options, data files, or the output folder (including one that
        another experiment is writing into: each run holds a lock on its output folder).
    ExperimentInterrupted
        On Ctrl-C while the runs are going; a :class:`KeyboardInterrupt` that names the
        output folder, whose results.csv and results.json hold every finished round.
    """
    config = _make_config(config, options)
    with _silenced(quiet):
        return _run_experiment(config, resume, overwrite, quiet)


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


def _run_experiment(config, resume, overwrite, quiet):
    if resume and config.out is None:
        raise ExperimentError('--resume needs --out: the folder of the run to continue')
    data = load_data(config)
    _check_strategies(config.strategies, data.multi_label)
    check_stopping(config.stopping, data.multi_label)

    out = None if config.out is None else config.out.resolve()
    metrics = metric_names(data.multi_label)
    header = {'config': {**config.to_dict(), 'out': None if out is None else str(out)},
              'dataset': {'name': data.name,
                          'num_train': len(data.train_texts),
                          'num_test': len(data.test_texts),
                          'classes': data.class_names,
                          'multi_label': data.multi_label,
                          'files': data.files},
              'versions': dependency_versions()}
    with contextlib.nullcontext() if out is None else lock_output(out):
        return _run_into(out, header, config, data, metrics, resume, overwrite, quiet)


def _run_into(out, header, config, data, metrics, resume, overwrite, quiet):
    """Run the experiment, writing into ``out`` (locked by the caller; None: no files)."""
    columns = result_columns(data.multi_label)
    stopping = stopping_columns(metrics[0]) if config.stopping else ()
    if out is None:
        writer, finished = ResultsWriter(None, header, columns, stopping_columns=stopping), set()
    else:
        writer, finished = open_results(out, header, columns, config.rounds, resume=resume,
                                        overwrite=overwrite, stopping_columns=stopping)

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
    clf_factory = classifier.build_factory(context, train)

    runs = [(strategy, seed) for strategy in config.strategies for seed in config.seed_list
            if (strategy, seed) not in finished]
    try:
        _run_all(runs, config, context, clf_factory, train, test, metrics, writer, quiet)
    except KeyboardInterrupt:
        raise ExperimentInterrupted(out) from None

    stopped = stopped_runs(writer.stopping_rows, config.stop_on, config.rounds)
    summary = summarize(writer.rows, metrics, stopped)
    table = format_summary(summary, metrics)
    comparison = compare_to_baseline(writer.rows, metrics, stopped=stopped)
    if comparison:
        table += '\n\n' + format_comparison(comparison, metrics[0])
    stopping_summary = summarize_stopping(writer.stopping_rows, metrics[0])
    if config.stopping:
        table += '\n\n' + format_stopping_summary(stopping_summary, metrics[0])
    if out is not None:
        _write_summary_and_plot(out, config, data, metrics, writer, table, stopping_summary,
                                stopped)
    return ExperimentResults(config=config, out=out, rows=writer.rows, summary=summary,
                             summary_table=table, stopping_rows=writer.stopping_rows,
                             stopping_summary=stopping_summary, comparison=comparison)


def _write_summary_and_plot(out, config, data, metrics, writer, table, stopping_summary,
                            stopped):
    (out / SUMMARY_MD).write_text(
        f'{table}\n\n{_summary_note(config, data, metrics[0])}\n', encoding='utf-8')
    from small_text.experiments.plot import plot_learning_curves
    plot_learning_curves(writer.rows, metrics[0],
                         out / f'learning_curves.{config.plot_format}',
                         title=f'{data.name}, {config.classifier}: {len(config.seed_list)} '
                               'seed(s)', stopping_summary=stopping_summary, metrics=metrics,
                         stopped=stopped)


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


def _run_all(runs, config, context, clf_factory, train, test, metrics, writer, quiet):
    from tqdm import tqdm

    total = len(config.seed_list) * len(config.strategies) * (config.rounds + 1)
    label = METRIC_LABELS[metrics[0]]
    seconds = {}  # strategy -> seconds of each of its rounds so far
    with tqdm(total=total, initial=len(writer.rows), disable=quiet, unit='round',
              desc='small-text experiment', bar_format=_BAR_FORMAT) as pbar:
        for index, (strategy, seed) in enumerate(runs):
            done = 0
            start = time.perf_counter()
            for row, stopping in _run_active_learning(strategy, seed, config, context,
                                                      clf_factory, train, test, metrics):
                if stopping:
                    writer.append_stopping(stopping)  # before the last row: see open_results
                writer.append(row)
                seconds.setdefault(strategy, []).append(time.perf_counter() - start)
                done += 1
                remaining = _remaining_rounds(runs[index:], config.rounds + 1, done)
                eta = estimate_remaining_seconds(remaining, seconds)
                pbar.set_postfix_str(f'ETA {"?" if eta is None else tqdm.format_interval(eta)}'
                                     f', {strategy}, seed {seed}, {label} '
                                     f'{row[metrics[0]]:.3f}', refresh=False)
                pbar.update()
                start = time.perf_counter()
            pbar.total -= config.rounds + 1 - done  # a run ended early by --stop-on
            pbar.refresh()


_BAR_FORMAT = '{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} [{elapsed}{postfix}]'
"""The progress bar: tqdm's own remaining time is replaced by :func:`estimate_remaining_seconds`."""


def _remaining_rounds(runs, rounds_per_run, done_in_first):
    """Return the rounds left per strategy, for the ``runs`` still to go (the first of them
    with ``done_in_first`` rounds done)."""
    remaining = {}
    for i, (strategy, _) in enumerate(runs):
        left = rounds_per_run - (done_in_first if i == 0 else 0)
        remaining[strategy] = remaining.get(strategy, 0) + left
    return remaining


def estimate_remaining_seconds(remaining_rounds, seconds):
    """Estimate the time left from each strategy's measured cost per round.

    Strategies differ widely in cost (random sampling against an embedding strategy), so
    each strategy's remaining rounds are multiplied by its own mean seconds per round; a
    strategy not measured yet is assumed to cost the mean of the measured ones.

    Parameters
    ----------
    remaining_rounds : dict
        Strategy name to the number of rounds it has left.
    seconds : dict
        Strategy name to the list of measured durations of its rounds, in seconds.

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


def _run_active_learning(strategy_name, seed, config, context, clf_factory, train, test,
                         metrics):
    """Yield the result row of round 0 (the initial labels) and of each query round, each
    with the run's stopping rows (with the last round; an empty list before)."""
    from small_text.active_learner import PoolBasedActiveLearner

    np.random.seed(seed)
    query_strategy = STRATEGIES[strategy_name].build(context)
    learner = PoolBasedActiveLearner(clf_factory, query_strategy, train)
    tracker = StoppingTracker(config.stopping, context.num_classes, config.rounds)
    run_rows = []

    indices, query_seconds = _timed(_initial_indices, train.y, config.initial,
                                    context.multi_label)
    _, fit_seconds = _timed(learner.initialize, indices)
    num_labels = config.initial
    for round_number in range(config.rounds + 1):
        if round_number > 0:
            indices, query_seconds = _timed(learner.query, num_samples=config.query_size)
            _, fit_seconds = _timed(learner.update, train.y[indices])
            num_labels += len(indices)
        scores, predict_seconds = _timed(_evaluate, learner.classifier, test, metrics)
        run_rows.append({'strategy': strategy_name, 'seed': seed, 'round': round_number,
                         'num_labels': num_labels, **scores, 'fit_seconds': fit_seconds,
                         'predict_seconds': predict_seconds, 'query_seconds': query_seconds})
        tracker.update(round_number, learner, train)
        stop_now = config.stop_on is not None and tracker.stop_rounds[config.stop_on] is not None
        last = round_number == config.rounds or stop_now
        yield run_rows[-1], (stopping_rows(strategy_name, seed, tracker.stop_rounds, run_rows,
                                           metrics[0]) if last and config.stopping else [])
        if stop_now:
            return  # --stop-on: the criterion ended the run


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
