import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.query_strategies import EmbeddingKMeans, PoolExhaustedException
from small_text.query_strategies.kmeans import _nearest_distinct_rows, embedding_kmeans

from ._embedding_fakes import FixedEmbeddingClassifier, position_dataset


def _three_clusters():
    """Three tight clusters around the directions 0, 120 and 240 degrees. In each cluster the
    offsets cancel, so the cluster mean points exactly along its middle row (rows 2, 7, 12),
    which is the row with the highest cosine similarity to the centre."""
    rows = []
    for angle in np.deg2rad([0, 120, 240]):
        direction = np.array([np.cos(angle), np.sin(angle)])
        normal = np.array([-direction[1], direction[0]])
        for offset in [-0.2, -0.1, 0.0, 0.1, 0.2]:
            rows.append(direction + offset * normal)
    return np.array(rows)


@pytest.mark.parametrize('normalize', [True, False])
def test_picks_the_row_nearest_to_each_centre(normalize):
    np.random.seed(0)
    picks = embedding_kmeans(_three_clusters(), 3, normalize=normalize)
    assert sorted(picks.tolist()) == [2, 7, 12]
    assert picks.dtype == np.int64


def test_is_deterministic_under_a_fixed_seed():
    x = np.random.RandomState(1).randn(200, 5)
    np.random.seed(3)
    first = embedding_kmeans(x, 10)
    np.random.seed(3)
    np.testing.assert_array_equal(embedding_kmeans(x, 10), first)


def test_float32_input_is_supported():
    np.random.seed(0)
    picks = embedding_kmeans(_three_clusters().astype(np.float32), 3)
    assert sorted(picks.tolist()) == [2, 7, 12]


def test_duplicate_picks_are_redone_sequentially():
    x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    centers = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    # centre 1 also prefers row 0, which centre 0 took; its next best row is 1
    np.testing.assert_array_equal(_nearest_distinct_rows(x, centers, rows_normalized=False),
                                  [0, 1, 2])


def test_ties_go_to_the_first_row():
    x = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 0.0]])
    np.testing.assert_array_equal(_nearest_distinct_rows(x, np.array([[3.0, 0.0]]), False), [1])


@pytest.mark.parametrize('n', [0, 6, 2.0])
def test_invalid_n_raises(n):
    with pytest.raises(ValueError, match=r'n must be an integer in \[1, 5\]'):
        embedding_kmeans(np.random.RandomState(0).randn(5, 2), n)


def test_nan_raises():
    x = np.ones((4, 2))
    x[1, 0] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        embedding_kmeans(x, 2)


@pytest.mark.parametrize('multi_label', [False, True])
def test_query_returns_pool_positions_nearest_to_the_centres(multi_label):
    clusters = _three_clusters()
    # dataset: 15 cluster rows (pool) followed by 2 labeled rows
    embeddings = np.vstack([clusters, [[5.0, 5.0], [-5.0, 1.0]]])
    y = csr_matrix(np.array([[1, 0], [0, 1]])) if multi_label else np.array([0, 1])
    np.random.seed(0)
    result = EmbeddingKMeans().query(FixedEmbeddingClassifier(embeddings),
                                     position_dataset(17), np.arange(15), np.array([15, 16]),
                                     y, n=3)
    assert sorted(result.tolist()) == [2, 7, 12]


def test_query_maps_subset_positions_to_dataset_positions():
    clusters = _three_clusters()
    permutation = np.random.RandomState(0).permutation(15)
    embeddings = np.zeros((15, 2))
    embeddings[permutation] = clusters  # cluster row i lives at dataset position perm[i]
    np.random.seed(0)
    result = EmbeddingKMeans(normalize=False).query(
        FixedEmbeddingClassifier(embeddings), position_dataset(15), permutation[::-1].copy(),
        np.array([], dtype=int), np.array([], dtype=int), n=3)
    assert sorted(result.tolist()) == sorted(permutation[[2, 7, 12]].tolist())


def test_query_n_larger_than_pool():
    with pytest.raises(PoolExhaustedException):
        EmbeddingKMeans().query(FixedEmbeddingClassifier(np.ones((5, 2))), position_dataset(5),
                                np.arange(3), np.arange(3, 5), np.zeros(2, dtype=int), n=4)


def test_str():
    assert str(EmbeddingKMeans()) == 'EmbeddingKMeans(normalize=True)'
    assert str(EmbeddingKMeans(normalize=False)) == 'EmbeddingKMeans(normalize=False)'


def test_mini_batch_option(monkeypatch):
    from small_text.query_strategies import kmeans
    fitted = []
    original = kmeans.MiniBatchKMeans

    def recording(*args, **kwargs):
        fitted.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(kmeans, 'MiniBatchKMeans', recording)
    np.random.seed(0)
    result = EmbeddingKMeans(mini_batch=True).query(
        FixedEmbeddingClassifier(_three_clusters()), position_dataset(15), np.arange(15),
        np.array([], dtype=int), np.array([], dtype=int), n=3)
    assert fitted == [{'n_clusters': 3, 'n_init': 'auto'}]
    assert sorted(result.tolist()) == [2, 7, 12]
    assert EmbeddingKMeans().mini_batch is False


