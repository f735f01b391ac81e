"""Early stopping: end training once a monitored metric stops improving."""
from abc import ABC, abstractmethod
from typing import Dict, List

import numpy as np

from small_text.training.metrics import Metric


class EarlyStoppingHandler(ABC):
    """Decides after each validation whether training should stop early."""

    @abstractmethod
    def check_early_stop(self, epoch: int, measured_values: Dict[str, float]) -> bool:
        """Record the measured values and return whether to stop training.

        Parameters
        ----------
        epoch : int
            The current epoch, starting at 1. It may repeat, since several checks per epoch
            are allowed.
        measured_values : dict of str to float
            The values measured at this check, e.g. ``{'val_loss': 0.1, 'val_acc': 0.9}``.
            Values may be missing or None.

        Returns
        -------
        stop : bool
            True if training should stop, otherwise False.
        """


class NoopEarlyStopping(EarlyStoppingHandler):
    """An early stopping handler that never stops."""

    def check_early_stop(self, epoch, measured_values):
        """Return False.

        Parameters
        ----------
        epoch : int
            Ignored.
        measured_values : dict of str to float
            Ignored.

        Returns
        -------
        stop : bool
            Always False.
        """
        return False


class EarlyStopping(EarlyStoppingHandler):
    """Stops when a monitored metric has not improved for more than ``patience`` checks,
    or as soon as it passes ``threshold``.

    Parameters
    ----------
    metric : Metric
        The monitored metric; one of ``train_loss``, ``train_acc``, ``val_loss``, ``val_acc``.
        Its ``lower_is_better`` gives the direction of an improvement.
    min_delta : float, default=1e-14
        Minimum absolute change that counts as an improvement (if 0, any strict improvement
        counts). Equal values are never an improvement.
    patience : int, default=5
        Stop once more than ``patience`` checks with a value of the metric followed the best
        value without improving on it. A negative value disables this mechanism (then a
        positive ``threshold`` is required).
    threshold : float, default=0.0
        If positive, stop as soon as a loss is strictly below, or an accuracy strictly above,
        this value. 0 disables this mechanism. Accuracy thresholds must lie in [0, 1].

    Raises
    ------
    ValueError
        If the metric is not one of the four canonical metrics, ``min_delta < 0``, neither
        mechanism is enabled (``patience < 0`` and ``threshold <= 0``), or an accuracy
        threshold lies outside [0, 1].

    Notes
    -----
    Every check appends a row ``(epoch, count, train_acc, train_loss, val_acc, val_loss)`` to
    the history, where ``count`` is the number of earlier rows of the same epoch and missing
    values are NaN. The first check that holds a value of the monitored metric becomes the
    initial best. (small-text 2.0 sets the best only if that is the very first check; if the
    first checks lack the value, it later compares a value with itself. This implementation
    does not.)

    Examples
    --------
    With ``val_loss`` and ``patience=2``, the values 0.060, 0.061, 0.060, 0.060 give False,
    False, False, True: equal values are not improvements.

    >>> early_stopping = EarlyStopping(Metric('val_loss'), patience=2)
    >>> [early_stopping.check_early_stop(epoch, {'val_loss': value})
    ...  for epoch, value in enumerate([0.060, 0.061, 0.060, 0.060], start=1)]
    [False, False, False, True]
    """

    _HISTORY_COLUMNS = ('epoch', 'count', 'train_acc', 'train_loss', 'val_acc', 'val_loss')
    _MONITORABLE_METRICS = _HISTORY_COLUMNS[2:]

    def __init__(self, metric: Metric, min_delta: float = 1e-14, patience: int = 5,
                 threshold: float = 0.0):
        # by protocol, so that a Metric of a reloaded copy of its module is accepted
        if not all(hasattr(metric, attribute) for attribute in ('name', 'lower_is_better')) \
                or metric.name not in self._MONITORABLE_METRICS:
            raise ValueError(f'metric must be a Metric named one of '
                             f'{list(self._MONITORABLE_METRICS)}, but got {metric!r}.')
        if min_delta < 0:
            raise ValueError(f'min_delta must be greater than or equal to zero, '
                             f'but got min_delta={min_delta}.')
        if patience < 0 and threshold <= 0:
            raise ValueError(f'Invalid configuration: patience={patience} and '
                             f'threshold={threshold} disable both stopping mechanisms. '
                             f'Set patience >= 0 and/or threshold > 0.')
        if '_acc' in metric.name and not 0 <= threshold <= 1:
            raise ValueError(f'Threshold for accuracy metric {metric.name!r} must lie in [0, 1], '
                             f'but got threshold={threshold}.')

        self.metric = metric
        self.min_delta = min_delta
        self.patience = patience
        self.threshold = threshold

        self._history = np.empty((0, len(self._HISTORY_COLUMNS)), dtype=np.float64)
        self._index_best = -1

    def check_early_stop(self, epoch, measured_values):
        """Record the measured values and return whether to stop training.

        A missing, None or NaN value of the monitored metric never stops training by itself
        and does not count towards the patience.

        Parameters
        ----------
        epoch : int
            The current epoch, starting at 1. It may repeat (several checks per epoch).
        measured_values : dict of str to float
            The measured values; keys other than the four canonical metrics are ignored.

        Returns
        -------
        stop : bool
            True if training should stop, otherwise False.

        Raises
        ------
        ValueError
            If ``epoch <= 0``.
        """
        if epoch <= 0:
            raise ValueError(f'Argument "epoch" must be greater than zero (epochs start at 1), '
                             f'but got epoch={epoch}.')
        self._append_row(epoch, measured_values)

        value = self._history[-1, self._HISTORY_COLUMNS.index(self.metric.name)]
        if np.isnan(value):
            return False
        sign = -1 if self.metric.lower_is_better else 1
        if self.threshold > 0 and np.sign(value - self.threshold) == sign:
            return True
        if self._index_best < 0:
            self._index_best = self._history.shape[0] - 1
            return False
        if self.patience < 0:
            return False
        return self._check_patience(value, sign)

    def _append_row(self, epoch, measured_values):
        count = np.count_nonzero(self._history[:, 0] == epoch)
        values = [measured_values.get(name) for name in self._MONITORABLE_METRICS]
        row = [epoch, count] + [np.nan if value is None else float(value) for value in values]
        self._history = np.vstack([self._history, np.asarray(row, dtype=np.float64)])

    def _check_patience(self, value, sign):
        column = self._HISTORY_COLUMNS.index(self.metric.name)
        delta = value - self._history[self._index_best, column]
        improved = np.sign(delta) == sign and (self.min_delta <= 0 or abs(delta) >= self.min_delta)
        if improved:
            self._index_best = self._history.shape[0] - 1
            return False
        rows_since_best = self._history[self._index_best + 1:, column]
        return bool(np.count_nonzero(~np.isnan(rows_since_best)) > self.patience)


