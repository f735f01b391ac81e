"""The learning-curve plot (matplotlib is imported only when a plot is drawn)."""
import numpy as np

from small_text.experiments.summary import METRIC_LABELS, curves

PLOT_FORMATS = ('png', 'svg', 'pdf')
"""File formats of the learning-curve plot."""

DEFAULT_DPI = 200
"""Resolution of PNG plots, in dots per inch."""

_STOPPING_MARKERS = ('v', 's', 'D', '^', 'P', 'X', '*', 'h')
_SCORE_RANGE = (0.0, 1.0)


def plot_learning_curves(rows, metric, path, title=None, stopping_summary=None,
                         metrics=None, dpi=DEFAULT_DPI, stopped=None):
    """Draw the learning curves, one panel per metric, and save them to ``path``.

    Each panel shows per strategy the mean score over seeds against the number of labels,
    with a band of ± one standard deviation clipped to the score range [0, 1]. The legend
    sits outside the panels, to their right, so it never covers a curve.

    With ``stopping_summary``, each stopping criterion gets a marker (with a legend entry),
    drawn on each strategy's mean curve at the criterion's mean stopping point.

    Uses matplotlib's canvases directly, so no pyplot state or global backend changes.

    Parameters
    ----------
    rows : list of dict
        Result rows, see :func:`small_text.experiments.summary.curves`.
    metric : str
        The metric of the first panel (the metric of the learning-curve area).
    path : str or Path
        Where to write the plot; its suffix (``.png``, ``.svg`` or ``.pdf``) sets the format.
    title : str, default=None
        Title above the panels.
    stopping_summary : list of dict, default=None
        See :func:`small_text.experiments.summary.summarize_stopping`.
    metrics : sequence of str, default=None
        The metrics to plot, one panel each, starting with ``metric``; ``None`` plots
        ``metric`` only.
    dpi : int, default=200
        Resolution of a PNG (vector formats ignore it).
    stopped : collection of (str, int), default=None
        Runs ended early by a stopping criterion, see
        :func:`small_text.experiments.summary.curves`.

    Raises
    ------
    ValueError
        If the suffix of ``path`` is not one of :data:`PLOT_FORMATS`, or ``metrics`` does not
        start with ``metric``.
    """
    plot_dataset_learning_curves([{'title': title, 'rows': rows,
                                   'stopping_summary': stopping_summary, 'stopped': stopped}],
                                 metric, path, metrics=metrics, dpi=dpi)


def plot_dataset_learning_curves(datasets, metric, path, metrics=None, dpi=DEFAULT_DPI):
    """Draw the learning curves of several data sets, one row of panels per data set.

    Each row is what :func:`plot_learning_curves` draws for one data set (a panel per metric,
    the legend to the right of the panels, the title above them); a single data set gives
    exactly that plot.

    Parameters
    ----------
    datasets : list of dict
        One dict per data set with the keys ``title`` (str or None), ``rows`` (its result
        rows), ``stopping_summary`` (list of dict or None) and ``stopped`` (collection of
        ``(strategy, seed)`` or None), as the arguments of :func:`plot_learning_curves`.
    metric : str
        The metric of the first panel of each row.
    path : str or Path
        Where to write the plot; its suffix (``.png``, ``.svg`` or ``.pdf``) sets the format.
    metrics : sequence of str, default=None
        The metrics to plot, one panel each, starting with ``metric``; ``None`` plots
        ``metric`` only.
    dpi : int, default=200
        Resolution of a PNG (vector formats ignore it).

    Raises
    ------
    ValueError
        If the suffix of ``path`` is not one of :data:`PLOT_FORMATS`, ``metrics`` does not
        start with ``metric``, or ``datasets`` is empty.
    """
    from pathlib import Path

    path = Path(path)
    file_format = path.suffix.lstrip('.').lower()
    if file_format not in PLOT_FORMATS:
        raise ValueError(f'cannot write a plot to {path}: use the suffix .png, .svg or .pdf')
    metrics = [metric] if metrics is None else list(metrics)
    if not metrics or metrics[0] != metric:
        raise ValueError(f'metrics must start with metric {metric!r} (got {metrics!r})')
    if not datasets:
        raise ValueError('datasets must hold at least one data set to plot')
    figure = _figure(datasets, metrics)
    _canvas(file_format)(figure)
    figure.savefig(path, dpi=dpi, format=file_format)


def _figure(datasets, metrics):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.2 * len(metrics) + 2.4, 4.6 * len(datasets)),
                    layout='constrained')
    parts = [figure] if len(datasets) == 1 else figure.subfigures(len(datasets), 1)
    for part, dataset in zip(parts, datasets):
        _draw_dataset(part, dataset, metrics)
    return figure


def _draw_dataset(figure, dataset, metrics):
    """Draw one data set's row of panels into ``figure`` (a Figure or a SubFigure)."""
    axes_list = figure.subplots(1, len(metrics), sharex=True, squeeze=False)[0]
    for axes, panel_metric in zip(axes_list, metrics):
        means = _plot_curves(axes, dataset['rows'], panel_metric, dataset.get('stopped'))
        _plot_stopping_points(axes, means, dataset.get('stopping_summary') or [])
        axes.set_xlabel('number of labelled texts')
        axes.set_ylabel(f'test {METRIC_LABELS.get(panel_metric, panel_metric)}')
        axes.set_title(METRIC_LABELS.get(panel_metric, panel_metric))
        axes.grid(alpha=0.3)
    handles, labels = axes_list[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc='outside right upper',
                  title='query strategy\n(mean ± std)')
    if dataset.get('title'):
        figure.suptitle(dataset['title'])


def _canvas(file_format):
    if file_format == 'pdf':
        from matplotlib.backends.backend_pdf import FigureCanvasPdf
        return FigureCanvasPdf
    if file_format == 'svg':
        from matplotlib.backends.backend_svg import FigureCanvasSVG
        return FigureCanvasSVG
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    return FigureCanvasAgg


def _plot_curves(axes, rows, metric, stopped):
    """Draw mean curves and clipped ± std bands; return ``{strategy: (x, mean, color)}``."""
    means = {}
    for strategy, (num_labels, scores) in curves(rows, metric, stopped).items():
        mean, std = scores.mean(axis=0), scores.std(axis=0)
        line, = axes.plot(num_labels, mean, marker='o', markersize=3, linewidth=1.8,
                          label=strategy)
        axes.fill_between(num_labels, np.clip(mean - std, *_SCORE_RANGE),
                          np.clip(mean + std, *_SCORE_RANGE), color=line.get_color(),
                          alpha=0.2, linewidth=0)
        means[strategy] = (num_labels, mean, line.get_color())
    return means


def _plot_stopping_points(axes, means, stopping_summary):
    criteria = list(dict.fromkeys(entry['criterion'] for entry in stopping_summary))
    for criterion, marker in zip(criteria, _STOPPING_MARKERS * len(criteria)):
        points = [(means[entry['strategy']], entry['stop_labels'][0])
                  for entry in stopping_summary
                  if entry['criterion'] == criterion and entry['stop_labels'] is not None
                  and entry['strategy'] in means]
        for (num_labels, mean, color), labels in points:
            axes.plot(labels, np.interp(labels, num_labels, mean), linestyle='none',
                      marker=marker, markersize=9, markerfacecolor=color,
                      markeredgecolor='black', zorder=3)
        axes.plot([], [], linestyle='none', marker=marker, markersize=8, color='white',
                  markeredgecolor='black',
                  label=f'stop: {criterion} ' + ('(mean)' if points else '(never)'))
