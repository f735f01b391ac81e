"""General query strategies: random sampling, uncertainty sampling and pool subsampling."""
from abc import abstractmethod

import numpy as np

from small_text.query_strategies.base import (
    QueryStrategy,
    ScoringMixin,
    _check_indices,
    _check_n,
)
from small_text.query_strategies.exceptions import PoolExhaustedException
from small_text.query_strategies.uncertainty import (
    _check_proba,
    breaking_ties_scores,
    least_confidence_scores,
    prediction_entropy_scores,
    select_smallest,
)
from small_text.utils.data import list_length


class RandomSampling(QueryStrategy):
    """Select samples uniformly at random from the pool.

    Draws from the global NumPy RNG, so ``np.random.seed`` makes the selection repeatable.
    """

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Return ``np.random.choice(indices_unlabeled, size=n, replace=False)``.

        ``clf``, ``indices_labeled`` and ``y`` are not used; ``dataset`` (which may be None)
        only bounds the positions in ``indices_unlabeled``. See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If ``n`` is negative or ``indices_unlabeled`` holds duplicate or out-of-range
            positions.
        """
        self._validate_query_input(indices_unlabeled, n)
        num_samples = None if dataset is None else list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        return np.random.choice(indices_unlabeled, size=n, replace=False)

    def __str__(self):
        return 'RandomSampling()'


class ConfidenceBasedQueryStrategy(ScoringMixin, QueryStrategy):
    """Abstract base class of strategies that select by a per-sample confidence value.

    Subclasses implement :meth:`get_confidence`, which returns one value per row of the whole
    dataset. The pool items with the lowest confidence (or the highest, if
    ``lower_is_better=False``) are selected, best first, with ties broken by ascending
    position in ``indices_unlabeled``.

    Parameters
    ----------
    lower_is_better : bool, default=False
        If True, samples with a lower confidence value are preferred.

    Attributes
    ----------
    scores_ : np.ndarray of shape (len(dataset),) or None
        The raw confidence values of the last ``score()``/``query()``, for the whole dataset.
    """

    def __init__(self, lower_is_better: bool = False):
        self.lower_is_better = lower_is_better
        self.scores_ = None

    @property
    def last_scores(self):
        """The raw confidence values of the last call (see ``scores_``), or None."""
        return self.scores_

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Return the ``n`` pool items with the best confidence, best first.

        See :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters. If ``n`` equals the pool size, the pool is returned in its original
        order (after scoring); ``n == 0`` returns an empty int64 array.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If ``n`` is negative, or ``indices_unlabeled`` holds duplicate or out-of-range
            positions, or the confidence values do not cover the dataset.
        """
        self._validate_query_input(indices_unlabeled, n)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled',
                                           list_length(dataset))
        scores = self.score(clf, dataset, indices_unlabeled, indices_labeled, y)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        return indices_unlabeled[select_smallest(scores[indices_unlabeled], n)]

    def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Compute the confidence of every sample in ``dataset`` and store it in ``scores_``.

        Returns
        -------
        scores : np.ndarray of shape (len(dataset),)
            Scores for which smaller is selected: the confidence if ``lower_is_better``, else
            its negation.

        Raises
        ------
        ValueError
            If :meth:`get_confidence` does not return one value per dataset row.
        """
        confidence = np.asarray(self.get_confidence(clf, dataset, indices_unlabeled,
                                                    indices_labeled, y))
        num_samples = list_length(dataset)
        if confidence.shape != (num_samples,):
            raise ValueError(f'get_confidence() must return one value per dataset row, i.e. '
                             f'shape ({num_samples},), got shape {confidence.shape}')
        self.scores_ = confidence
        return confidence if self.lower_is_better else -confidence

    @abstractmethod
    def get_confidence(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Return one confidence value per row of the whole ``dataset``.

        Returns
        -------
        confidence : np.ndarray of shape (len(dataset),)
        """

    def __str__(self):
        return 'ConfidenceBasedQueryStrategy()'


def _predict_proba(clf, dataset, strategy):
    """Return ``clf.predict_proba(dataset)`` as a checked 2-D float array with a row per sample.

    Raises
    ------
    TypeError
        If ``clf`` has no ``predict_proba`` method.
    ValueError
        If the result is not 2-D or its row count differs from ``len(dataset)``.
    """
    predict_proba = getattr(clf, 'predict_proba', None)
    if not callable(predict_proba):
        raise TypeError(f'{type(strategy).__name__} needs a classifier with a predict_proba() '
                        f'method, but clf of type {type(clf).__name__} has none')
    proba = _check_proba(predict_proba(dataset))
    num_samples = list_length(dataset)
    if proba.shape[0] != num_samples:
        raise ValueError(f'clf.predict_proba(dataset) must return one row per dataset sample '
                         f'({num_samples}), got shape {proba.shape}')
    return proba


