"""Query strategies that restrict a base strategy to a neighbourhood of the labeled data.

:class:`SEALS` and :class:`AnchorSubsampling` keep a vector index over the pool, which is
built on the first query and updated as samples leave the pool. The candidate sets are
computed by the plain functions :func:`seals_candidates` and :func:`anchor_candidates`.
"""
import numpy as np
from scipy.sparse import csr_matrix

import small_text.query_strategies._params as _params
from small_text.base import check_optional_dependency
from small_text.query_strategies._embeddings import check_embeddings, normalize_rows
from small_text.query_strategies.base import QueryStrategy, ScoringMixin, _check_indices
from small_text.query_strategies.uncertainty import select_smallest
from small_text.utils.clustering import init_kmeans_plusplus_safe
from small_text.utils.data import list_length
from small_text.vector_indexes.base import VectorIndexFactory
from small_text.vector_indexes.hnsw import HNSWIndex


def seals_candidates(vector_index, query_vectors, k):
    """Return the sorted union of the ``k`` nearest indexed ids of each query vector.

    Parameters
    ----------
    vector_index : VectorIndex
        An index over the pool whose ids are dataset positions.
    query_vectors : np.ndarray of shape (n_queries, n_features)
        The embeddings of the labeled samples.
    k : int
        Neighbours per query vector.

    Returns
    -------
    indices : np.ndarray of int64
        The sorted, unique candidate ids.
    """
    if query_vectors.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    ids = vector_index.search(query_vectors, k=k)
    return np.unique(ids.astype(np.int64, copy=False))


def anchor_candidates(vector_index, anchor_vectors, k, subsample_size):
    """Return the pool items most similar to the anchors.

    For each anchor the ``k`` nearest indexed items are retrieved with their distances, and
    the similarity is ``1 - distance`` (in the index's metric). Each retrieved item gets the
    mean similarity over the anchors that retrieved it. All retrieved items are kept if there
    are at most ``subsample_size`` of them; otherwise the ``subsample_size`` items with the
    highest mean similarity (the lower id on ties).

    Parameters
    ----------
    vector_index : VectorIndex
        An index over the pool whose ids are dataset positions.
    anchor_vectors : np.ndarray of shape (n_anchors, n_features)
        The embeddings of the anchors.
    k : int
        Neighbours per anchor.
    subsample_size : int
        Maximal number of items to return.

    Returns
    -------
    indices : np.ndarray of int64
        The kept ids, in ascending order.
    """
    if anchor_vectors.shape[0] == 0:
        return np.empty(0, dtype=np.int64)
    ids, distances = vector_index.search(anchor_vectors, k=k, return_distance=True)
    items, inverse = np.unique(ids.astype(np.int64, copy=False), return_inverse=True)
    inverse = inverse.ravel()
    similarity_sums = np.bincount(inverse, weights=1 - distances.ravel().astype(np.float64),
                                  minlength=items.shape[0])
    mean_similarity = similarity_sums / np.bincount(inverse, minlength=items.shape[0])
    if subsample_size >= items.shape[0]:
        return items
    return np.sort(items[select_smallest(-mean_similarity, subsample_size)])


def select_anchors(embeddings, y, num_anchors):
    """Select up to ``num_anchors`` labeled samples per class by k-means++ seeding.

    For each class c (ascending) with labeled samples, ``min(#samples of c, num_anchors)`` of
    them are chosen by k-means++ seeding on their embeddings (global NumPy RNG).

    Parameters
    ----------
    embeddings : np.ndarray of shape (n_labeled, n_features)
        Embeddings of the labeled samples, aligned with ``y``.
    y : np.ndarray of int or scipy.sparse.csr_matrix
        Labels of the labeled samples; for multi-label data (csr), the samples of class c are
        those that have label c.
    num_anchors : int
        Maximal number of anchors per class.

    Returns
    -------
    indices : np.ndarray of int64
        Unique positions into ``embeddings``, sorted ascending.
    """
    anchors = []
    for members in _class_members(y):
        num_class_anchors = min(members.shape[0], num_anchors)
        if num_class_anchors == 0:
            continue
        class_embeddings = embeddings[members]
        _, positions = init_kmeans_plusplus_safe(
            class_embeddings, num_class_anchors,
            x_squared_norms=np.einsum('ij,ij->i', class_embeddings, class_embeddings),
            suppress_warning=True)
        anchors.append(members[positions])
    if not anchors:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(anchors)).astype(np.int64)


