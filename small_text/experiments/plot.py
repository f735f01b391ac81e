"""The learning-curve plot (matplotlib is imported only when a plot is drawn)."""
import numpy as np

from small_text.experiments.summary import METRIC_LABELS, curves

_STOPPING_MARKERS = ('v', 's', 'D', '^', 'P', 'X', '*', 'h')


def plot_learning_curves(rows, metric, path, title=None, stopping_summary=None):
    """Draw the mean learning curve with a ±std band per strategy and save it as a PNG.

    With ``stopping_summary``, each stopping criterion gets a marker (with a legend entry),
    drawn on each strategy's mean curve at the criterion's mean stopping point.

    Uses matplotlib's Agg canvas directly, so no pyplot state or global backend changes.

    Parameters
    ----------
    rows : list of dict
        Result rows, see :func:`small_text.experiments.summary.curves`.
    metric : str
        The metric column on the y axis.
    path : str or Path
        Where to write the PNG.
    title : str, default=None
        Plot title.
    stopping_summary : list of dict, default=None
        See :func:`small_text.experiments.summary.summarize_stopping`.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), layout='constrained')
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    means = {}
    for strategy, (num_labels, scores) in curves(rows, metric).items():
        mean, std = scores.mean(axis=0), scores.std(axis=0)
        line, = axes.plot(num_labels, mean, marker='o', markersize=3, linewidth=1.8,
                          label=strategy)
        axes.fill_between(num_labels, mean - std, mean + std, color=line.get_color(),
                          alpha=0.2, linewidth=0)
        means[strategy] = (num_labels, mean, line.get_color())
    _plot_stopping_points(axes, means, stopping_summary or [])
    axes.set_xlabel('number of labelled texts')
    axes.set_ylabel(f'test {METRIC_LABELS.get(metric, metric)}')
    axes.grid(alpha=0.3)
    axes.legend(title='query strategy (mean ± std)', loc='lower right')
    if title:
        axes.set_title(title)
    figure.savefig(path, dpi=100)


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