class _EarlyStoppingCondition(EarlyStoppingHandler):
    """Combines several early stopping handlers; subclasses choose how to aggregate."""

    def __init__(self, early_stopping_handlers: List[EarlyStoppingHandler]):
        early_stopping_handlers = list(early_stopping_handlers)
        if len(early_stopping_handlers) == 0:
            raise ValueError('early_stopping_handlers must contain at least one handler.')
        for handler in early_stopping_handlers:
            if not hasattr(handler, 'check_early_stop'):  # by protocol (see EarlyStopping)
                raise TypeError(f'early_stopping_handlers must contain EarlyStoppingHandler '
                                f'instances only, but got {type(handler).__name__}.')
        self.early_stopping_handlers = early_stopping_handlers

    def _check_all(self, epoch, measured_values):
        # every handler is called (no short-circuit) since handlers are stateful
        return [handler.check_early_stop(epoch, measured_values)
                for handler in self.early_stopping_handlers]


class EarlyStoppingOrCondition(_EarlyStoppingCondition):
    """Stops if **any** of the given handlers signals a stop.

    Every handler is called on every check, in order (no short-circuit), since the handlers
    are stateful.

    Parameters
    ----------
    early_stopping_handlers : list of EarlyStoppingHandler
        The combined handlers (at least one).
    """

    def check_early_stop(self, epoch, measured_values):
        """Pass the values to every handler and return True iff any of them returned True.

        Parameters
        ----------
        epoch : int
            The current epoch, starting at 1.
        measured_values : dict of str to float
            The measured values.

        Returns
        -------
        stop : bool
            True if at least one handler signalled a stop in this check, otherwise False.
        """
        return any(self._check_all(epoch, measured_values))


class EarlyStoppingAndCondition(_EarlyStoppingCondition):
    """Stops only if **all** of the given handlers signal a stop in the same check.

    Every handler is called on every check, in order (no short-circuit), since the handlers
    are stateful.

    Unlike small-text 2.0, whose "and" condition aggregates with "any" and thus
    behaves like :class:`EarlyStoppingOrCondition`, this is a true conjunction.

    Parameters
    ----------
    early_stopping_handlers : list of EarlyStoppingHandler
        The combined handlers (at least one).
    """

    def check_early_stop(self, epoch, measured_values):
        """Pass the values to every handler and return True iff all of them returned True.

        Parameters
        ----------
        epoch : int
            The current epoch, starting at 1.
        measured_values : dict of str to float
            The measured values.

        Returns
        -------
        stop : bool
            True if every handler signalled a stop in this check, otherwise False.
        """
        return all(self._check_all(epoch, measured_values))
