"""Exact nearest-neighbour search with scikit-learn."""
import numpy as np
from sklearn.neighbors import NearestNeighbors

from small_text.vector_indexes.base import (
    VectorIndex,
    _check_ids,
    _check_vectors,
    _k_exceeds_index_size_error,
    _not_built_error,
)


class KNNIndex(VectorIndex):
    """Exact vector index backed by :class:`sklearn.neighbors.NearestNeighbors`.

    Removal is lazy: removed vectors stay in the fitted model and are filtered from the
    results, for which each search asks for ``k + number of removed`` neighbours.

    Parameters
    ----------
    algorithm : {'auto', 'ball_tree', 'kd_tree', 'brute'}, default='auto'
        Passed to ``NearestNeighbors``.
    radius : float, default=1.0
        Stored but not used (not passed to ``NearestNeighbors``, as in small-text 2.0).
    leaf_size : int, default=30
        Stored but not used (not passed to ``NearestNeighbors``, as in small-text 2.0).
    metric : str or callable, default='minkowski'
        Passed to ``NearestNeighbors``; with ``p=2`` the distance is Euclidean.
    p : float, default=2
        Passed to ``NearestNeighbors``.
    metric_params : dict, default=None
        Passed to ``NearestNeighbors``.
    n_jobs : int, default=None
        Passed to ``NearestNeighbors``.
    """

    DEFAULT_NUM_NEIGHBORS = 10

    def __init__(self, algorithm='auto', radius=1.0, leaf_size=30, metric='minkowski', p=2,
                 metric_params=None, n_jobs=None):
        self.algorithm = algorithm
        self.radius = radius
        self.leaf_size = leaf_size
        self.metric = metric
        self.p = p
        self.metric_params = metric_params
        self.n_jobs = n_jobs

        self._index = None
        self._vectors = None
        self._ids = None
        self._sorted_ids = None
        self._sorted_rows = None
        self._deleted = None

    @property
    def index(self):
        """The fitted ``NearestNeighbors`` object, or None before :meth:`build`."""
        return self._index

    def build(self, vectors, ids=None):
        """Fit the nearest-neighbour model on ``vectors`` (see :meth:`VectorIndex.build`)."""
        vectors = _check_vectors(vectors)
        ids = _check_ids(ids, vectors.shape[0])
        self._index = NearestNeighbors(n_neighbors=self.DEFAULT_NUM_NEIGHBORS,
                                       algorithm=self.algorithm, metric=self.metric, p=self.p,
                                       metric_params=self.metric_params,
                                       n_jobs=self.n_jobs).fit(vectors)
        self._vectors = vectors
        self._ids = ids
        self._sorted_rows = np.argsort(ids, kind='stable')
        self._sorted_ids = ids[self._sorted_rows]
        self._deleted = np.zeros(vectors.shape[0], dtype=bool)

    def remove(self, ids):
        """Mark the vectors with the given ids as deleted.

        Raises
        ------
        KeyError
            If an id is not in the index.
        """
        if self._index is None:
            raise _not_built_error()
        self._deleted[self._rows_of(np.asarray(ids).ravel())] = True

    def search(self, vectors, k=10, return_distance=False):
        """Return the ``k`` nearest non-deleted vectors of each query (see
        :meth:`VectorIndex.search`).

        Notes
        -----
        small-text 2.0 filtered the deleted rows out of the distances by comparing distance
        *values* with row numbers, so distances and ids became misaligned. Here one
        row mask selects both.
        """
        if self._index is None:
            raise _not_built_error()
        vectors = _check_vectors(vectors)
        num_deleted = int(np.count_nonzero(self._deleted))
        if k > self._deleted.shape[0] - num_deleted:
            raise _k_exceeds_index_size_error(k)

        distances, rows = self._index.kneighbors(vectors, n_neighbors=k + num_deleted,
                                                 return_distance=True)
        if num_deleted > 0:
            # a stable sort moves each query's non-deleted rows to the front, nearest first
            keep = np.argsort(self._deleted[rows], axis=1, kind='stable')[:, :k]
            rows = np.take_along_axis(rows, keep, axis=1)
            distances = np.take_along_axis(distances, keep, axis=1)
        ids = self._ids[rows]
        return (ids, distances) if return_distance else ids

    def _measures_euclidean(self):
        """Whether the distances are plain Euclidean ones (e.g. with the defaults)."""
        return not self.metric_params and (
            self.metric in ('euclidean', 'l2') or (self.metric == 'minkowski' and self.p == 2))

    def __getstate__(self):
        """Return the state without the fitted ``NearestNeighbors`` (its tree is not trusted
        when loading, since scikit-learn would index its raw arrays unchecked); the vectors are
        kept and the model is refitted on loading."""
        return {key: value for key, value in self.__dict__.items() if key != '_index'}

    def __setstate__(self, state):
        """Restore the state and refit the nearest-neighbour model on the saved vectors,
        keeping the ids and the removed rows."""
        self.__dict__.update(state)
        self._index = None
        if self._vectors is not None:
            ids, deleted = self._ids, self._deleted
            self.build(self._vectors, ids=ids)
            if deleted is not None:
                deleted = np.asarray(deleted)
                if deleted.shape != self._deleted.shape or deleted.dtype != bool:
                    raise ValueError(f'the removed-rows mask must be a bool array of shape '
                                     f'{self._deleted.shape}, got {deleted.dtype} '
                                     f'{deleted.shape}')
                self._deleted = deleted

    def _rows_of(self, ids):
        if ids.size == 0:
            return np.empty(0, dtype=np.int64)
        positions = np.searchsorted(self._sorted_ids, ids)
        positions = np.minimum(positions, self._sorted_ids.shape[0] - 1)
        unknown = self._sorted_ids[positions] != ids
        if np.any(unknown):
            raise KeyError(f'ids not in the index: {ids[unknown][:10].tolist()}')
        return self._sorted_rows[positions]
