"""Nearest-neighbour indexes over embedding vectors, used by the vector-space query strategies.

Importing this package never imports hnswlib; :class:`HNSWIndex` needs it only when it is
constructed (``pip install "small-text[hnswlib]"``). An approximate inverted-file index for
very large pools, which needs no extra dependency, is available as
:class:`small_text.vector_indexes.ivf.IVFIndex`.
"""
from small_text.vector_indexes.base import VectorIndex, VectorIndexFactory
from small_text.vector_indexes.hnsw import HNSWIndex
from small_text.vector_indexes.knn import KNNIndex

__all__ = ['VectorIndex', 'VectorIndexFactory', 'HNSWIndex', 'KNNIndex']