class LeastConfidence(ConfidenceBasedQueryStrategy):
    """Select the samples whose most likely class has the lowest probability.

    The confidence is ``max_c p(c|x)`` (see
    :func:`~small_text.query_strategies.uncertainty.least_confidence_scores`); lower is
    better. Requires a classifier with ``predict_proba``, which is applied to the whole dataset.

    References
    ----------
    .. [1] D. D. Lewis, W. A. Gale. "A Sequential Algorithm for Training Text Classifiers."
       SIGIR 1994.
    """

    def __init__(self):
        super().__init__(lower_is_better=True)

    def get_confidence(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        return least_confidence_scores(_predict_proba(clf, dataset, self))

    def __str__(self):
        return 'LeastConfidence()'


class PredictionEntropy(ConfidenceBasedQueryStrategy):
    """Select the samples whose predicted class distribution has the highest entropy.

    The confidence is ``-sum_c q_c ln q_c`` of the row-renormalised probabilities (see
    :func:`~small_text.query_strategies.uncertainty.prediction_entropy_scores`); higher is
    better. Requires a classifier with ``predict_proba``, which is applied to the whole dataset.

    References
    ----------
    .. [1] A. Holub, P. Perona, M. C. Burl. "Entropy-based Active Learning for Object
       Recognition." CVPR Workshops 2008.
    """

    def __init__(self):
        super().__init__(lower_is_better=False)

    def get_confidence(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        return prediction_entropy_scores(_predict_proba(clf, dataset, self))

    def __str__(self):
        return 'PredictionEntropy()'


def breaking_ties(proba_row):
    """Return the margin between the two largest probabilities of a single row.

    Parameters
    ----------
    proba_row : array-like of shape (n_classes,)
        Class probabilities of one sample; at least two classes.

    Returns
    -------
    margin : float

    Raises
    ------
    ValueError
        If ``proba_row`` is not 1-D or has fewer than two entries.

    See Also
    --------
    small_text.query_strategies.uncertainty.breaking_ties_scores : The vectorised version.
    """
    proba_row = np.asarray(proba_row)
    if proba_row.ndim != 1:
        raise ValueError(f'proba_row must be 1-D, got shape {proba_row.shape}')
    return breaking_ties_scores(proba_row[np.newaxis, :])[0]


class BreakingTies(ConfidenceBasedQueryStrategy):
    """Select the samples with the smallest margin between the two most likely classes.

    The confidence is ``p_(1) - p_(2)`` (see
    :func:`~small_text.query_strategies.uncertainty.breaking_ties_scores`); lower is better.
    Requires a classifier with ``predict_proba`` and at least two classes.

    References
    ----------
    .. [1] T. Luo, K. Kramer, D. B. Goldgof, L. O. Hall, S. Samson, A. Remsen, T. Hopkins.
       "Active Learning to Recognize Multiple Types of Plankton." JMLR 6, 2005.
    """

    def __init__(self):
        super().__init__(lower_is_better=True)

    def get_confidence(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        return breaking_ties_scores(_predict_proba(clf, dataset, self))

    def __str__(self):
        return 'BreakingTies()'


class SubsamplingQueryStrategy(ScoringMixin, QueryStrategy):
    """Run a base strategy on a random subsample of the pool.

    When the pool holds at least ``subsample_size`` items, ``subsample_size`` of them are drawn
    without replacement (global NumPy RNG) and the base strategy queries the subset
    ``dataset[concat(subsample, indices_labeled)]``, in which the subsample occupies positions
    ``0..subsample_size-1`` and the labeled samples follow; ``y`` is passed unchanged. The
    base's picks are mapped back to dataset positions. Smaller pools go to the base strategy
    unchanged.

    Parameters
    ----------
    base_query_strategy : QueryStrategy
        The strategy that makes the selection.
    subsample_size : int, default=4096
        Number of pool items to draw.

    Attributes
    ----------
    subsampled_indices_ : np.ndarray or None
        The base strategy's result on the last subsample, in subset positions (None until a
        query has subsampled).
    """

    def __init__(self, base_query_strategy, subsample_size: int = 4096):
        if not callable(getattr(base_query_strategy, 'query', None)):
            raise TypeError(f'base_query_strategy must be a query strategy with a query() '
                            f'method, got {type(base_query_strategy).__name__}')
        _check_n(subsample_size, name='subsample_size')
        if subsample_size == 0:
            raise ValueError('subsample_size must be a positive integer, got subsample_size=0')
        self.base_query_strategy = base_query_strategy
        self.subsample_size = subsample_size
        self.subsampled_indices_ = None

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Query the base strategy on a subsample of the pool.

        See :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size, or exceeds ``subsample_size`` when subsampling.
        ValueError
            If ``n`` is negative or the indices are duplicated or out of range.
        """
        self._validate_query_input(indices_unlabeled, n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)

        if self.subsample_size > indices_unlabeled.shape[0]:
            return self.base_query_strategy.query(clf, dataset, indices_unlabeled,
                                                  indices_labeled, y, n=n)
        if n > self.subsample_size:
            raise PoolExhaustedException(f'Pool exhausted: the subsample holds '
                                         f'{self.subsample_size} items (subsample_size) / '
                                         f'{n} requested; increase subsample_size')

        subsample = np.random.choice(indices_unlabeled, self.subsample_size, replace=False)
        subset_size = self.subsample_size + indices_labeled.shape[0]
        result = self.base_query_strategy.query(
            clf,
            dataset[np.concatenate([subsample, indices_labeled])],
            np.arange(self.subsample_size, dtype=np.uint),
            np.arange(self.subsample_size, subset_size, dtype=np.uint),
            y,
            n=n)
        self.subsampled_indices_ = result
        return subsample[result]

    @property
    def last_scores(self):
        """The base strategy's ``last_scores`` (rows of the last subset), or None if the base
        strategy does not score."""
        if isinstance(self.base_query_strategy, ScoringMixin):
            return self.base_query_strategy.last_scores
        return None

    def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Not supported: scoring happens inside the base strategy on a random subsample.

        Use :meth:`query` and read :attr:`last_scores` instead.

        Raises
        ------
        NotImplementedError
            Always. The spec demands this; the reference *returns* the exception class
            instead of raising it, which silently hands callers a non-array.
        """
        raise NotImplementedError('SubsamplingQueryStrategy does not score samples itself; '
                                  'call query() and read last_scores, which holds the base '
                                  'strategy\'s scores of the last subsample.')

    def __str__(self):
        return (f'SubsamplingQueryStrategy(base_query_strategy={self.base_query_strategy}, '
                f'subsample_size={self.subsample_size})')
