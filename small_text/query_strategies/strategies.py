"""General query strategies: random sampling, uncertainty sampling and pool subsampling."""
from abc import abstractmethod

import numpy as np

import small_text.query_strategies._params as _params
from small_text.query_strategies._embeddings import check_embeddings, normalize_rows
from small_text.query_strategies.base import (
    QueryStrategy,
    ScoringMixin,
    _check_indices,
)
from small_text.query_strategies.contrastive import contrastive_scores
from small_text.query_strategies.exceptions import PoolExhaustedException
from small_text.query_strategies.kmeans import embedding_kmeans
from small_text.query_strategies.uncertainty import (
    breaking_ties_scores,
    least_confidence_scores,
    prediction_entropy_scores,
    select_smallest,
)
from small_text.utils._validation import check_probabilities
from small_text.utils.data import list_length
from small_text.vector_indexes import KNNIndex, VectorIndexFactory


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
        self._check_parameters()
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
        self._check_parameters()
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


def _predict_proba(clf, dataset, strategy, renormalised=False):
    """Return ``clf.predict_proba(dataset)`` as a checked 2-D float array with a row per sample.

    Raises
    ------
    TypeError
        If ``clf`` has no ``predict_proba`` method.
    ValueError
        If the result is not 2-D, its row count differs from ``len(dataset)``, or it holds a
        value that is not a probability (NaN, infinite, negative or above 1). With
        ``renormalised`` (the caller divides each row by its sum), values above 1 are
        accepted, but every row needs a positive sum.
    """
    predict_proba = getattr(clf, 'predict_proba', None)
    if not callable(predict_proba):
        raise TypeError(f'{type(strategy).__name__} needs a classifier with a predict_proba() '
                        f'method, but clf of type {type(clf).__name__} has none')
    proba = check_probabilities(predict_proba(dataset), 'clf.predict_proba(dataset)',
                                weights=renormalised, positive_rows=renormalised)
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
        return prediction_entropy_scores(_predict_proba(clf, dataset, self, renormalised=True))

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

    _PARAMETER_CHECKS = {'base_query_strategy': _params.query_strategy,
                         'subsample_size': _params.positive_int}

    def __init__(self, base_query_strategy, subsample_size: int = 4096):
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
        self._check_parameters()
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
            Always. small-text 2.0 *returns* the exception class
            instead of raising it, which silently hands callers a non-array.
        """
        raise NotImplementedError('SubsamplingQueryStrategy does not score samples itself; '
                                  'call query() and read last_scores, which holds the base '
                                  'strategy\'s scores of the last subsample.')

    def __str__(self):
        return (f'SubsamplingQueryStrategy(base_query_strategy={self.base_query_strategy}, '
                f'subsample_size={self.subsample_size})')


_RETURN_PROBA_TYPE_ERROR = "got an unexpected keyword argument 'return_proba'"


class EmbeddingBasedQueryStrategy(QueryStrategy):
    """Abstract base class of strategies that select samples by their embeddings.

    :meth:`query` obtains embeddings of the pool and the labeled samples (from
    ``clf.embed`` or from precomputed ``embeddings``) and hands them to :meth:`sample`, which
    subclasses implement. :meth:`sample` works on the subset ``dataset[concat(U, L)]``, in
    which the pool occupies positions ``0..|U|-1`` and the labeled samples follow.
    """

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar='tqdm',
              embeddings=None, embed_kwargs={}):  # noqa: B006 (read only)
        """Embed the pool and the labeled samples, then select ``n`` pool items via
        :meth:`sample`.

        Parameters
        ----------
        clf : Classifier
            A classifier with an ``embed(dataset, **kwargs)`` method; used only when
            ``embeddings`` is None. If it accepts ``return_proba=True`` (returning
            ``(embeddings, proba)``), the probabilities are passed on to :meth:`sample`.
        dataset : Dataset or np.ndarray or scipy.sparse.csr_matrix
            The full dataset.
        indices_unlabeled : np.ndarray of int
            Positions in ``dataset`` forming the pool (U).
        indices_labeled : np.ndarray of int
            Positions in ``dataset`` of the labeled samples (L); may be empty.
        y : np.ndarray of int or scipy.sparse.csr_matrix
            Labels aligned with ``indices_labeled``.
        n : int, default=10
            Number of samples to select.
        pbar : str or None, default='tqdm'
            Accepted for compatibility; no progress bar is shown.
        embeddings : np.ndarray, default=None
            Precomputed embeddings, either of the subset ``concat(U, L)`` (shape
            ``(|U|+|L|, D)``, row i belongs to ``concat(U, L)[i]``) or of the whole dataset
            (shape ``(len(dataset), D)``, row i belongs to dataset position i).
        embed_kwargs : dict, default={}
            Keyword arguments for ``clf.embed``.

        Returns
        -------
        indices : np.ndarray of int64 and shape (n,)
            Dataset positions taken from ``indices_unlabeled``. If ``n`` equals the pool size,
            the pool is returned in its original order without embedding; ``n == 0`` returns
            an empty array.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If the indices are invalid, or the embeddings have the wrong shape or contain NaN.
        TypeError
            Raised by ``clf.embed`` for unknown ``embed_kwargs``.

        Notes
        -----
        small-text 2.0 reads precomputed ``embeddings`` only in subset order, so a matrix
        covering the whole dataset was silently misread (or crashed); here a matrix with
        ``len(dataset)`` rows is read by dataset position. When both shapes
        match, the subset interpretation wins, as in small-text 2.0.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        if n == 0:
            return np.empty(0, dtype=np.int64)

        indices_all = np.concatenate([indices_unlabeled, indices_labeled])
        subset = dataset[indices_all]
        if embeddings is None:
            embeddings, proba = _embed(clf, subset, embed_kwargs)
        else:
            embeddings, proba = _select_precomputed(embeddings, indices_all, num_samples), None
        embeddings = check_embeddings(embeddings, num_rows=indices_all.shape[0])

        num_unlabeled = indices_unlabeled.shape[0]
        selected = self.sample(clf, subset, np.arange(num_unlabeled),
                               np.arange(num_unlabeled, indices_all.shape[0]), y, n, embeddings,
                               embeddings_proba=proba)
        return indices_all[np.asarray(selected, dtype=np.int64)]

    @abstractmethod
    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        """Select ``n`` pool items from the embeddings of the subset.

        Parameters
        ----------
        clf : Classifier
            The current classifier.
        dataset : Dataset
            The subset ``dataset[concat(U, L)]`` of the original dataset.
        indices_unlabeled : np.ndarray of int
            ``arange(|U|)``: the pool's positions in the subset.
        indices_labeled : np.ndarray of int
            ``arange(|U|, |U|+|L|)``: the labeled samples' positions in the subset.
        y : np.ndarray of int or scipy.sparse.csr_matrix
            Labels aligned with ``indices_labeled``.
        n : int
            Number of samples to select (``0 < n < |U|``).
        embeddings : np.ndarray of shape ``(|U|+|L|, D)``
            One embedding per subset row.
        embeddings_proba : np.ndarray of shape ``(|U|+|L|, C)``, default=None
            Class probabilities per subset row, if the classifier returned them.

        Returns
        -------
        indices : np.ndarray of int
            ``n`` distinct subset positions in ``[0, |U|)``.
        """

    def __str__(self):
        return 'EmbeddingBasedQueryStrategy()'


