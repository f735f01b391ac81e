import importlib.metadata
import subprocess
import sys

import numpy as np
import pytest

import small_text.vector_indexes as vector_indexes
from small_text import base
from small_text.exceptions import MissingOptionalDependencyError
from small_text.vector_indexes import HNSWIndex, KNNIndex, VectorIndex, VectorIndexFactory
from small_text.vector_indexes._typing import INDEX_TYPE


def test_all():
    assert vector_indexes.__all__ == ['VectorIndex', 'VectorIndexFactory', 'HNSWIndex',
                                      'KNNIndex']


def test_typing():
    assert INDEX_TYPE.__bound__ is object


def test_vector_index_is_abstract():
    with pytest.raises(TypeError):
        VectorIndex()


def test_factory_creates_new_indexes_with_the_kwargs():
    factory = VectorIndexFactory(KNNIndex, index_kwargs={'metric': 'cosine', 'n_jobs': 1})
    first, second = factory.new(), factory.new()
    assert isinstance(first, KNNIndex) and first is not second
    assert first.metric == 'cosine' and first.n_jobs == 1
    assert factory.vector_index_class is KNNIndex


def test_factory_copies_the_kwargs():
    kwargs = {'metric': 'cosine'}
    factory = VectorIndexFactory(KNNIndex, index_kwargs=kwargs)
    kwargs['metric'] = 'euclidean'
    assert factory.new().metric == 'cosine'
    first, second = VectorIndexFactory(KNNIndex), VectorIndexFactory(KNNIndex)
    assert first.index_kwargs is not second.index_kwargs


def test_importing_does_not_import_hnswlib():
    code = ('import sys, small_text.vector_indexes, small_text.query_strategies; '
            'print(sorted(m for m in ("hnswlib", "torch", "networkx") if m in sys.modules))')
    output = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            check=True).stdout
    assert output.strip() == '[]'


@pytest.mark.parametrize('vectors', [np.zeros(3), np.zeros((2, 2, 2))])
def test_build_rejects_non_matrices(vectors):
    with pytest.raises(ValueError, match='vectors must be a 2-D array'):
        KNNIndex().build(vectors)


@pytest.mark.parametrize('ids', [np.arange(3), np.array([0, 0, 1, 2]), np.zeros(4)])
def test_build_rejects_invalid_ids(ids):
    with pytest.raises(ValueError, match='ids must'):
        KNNIndex().build(np.zeros((4, 2)), ids=ids)


def _raise_not_found(name):
    raise importlib.metadata.PackageNotFoundError(name)


def test_hnsw_index_without_hnswlib_names_the_extra(monkeypatch):
    monkeypatch.setattr(base.importlib.metadata, 'distribution', _raise_not_found)
    with pytest.raises(MissingOptionalDependencyError, match=r'small-text\[hnswlib\]'):
        HNSWIndex()
