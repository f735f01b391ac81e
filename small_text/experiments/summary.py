"""Summaries of learning curves: final scores and the normalised area under the curve."""
import numpy as np

METRIC_LABELS = {'accuracy': 'accuracy', 'macro_f1': 'macro-F1', 'micro_f1': 'micro-F1'}
"""How metric columns are named in tables and plots."""


def learning_curve_auc(num_labels, scores):
    """Return the area under a learning curve, normalised to the range of ``num_labels``.

    The trapezoidal area under ``scores`` over ``num_labels`` is divided by
    ``num_labels[-1] - num_labels[0]``, so scores in [0, 1] give an area in [0, 1]: the mean
    score over the labelling budget. A curve with a single point has the area of its score.

    Parameters
    ----------
    num_labels : array-like of shape (n_points,)
        Increasing numbers of labels.
    scores : array-like of shape (n_points,)
        The score at each number of labels.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the arrays are empty, differ in length, or ``num_labels`` is not increasing.
    """
    x = np.asarray(num_labels, dtype=float)
    y = np.asarray(scores, dtype=float)
    if x.ndim != 1 or x.shape != y.shape or x.size == 0:
        raise ValueError('num_labels and scores must be 1-D arrays of the same, non-zero '
                         f'length (got shapes {x.shape} and {y.shape})')
    if x.size == 1:
        return float(y[0])
    if np.any(np.diff(x) <= 0):
        raise ValueError('num_labels must be strictly increasing')
    area = np.sum((y[1:] + y[:-1]) * np.diff(x)) / 2
    return float(area / (x[-1] - x[0]))


def curves(rows, metric):
    """Group result rows into learning curves.

    Parameters
    ----------
    rows : list of dict
        Result rows with ``strategy``, ``seed``, ``round``, ``num_labels`` and ``metric``.
    metric : str
        The metric column.

    Returns
    -------
    dict
        Maps each strategy (in order of first appearance) to ``(num_labels, scores)``:
        ``num_labels`` of shape (n_rounds,), ``scores`` of shape (n_seeds, n_rounds), seeds in
        ascending order. Only runs with the most rounds of their strategy are included.
    """
    runs = {}
    for row in sorted(rows, key=lambda r: r['round']):
        runs.setdefault(row['strategy'], {}).setdefault(row['seed'], []).append(row)
    result = {}
    for strategy, by_seed in runs.items():
        length = max(len(run) for run in by_seed.values())
        complete = [by_seed[seed] for seed in sorted(by_seed) if len(by_seed[seed]) == length]
        num_labels = np.array([row['num_labels'] for row in complete[0]])
        scores = np.array([[row[metric] for row in run] for run in complete], dtype=float)
        result[strategy] = (num_labels, scores)
    return result


def summarize(rows, metrics):
    """Return per strategy the final scores and the learning-curve area, over seeds.

    Parameters
    ----------
    rows : list of dict
        Result rows, see :func:`curves`.
    metrics : sequence of str
        Metric columns; the area is computed for the first.

    Returns
    -------
    list of dict
        One dict per strategy with ``strategy``, ``seeds`` (number of runs),
        ``final_<metric>`` and ``auc`` as ``(mean, std)`` pairs; std is the population
        standard deviation over seeds (0 for a single seed).
    """
    by_metric = {metric: curves(rows, metric) for metric in metrics}
    summary = []
    for strategy, (num_labels, scores) in by_metric[metrics[0]].items():
        areas = np.array([learning_curve_auc(num_labels, run) for run in scores])
        entry = {'strategy': strategy, 'seeds': scores.shape[0]}
        for metric in metrics:
            final = by_metric[metric][strategy][1][:, -1]
            entry[f'final_{metric}'] = (float(final.mean()), float(final.std()))
        entry['auc'] = (float(areas.mean()), float(areas.std()))
        summary.append(entry)
    return summary


def format_summary(summary, metrics):
    """Return ``summary`` (from :func:`summarize`) as a Markdown table (no final newline)."""
    labels = [METRIC_LABELS.get(m, m) for m in metrics]
    header = ['strategy', *(f'final {label}' for label in labels), f'AUC ({labels[0]})', 'seeds']
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join(['---'] + ['---:'] * (len(header) - 1)) + '|']
    for entry in summary:
        cells = [entry['strategy'],
                 *(_mean_std(entry[f'final_{metric}']) for metric in metrics),
                 _mean_std(entry['auc']),
                 str(entry['seeds'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def _mean_std(pair):
    mean, std = pair
    return f'{mean:.4f} ± {std:.4f}'


def summarize_stopping(rows, metric):
    """Return per stopping criterion and strategy where the criterion stopped, over seeds.

    Parameters
    ----------
    rows : list of dict
        Stopping rows, see :func:`small_text.experiments.stopping.stopping_rows`.
    metric : str
        The metric of the ``<metric>_at_stop`` and ``final_<metric>`` columns.

    Returns
    -------
    list of dict
        One dict per (criterion, strategy), criteria and strategies in order of first
        appearance, with ``criterion``, ``strategy``, ``runs``, ``stopped`` (runs in which the
        criterion stopped), and, over those runs as ``(mean, std)`` pairs or None if it never
        stopped: ``stop_labels``, ``<metric>_at_stop`` and ``lost`` (final score minus score
        at the stop).
    """
    groups = {}
    for row in rows:
        groups.setdefault((row['criterion'], row['strategy']), []).append(row)
    groups = dict(sorted(groups.items(), key=lambda item: _first_index(rows, item[0])))
    summary = []
    for (criterion, strategy), group in groups.items():
        stopped = [row for row in group if row['stop_round'] is not None]
        entry = {'criterion': criterion, 'strategy': strategy, 'runs': len(group),
                 'stopped': len(stopped)}
        columns = {'stop_labels': [row['stop_labels'] for row in stopped],
                   f'{metric}_at_stop': [row[f'{metric}_at_stop'] for row in stopped],
                   'lost': [row[f'final_{metric}'] - row[f'{metric}_at_stop'] for row in stopped]}
        for key, values in columns.items():
            values = np.asarray(values, dtype=float)
            entry[key] = (float(values.mean()), float(values.std())) if values.size else None
        summary.append(entry)
    return summary


def _first_index(rows, key):
    criteria = list(dict.fromkeys(row['criterion'] for row in rows))
    strategies = list(dict.fromkeys(row['strategy'] for row in rows))
    return criteria.index(key[0]), strategies.index(key[1])


def format_stopping_summary(summary, metric):
    """Return ``summary`` (from :func:`summarize_stopping`) as a Markdown table."""
    label = METRIC_LABELS.get(metric, metric)
    header = ['stopping criterion', 'strategy', 'stopped', 'labels at stop', f'{label} at stop',
              f'{label} lost vs. final']
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join(['---', '---'] + ['---:'] * (len(header) - 2)) + '|']
    for entry in summary:
        cells = [entry['criterion'], entry['strategy'], f'{entry["stopped"]}/{entry["runs"]}']
        if entry['stop_labels'] is None:
            cells += ['never', '–', '–']
        else:
            mean, std = entry['stop_labels']
            cells += [f'{mean:.1f} ± {std:.1f}', _mean_std(entry[f'{metric}_at_stop']),
                      _mean_std(entry['lost'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)
