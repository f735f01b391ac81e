import numpy as np
import pytest

from small_text.vector_indexes import HNSWIndex

hnswlib = pytest.importorskip('hnswlib', reason='needs the hnswlib extra: pip install "small-text[hnswlib]"')

VECTORS = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [6.0, 0.0], [10.0, 0.0]],
                   dtype=np.float32)
IDS = np.array([50, 10, 30, 20, 40])


def _built(**kwargs):
    index = HNSWIndex(**kwargs)
    index.build(VECTORS, ids=IDS)
    return index


def test_defaults():
    index = HNSWIndex()
    assert (index.space, index.ef_construction, index.ef, index.m, index.random_seed) == \
        ('l2', 200, 200, 64, 100)
    assert index.index is None


def test_build_configures_hnswlib():
    index = _built(ef=50, m=8)
    assert isinstance(index.index, hnswlib.Index)
    assert index.index.ef == 50 and index.index.M == 8
    assert index.index.max_elements == 5 and index.index.element_count == 5


def test_search_returns_ids_and_squared_l2_distances():
    ids, distances = _built().search(np.array([[2.9, 0.0], [0.2, 0.0]]), k=3,
                                     return_distance=True)
    np.testing.assert_array_equal(ids, [[30, 10, 50], [50, 10, 30]])
    np.testing.assert_allclose(distances, [[0.01, 3.61, 8.41], [0.04, 0.64, 7.84]], rtol=1e-5)
    assert ids.dtype == np.uint64 and distances.dtype == np.float32


def test_search_without_distances_and_default_ids():
    index = HNSWIndex()
    index.build(VECTORS)
    np.testing.assert_array_equal(index.search(np.array([[6.2, 0.0]]), k=2), [[3, 2]])


def test_cosine_space_distance():
    index = HNSWIndex(space='cosine')
    index.build(np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32))
    _, distances = index.search(np.array([[1.0, 1.0]], dtype=np.float32), k=2,
                                return_distance=True)
    np.testing.assert_allclose(distances, [[1 - np.sqrt(0.5)] * 2], rtol=1e-5)


def test_remove_excludes_ids():
    index = _built()
    index.remove(np.array([30, 50]))
    np.testing.assert_array_equal(index.search(np.array([[2.9, 0.0]]), k=3), [[10, 20, 40]])


def test_remove_unknown_or_removed_id_raises():
    index = _built()
    index.remove(np.array([30]))
    with pytest.raises(RuntimeError):
        index.remove(np.array([30]))
    with pytest.raises(RuntimeError):
        index.remove(np.array([99]))


def test_k_larger_than_index_raises():
    index = _built()
    index.remove(np.array([30]))
    with pytest.raises(ValueError, match=r'^Searching the vector index failed\. Check if the '
                                         r'given k=5 might exceeds the index size\.$'):
        index.search(np.array([[0.0, 0.0]]), k=5)


def test_use_before_build_raises():
    with pytest.raises(RuntimeError, match='call build'):
        HNSWIndex().search(np.array([[0.0, 0.0]]), k=1)
