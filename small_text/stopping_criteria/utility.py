"""Utility stopping criteria."""
from small_text.stopping_criteria.base import StoppingCriterion
from small_text.utils._validation import check_integer


class MaxIterations(StoppingCriterion):
    """Stops after a fixed number of iterations.

    This is a plain budget rule, not based on a particular paper.

    Parameters
    ----------
    max_iterations : int
        Number of iterations, at least 1; :meth:`stop` returns True from the
        ``max_iterations``-th call on.

    Attributes
    ----------
    current_iteration : int
        Number of calls that returned False so far.

    Raises
    ------
    ValueError
        If ``max_iterations`` is not an integer >= 1.

    Examples
    --------
    >>> criterion = MaxIterations(3)
    >>> [criterion.stop() for _ in range(4)]
    [False, False, True, True]
    """

    def __init__(self, max_iterations):
        check_integer(max_iterations, 'max_iterations', 1)
        self.max_iterations = max_iterations
        self.current_iteration = 0

    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return True once ``current_iteration + 1 >= max_iterations``.

        Otherwise ``current_iteration`` is incremented and False is returned. All arguments
        are unused.

        Parameters
        ----------
        active_learner : small_text.active_learner.ActiveLearner or None, default=None
            Unused.
        predictions : np.ndarray or None, default=None
            Unused.
        proba : np.ndarray or None, default=None
            Unused.
        indices_stopping : np.ndarray or None, default=None
            Unused.

        Returns
        -------
        stop : bool
            True if the active learning process should stop, otherwise False.
        """
        if self.current_iteration + 1 >= self.max_iterations:
            return True
        self.current_iteration += 1
        return False
