"""The learning-curve plot (matplotlib is imported only when a plot is drawn)."""
from small_text.experiments.summary import METRIC_LABELS, curves


def plot_learning_curves(rows, metric, path, title=None):
    """Draw the mean learning curve with a ±std band per strategy and save it as a PNG.

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
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 5), layout='constrained')
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for strategy, (num_labels, scores) in curves(rows, metric).items():
        mean, std = scores.mean(axis=0), scores.std(axis=0)
        line, = axes.plot(num_labels, mean, marker='o', markersize=3, linewidth=1.8,
                          label=strategy)
        axes.fill_between(num_labels, mean - std, mean + std, color=line.get_color(),
                          alpha=0.2, linewidth=0)
    axes.set_xlabel('number of labelled texts')
    axes.set_ylabel(f'test {METRIC_LABELS.get(metric, metric)}')
    axes.grid(alpha=0.3)
    axes.legend(title='query strategy (mean ± std)', loc='lower right')
    if title:
        axes.set_title(title)
    figure.savefig(path, dpi=100)