def _class_members(y):
    """Yield the positions of the samples of each class, in ascending class order."""
    if isinstance(y, csr_matrix):
        y_csc = y.tocsc()
        for c in range(y_csc.shape[1]):
            yield np.sort(y_csc.indices[y_csc.indptr[c]:y_csc.indptr[c + 1]])
    else:
        y = np.asarray(y)
        for c in np.unique(y):
            yield np.flatnonzero(y == c)


class _PoolIndexMixin:
    """Keeps ``vector_index`` over the pool: built on first use with dataset positions as ids,
    later updated by removing the ids that left the pool (``indices_unlabeled`` holds the
    indexed pool as a set). If new ids appear in the pool, the index is rebuilt."""

    def _update_pool_index(self, embeddings, indices_unlabeled):
        if self.vector_index is not None:
            previous = np.fromiter(self.indices_unlabeled, dtype=np.int64,
                                   count=len(self.indices_unlabeled))
            if np.isin(indices_unlabeled, previous).all():
                removed = previous[~np.isin(previous, indices_unlabeled)]
                if removed.shape[0] > 0:
                    self.vector_index.remove(removed)
                    self.indices_unlabeled.difference_update(removed.tolist())
                return

        vector_index = self.vector_index_factory.new()
        vector_index.build(embeddings[indices_unlabeled], ids=indices_unlabeled)
        self.vector_index = vector_index
        self.indices_unlabeled = set(indices_unlabeled.tolist())


def _embed(clf, dataset, embed_kwargs, normalize):
    """Return the checked (and optionally L2-normalised) embeddings of the whole dataset."""
    embeddings = check_embeddings(clf.embed(dataset, **embed_kwargs),
                                  num_rows=list_length(dataset))
    return normalize_rows(embeddings) if normalize else embeddings


