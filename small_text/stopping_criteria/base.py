"""Interface of stopping criteria, the delta-F criterion and shared validation helpers."""
import numbers
from abc import ABC, abstractmethod

import numpy as np
from scipy.sparse import csr_matrix, issparse

from small_text.utils._validation import check_integer, check_interval


class StoppingCriterion(ABC):
    """Decides whether the active learning process should stop.

    Criteria are stateful: user code calls :meth:`stop` once per active learning iteration
    (the active learner never calls it), always with predictions for the *same* fixed evaluation
    subset, e.g. the whole pool.
    """

    @abstractmethod
    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return whether to stop the active learning process.

        Parameters
        ----------
        active_learner : small_text.active_learner.ActiveLearner or None, default=None
            The active learner.
        predictions : np.ndarray[int] or scipy.sparse.csr_matrix or None, default=None
            Predicted labels of a fixed evaluation subset (usually the whole pool): a 1-d int
            array for single-label, or a csr indicator matrix (N, C) for multi-label.
        proba : np.ndarray[float] or None, default=None
            Class-probability matrix (N, C) of the same subset.
        indices_stopping : np.ndarray[int] or None, default=None
            Row indices relative to ``predictions`` / ``proba`` that the criterion evaluates.

        Returns
        -------
        stop : bool
            True if the active learning process should stop, otherwise False.
        """


def check_window_based_predictions(predictions, last_predictions):
    """Validate the predictions passed to a window-based stopping criterion.

    Parameters
    ----------
    predictions : np.ndarray or scipy.sparse.csr_matrix or list
        Predictions of the current iteration.
    last_predictions : np.ndarray or scipy.sparse.csr_matrix or None
        Predictions of the previous iteration, or None on the first call.

    Raises
    ------
    ValueError
        If ``predictions`` is None, empty or holds only None values, or if ``last_predictions``
        is not None and its first dimension differs from that of ``predictions``.
    """
    if predictions is None:
        raise ValueError('Predictions must not be None: pass the predictions of the current '
                         'iteration for the fixed evaluation subset.')
    if not issparse(predictions):
        array = np.asarray(predictions)
        if array.size == 0:
            raise ValueError('Predictions must not be empty.')
        if array.dtype == object and np.all(np.equal(array, None)):
            raise ValueError('Predictions must not consist of None values only.')

    if last_predictions is not None:
        size, last_size = _num_rows(predictions), _num_rows(last_predictions)
        if size != last_size:
            raise ValueError(f'Predictions and last predictions must have the same size, but got '
                             f'{size} predictions and {last_size} last predictions. Evaluate the '
                             f'criterion on the same fixed subset in every iteration.')


def _num_rows(predictions):
    return predictions.shape[0] if hasattr(predictions, 'shape') else len(predictions)


def _validate_predictions(predictions, last_predictions, num_classes, multi_label_allowed=True):
    """Run :func:`check_window_based_predictions` and return a validated private copy.

    Single-label predictions become a 1-d int64 array, multi-label ones a canonical csr matrix.
    The label ids must lie in ``[0, num_classes)``, and the kind (single- or multi-label) must
    match that of ``last_predictions``.
    """
    check_window_based_predictions(predictions, last_predictions)

    if issparse(predictions):
        if not multi_label_allowed:
            raise ValueError('This stopping criterion supports single-label predictions only, '
                             'but got a sparse (multi-label) matrix.')
        copy = csr_matrix(predictions, copy=True)
        copy.eliminate_zeros()
        copy.sum_duplicates()
        labels = copy.indices
    else:
        array = np.asarray(predictions)
        if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer)
                                   or np.issubdtype(array.dtype, np.bool_)):
            raise ValueError(f'Single-label predictions must be a 1-d integer array, but got an '
                             f'array of shape {array.shape} and dtype {array.dtype}.')
        copy = array.astype(np.int64)
        labels = copy

    if labels.size > 0 and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'Predicted labels must lie in [0, num_classes) = [0, {num_classes}), '
                         f'but got labels in [{labels.min()}, {labels.max()}].')
    if last_predictions is not None and issparse(last_predictions) != issparse(copy):
        raise ValueError('Predictions must be of the same kind (single-label array or '
                         'multi-label csr matrix) in every call.')
    return copy




class DeltaFScore(StoppingCriterion):
    """Stops once the predicted change of the F-measure stays below a threshold for a window
    of consecutive iterations [AB19]_.

    Between the previous predictions p and the current predictions q of a fixed evaluation
    subset, let a = #{p=1, q=1}, b = #{p=1, q=0} and c = #{p=0, q=1}. The predicted change of
    F is ΔF = 1 - 2a / (2a + b + c). The criterion stops once the last ``window_size`` values of
    ΔF are all below ``threshold``. Binary single-label classification only.

    Unlike small-text 2.0, which divides 0/0 (and then never stops) when both
    prediction vectors contain no positive label, ΔF is defined as 0 in this case: the
    predictions did not change.

    Parameters
    ----------
    num_classes : int
        Number of classes; must be 2.
    window_size : int, default=3
        Number of consecutive ΔF values that must all be below the threshold; at least 1.
    threshold : float, default=0.05
        ΔF values below this threshold count as stable; in (0, 1] (ΔF lies in [0, 1], so a
        threshold of 0 or less would never stop).

    Raises
    ------
    ValueError
        If an argument is outside the range given above or not a number of the right type.

    Attributes
    ----------
    last_predictions : np.ndarray or None
        Predictions of the previous call.
    delta_history : list of float
        The most recent ΔF values (at most ``window_size`` once the window is full).

    References
    ----------
    .. [AB19] Michael Altschuler and Michael Bloodgood. 2019.
       Stopping Active Learning Based on Predicted Change of F Measure for Text Classification.
       In Proceedings of the 2019 IEEE 13th International Conference on Semantic Computing
       (ICSC), pages 47-54.
    """

    def __init__(self, num_classes, window_size=3, threshold=0.05):
        if isinstance(num_classes, (bool, np.bool_)) \
                or not isinstance(num_classes, numbers.Integral) or num_classes != 2:
            raise ValueError(f'DeltaFScore supports binary classification only (num_classes=2), '
                             f'but got num_classes={num_classes!r}.')
        check_integer(window_size, 'window_size', 1)
        check_interval(threshold, 'threshold', 0, 1, closed='right')

        self.num_classes = num_classes
        self.window_size = window_size
        self.threshold = threshold

        self.last_predictions = None
        self.delta_history = []

    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return whether the last ``window_size`` ΔF values are all below the threshold.

        The first call stores the predictions and returns False.

        Parameters
        ----------
        active_learner : small_text.active_learner.ActiveLearner or None, default=None
            Unused.
        predictions : np.ndarray[int]
            Binary predictions (0 or 1) of the fixed evaluation subset.
        proba : np.ndarray or None, default=None
            Unused.
        indices_stopping : np.ndarray or None, default=None
            Unused.

        Returns
        -------
        stop : bool
            True if the active learning process should stop, otherwise False.

        Raises
        ------
        ValueError
            If the predictions are missing, sparse, not in {0, 1}, or of a different size than
            in the previous call.
        """
        predictions = _validate_predictions(predictions, self.last_predictions, self.num_classes,
                                            multi_label_allowed=False)
        if self.last_predictions is None:
            self.last_predictions = predictions
            return False

        self.delta_history.append(_delta_f(self.last_predictions, predictions))
        self.last_predictions = predictions

        if len(self.delta_history) < self.window_size:
            return False
        self.delta_history = self.delta_history[-self.window_size:]
        return all(delta < self.threshold for delta in self.delta_history)


def _delta_f(previous, current):
    """Predicted change of F between two binary prediction vectors [AB19]_ (0 if undefined)."""
    previous, current = previous == 1, current == 1
    a = np.count_nonzero(previous & current)
    b = np.count_nonzero(previous & ~current)
    c = np.count_nonzero(~previous & current)
    denominator = 2 * a + b + c
    if denominator == 0:
        return 0.0
    return 1.0 - 2 * a / denominator
