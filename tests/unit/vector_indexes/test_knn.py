import numpy as np
import pytest

from small_text.vector_indexes import KNNIndex

VECTORS = np.array([[0.0], [1.0], [3.0], [6.0], [10.0]])
IDS = np.array([50, 10, 30, 20, 40])


def _built(**kwargs):
    index = KNNIndex(**kwargs)
    index.build(VECTORS, ids=IDS)
    return index


def test_defaults():
    index = KNNIndex()
    assert (index.algorithm, index.radius, index.leaf_size, index.metric, index.p,
            index.metric_params, index.n_jobs) == ('auto', 1.0, 30, 'minkowski', 2, None, None)
    assert KNNIndex.DEFAULT_NUM_NEIGHBORS == 10
    assert index.index is None


def test_build_fits_nearest_neighbors_without_radius_and_leaf_size():
    index = _built(algorithm='brute', radius=5.0, leaf_size=3, metric='minkowski', p=1)
    params = index.index.get_params()
    assert params['n_neighbors'] == 10 and params['algorithm'] == 'brute' and params['p'] == 1
    assert params['radius'] == 1.0 and params['leaf_size'] == 30


def test_search_returns_ids_nearest_first():
    ids = _built().search(np.array([[2.9], [0.2]]), k=3)
    np.testing.assert_array_equal(ids, [[30, 10, 50], [50, 10, 30]])


def test_search_returns_euclidean_distances():
    ids, distances = _built().search(np.array([[2.9]]), k=2, return_distance=True)
    np.testing.assert_array_equal(ids, [[30, 10]])
    np.testing.assert_allclose(distances, [[0.1, 1.9]])
    assert distances.dtype == np.float64


def test_default_ids_are_positions():
    index = KNNIndex()
    index.build(VECTORS)
    np.testing.assert_array_equal(index.search(np.array([[6.2]]), k=2), [[3, 2]])


def test_remove_filters_ids_and_distances_with_the_same_mask():
    index = _built()
    index.remove(np.array([30, 50]))
    ids, distances = index.search(np.array([[2.9], [0.0]]), k=2, return_distance=True)
    np.testing.assert_array_equal(ids, [[10, 20], [10, 20]])
    np.testing.assert_allclose(distances, [[1.9, 3.1], [1.0, 6.0]])


def test_remove_then_search_everything_left():
    index = _built()
    index.remove(np.array([40]))
    np.testing.assert_array_equal(index.search(np.array([[10.0]]), k=4), [[20, 30, 10, 50]])
    with pytest.raises(ValueError, match=r'^Searching the vector index failed\. Check if the '
                                         r'given k=5 might exceeds the index size\.$'):
        index.search(np.array([[10.0]]), k=5)


def test_remove_unknown_id_raises_key_error():
    with pytest.raises(KeyError, match='99'):
        _built().remove(np.array([10, 99]))


def test_build_replaces_content_and_resets_removals():
    index = _built()
    index.remove(np.array([10]))
    index.build(VECTORS[:2], ids=np.array([7, 8]))
    np.testing.assert_array_equal(index.search(np.array([[0.9]]), k=2), [[8, 7]])


def test_k_larger_than_index_raises():
    with pytest.raises(ValueError, match='given k=6 might exceeds the index size'):
        _built().search(np.array([[0.0]]), k=6)


def test_use_before_build_raises():
    with pytest.raises(RuntimeError, match='call build'):
        KNNIndex().search(np.array([[0.0]]), k=1)
    with pytest.raises(RuntimeError, match='call build'):
        KNNIndex().remove(np.array([0]))


def test_cosine_metric():
    index = KNNIndex(metric='cosine')
    index.build(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    ids, distances = index.search(np.array([[2.0, 0.1]]), k=3, return_distance=True)
    np.testing.assert_array_equal(ids, [[0, 2, 1]])
    assert np.all(np.diff(distances) >= 0)