class SEALS(_PoolIndexMixin, ScoringMixin, QueryStrategy):
    """Similarity Search for Efficient Active Learning and Search (SEALS).

    The base strategy only considers the candidate set: the union of the ``k`` nearest pool
    items of every labeled sample. The embeddings are computed once, on the first query, for
    the whole dataset (SEALS assumes fixed embeddings), and an index over the pool is kept
    and updated as samples leave the pool. If ``k`` exceeds the pool size, the base
    strategy gets the whole pool; with no labeled samples, too.

    Parameters
    ----------
    base_query_strategy : QueryStrategy
        The strategy that selects from the candidate set.
    k : int, default=100
        Neighbours per labeled sample.
    vector_index_factory : VectorIndexFactory, default=VectorIndexFactory(HNSWIndex)
        Creates the pool index.
    embed_kwargs : dict, default={}
        Keyword arguments for ``clf.embed`` (copied).
    normalize : bool, default=True
        L2-normalise the embeddings.

    Attributes
    ----------
    vector_index : VectorIndex or None
        The pool index, None before the first query that needs it.
    embeddings : np.ndarray of shape (len(dataset), n_features)
        The cached embeddings (set by the first query that needs them).
    indices_unlabeled : set
        The indexed pool (set by the first query that needs it).

    Raises
    ------
    MissingOptionalDependencyError
        If hnswlib is not installed (checked for any factory, as in small-text 2.0).

    Notes
    -----
    small-text 2.0 indexed the pool under positions ``0..|U|-1`` but mapped the results through
    the current, shrunken pool, and its removal step matched nothing (and crashes on
    NumPy >= 2.4), so from the second query on it returned wrong items. Here the ids are
    dataset positions and the ids that left the pool are removed from the index. The
    reference ignores ``embed_kwargs``; here they are passed to ``clf.embed``.

    References
    ----------
    .. [1] C. Coleman, E. Chou, J. Katz-Samuels, S. Culatana, P. Bailis, A. C. Berg,
       R. Nowak, R. Sumbaly, M. Zaharia, I. Z. Yalniz. "Similarity Search for Efficient
       Active Learning and Search of Rare Concepts." AAAI 2022.
    """

    _PARAMETER_CHECKS = {'base_query_strategy': _params.query_strategy,
                         'k': _params.positive_int,
                         'vector_index_factory': _params.factory,
                         'embed_kwargs': _params.keyword_arguments}

    def __init__(self, base_query_strategy, k: int = 100,
                 vector_index_factory=VectorIndexFactory(HNSWIndex),
                 embed_kwargs: dict = {}, normalize: bool = True):  # noqa: B006 (copied)
        check_optional_dependency('hnswlib')
        self.base_query_strategy = base_query_strategy
        self.k = k
        self.vector_index_factory = vector_index_factory
        self.embed_kwargs = _params.copied(embed_kwargs)
        self.normalize = normalize
        self.vector_index = None

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar='tqdm'):
        """Query the base strategy on the candidate set (see :meth:`get_subset_indices`).

        ``pbar`` is accepted for compatibility. See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the other parameters; validation of the pool is left to the base strategy.
        """
        self._check_parameters()
        if self.k > len(indices_unlabeled) or len(indices_labeled) == 0:
            return self.base_query_strategy.query(clf, dataset, indices_unlabeled,
                                                  indices_labeled, y, n=n)
        candidates = self.get_subset_indices(clf, dataset, indices_unlabeled, indices_labeled)
        return self.base_query_strategy.query(clf, dataset, candidates, indices_labeled, y, n=n)

    def get_subset_indices(self, clf, dataset, indices_unlabeled, indices_labeled):
        """Return the candidate set: the sorted union of the ``k`` nearest pool items of each
        labeled sample, as dataset positions.

        On the first call the whole dataset is embedded and the pool is indexed; later calls
        reuse the embeddings and remove the items that left the pool from the index.

        Raises
        ------
        ValueError
            If the indices are invalid or the embeddings contain NaN.
        """
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)
        if self.vector_index is None:
            self.embeddings = _embed(clf, dataset, self.embed_kwargs, self.normalize)
        self._update_pool_index(self.embeddings, indices_unlabeled)
        return seals_candidates(self.vector_index, self.embeddings[indices_labeled],
                                min(self.k, indices_unlabeled.shape[0]))

    @property
    def last_scores(self):
        """The base strategy's ``last_scores``, or None if it does not score."""
        if isinstance(self.base_query_strategy, ScoringMixin):
            return self.base_query_strategy.last_scores
        return None

    def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Not supported: scoring happens inside the base strategy on the candidate set.

        Raises
        ------
        NotImplementedError
            Always (small-text 2.0 returns the exception class instead of raising it).
        """
        raise NotImplementedError('SEALS does not score samples itself; call query() and read '
                                  'last_scores, which holds the base strategy\'s scores.')

    def __str__(self):
        return (f'SEALS(base_query_strategy={self.base_query_strategy}, k={self.k}, '
                f'embed_kwargs={self.embed_kwargs}, normalize={self.normalize})')



class AnchorSubsampling(_PoolIndexMixin, QueryStrategy):
    """AnchorAL [LV24]_: restrict a base strategy to the pool items nearest to class anchors.

    On each query, per class up to ``num_anchors`` labeled samples are chosen as anchors by
    k-means++ seeding (:func:`select_anchors`); the ``k`` nearest pool items of each anchor
    are retrieved from a pool index, and the ``subsample_size`` items with the highest mean
    similarity to their anchors form the pool of the base strategy
    (:func:`anchor_candidates`). Pools smaller than ``subsample_size`` and queries without
    labeled samples go to the base strategy unchanged.

    What is cached, and when it is refreshed: as in the paper, the texts are embedded once,
    and the anchors and the pool are compared in that one embedding space. On the first
    query that needs them, ``clf.embed`` embeds the whole dataset; the embeddings are kept in
    ``embeddings`` and the pool index is built from them. Later queries embed nothing: the
    anchors are looked up in ``embeddings``, and the index only loses the items that left
    the pool. So after the first query the cost of a query does not grow with the pool: a
    nearest-neighbour search per anchor plus the base strategy on at most
    ``subsample_size`` items. The embeddings and the index are computed anew if a query
    gets a dataset of a different length or a pool with items the index does not hold.
    Later changes of the classifier's encoder (fine-tuning) do not change the embedding
    space; create a new strategy object to re-embed.

    Parameters
    ----------
    base_query_strategy : QueryStrategy
        The strategy that selects from the subsample.
    subsample_size : int, default=500
        Size of the subsample.
    vector_index_factory : VectorIndexFactory, default=VectorIndexFactory(HNSWIndex)
        Creates the pool index. Similarity is ``1 - distance`` in its metric.
    num_anchors : int, default=10
        Maximal number of anchors per class.
    k : int, default=50
        Neighbours per anchor (at most the pool size).
    embed_kwargs : dict, default={}
        Keyword arguments for ``clf.embed`` (copied).
    normalize : bool, default=True
        L2-normalise the embeddings.
    batch_size : int, default=32
        Accepted for compatibility; not used.

    Attributes
    ----------
    vector_index : VectorIndex or None
        The pool index, None before the first query that needs it.
    embeddings : np.ndarray of shape (len(dataset), n_features) or None
        The cached embeddings of the whole dataset, None before the first query that needs
        them.
    indices_unlabeled : set
        The indexed pool (set by the first query that needs it).

    Notes
    -----
    Lesci & Vlachos embed the data with a fixed sentence encoder; here the encoder is the
    classifier at the first query (``clf.embed``).

    Differences from small-text 2.0: small-text 2.0 embedded the whole dataset on every
    query but kept the pool index of the first query, so from the second query on the
    anchors (embedded by the current model) were compared with vectors of another model, and
    every query cost a pass over the whole dataset. Anchors are drawn from the global NumPy
    RNG (so runs can be repeated), k-means++ gets the squared norms it expects,
    ``embed_kwargs`` are passed to ``clf.embed``, and items that left the pool are removed
    from the index. Multi-label data is supported: the samples of class c are those with
    label c.

    References
    ----------
    .. [LV24] P. Lesci, A. Vlachos. "AnchorAL: Computationally Efficient Active Learning for
       Large and Imbalanced Datasets." NAACL 2024.
    """

    _PARAMETER_CHECKS = {'base_query_strategy': _params.query_strategy,
                         'subsample_size': _params.positive_int,
                         'vector_index_factory': _params.factory,
                         'num_anchors': _params.positive_int,
                         'k': _params.positive_int,
                         'embed_kwargs': _params.keyword_arguments,
                         'batch_size': _params.positive_int}

    def __init__(self, base_query_strategy, subsample_size: int = 500,
                 vector_index_factory=VectorIndexFactory(HNSWIndex), num_anchors: int = 10,
                 k: int = 50, embed_kwargs: dict = {}, normalize: bool = True,  # noqa: B006
                 batch_size: int = 32):
        self.base_query_strategy = base_query_strategy
        self.subsample_size = subsample_size
        self.vector_index_factory = vector_index_factory
        self.num_anchors = num_anchors
        self.k = k
        self.embed_kwargs = _params.copied(embed_kwargs)
        self.normalize = normalize
        self.batch_size = batch_size
        self.vector_index = None
        self.embeddings = None

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar='tqdm'):
        """Query the base strategy on the anchor-based subsample of the pool.

        ``pbar`` is accepted for compatibility. See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the other parameters.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size (or the subsample, raised by the base strategy).
        ValueError
            If the indices are invalid or the embeddings contain NaN.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        if self.subsample_size > len(indices_unlabeled) or len(indices_labeled) == 0:
            return self.base_query_strategy.query(clf, dataset, indices_unlabeled,
                                                  indices_labeled, y, n=n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)

        if self.embeddings is None or self.embeddings.shape[0] != num_samples:
            self.embeddings = _embed(clf, dataset, self.embed_kwargs, self.normalize)
            self.vector_index = None
        self._update_pool_index(self.embeddings, indices_unlabeled)
        anchors = indices_labeled[select_anchors(self.embeddings[indices_labeled], y,
                                                 self.num_anchors)]
        subsample = anchor_candidates(self.vector_index, self.embeddings[anchors],
                                      min(self.k, indices_unlabeled.shape[0]),
                                      self.subsample_size)
        return self.base_query_strategy.query(clf, dataset, subsample, indices_labeled, y, n=n)

    def __str__(self):
        return (f'AnchorSubsampling(base_query_strategy={self.base_query_strategy}, '
                f'num_anchors={self.num_anchors}, k={self.k}, '
                f'embed_kwargs={self.embed_kwargs}, normalize={self.normalize}, '
                f'batch_size={self.batch_size})')