def _embed(clf, subset, embed_kwargs):
    """Return ``(embeddings, proba)`` from ``clf.embed``; ``proba`` is None if the classifier
    does not support ``return_proba``."""
    try:
        embeddings, proba = clf.embed(subset, return_proba=True, **embed_kwargs)
    except TypeError as e:
        if _RETURN_PROBA_TYPE_ERROR not in str(e):
            raise
        return clf.embed(subset, **embed_kwargs), None
    return embeddings, proba


def _select_precomputed(embeddings, indices_all, num_samples):
    """Return the rows of precomputed ``embeddings`` that belong to ``indices_all``."""
    embeddings = np.asarray(embeddings)
    num_rows = embeddings.shape[0] if embeddings.ndim > 0 else 0
    if num_rows == indices_all.shape[0]:
        return embeddings
    if num_rows == num_samples:
        return embeddings[indices_all]
    raise ValueError(f'embeddings must have one row per pool and labeled sample '
                     f'({indices_all.shape[0]} rows) or one row per dataset sample '
                     f'({num_samples} rows), got shape {embeddings.shape}')


class EmbeddingKMeans(EmbeddingBasedQueryStrategy):
    """Cluster the pool's embeddings with k-means and select the item nearest to each centre.

    The pool embeddings are clustered into ``n`` clusters by k-means (k-means++ seeding,
    then Lloyd's algorithm; global NumPy RNG); for each centre, in label order, the pool item
    with the highest cosine similarity is selected, and duplicates are resolved sequentially.
    See :func:`small_text.query_strategies.kmeans.embedding_kmeans` for the details. Labeled
    samples are not used. Works for single- and multi-label data.

    Parameters
    ----------
    normalize : bool, default=True
        L2-normalise the embeddings before clustering.
    mini_batch : bool, default=False
        Keyword-only. Use :class:`sklearn.cluster.MiniBatchKMeans` instead of the exact
        Lloyd iterations: faster, but an approximation with a higher k-means objective.

    Notes
    -----
    Differences from small-text 2.0: the release fits :class:`sklearn.cluster.KMeans` with its
    defaults. Here the seeding runs on a random sample of the pool and the iterations stop
    once they improve the k-means objective by less than a relative 1e-4; the objective ends
    within a fraction of a percent of scikit-learn's, at a small fraction of its run time.
    The same seed therefore selects different items than the release.

    References
    ----------
    .. [1] M. Yuan, H.-T. Lin, J. Boyd-Graber. "Cold-start Active Learning through
       Self-supervised Language Modeling." EMNLP 2020 (BERT-KM, generalised here to any
       embedding).
    """

    def __init__(self, normalize: bool = True, *, mini_batch: bool = False):
        self.normalize = normalize
        self.mini_batch = mini_batch

    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        """Return the pool positions nearest to the ``n`` k-means centres of the pool
        embeddings (see :meth:`EmbeddingBasedQueryStrategy.sample`)."""
        return embedding_kmeans(embeddings[indices_unlabeled], n, normalize=self.normalize,
                                mini_batch=self.mini_batch)

    def __str__(self):
        return f'EmbeddingKMeans(normalize={self.normalize})'


