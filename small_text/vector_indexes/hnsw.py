"""Approximate nearest-neighbour search with hnswlib (extra ``hnswlib``)."""
import numpy as np

from small_text.base import check_optional_dependency
from small_text.vector_indexes.base import (
    VectorIndex,
    _check_ids,
    _check_vectors,
    _k_exceeds_index_size_error,
    _not_built_error,
)

_HNSWLIB_TOO_FEW_RESULTS = 'Cannot return the results in a contiguous 2D array'


class HNSWIndex(VectorIndex):
    """Approximate vector index backed by an hnswlib HNSW graph (Malkov & Yashunin).

    Requires the optional dependency hnswlib (``pip install "small-text[hnswlib]"``); it is
    imported only when an index is built.

    Distances are hnswlib's: squared Euclidean for ``space='l2'``, ``1 - <a, b>`` for
    ``space='ip'`` and ``1 - cos(a, b)`` for ``space='cosine'``. Search is approximate.

    Parameters
    ----------
    space : {'l2', 'ip', 'cosine'}, default='l2'
        The hnswlib distance space.
    ef_construction : int, default=200
        Size of the candidate list while building the graph.
    ef : int, default=200
        Size of the candidate list while searching (hnswlib uses at least ``k``).
    m : int, default=64
        Number of graph links per element (hnswlib's ``M``).
    random_seed : int, default=100
        Seed of hnswlib's level generator.

    Raises
    ------
    MissingOptionalDependencyError
        If hnswlib is not installed.

    References
    ----------
    .. [1] Y. A. Malkov, D. A. Yashunin. "Efficient and Robust Approximate Nearest Neighbor
       Search Using Hierarchical Navigable Small World Graphs." IEEE TPAMI 42(4), 2020.
    """

    def __init__(self, space='l2', ef_construction=200, ef=200, m=64, random_seed=100):
        check_optional_dependency('hnswlib')
        self.space = space
        self.ef_construction = ef_construction
        self.ef = ef
        self.m = m
        self.random_seed = random_seed
        self._index = None
        self._removed = []

    @property
    def index(self):
        """The ``hnswlib.Index``, or None before :meth:`build`."""
        return self._index

    def build(self, vectors, ids=None):
        """Build an HNSW graph over ``vectors`` (see :meth:`VectorIndex.build`)."""
        import hnswlib

        vectors = _check_vectors(vectors)
        ids = _check_ids(ids, vectors.shape[0])
        index = hnswlib.Index(space=self.space, dim=vectors.shape[1])
        index.init_index(max_elements=vectors.shape[0], ef_construction=self.ef_construction,
                         M=self.m, random_seed=self.random_seed)
        index.add_items(vectors, ids)
        index.set_ef(self.ef)
        self._index = index
        self._removed = []

    def remove(self, ids):
        """Mark the vectors with the given ids as deleted.

        Raises
        ------
        RuntimeError
            hnswlib's error for an unknown or already deleted id.
        """
        if self._index is None:
            raise _not_built_error()
        for id_ in np.asarray(ids).ravel():
            self._index.mark_deleted(int(id_))
            self._removed.append(int(id_))

    def __getstate__(self):
        """Return the state without the hnswlib graph, which cannot be written safely (copying
        or pickling it through skops aborts the process, and reading a raw graph from a file
        would trust its bytes): the non-removed vectors and their ids are kept instead."""
        state = {key: value for key, value in self.__dict__.items()
                 if key not in ('_index', '_removed')}
        if self._index is not None:
            ids = np.asarray(self._index.get_ids_list(), dtype=np.int64)
            ids = np.sort(ids[~np.isin(ids, np.asarray(self._removed, dtype=np.int64))])
            state['_ids'] = ids
            state['_vectors'] = (np.asarray(self._index.get_items(ids), dtype=np.float32)
                                 if ids.size else None)
        return state

    def __setstate__(self, state):
        """Restore the parameters and rebuild the graph from the saved vectors (checked like
        the arguments of :meth:`build`)."""
        state = dict(state)
        vectors, ids = state.pop('_vectors', None), state.pop('_ids', None)
        self.__dict__.update(state)
        self._index, self._removed = None, []
        if vectors is not None:
            self.build(vectors, ids=ids)

    def search(self, vectors, k=10, return_distance=False):
        """Return the (approximately) ``k`` nearest non-deleted vectors of each query (see
        :meth:`VectorIndex.search`).

        Returns
        -------
        ids : np.ndarray of uint64 and shape (n_queries, k)
        distances : np.ndarray of float32 and shape (n_queries, k)
            Only if ``return_distance``.
        """
        if self._index is None:
            raise _not_built_error()
        vectors = _check_vectors(vectors)
        try:
            ids, distances = self._index.knn_query(vectors, k=k)
        except RuntimeError as e:
            if _HNSWLIB_TOO_FEW_RESULTS in str(e):
                raise _k_exceeds_index_size_error(k) from e
            raise
        return (ids, distances) if return_distance else ids
