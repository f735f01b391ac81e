import numpy as np
import pytest

from small_text.vector_indexes import KNNIndex
from small_text.vector_indexes.ivf import IVFIndex


def _clustered(num_rows=2000, num_clusters=40, dim=8, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(num_clusters, dim) * 4
    return (centers[rng.randint(0, num_clusters, num_rows)] + rng.randn(num_rows, dim)) \
        .astype(np.float32)


def _exact(vectors, queries, k, ids=None, removed=None):
    index = KNNIndex()
    index.build(vectors, ids=ids)
    if removed is not None:
        index.remove(removed)
    return index.search(queries, k=k, return_distance=True)


def test_probing_every_cell_is_exact():
    vectors = _clustered()
    ids = np.arange(5000, 7000)
    index = IVFIndex(num_lists=20, num_probes=20, random_state=0)
    index.build(vectors, ids=ids)
    result_ids, distances = index.search(vectors[:300], k=15, return_distance=True)
    expected_ids, expected_distances = _exact(vectors, vectors[:300], 15, ids=ids)
    np.testing.assert_array_equal(result_ids, expected_ids)
    np.testing.assert_allclose(distances, expected_distances, atol=1e-5)


def test_default_probes_have_high_recall_on_clustered_data():
    vectors = _clustered()
    index = IVFIndex(random_state=0)
    index.build(vectors)
    result = index.search(vectors[:500], k=10)
    expected, _ = _exact(vectors, vectors[:500], 10)
    recall = np.mean([np.intersect1d(a, b).shape[0] / 10 for a, b in zip(result, expected)])
    assert recall > 0.95
    assert index.index.cluster_centers_.shape == (45, 8)  # round(sqrt(2000)) cells


def test_too_few_candidates_fall_back_to_exhaustive_search():
    vectors = _clustered(num_rows=300)
    index = IVFIndex(num_lists=100, num_probes=1, random_state=0)
    index.build(vectors)
    result_ids, distances = index.search(vectors[:20], k=50, return_distance=True)
    expected_ids, expected_distances = _exact(vectors, vectors[:20], 50)
    np.testing.assert_allclose(distances, expected_distances, atol=1e-5)
    assert np.unique(result_ids[0]).shape == (50,)


def test_remove_excludes_ids():
    vectors = _clustered(num_rows=500)
    ids = np.arange(500) * 3
    removed = ids[::4]
    index = IVFIndex(num_lists=10, num_probes=10, random_state=0)
    index.build(vectors, ids=ids)
    index.remove(removed)
    result_ids, distances = index.search(vectors[:50], k=20, return_distance=True)
    assert not np.isin(result_ids, removed).any()
    expected_ids, _ = _exact(vectors, vectors[:50], 20, ids=ids, removed=removed)
    np.testing.assert_array_equal(result_ids, expected_ids)


def test_remove_unknown_id_raises_key_error():
    index = IVFIndex(random_state=0)
    index.build(_clustered(num_rows=50))
    with pytest.raises(KeyError, match='77'):
        index.remove(np.array([1, 77]))


def test_k_larger_than_searchable_size_raises():
    index = IVFIndex(random_state=0)
    index.build(_clustered(num_rows=50))
    index.remove(np.array([3]))
    with pytest.raises(ValueError, match=r'^Searching the vector index failed\. Check if the '
                                         r'given k=50 might exceeds the index size\.$'):
        index.search(np.zeros((1, 8)), k=50)


def test_build_is_deterministic_with_a_random_state():
    vectors = _clustered(num_rows=400)
    first, second = IVFIndex(random_state=3), IVFIndex(random_state=3)
    first.build(vectors)
    second.build(vectors)
    np.testing.assert_array_equal(first.index.cluster_centers_, second.index.cluster_centers_)


def test_parameters_and_errors():
    index = IVFIndex()
    assert (index.num_lists, index.num_probes, index.random_state, index.index) == \
        (None, 8, None, None)
    with pytest.raises(ValueError, match='num_lists must be a positive integer'):
        IVFIndex(num_lists=0)
    with pytest.raises(ValueError, match='num_probes must be a positive integer'):
        IVFIndex(num_probes=0)
    with pytest.raises(RuntimeError, match='call build'):
        IVFIndex().search(np.zeros((1, 2)), k=1)