class ContrastiveActiveLearning(EmbeddingBasedQueryStrategy):
    """Contrastive Active Learning (CAL) [MVBA21]_: select the pool items whose predictions
    diverge most from those of their labeled neighbours in embedding space.

    Each pool item's ``k`` nearest *labeled* samples are found in the classifier's embedding
    space, and the item is scored by the mean KL divergence from the neighbours' predicted
    class distributions to its own (see
    :func:`~small_text.query_strategies.contrastive.contrastive_scores`). The ``n`` largest
    scores are selected, ties broken by ascending position in the pool. Requires a classifier
    whose ``embed(dataset, return_proba=True, **embed_kwargs)`` returns ``(embeddings,
    proba)``.

    Parameters
    ----------
    k : int, default=10
        Number of labeled neighbours per pool item.
    embed_kwargs : dict, default={}
        Keyword arguments for ``clf.embed``; a copy is stored.
    normalize : bool, default=True
        L2-normalise the embeddings before the neighbour search.
    vector_index_factory : VectorIndexFactory, default=VectorIndexFactory(KNNIndex)
        Creates the index over the labeled samples' embeddings.
    batch_size : int, default=100
        Number of pool items whose divergences are computed at a time; it bounds memory and
        does not change the result.
    pbar : str or None, default='tqdm'
        Accepted for compatibility; no progress bar is shown.

    Notes
    -----
    The paper takes the neighbours from the labeled set and averages the divergence over
    them. small-text 2.0 instead searches all rows of pool and labeled set, so an item's
    nearest "neighbour" is usually the item itself (contributing zero) and unlabeled
    neighbours dilute the contrast; it also divides by ``k * n_classes``. Here the neighbours
    are labeled samples only (never the item itself) and the divergence is averaged over
    ``k``, as in the paper. Consequently at least ``k`` labeled samples are required.

    As in small-text 2.0, :meth:`query` always embeds with ``clf`` and ``self.embed_kwargs``
    (precomputed ``embeddings`` lack the probabilities this strategy needs).

    All pool items are searched in one call of the vector index, which batches internally;
    searching ``batch_size`` rows per call, as small-text 2.0 does, costs a per-call overhead
    that dominated the run time on large pools.

    References
    ----------
    .. [MVBA21] K. Margatina, G. Vernikos, L. Barrault, N. Aletras. "Active Learning by
       Acquiring Contrastive Examples." EMNLP 2021.
    """

    _PARAMETER_CHECKS = {'k': _params.positive_int,
                         'embed_kwargs': _params.keyword_arguments,
                         'vector_index_factory': _params.factory,
                         'batch_size': _params.positive_int}

    def __init__(self, k=10, embed_kwargs=dict(), normalize=True,  # noqa: B006, B008 (copied)
                 vector_index_factory=VectorIndexFactory(KNNIndex), batch_size=100,  # noqa: B008
                 pbar='tqdm'):
        self.k = k
        self.embed_kwargs = _params.copied(embed_kwargs)
        self.normalize = normalize
        self.vector_index_factory = vector_index_factory
        self.batch_size = batch_size
        self.pbar = pbar

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar='tqdm',
              embeddings=None, embed_kwargs={}):  # noqa: B006 (unused)
        """Embed the pool and the labeled samples with ``clf`` and select the ``n`` pool items
        with the most contrastive predictions.

        ``pbar``, ``embeddings`` and ``embed_kwargs`` are accepted for compatibility and
        ignored: the strategy always embeds with ``self.embed_kwargs``. See
        :meth:`EmbeddingBasedQueryStrategy.query` for the other parameters.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If fewer than ``k`` samples are labeled, ``clf.embed`` does not return
            probabilities, or the embeddings or probabilities contain NaN.
        """
        return super().query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n,
                             embed_kwargs=self.embed_kwargs)

    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        """Return the ``n`` pool positions with the largest contrastive score (see
        :meth:`EmbeddingBasedQueryStrategy.sample`)."""
        if embeddings_proba is None:
            raise ValueError('Error: embeddings_proba is None. This strategy requires a '
                             'classifier whose embed() method supports the return_proba kwarg.')
        indices_unlabeled = np.asarray(indices_unlabeled)
        indices_labeled = np.asarray(indices_labeled)
        if indices_labeled.shape[0] < self.k:
            raise ValueError(f'ContrastiveActiveLearning takes the k={self.k} nearest '
                             f'neighbours from the labeled samples, but only '
                             f'{indices_labeled.shape[0]} are labeled; label more samples or '
                             f'lower k')
        proba = check_probabilities(embeddings_proba, 'embeddings_proba', distributions=True)
        if proba.shape[0] != embeddings.shape[0]:
            raise ValueError(f'embeddings_proba must have one row per embedding '
                             f'({embeddings.shape[0]}), got shape {proba.shape}')
        if self.normalize:
            embeddings = normalize_rows(embeddings)

        vector_index = self.vector_index_factory.new()
        vector_index.build(embeddings[indices_labeled])
        # ids are rows of the labeled embeddings; hnswlib returns them as uint64
        neighbours = np.asarray(vector_index.search(embeddings[indices_unlabeled], k=self.k),
                                dtype=np.int64)
        scores = contrastive_scores(proba[indices_unlabeled], proba[indices_labeled],
                                    neighbours, batch_size=self.batch_size)
        return indices_unlabeled[select_smallest(-scores, n)]

    def __str__(self):
        return (f'ContrastiveActiveLearning(k={self.k}, embed_kwargs={self.embed_kwargs}, '
                f'normalize={self.normalize})')


