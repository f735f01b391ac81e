"""Stopping based on the overall uncertainty of the model."""
import numpy as np
from scipy.special import entr

from small_text.stopping_criteria.base import StoppingCriterion


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
        Number of classes (at least 2).
    threshold : float, default=0.05
        Stop once the score is below this value; must lie in [0, 1).

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
        if num_classes < 2:
            raise ValueError(f'num_classes must be at least 2, but got num_classes={num_classes}.')
        if not 0 <= threshold < 1:
            raise ValueError(f'threshold must lie in [0, 1), but got threshold={threshold}.')
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
            Class probabilities (N, num_classes).
        indices_stopping : np.ndarray[int]
            Rows of ``proba`` to evaluate, usually the unlabeled pool.

        Returns
        -------
        stop : bool
            True if the active learning process should stop, otherwise False.

        Raises
        ------
        ValueError
            If ``indices_stopping`` or ``proba`` is missing, ``indices_stopping`` is empty,
            ``proba`` is not of shape (N, num_classes), or a selected row has negative entries
            or sums to zero.
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
        if len(indices_stopping) == 0:
            raise ValueError('indices_stopping must not be empty.')

        score = _mean_normalized_entropy(proba[indices_stopping])
        return bool(score < self.threshold)


def _mean_normalized_entropy(proba):
    """Mean over rows of the entropy of each row (normalised to sum 1) divided by ln(C)."""
    row_sums = proba.sum(axis=1, keepdims=True)
    if np.any(proba < 0) or np.any(row_sums <= 0):
        raise ValueError('proba must be non-negative with a positive sum in every row.')
    entropy = entr(proba / row_sums).sum(axis=1)
    return float(np.mean(entropy) / np.log(proba.shape[1]))