def _blobs(num_rows=2000, num_features=16, num_blobs=12, seed=0, dtype=np.float64):
    rng = np.random.RandomState(seed)
    centres = rng.randn(num_blobs, num_features) * 3
    labels = rng.randint(0, num_blobs, num_rows)
    return (centres[labels] + rng.randn(num_rows, num_features)).astype(dtype)


def _inertia(x, centers):
    distances = ((x[:, np.newaxis, :] - centers[np.newaxis, :, :]) ** 2).sum(axis=2)
    return distances.min(axis=1).sum()


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
def test_kmeans_inertia_is_within_one_percent_of_scikit_learns(dtype):
    from sklearn.cluster import KMeans

    from small_text.query_strategies.kmeans import _kmeans
    x = _blobs(num_blobs=10, dtype=dtype)
    inertias = []
    for seed in range(5):  # any seeding can miss a blob: compare medians over seeds
        np.random.seed(seed)
        centers, inertia = _kmeans(x, 10)
        assert centers.dtype == dtype
        np.testing.assert_allclose(inertia, _inertia(x.astype(np.float64), centers), rtol=1e-4)
        inertias.append(inertia)
    reference = [KMeans(n_clusters=10, random_state=seed).fit(x).inertia_ for seed in range(5)]
    assert np.median(inertias) <= 1.01 * np.median(reference)


def test_lloyd_reaches_scikit_learns_inertia_from_the_same_start():
    from sklearn.cluster import KMeans

    from small_text.query_strategies.kmeans import _lloyd
    x = _blobs(dtype=np.float32)  # 12 blobs, 10 clusters: many local optima
    start = x[np.random.RandomState(1).choice(x.shape[0], 10, replace=False)]
    _, inertia = _lloyd(x, start.copy())
    reference = KMeans(n_clusters=10, init=start, n_init=1).fit(x).inertia_
    assert abs(inertia - reference) <= 0.01 * reference


def test_kmeans_seeds_on_a_sample_of_large_inputs(monkeypatch):
    from small_text.query_strategies import kmeans
    seeded_on = []
    original = kmeans._kmeans_plusplus

    def recording(x, n_clusters):
        seeded_on.append(x.shape[0])
        return original(x, n_clusters)

    monkeypatch.setattr(kmeans, '_kmeans_plusplus', recording)
    monkeypatch.setattr(kmeans, '_SEED_SAMPLE_MIN', 300)
    x = _blobs(num_blobs=10)
    np.random.seed(0)
    centers, inertia = kmeans._kmeans(x, 10)
    assert seeded_on == [300]
    # Lloyd's iterations ran on all rows
    np.testing.assert_allclose(inertia, _inertia(x, centers), rtol=1e-6)


def test_lloyd_without_tolerance_stops_at_a_fixed_point():
    from small_text.query_strategies.kmeans import _assign, _lloyd, _squared_norms
    x = _blobs(num_rows=500)
    centers, inertia = _lloyd(x, x[:8].copy(), tol=0)
    labels, closest = _assign(x, _squared_norms(x), centers)
    for j in range(8):
        np.testing.assert_allclose(centers[j], x[labels == j].mean(axis=0), atol=1e-10)
    np.testing.assert_allclose(inertia, closest.sum())


def test_lloyd_max_iter_bounds_the_iterations():
    from small_text.query_strategies.kmeans import _lloyd
    x = _blobs(num_rows=500)
    start = x[:8].copy()
    centers, _ = _lloyd(x, start, tol=0, max_iter=0)
    np.testing.assert_array_equal(centers, start)


def test_an_empty_cluster_moves_to_the_farthest_row():
    from small_text.query_strategies.kmeans import _cluster_means
    x = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [0.0, 1.0]])
    labels = np.array([0, 0, 0, 1])
    closest = np.array([0.1, 0.2, 9.0, 0.0])
    centers = _cluster_means(x, labels, closest, 3)
    np.testing.assert_allclose(centers, [[2.0, 5 / 3], [0.0, 1.0], [5.0, 5.0]])


def test_kmeans_plusplus_picks_distinct_rows_and_survives_duplicates():
    from small_text.query_strategies.kmeans import _kmeans_plusplus
    x = _blobs(num_rows=200)
    np.random.seed(0)
    centers = _kmeans_plusplus(x, 20)
    assert np.unique(centers, axis=0).shape[0] == 20
    assert all((x == c).all(axis=1).any() for c in centers)

    np.random.seed(0)
    duplicates = np.repeat(np.eye(3), 4, axis=0)  # 3 distinct rows, 12 in all
    assert _kmeans_plusplus(duplicates, 5).shape == (5, 3)


def test_one_cluster_per_row_picks_every_row():
    x = _blobs(num_rows=30)
    np.random.seed(0)
    assert sorted(embedding_kmeans(x, 30).tolist()) == list(range(30))
