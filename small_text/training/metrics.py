"""Descriptions of the metrics measured during training."""


class Metric:
    """Name, type and direction of a metric measured during training.

    The canonical metric names are ``train_loss``, ``train_acc``, ``val_loss`` and ``val_acc``;
    the accuracies are higher-is-better.

    Parameters
    ----------
    name : str
        Name of the metric, e.g. ``'val_loss'``.
    dtype : type, default=float
        Type of the metric's values.
    lower_is_better : bool, default=True
        Whether lower values are better (e.g. a loss) or higher values (e.g. an accuracy).

    Examples
    --------
    >>> Metric('train_acc', lower_is_better=False)
    Metric('train_acc', dtype=float, lower_is_better=False)
    """

    def __init__(self, name: str, dtype: type = float, lower_is_better: bool = True):
        if not isinstance(name, str) or name == '':
            raise ValueError(f'Metric name must be a non-empty str, but got {name!r}.')
        self.name = name
        self.dtype = dtype
        self.lower_is_better = lower_is_better

    def __repr__(self):
        return (f'Metric(\'{self.name}\', dtype={self.dtype.__name__}, '
                f'lower_is_better={self.lower_is_better})')
