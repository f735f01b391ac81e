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
