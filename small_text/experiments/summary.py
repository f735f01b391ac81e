"""Summaries of learning curves: final scores, the normalised area under the curve, their
confidence intervals over seeds and paired comparisons with a baseline strategy."""
import warnings

import numpy as np

CONFIDENCE = 0.95
"""Confidence level of the intervals in summaries."""

BASELINE_STRATEGY = 'random'
"""The strategy that the others are compared with, seed by seed."""

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


def curves(rows, metric, stopped=None):
    """Group result rows into learning curves.

    Parameters
    ----------
    rows : list of dict
        Result rows with ``strategy``, ``seed``, ``round``, ``num_labels`` and ``metric``.
    metric : str
        The metric column.
    stopped : collection of (str, int), default=None
        ``(strategy, seed)`` runs that a stopping criterion ended early (``--stop-on``):
        their last row is carried forward over the rounds they did not run, as their
        classifier stays in use.

    Returns
    -------
    dict
        Maps each strategy (in order of first appearance) to ``(num_labels, scores)``:
        ``num_labels`` of shape (n_rounds,), ``scores`` of shape (n_seeds, n_rounds), seeds in
        ascending order. Only runs with the most rounds of their strategy are included.
    """
    return {strategy: (num_labels, scores) for strategy, (num_labels, _, scores)
            in _curves_with_seeds(rows, metric, stopped).items()}


def _curves_with_seeds(rows, metric, stopped=None):
    """Like :func:`curves`, with the seeds of the rows of ``scores``: ``(x, seeds, scores)``."""
    runs = {}
    for row in sorted(rows, key=lambda r: r['round']):
        runs.setdefault(row['strategy'], {}).setdefault(row['seed'], []).append(row)
    if stopped:
        _carry_forward(runs, set(stopped))
    result = {}
    for strategy, by_seed in runs.items():
        length = max(len(run) for run in by_seed.values())
        seeds = [seed for seed in sorted(by_seed) if len(by_seed[seed]) == length]
        num_labels = np.array([row['num_labels'] for row in by_seed[seeds[0]]])
        scores = np.array([[row[metric] for row in by_seed[seed]] for seed in seeds],
                          dtype=float)
        result[strategy] = (num_labels, seeds, scores)
    return result


def _carry_forward(runs, stopped):
    """Extend the stopped runs of ``runs`` to the longest run, repeating their last row."""
    all_runs = [run for by_seed in runs.values() for run in by_seed.values()]
    longest = max(all_runs, key=len)
    for strategy, by_seed in runs.items():
        for seed, run in by_seed.items():
            if (strategy, seed) in stopped:
                run.extend({**run[-1], 'round': row['round'], 'num_labels': row['num_labels']}
                           for row in longest[len(run):])


def mean_interval(values, confidence=CONFIDENCE):
    """Return the mean of ``values`` and Student's t confidence interval of that mean.

    The interval is ``mean ± t * s / sqrt(n)`` with the sample standard deviation ``s``
    (``ddof=1``) and the ``(1 + confidence) / 2`` quantile ``t`` of the t distribution with
    ``n - 1`` degrees of freedom; it assumes the values are independent draws, here runs
    with different seeds.

    Parameters
    ----------
    values : array-like of shape (n,)
        One value per seed.
    confidence : float, default=0.95
        Confidence level, in (0, 1).

    Returns
    -------
    mean : float
    interval : tuple of float or None
        ``(low, high)``; None for fewer than two values, where no interval exists.
    """
    from scipy.stats import t

    values = np.asarray(values, dtype=float)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f'values must be a non-empty 1-D array (got shape {values.shape})')
    if not 0 < confidence < 1:
        raise ValueError(f'confidence must lie in (0, 1) (got {confidence!r})')
    mean = float(values.mean())
    if values.size < 2:
        return mean, None
    half = float(t.ppf((1 + confidence) / 2, values.size - 1)
                 * values.std(ddof=1) / np.sqrt(values.size))
    return mean, (mean - half, mean + half)


def paired_difference(values, baseline, confidence=CONFIDENCE):
    """Compare paired values with a baseline: mean difference, its interval, Wilcoxon p.

    Parameters
    ----------
    values, baseline : array-like of shape (n,)
        Values of a strategy and of the baseline, paired by seed.
    confidence : float, default=0.95
        Confidence level of the interval.

    Returns
    -------
    dict
        ``mean`` (of ``values - baseline``), ``interval`` (the t-interval of that mean, see
        :func:`mean_interval`; None for fewer than two pairs), ``p_value`` (two-sided
        Wilcoxon signed-rank test of a zero median difference, ``scipy.stats.wilcoxon``;
        None for fewer than two pairs, 1.0 when every difference is zero) and ``pairs``.
    """
    from scipy.stats import wilcoxon

    values, baseline = np.asarray(values, dtype=float), np.asarray(baseline, dtype=float)
    if values.shape != baseline.shape:
        raise ValueError('values and baseline must have the same shape (got '
                         f'{values.shape} and {baseline.shape})')
    differences = values - baseline
    mean, interval = mean_interval(differences, confidence)
    if differences.size < 2:
        p_value = None
    elif not np.any(differences):
        p_value = 1.0  # identical results: no evidence of a difference
    else:
        with warnings.catch_warnings():  # ties and zeros switch scipy to an approximation
            warnings.simplefilter('ignore')
            p_value = float(wilcoxon(differences).pvalue)
    return {'mean': mean, 'interval': interval, 'p_value': p_value,
            'pairs': int(differences.size)}


