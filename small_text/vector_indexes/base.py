"""The vector index interface and a factory that creates fresh indexes."""
from abc import ABCMeta, abstractmethod
from typing import Generic

import numpy as np

from small_text.vector_indexes._typing import INDEX_TYPE


class VectorIndex(Generic[INDEX_TYPE], metaclass=ABCMeta):
    """Abstract nearest-neighbour index over vectors that are identified by integer ids.

    Distances are the backend's own (e.g. Euclidean for :class:`~small_text.vector_indexes.KNNIndex`
    with its defaults, squared Euclidean for :class:`~small_text.vector_indexes.HNSWIndex` with
    ``space='l2'``); they are not normalised to [0, 1].
    """

    @property
    @abstractmethod
    def index(self):
        """The backend index object, or None before :meth:`build`."""

    @abstractmethod
    def build(self, vectors, ids=None):
        """Index ``vectors``, replacing any previous content.

        Parameters
        ----------
        vectors : np.ndarray of shape (n_vectors, n_features)
            The vectors to index.
        ids : np.ndarray of int and shape (n_vectors,), default=None
            The id of each vector; defaults to ``arange(n_vectors)``.
        """

    @abstractmethod
    def remove(self, ids):
        """Exclude the vectors with the given ids from later searches.

        Parameters
        ----------
        ids : np.ndarray of int
            Ids of indexed vectors.
        """

    @abstractmethod
    def search(self, vectors, k=10, return_distance=False):
        """Return the ids of the ``k`` nearest indexed vectors of each query vector.

        Parameters
        ----------
        vectors : np.ndarray of shape (n_queries, n_features)
            The query vectors.
        k : int, default=10
            Number of neighbours per query.
        return_distance : bool, default=False
            Also return the distances.

        Returns
        -------
        ids : np.ndarray of shape (n_queries, k)
            Neighbour ids, nearest first.
        distances : np.ndarray of shape (n_queries, k)
            Only if ``return_distance``: the backend's distances, aligned with ``ids``.

        Raises
        ------
        ValueError
            If ``k`` exceeds the number of searchable vectors.
        """


class VectorIndexFactory:
    """Creates new, empty vector indexes of one class with fixed constructor arguments.

    Parameters
    ----------
    vector_index_class : type
        A :class:`VectorIndex` subclass.
    index_kwargs : dict, default={}
        Keyword arguments for the constructor; the dict is copied.

    Examples
    --------
    >>> from small_text.vector_indexes import KNNIndex, VectorIndexFactory
    >>> factory = VectorIndexFactory(KNNIndex, index_kwargs={'metric': 'cosine'})
    >>> factory.new().metric
    'cosine'
    """

    def __init__(self, vector_index_class, index_kwargs={}):  # noqa: B006 (copied)
        self.vector_index_class = vector_index_class
        self.index_kwargs = dict(index_kwargs)

    def new(self):
        """Return ``vector_index_class(**index_kwargs)``."""
        return self.vector_index_class(**self.index_kwargs)


def _check_vectors(vectors):
    vectors = np.asarray(vectors)
    if vectors.ndim != 2:
        raise ValueError(f'vectors must be a 2-D array of shape (n_vectors, n_features), '
                         f'got shape {vectors.shape}')
    return vectors


def _check_ids(ids, num_vectors):
    if ids is None:
        return np.arange(num_vectors)
    ids = np.asarray(ids)
    if ids.shape != (num_vectors,) or (ids.size > 0 and ids.dtype.kind not in 'iu'):
        raise ValueError(f'ids must be a 1-D integer array with one id per vector '
                         f'({num_vectors}), got shape {ids.shape} and dtype {ids.dtype}')
    if np.unique(ids).shape[0] != num_vectors:
        raise ValueError('ids must not contain duplicates')
    return ids


def _k_exceeds_index_size_error(k):
    return ValueError(f'Searching the vector index failed. Check if the given k={k} might '
                      f'exceeds the index size.')


def _not_built_error():
    return RuntimeError('The vector index is empty: call build() before search() or remove().')
