"""``run_experiment``: simulated active learning over strategies and seeds, with outputs."""
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from small_text.experiments.config import ExperimentConfig, read_config_file
from small_text.experiments.data import load_data
from small_text.experiments.exceptions import ExperimentError, ExperimentInterrupted
from small_text.experiments.outputs import (
    LEARNING_CURVES_PNG,
    SUMMARY_MD,
    dependency_versions,
    metric_names,
    open_results,
    result_columns,
)
from small_text.experiments.registry import CLASSIFIERS, STRATEGIES, RunContext
from small_text.experiments.stopping import (
    StoppingTracker,
    check_stopping,
    stopping_columns,
    stopping_rows,
)
from small_text.experiments.summary import (
    METRIC_LABELS,
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
    out : Path
        The output folder (absolute).
    rows : list of dict
        One row per strategy, seed and round, as in results.csv.
    summary : list of dict
        Per strategy the final scores and the learning-curve area, see
        :func:`small_text.experiments.summary.summarize`.
    summary_table : str
        ``summary`` as a Markdown table (the body of summary.md), followed by the stopping
        table if the experiment has stopping criteria.
    stopping_rows : list of dict
        Per strategy, seed and stopping criterion, the first round at which the criterion
        would have stopped, as in stopping.csv (empty without ``stopping``).
    stopping_summary : list of dict
        Per criterion and strategy the mean stopping point and accuracy lost, see
        :func:`small_text.experiments.summary.summarize_stopping`.
    """
    config: ExperimentConfig
    out: Path
    rows: list
    summary: list
    summary_table: str
    stopping_rows: list = None
    stopping_summary: list = None


def run_experiment(config=None, *, resume=False, overwrite=False, quiet=False, **options):
    """Run an active-learning experiment and write its results.

    For each query strategy and seed, a pool-based active learner starts from ``initial``
    labelled training texts and labels ``query_size`` more in each of ``rounds`` rounds, the
    labels coming from the data (simulated annotation). After the initial fit and after each
    round the classifier is evaluated on the test set. Each (strategy, seed) run seeds NumPy's
    global RNG with its seed, so the same configuration gives the same results (apart from
    the timing columns).

    Writes ``results.csv`` and ``results.json`` in the output folder row by row, then
    ``summary.md`` and ``learning_curves.png``. With stopping criteria (``stopping``), each
    run also records the first round at which each criterion would have stopped (the runs
    are not cut short), in ``stopping.csv`` and under ``stopping`` in ``results.json``; the
    plot marks the mean stopping points and the summary gets a second table.

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
        Hide the progress bar.
    **options
        Configuration keys (see :class:`ExperimentConfig`) that override ``config``.

    Returns
    -------
    ExperimentResults

    Raises
    ------
    ExperimentError
        For any bad input: options, data files, or the output folder.
    ExperimentInterrupted
        On Ctrl-C while the runs are going; a :class:`KeyboardInterrupt` that names the
        output folder, whose results.csv and results.json hold every finished round.
    """
    config = _make_config(config, options)
    if resume and config.out is None:
        raise ExperimentError('--resume needs --out: the folder of the run to continue')
    data = load_data(config)
    _check_strategies(config.strategies, data.multi_label)
    check_stopping(config.stopping, data.multi_label)

    out = (config.out if config.out is not None else _default_out(data.name)).resolve()
    metrics = metric_names(data.multi_label)
    header = {'config': {**config.to_dict(), 'out': str(out)},
              'dataset': {'name': data.name,
                          'num_train': len(data.train_texts),
                          'num_test': len(data.test_texts),
                          'classes': data.class_names,
                          'multi_label': data.multi_label,
                          'files': data.files},
              'versions': dependency_versions()}
    writer, finished = open_results(
        out, header, result_columns(data.multi_label), config.rounds, resume=resume,
        overwrite=overwrite,
        stopping_columns=stopping_columns(metrics[0]) if config.stopping else ())

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

    runs = [(strategy, seed) for strategy in config.strategies for seed in range(config.seeds)
            if (strategy, seed) not in finished]
    try:
        _run_all(runs, config, context, clf_factory, train, test, metrics, writer, quiet)
    except KeyboardInterrupt:
        raise ExperimentInterrupted(out) from None

    summary = summarize(writer.rows, metrics)
    table = format_summary(summary, metrics)
    stopping_summary = summarize_stopping(writer.stopping_rows, metrics[0])
    if config.stopping:
        table += '\n\n' + format_stopping_summary(stopping_summary, metrics[0])
    (out / SUMMARY_MD).write_text(
        f'{table}\n\n{_summary_note(config, data, metrics[0])}\n', encoding='utf-8')
    from small_text.experiments.plot import plot_learning_curves
    plot_learning_curves(writer.rows, metrics[0], out / LEARNING_CURVES_PNG,
                         title=f'{data.name}, {config.classifier}: mean ± std over '
                               f'{config.seeds} seed(s)', stopping_summary=stopping_summary)
    return ExperimentResults(config=config, out=out, rows=writer.rows, summary=summary,
                             summary_table=table, stopping_rows=writer.stopping_rows,
                             stopping_summary=stopping_summary)


def _make_config(config, options):
    if isinstance(config, ExperimentConfig):
        return ExperimentConfig(**{**config.to_dict(), **options})
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


def _default_out(name):
    return Path(DEFAULT_RESULTS_DIR) / f'{name}-{datetime.now():%Y%m%d-%H%M%S}'


def _run_all(runs, config, context, clf_factory, train, test, metrics, writer, quiet):
    from tqdm import tqdm

    total = config.seeds * len(config.strategies) * (config.rounds + 1)
    label = METRIC_LABELS[metrics[0]]
    with tqdm(total=total, initial=len(writer.rows), disable=quiet, unit='round',
              desc='small-text experiment') as pbar:
        for strategy, seed in runs:
            for row, stopping in _run_active_learning(strategy, seed, config, context,
                                                      clf_factory, train, test, metrics):
                if stopping:
                    writer.append_stopping(stopping)  # before the last row: see open_results
                writer.append(row)
                pbar.set_postfix_str(f'{strategy}, seed {seed}, {label} {row[metrics[0]]:.3f}',
                                     refresh=False)
                pbar.update()


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
        last = round_number == config.rounds and config.stopping
        yield run_rows[-1], (stopping_rows(strategy_name, seed, tracker.stop_rounds, run_rows,
                                           metrics[0]) if last else [])


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
    return (f'{data.name}: {len(data.train_texts)} training and {len(data.test_texts)} test '
            f'texts, {data.num_classes} classes; classifier {config.classifier}; '
            f'{config.initial} initial labels, then {config.rounds} rounds of '
            f'{config.query_size} queries ({final} labels at the end). Mean ± std over '
            f'{config.seeds} seed(s); AUC is the area under the {METRIC_LABELS[metric]} '
            f'learning curve divided by the label range ({config.initial} to {final}), '
            'so it lies in [0, 1].')