def summarize(rows, metrics, stopped=None):
    """Return per strategy the final scores and the learning-curve area, over seeds.

    Parameters
    ----------
    rows : list of dict
        Result rows, see :func:`curves`.
    metrics : sequence of str
        Metric columns; the area is computed for the first.
    stopped : collection of (str, int), default=None
        Runs ended early by a stopping criterion, see :func:`curves`.

    Returns
    -------
    list of dict
        One dict per strategy with ``strategy``, ``seeds`` (number of runs),
        ``final_<metric>`` and ``auc`` as ``(mean, std)`` pairs (std is the population
        standard deviation over seeds, 0 for a single seed), and ``final_<metric>_ci`` and
        ``auc_ci``: the 95 % t-interval of the mean (see :func:`mean_interval`), clipped to
        the score range [0, 1], or None for a single seed.
    """
    summary = []
    for strategy, values in _final_scores_and_areas(rows, metrics, stopped).items():
        entry = {'strategy': strategy, 'seeds': len(values['seeds'])}
        for key in [f'final_{metric}' for metric in metrics] + ['auc']:
            mean, interval = mean_interval(values[key])
            entry[key] = (mean, float(values[key].std()))
            entry[f'{key}_ci'] = None if interval is None else (max(interval[0], 0.0),
                                                                min(interval[1], 1.0))
        summary.append(entry)
    return summary


def _final_scores_and_areas(rows, metrics, stopped=None):
    """Per strategy: ``seeds``, and per seed ``final_<metric>`` and ``auc`` (of metrics[0])."""
    by_metric = {metric: _curves_with_seeds(rows, metric, stopped) for metric in metrics}
    result = {}
    for strategy, (num_labels, seeds, scores) in by_metric[metrics[0]].items():
        values = {'seeds': seeds,
                  'auc': np.array([learning_curve_auc(num_labels, run) for run in scores])}
        for metric in metrics:
            values[f'final_{metric}'] = by_metric[metric][strategy][2][:, -1]
        result[strategy] = values
    return result


def compare_to_baseline(rows, metrics, baseline=BASELINE_STRATEGY, stopped=None):
    """Return, per strategy, its paired difference to ``baseline`` over their common seeds.

    For the final score of ``metrics[0]`` and the learning-curve area, each strategy's value
    minus the baseline's value with the same seed, summarised by :func:`paired_difference`.

    Parameters
    ----------
    rows : list of dict
        Result rows, see :func:`curves`.
    metrics : sequence of str
        Metric columns; the first is compared.
    baseline : str, default='random'
        The strategy compared with.
    stopped : collection of (str, int), default=None
        Runs ended early by a stopping criterion, see :func:`curves`.

    Returns
    -------
    list of dict
        One dict per other strategy (in order of first appearance) that shares a seed with
        the baseline, with ``strategy``, ``final_<metric>`` and ``auc`` (each a
        :func:`paired_difference` dict); empty if ``baseline`` has no finished run.
    """
    values = _final_scores_and_areas(rows, metrics, stopped)
    if baseline not in values:
        return []
    base = values[baseline]
    comparison = []
    for strategy, own in values.items():
        if strategy == baseline:
            continue
        common = [seed for seed in own['seeds'] if seed in base['seeds']]
        if not common:
            continue
        mine = [own['seeds'].index(seed) for seed in common]
        theirs = [base['seeds'].index(seed) for seed in common]
        entry = {'strategy': strategy}
        for key in (f'final_{metrics[0]}', 'auc'):
            entry[key] = paired_difference(own[key][mine], base[key][theirs])
        comparison.append(entry)
    return comparison


def format_summary(summary, metrics):
    """Return ``summary`` (from :func:`summarize`) as a Markdown table (no final newline).

    Each score cell is the mean over seeds with its 95 % confidence interval in brackets
    (just the mean for a single seed).
    """
    labels = [METRIC_LABELS.get(m, m) for m in metrics]
    header = ['strategy', *(f'final {label}' for label in labels), f'AUC ({labels[0]})', 'seeds']
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join(['---'] + ['---:'] * (len(header) - 1)) + '|']
    for entry in summary:
        keys = [f'final_{metric}' for metric in metrics] + ['auc']
        cells = [entry['strategy'],
                 *(_mean_interval(entry[key][0], entry[f'{key}_ci']) for key in keys),
                 str(entry['seeds'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def format_comparison(comparison, metric, baseline=BASELINE_STRATEGY):
    """Return ``comparison`` (from :func:`compare_to_baseline`) as a Markdown table.

    Per strategy the mean paired difference to ``baseline`` with its 95 % interval and the
    Wilcoxon signed-rank p-value, for the final ``metric`` and the learning-curve area.
    """
    label = METRIC_LABELS.get(metric, metric)
    header = ['strategy', f'Δ final {label} vs. {baseline}', 'p', f'Δ AUC vs. {baseline}', 'p',
              'pairs']
    lines = ['| ' + ' | '.join(header) + ' |',
             '|' + '|'.join(['---'] + ['---:'] * (len(header) - 1)) + '|']
    for entry in comparison:
        cells = [entry['strategy']]
        for key in (f'final_{metric}', 'auc'):
            difference = entry[key]
            cells += [_mean_interval(difference['mean'], difference['interval'], signed=True),
                      '–' if difference['p_value'] is None else f'{difference["p_value"]:.3f}']
        cells.append(str(entry['auc']['pairs']))
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def _mean_interval(mean, interval, signed=False):
    sign = '+' if signed else ''
    text = f'{mean:{sign}.4f}'
    if interval is None:
        return text
    return f'{text} [{interval[0]:{sign}.4f}, {interval[1]:{sign}.4f}]'


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
