"""Stopping based on the overall uncertainty of the model."""
import numpy as np
from scipy.special import entr

from small_text.stopping_criteria.base import StoppingCriterion
from small_text.utils._validation import check_integer, check_interval, check_probabilities


class OverallUncertainty(StoppingCriterion):
    """Stops once the average normalised prediction entropy falls below a threshold [ZWH08]_.

    The score is the mean, over the rows of ``proba[indices_stopping]``, of the Shannon entropy
    (natural logarithm) of the row normalised to sum 1, divided by ``ln(num_classes)``, so that
    it lies in [0, 1]. The criterion stops iff the score is below ``threshold``. To follow the
    paper, pass the indices of the unlabeled pool as ``indices_stopping``.

    The criterion is stateless.

    Parameters
    ----------
    num_classes : int
        Number of classes (an integer, at least 2).
    threshold : float, default=0.05
        Stop once the score is below this value; must lie in [0, 1).

    Raises
    ------
    ValueError
        If ``num_classes`` or ``threshold`` is outside the range given above.

    Attributes
    ----------
    last_predictions : None
        Kept for interface compatibility with the other criteria; unused.

    References
    ----------
    .. [ZWH08] Jingbo Zhu, Huizhen Wang and Eduard Hovy. 2008.
       Multi-Criteria-Based Strategy to Stop Active Learning for Data Annotation.
       In Proceedings of the 22nd International Conference on Computational Linguistics
       (COLING 2008), pages 1129-1136.
    """

    def __init__(self, num_classes, threshold=0.05):
        check_integer(num_classes, 'num_classes', 2)
        check_interval(threshold, 'threshold', 0, 1, closed='left')
        self.num_classes = num_classes
        self.threshold = threshold
        self.last_predictions = None

    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return whether the overall uncertainty is below the threshold.

        Parameters
        ----------
        active_learner : small_text.active_learner.ActiveLearner or None, default=None
            Unused.
        predictions : np.ndarray or None, default=None
            Unused.
        proba : np.ndarray[float]
            Class probabilities (N, num_classes): finite values in [0, 1]. Each evaluated row
            is normalised to sum 1, so it must have a positive sum.
        indices_stopping : np.ndarray[int]
            Rows of ``proba`` to evaluate, usually the unlabeled pool.

        Returns
        -------
        stop : bool
            True if the active learning process should stop, otherwise False.

        Raises
        ------
        ValueError
            If ``indices_stopping`` or ``proba`` is missing, ``indices_stopping`` is empty or
            holds rows outside ``proba``, ``proba`` is not of shape (N, num_classes), or an
            evaluated row holds NaN, an infinite, negative or above-1 value or sums to zero.

        Notes
        -----
        Differences from small-text 2.0: version 2.0 accepts NaN and infinite
        probabilities, and then never stops.
        """
        if indices_stopping is None:
            raise ValueError('indices_stopping must not be None: pass the indices of the rows of '
                             'proba to evaluate (usually the unlabeled pool).')
        if proba is None:
            raise ValueError('proba must not be None: pass the class probabilities.')
        proba = np.asarray(proba)
        if proba.ndim != 2 or proba.shape[1] != self.num_classes:
            raise ValueError(f'proba must be of shape (N, num_classes={self.num_classes}), '
                             f'but got shape {proba.shape}.')
        indices_stopping = _check_rows(indices_stopping, proba.shape[0])
        proba = check_probabilities(proba[indices_stopping], 'proba[indices_stopping]',
                                    shape=f'(N, num_classes={self.num_classes})',
                                    positive_rows=True)
        score = _mean_normalized_entropy(proba)
        return bool(score < self.threshold)


def _check_rows(indices_stopping, num_rows):
    """Return ``indices_stopping`` as an int array of rows in ``[0, num_rows)``."""
    indices = np.asarray(indices_stopping)
    if indices.ndim != 1 or indices.shape[0] == 0:
        raise ValueError(f'indices_stopping must not be empty: pass a 1-D array of rows of '
                         f'proba, got shape {indices.shape}.')
    if indices.dtype.kind not in 'iu' or indices.min() < 0 or indices.max() >= num_rows:
        raise ValueError(f'indices_stopping must hold integer rows of proba in [0, {num_rows}), '
                         f'but got values of dtype {indices.dtype} from {indices.min()} to '
                         f'{indices.max()}.')
    return indices


def _mean_normalized_entropy(proba):
    """Mean over rows of the entropy of each row (normalised to sum 1) divided by ln(C)."""
    entropy = entr(proba / proba.sum(axis=1, keepdims=True)).sum(axis=1)
    return float(np.mean(entropy) / np.log(proba.shape[1]))