class DiscriminativeActiveLearning(QueryStrategy):
    """Discriminative Active Learning (DAL) [GS19]_: select the pool items that a classifier
    can best tell apart from the labeled data.

    In each of ``num_iterations`` rounds, a fresh classifier learns to discriminate the
    labeled samples (label :attr:`LABEL_LABELED_POOL`) from a random sample of the pool
    (label :attr:`LABEL_UNLABELED_POOL`, ``unlabeled_factor`` times as many items as are
    labeled). The pool items with the highest probability of being unlabeled are selected and
    treated as labeled in the following rounds. Single-label datasets only (the discriminator
    is trained on a relabeled copy of the dataset).

    Parameters
    ----------
    classifier_factory : AbstractClassifierFactory
        Creates the discriminator, a binary classifier with ``fit`` and ``predict_proba``.
    num_iterations : int
        Number of rounds; the query size is split evenly over them (see
        :meth:`_get_query_sizes`).
    unlabeled_factor : int or float, default=10
        Ratio of sampled pool items to labeled samples in each round's training data (at
        least one pool item, at most the whole pool).
    pbar : str or None, default='tqdm'
        Accepted for compatibility; no progress bar is shown.

    Attributes
    ----------
    clf_ : Classifier or None
        The discriminator of the last round.

    References
    ----------
    .. [GS19] D. Gissin, S. Shalev-Shwartz. "Discriminative Active Learning."
       arXiv:1907.06347, 2019.
    """

    LABEL_LABELED_POOL = 0
    """Discriminator label of the labeled samples."""

    LABEL_UNLABELED_POOL = 1
    """Discriminator label of the pool items."""

    _PARAMETER_CHECKS = {'classifier_factory': _params.factory,
                         'num_iterations': _params.positive_int,
                         'unlabeled_factor': _params.positive_number}

    def __init__(self, classifier_factory, num_iterations, unlabeled_factor=10, pbar='tqdm'):
        self.classifier_factory = classifier_factory
        self.num_iterations = num_iterations
        self.unlabeled_factor = unlabeled_factor
        self.pbar = pbar
        self.clf_ = None

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Select ``n`` pool items in ``num_iterations`` discriminative rounds.

        ``clf`` and ``y`` are not used. If ``n`` equals the pool size, the pool is returned in
        its original order without training. See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters.

        Returns
        -------
        indices : np.ndarray of int64 and shape (n,)
            Dataset positions, in the order of the rounds that selected them.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If ``n`` is negative or smaller than ``num_iterations``, the indices are invalid,
            or no sample is labeled.
        NotImplementedError
            If the dataset is multi-label.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        if n == 0:
            return np.empty(0, dtype=np.int64)
        return self.discriminative_active_learning(
            dataset, indices_unlabeled, indices_labeled,
            self._get_query_sizes(self.num_iterations, n))

    def discriminative_active_learning(self, dataset, indices_unlabeled, indices_labeled,
                                       query_sizes):
        """Run one discriminative round per entry of ``query_sizes``.

        Parameters
        ----------
        dataset : Dataset
            The full, single-label dataset (it must support ``clone()`` and setting ``y``).
        indices_unlabeled : np.ndarray of int
            Positions of the pool items.
        indices_labeled : np.ndarray of int
            Positions of the labeled samples; at least one.
        query_sizes : list of int
            Number of items each round selects.

        Returns
        -------
        indices : np.ndarray of int64 and shape (sum(query_sizes),)
            The selected positions in round order; each round's picks are ordered by
            decreasing probability of being unlabeled.

        Raises
        ------
        ValueError
            If ``indices_labeled`` is empty, or the discriminator's probabilities have the
            wrong shape or contain NaN.
        NotImplementedError
            If the dataset is multi-label.
        """
        indices_unlabeled = np.array(indices_unlabeled, dtype=np.int64)
        indices_labeled = np.array(indices_labeled, dtype=np.int64)
        if indices_labeled.shape[0] == 0:
            raise ValueError('DiscriminativeActiveLearning needs at least one labeled sample to '
                             'train the labeled-vs-unlabeled discriminator')

        selected = []
        for query_size in query_sizes:
            num_subsample = min(max(1, int(indices_labeled.shape[0] * self.unlabeled_factor)),
                                indices_unlabeled.shape[0])
            indices_subsample = np.random.choice(indices_unlabeled, num_subsample,
                                                 replace=False)
            discriminator = self.classifier_factory.new()
            self.clf_ = discriminator.fit(
                self.get_relabeled_copy(dataset, indices_subsample, indices_labeled))

            proba = check_probabilities(self.clf_.predict_proba(dataset[indices_unlabeled]),
                                        'the discriminator\'s predict_proba() output',
                                        distributions=True)
            if proba.shape[0] != indices_unlabeled.shape[0] or proba.shape[1] < 2:
                raise ValueError(f'The discriminator\'s predict_proba() must return one row '
                                 f'per pool item ({indices_unlabeled.shape[0]}) and a column '
                                 f'per discriminator label (2), got shape {proba.shape}')
            top = select_smallest(-proba[:, self.LABEL_UNLABELED_POOL], query_size)
            selected.append(indices_unlabeled[top])
            indices_labeled = np.concatenate([indices_labeled, indices_unlabeled[top]])
            indices_unlabeled = np.delete(indices_unlabeled, top)
        return np.concatenate(selected) if selected else np.empty(0, dtype=np.int64)

    @staticmethod
    def get_relabeled_copy(dataset, indices_unlabeled_sub, indices_labeled):
        """Return a copy of the given rows, labeled as pool items or labeled samples.

        Parameters
        ----------
        dataset : Dataset
            The full, single-label dataset.
        indices_unlabeled_sub : np.ndarray of int
            Positions of the sampled pool items (label :attr:`LABEL_UNLABELED_POOL`).
        indices_labeled : np.ndarray of int
            Positions of the labeled samples (label :attr:`LABEL_LABELED_POOL`).

        Returns
        -------
        dataset_copy : Dataset
            ``dataset[concat(indices_unlabeled_sub, indices_labeled)].clone()`` with the new
            labels.

        Raises
        ------
        NotImplementedError
            If the dataset is multi-label.
        """
        if dataset.is_multi_label:
            raise NotImplementedError('Only single-label datasets are supported')
        dataset_copy = dataset[np.concatenate([indices_unlabeled_sub, indices_labeled])].clone()
        dataset_copy.y = np.concatenate([
            np.full(len(indices_unlabeled_sub), DiscriminativeActiveLearning.LABEL_UNLABELED_POOL,
                    dtype=np.int64),
            np.full(len(indices_labeled), DiscriminativeActiveLearning.LABEL_LABELED_POOL,
                    dtype=np.int64)])
        return dataset_copy

    @staticmethod
    def _get_query_sizes(num_iterations, n):
        """Split ``n`` over ``num_iterations`` rounds: ``n // num_iterations`` each, the last
        round also taking the remainder (e.g. n=10, 3 rounds: [3, 3, 4]).

        Raises
        ------
        ValueError
            If ``num_iterations`` exceeds ``n``.
        """
        if num_iterations > n:
            raise ValueError('num_iterations cannot be greater than the query_size n')
        size = n // num_iterations
        return [size] * (num_iterations - 1) + [n - size * (num_iterations - 1)]

    def __str__(self):
        return (f'DiscriminativeActiveLearning(classifier_factory={self.classifier_factory}, '
                f'num_iterations={self.num_iterations}, '
                f'unlabeled_factor={self.unlabeled_factor})')
