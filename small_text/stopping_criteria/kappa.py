"""Stopping based on the agreement (Cohen's kappa) of successive predictions."""
import numpy as np

from small_text.stopping_criteria.base import StoppingCriterion, _validate_predictions
from small_text.utils._validation import check_integer, check_interval


class KappaAverage(StoppingCriterion):
    """Stops once successive predictions agree, as measured by the average Cohen's kappa
    over a window of iterations ("stabilizing predictions") [BV09]_.

    Each call after the first computes Cohen's kappa [Coh60]_ between the current and the
    previous predictions of a fixed evaluation subset, over the labels ``0 .. num_classes-1``.
    Once ``window_size`` values exist, the criterion stops if their mean is at least ``kappa``.
    Single-label classification only.

    Parameters
    ----------
    num_classes : int
        Number of classes; at least 2.
    window_size : int, default=3
        Number of kappa values that are averaged; at least 1.
    kappa : float, default=0.99
        Stop once the average kappa is greater than or equal to this value; in [-1, 1].

    Raises
    ------
    ValueError
        If an argument is outside the range given above or not a number of the right type.

    Attributes
    ----------
    last_predictions : np.ndarray or None
        Predictions of the previous call.
    kappa_history : list of float
        The most recent kappa values (at most ``window_size`` once the window is full).

    References
    ----------
    .. [BV09] Michael Bloodgood and K. Vijay-Shanker. 2009.
       A Method for Stopping Active Learning Based on Stabilizing Predictions and the Need for
       User-Adjustable Stopping. In Proceedings of the Thirteenth Conference on Computational
       Natural Language Learning (CoNLL 2009), pages 39-47.
    .. [Coh60] Jacob Cohen. 1960. A coefficient of agreement for nominal scales.
       Educational and Psychological Measurement, 20(1):37-46.
    """

    def __init__(self, num_classes, window_size=3, kappa=0.99):
        check_integer(num_classes, 'num_classes', 2)
        check_integer(window_size, 'window_size', 1)
        check_interval(kappa, 'kappa', -1, 1)

        self.num_classes = num_classes
        self.window_size = window_size
        self.kappa = kappa

        self.last_predictions = None
        self.kappa_history = []

    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return whether the average kappa over the window reaches ``kappa``.

        The first call stores the predictions and returns False.

        Parameters
        ----------
        active_learner : small_text.active_learner.ActiveLearner or None, default=None
            Unused.
        predictions : np.ndarray[int]
            Single-label predictions of the fixed evaluation subset.
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
            If the predictions are missing, sparse (multi-label), hold labels outside
            ``[0, num_classes)`` or differ in size from those of the previous call.
        """
        predictions = _validate_predictions(predictions, self.last_predictions, self.num_classes,
                                            multi_label_allowed=False)
        if self.last_predictions is None:
            self.last_predictions = predictions
            return False

        self.kappa_history.append(_cohen_kappa(predictions, self.last_predictions,
                                               self.num_classes))
        self.last_predictions = predictions

        if len(self.kappa_history) < self.window_size:
            return False
        self.kappa_history = self.kappa_history[-self.window_size:]
        return bool(np.mean(self.kappa_history) >= self.kappa)


def _cohen_kappa(first, second, num_classes):
    """Cohen's kappa [Coh60]_ of two label vectors over the labels ``0 .. num_classes-1``.

    Parameters
    ----------
    first : np.ndarray[int]
        First label vector.
    second : np.ndarray[int]
        Second label vector of the same length.
    num_classes : int
        Number of classes.

    Returns
    -------
    kappa : float
        (p_o - p_e) / (1 - p_e), where p_o is the observed and p_e the chance agreement;
        1.0 if both vectors are identical (which also avoids 0/0).
    """
    if np.array_equal(first, second):
        return 1.0
    num_items = first.shape[0]
    observed = np.count_nonzero(first == second) / num_items
    marginals_first = np.bincount(first, minlength=num_classes) / num_items
    marginals_second = np.bincount(second, minlength=num_classes) / num_items
    expected = float(marginals_first @ marginals_second)
    return float((observed - expected) / (1 - expected))
