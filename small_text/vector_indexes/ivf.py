"""Approximate nearest-neighbour search with an inverted file over k-means cells (IVF)."""
import numpy as np
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from threadpoolctl import threadpool_limits

from small_text.vector_indexes.base import (
    VectorIndex,
    _check_ids,
    _check_vectors,
    _k_exceeds_index_size_error,
    _not_built_error,
)

_QUERY_BATCH_SIZE = 4096
"""Query vectors processed at once; bounds the (batch, num_probes, k) candidate arrays."""

_TRAINING_ROWS_PER_LIST = 64
"""k-means is fitted on a random sample of this many rows per cell."""

_KMEANS_MAX_ITER = 20

_REFINE_ELEMENTS = 1 << 22
"""Elements of the (queries, k, n_features) difference block of the final refinement."""


class IVFIndex(VectorIndex):
    """Approximate vector index: an inverted file over k-means cells, with exact Euclidean
    distances inside the searched cells.

    :meth:`build` partitions the vectors into ``num_lists`` cells by k-means (fitted on a
    random sample of 64 vectors per cell, at most 20 iterations).
    :meth:`search` compares each query with the vectors of the ``num_probes`` cells whose
    centres are nearest to it, and returns the ``k`` nearest of those (queries whose probed
    cells hold fewer than ``k`` searchable vectors are searched exhaustively). With
    ``num_probes >= num_lists`` the search is exact. Distances are Euclidean, as for
    :class:`~small_text.vector_indexes.KNNIndex` with its defaults.

    A search costs about ``num_probes / num_lists`` of an exhaustive search, and building needs
    no graph construction, which makes this index practical for pools of a million vectors
    where :class:`~small_text.vector_indexes.HNSWIndex` takes very long to build. The recall is
    high for embeddings with cluster structure (real text embeddings) and low for structureless
    random vectors.

    Parameters
    ----------
    num_lists : int, default=None
        Number of cells; None means ``round(sqrt(n_vectors))``.
    num_probes : int, default=8
        Number of cells searched per query.
    random_state : int or np.random.RandomState, default=None
        Seed of the k-means partitioning; None uses the global NumPy RNG.

    Notes
    -----
    This index is an addition to the small-text 2.0 API. It is available as
    ``small_text.vector_indexes.ivf.IVFIndex``.

    References
    ----------
    .. [1] J. Sivic, A. Zisserman. "Video Google: A Text Retrieval Approach to Object Matching
       in Videos." ICCV 2003.
    .. [2] H. Jegou, M. Douze, C. Schmid. "Product Quantization for Nearest Neighbor Search."
       IEEE TPAMI 33(1), 2011.
    """

    def __init__(self, num_lists=None, num_probes=8, random_state=None):
        if num_lists is not None and num_lists < 1:
            raise ValueError(f'num_lists must be a positive integer or None, got {num_lists}')
        if num_probes < 1:
            raise ValueError(f'num_probes must be a positive integer, got {num_probes}')
        self.num_lists = num_lists
        self.num_probes = num_probes
        self.random_state = random_state
        self._index = None

    @property
    def index(self):
        """The fitted ``KMeans`` that defines the cells, or None before :meth:`build`."""
        return self._index

    def build(self, vectors, ids=None):
        """Partition ``vectors`` into cells (see :meth:`VectorIndex.build`)."""
        vectors = _check_vectors(vectors)
        ids = _check_ids(ids, vectors.shape[0])
        num_lists = self.num_lists or max(1, int(round(np.sqrt(vectors.shape[0]))))
        num_lists = min(num_lists, vectors.shape[0])
        random_state = check_random_state(self.random_state)
        sample_size = min(vectors.shape[0], _TRAINING_ROWS_PER_LIST * num_lists)
        sample = random_state.choice(vectors.shape[0], sample_size, replace=False)
        kmeans = KMeans(n_clusters=num_lists, init='random', n_init=1,
                        max_iter=_KMEANS_MAX_ITER,
                        random_state=random_state).fit(vectors[np.sort(sample)])
        labels = kmeans.predict(vectors)

        order = np.argsort(labels, kind='stable')
        self._vectors = np.ascontiguousarray(vectors[order])
        self._sq_norms = np.einsum('ij,ij->i', self._vectors, self._vectors)
        self._ids = ids[order]
        self._offsets = np.searchsorted(labels[order], np.arange(num_lists + 1))
        self._sorted_positions = np.argsort(self._ids, kind='stable')
        self._deleted = np.zeros(vectors.shape[0], dtype=bool)
        self._index = kmeans

    def remove(self, ids):
        """Mark the vectors with the given ids as deleted.

        Raises
        ------
        KeyError
            If an id is not in the index.
        """
        if self._index is None:
            raise _not_built_error()
        ids = np.asarray(ids).ravel()
        if ids.size == 0:
            return
        sorted_ids = self._ids[self._sorted_positions]
        positions = np.minimum(np.searchsorted(sorted_ids, ids), sorted_ids.shape[0] - 1)
        unknown = sorted_ids[positions] != ids
        if np.any(unknown):
            raise KeyError(f'ids not in the index: {ids[unknown][:10].tolist()}')
        self._deleted[self._sorted_positions[positions]] = True

    def search(self, vectors, k=10, return_distance=False):
        """Return the (approximately) ``k`` nearest non-deleted vectors of each query (see
        :meth:`VectorIndex.search`).

        Returns
        -------
        ids : np.ndarray of shape (n_queries, k)
        distances : np.ndarray of shape (n_queries, k)
            Euclidean distances; only if ``return_distance``.
        """
        if self._index is None:
            raise _not_built_error()
        vectors = _check_vectors(vectors).astype(self._vectors.dtype, copy=False)
        if k > self._deleted.shape[0] - np.count_nonzero(self._deleted):
            raise _k_exceeds_index_size_error(k)

        rows = np.empty((vectors.shape[0], k), dtype=np.int64)
        distances = np.empty((vectors.shape[0], k), dtype=self._vectors.dtype)
        for start in range(0, vectors.shape[0], _QUERY_BATCH_SIZE):
            batch = slice(start, start + _QUERY_BATCH_SIZE)
            rows[batch], distances[batch] = self._search_batch(vectors[batch], k)
        ids = self._ids[rows]
        return (ids, distances) if return_distance else ids

    def _search_batch(self, queries, k):
        """Return the rows and distances of the ``k`` nearest candidates of each query."""
        num_lists = self._offsets.shape[0] - 1
        num_probes = min(self.num_probes, num_lists)
        query_sq_norms = np.einsum('ij,ij->i', queries, queries)
        centers = self._index.cluster_centers_.astype(queries.dtype, copy=False)
        center_distances = _euclidean(queries, query_sq_norms, centers,
                                      np.einsum('ij,ij->i', centers, centers))
        probes = np.argpartition(center_distances, num_probes - 1, axis=1)[:, :num_probes]

        candidate_rows = np.full((queries.shape[0], num_probes, k), -1, dtype=np.int64)
        candidate_distances = np.full(candidate_rows.shape, np.inf, dtype=queries.dtype)
        # group the (query, probe slot) pairs by the cell they search
        pairs = np.argsort(probes, axis=None, kind='stable')
        pair_lists = probes.ravel()[pairs]
        bounds = np.searchsorted(pair_lists, np.arange(num_lists + 1))
        with threadpool_limits(limits=1, user_api='blas'):  # many small products
            self._search_cells(queries, query_sq_norms, k, pairs, bounds, candidate_rows,
                               candidate_distances)

        candidate_rows = candidate_rows.reshape(queries.shape[0], -1)
        candidate_distances = candidate_distances.reshape(queries.shape[0], -1)
        best = np.argpartition(candidate_distances, k - 1, axis=1)[:, :k]
        best = np.take_along_axis(best, np.argsort(
            np.take_along_axis(candidate_distances, best, 1), axis=1, kind='stable'), 1)
        rows = np.take_along_axis(candidate_rows, best, 1)
        distances = np.take_along_axis(candidate_distances, best, 1)

        incomplete = np.flatnonzero(~np.isfinite(distances[:, -1]))
        if incomplete.shape[0] > 0:
            rows[incomplete], distances[incomplete] = self._exhaustive(queries[incomplete], k)
        return self._refine(queries, rows)

    def _search_cells(self, queries, query_sq_norms, k, pairs, bounds, candidate_rows,
                      candidate_distances):
        """Fill the (query, probe slot) candidates with the ``k`` nearest rows of each cell;
        ``pairs[bounds[c]:bounds[c + 1]]`` are the flat (query, slot) positions probing cell c."""
        num_probes = candidate_rows.shape[1]
        for cell in np.flatnonzero(np.diff(bounds)):
            query_idx, slot = np.divmod(pairs[bounds[cell]:bounds[cell + 1]], num_probes)
            members = slice(self._offsets[cell], self._offsets[cell + 1])
            block = _euclidean(queries[query_idx], query_sq_norms[query_idx],
                               self._vectors[members], self._sq_norms[members])
            block[:, self._deleted[members]] = np.inf
            kept = min(k, block.shape[1])
            nearest = np.argpartition(block, kept - 1, axis=1)[:, :kept]
            candidate_rows[query_idx, slot, :kept] = nearest + members.start
            candidate_distances[query_idx, slot, :kept] = np.take_along_axis(block, nearest, 1)

    def _refine(self, queries, rows):
        """Recompute the distances of the result rows directly, which avoids the cancellation
        error of the dot-product expansion for near-zero distances, and re-sort."""
        distances = np.empty(rows.shape, dtype=queries.dtype)
        chunk = max(1, _REFINE_ELEMENTS // max(1, rows.shape[1] * queries.shape[1]))
        for start in range(0, queries.shape[0], chunk):
            window = slice(start, start + chunk)
            differences = self._vectors[rows[window]] - queries[window, np.newaxis, :]
            distances[window] = np.sqrt(np.einsum('qkd,qkd->qk', differences, differences))
        order = np.argsort(distances, axis=1, kind='stable')
        return np.take_along_axis(rows, order, 1), np.take_along_axis(distances, order, 1)

    def _exhaustive(self, queries, k):
        """Exact search over all searchable vectors."""
        block = _euclidean(queries, np.einsum('ij,ij->i', queries, queries), self._vectors,
                           self._sq_norms)
        block[:, self._deleted] = np.inf
        nearest = np.argsort(block, axis=1, kind='stable')[:, :k]
        return nearest, np.take_along_axis(block, nearest, 1)


def _euclidean(a, a_sq_norms, b, b_sq_norms):
    """Euclidean distances between the rows of ``a`` and ``b`` from dot products."""
    distances = a @ b.T
    distances *= -2
    distances += a_sq_norms[:, np.newaxis]
    distances += b_sq_norms[np.newaxis, :]
    np.maximum(distances, 0, out=distances)
    return np.sqrt(distances, out=distances)
