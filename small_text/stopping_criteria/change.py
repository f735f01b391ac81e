"""Stopping based on the change of predictions between iterations."""
import numpy as np
from scipy.sparse import issparse

from small_text.stopping_criteria.base import StoppingCriterion, _validate_predictions
from small_text.utils._validation import check_integer, check_interval


class ClassificationChange(StoppingCriterion):
    """Stops once the predictions of a fixed evaluation subset (almost) stop changing [ZWH08]_.

    An instance is unchanged if its predicted label is equal to that of the previous call
    (single-label), or if its predicted label set is identical (multi-label; empty label sets are
    valid). The criterion stops once at least ``N * (1 - threshold)`` of the N instances are
    unchanged. ``threshold=0`` is the rule of the paper: no prediction changes at all.

    Parameters
    ----------
    num_classes : int
        Number of classes; at least 1.
    threshold : float, default=0.0
        Fraction of instances, in [0, 1], that may change while still stopping.

    Raises
    ------
    ValueError
        If ``num_classes`` is not a positive integer or ``threshold`` is not a number in
        [0, 1].

    Attributes
    ----------
    last_predictions : np.ndarray or scipy.sparse.csr_matrix or None
        Predictions of the previous call.

    References
    ----------
    .. [ZWH08] Jingbo Zhu, Huizhen Wang and Eduard Hovy. 2008.
       Multi-Criteria-Based Strategy to Stop Active Learning for Data Annotation.
       In Proceedings of the 22nd International Conference on Computational Linguistics
       (COLING 2008), pages 1129-1136.
    """

    def __init__(self, num_classes, threshold=0.0):
        check_integer(num_classes, 'num_classes', 1)
        check_interval(threshold, 'threshold', 0, 1)
        self.num_classes = num_classes
        self.threshold = threshold
        self.last_predictions = None

    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return whether enough predictions are unchanged since the previous call.

        The first call stores the predictions and returns False; every call replaces the stored
        predictions.

        Parameters
        ----------
        active_learner : small_text.active_learner.ActiveLearner or None, default=None
            Unused.
        predictions : np.ndarray[int] or scipy.sparse.csr_matrix
            Predictions of the fixed evaluation subset: a 1-d int array (single-label) or a csr
            indicator matrix (multi-label).
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
            If the predictions are missing, hold labels outside ``[0, num_classes)``, differ in
            size or kind (single- vs. multi-label) from those of the previous call.
        """
        predictions = _validate_predictions(predictions, self.last_predictions, self.num_classes)
        last_predictions, self.last_predictions = self.last_predictions, predictions
        if last_predictions is None:
            return False

        num_unchanged = _count_unchanged(last_predictions, predictions)
        return bool(num_unchanged >= predictions.shape[0] * (1 - self.threshold))


def _count_unchanged(previous, current):
    """Number of rows whose label (dense) or label set (csr) is identical in both arguments."""
    if issparse(current):
        num_columns = max(previous.shape[1], current.shape[1])
        previous = previous.astype(bool)
        current = current.astype(bool)
        previous.resize((previous.shape[0], num_columns))
        current.resize((current.shape[0], num_columns))
        changed_rows = (previous != current).getnnz(axis=1) > 0
        return int(current.shape[0] - np.count_nonzero(changed_rows))
    return int(np.count_nonzero(previous == current))
