import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.spatial.distance import cdist

from small_text.query_strategies import (
    GreedyCoreset,
    LightweightCoreset,
    PoolExhaustedException,
    greedy_coreset,
    lightweight_coreset,
)
from small_text.query_strategies import coresets

from ._embedding_fakes import FixedEmbeddingClassifier, position_dataset

LINE = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])


def _brute_force_greedy(x, indices_unlabeled, indices_labeled, n, metric):
    """Farthest-first traversal straight from the definition, with full distance matrices."""
    def dist(a, b):
        if metric == 'euclidean':
            return cdist(a, b)
        return np.arccos(np.clip(1 - cdist(a, b, 'cosine'), -1, 1)) / np.pi

    pool = x[indices_unlabeled]
    if len(indices_labeled) > 0:
        min_distances = dist(pool, x[indices_labeled]).min(axis=1)
    else:
        min_distances = np.full(len(pool), np.inf)
    selected = []
    for _ in range(n):
        selected.append(int(np.argmax(min_distances)))
        min_distances = np.minimum(min_distances, dist(pool, pool[[selected[-1]]])[:, 0])
        min_distances[selected] = -np.inf
    return selected


def test_greedy_coreset_farthest_first_on_a_line():
    # d = [10, 9, 8, 7] to the labeled point 10; after picking 0, d = [-, 1, 2, 3]
    result = greedy_coreset(LINE, np.arange(4), np.array([4]), 3, distance_metric='euclidean')
    np.testing.assert_array_equal(result, [0, 3, 1])
    assert result.dtype == np.int64


def test_greedy_coreset_empty_labeled_set_starts_at_position_zero():
    result = greedy_coreset(LINE, np.arange(5), np.array([], dtype=int), 3,
                            distance_metric='euclidean')
    # d = +inf everywhere, so 0 first; then the distances to 0 ([-, 1, 2, 3, 10]) give 4;
    # then min(distance to 0, distance to 10) = [-, 1, 2, 3, -] gives 3
    np.testing.assert_array_equal(result, [0, 4, 3])


def test_greedy_coreset_reads_pool_rows_through_indices_unlabeled():
    # the pool holds rows 3, 0 and 2; position 1 (row 0) is farthest from the labeled row 4
    result = greedy_coreset(LINE, np.array([3, 0, 2]), np.array([4]), 2,
                            distance_metric='euclidean')
    np.testing.assert_array_equal(result, [1, 0])


def test_greedy_coreset_first_index_on_ties():
    x = np.array([[-1.0], [1.0], [0.0]])
    result = greedy_coreset(x, np.arange(2), np.array([2]), 1, distance_metric='euclidean')
    np.testing.assert_array_equal(result, [0])


@pytest.mark.parametrize('metric', ['euclidean', 'cosine'])
@pytest.mark.parametrize('num_labeled', [0, 1, 30])
def test_greedy_coreset_equals_the_definition(metric, num_labeled):
    rng = np.random.RandomState(0)
    x = rng.randn(400, 6)
    permutation = rng.permutation(400)
    indices_unlabeled, indices_labeled = permutation[:300], permutation[300:300 + num_labeled]
    result = greedy_coreset(x, indices_unlabeled, indices_labeled, 40, distance_metric=metric,
                            batch_size=7)
    expected = _brute_force_greedy(x, indices_unlabeled, indices_labeled, 40, metric)
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize('metric', ['euclidean', 'cosine'])
def test_greedy_coreset_normalize_equals_normalising_a_copy(metric):
    x = np.random.RandomState(0).randn(200, 5) * np.arange(1, 201)[:, np.newaxis]
    normalized = x / np.linalg.norm(x, axis=1, keepdims=True)
    expected = _brute_force_greedy(normalized, np.arange(150), np.arange(150, 200), 20, metric)
    np.testing.assert_array_equal(
        greedy_coreset(x, np.arange(150), np.arange(150, 200), 20, distance_metric=metric,
                       normalize=True), expected)
    np.testing.assert_array_equal(
        greedy_coreset(normalized, np.arange(150), np.arange(150, 200), 20,
                       distance_metric=metric, normalized=True), expected)


def test_greedy_coreset_float32_stays_close_to_float64():
    x = np.random.RandomState(0).randn(300, 8)
    expected = greedy_coreset(x, np.arange(250), np.arange(250, 300), 10)
    np.testing.assert_array_equal(
        greedy_coreset(x.astype(np.float32), np.arange(250), np.arange(250, 300), 10), expected)


def test_greedy_coreset_clips_cosine_similarity():
    # declared normalised, but the rows are slightly longer: the dot product of rows 0 and 1
    # exceeds 1; unclipped, arccos gives NaN, which argmax would select
    x = np.array([[1.0000001, 0.0], [1.0000001, 0.0], [0.0, 1.0]])
    result = greedy_coreset(x, np.array([1, 2]), np.array([0]), 1, normalized=True)
    np.testing.assert_array_equal(result, [1])


def test_greedy_coreset_zero_vectors_have_cosine_similarity_zero():
    x = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 0.1]])
    result = greedy_coreset(x, np.array([0, 2]), np.array([1]), 2)
    np.testing.assert_array_equal(result, [0, 1])


def test_greedy_coreset_n_larger_than_dataset():
    with pytest.raises(ValueError, match=r'^n \(n=6\) is greater the number of available '
                                         r'samples \(num_samples=5\)$'):
        greedy_coreset(LINE, np.arange(4), np.array([4]), 6, distance_metric='invalid')


def test_greedy_coreset_n_larger_than_pool():
    with pytest.raises(ValueError, match=r'greater than the pool size \(4 unlabeled'):
        greedy_coreset(LINE, np.arange(4), np.array([4]), 5)


def test_greedy_coreset_invalid_metric():
    with pytest.raises(ValueError, match=r"^Invalid distance metric: manhattan\. Possible "
                                         r"values: \['cosine', 'euclidean'\]$"):
        greedy_coreset(LINE, np.arange(4), np.array([4]), 2, distance_metric='manhattan')


def test_greedy_coreset_nan_raises():
    x = LINE.copy()
    x[2, 0] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        greedy_coreset(x, np.arange(4), np.array([4]), 2)


def test_greedy_coreset_invalid_batch_size():
    with pytest.raises(ValueError, match='batch_size must be a positive integer'):
        greedy_coreset(LINE, np.arange(4), np.array([4]), 2, batch_size=0)


def test_greedy_coreset_strategy_query():
    # dataset positions: pool 5, 6, 7, 8 hold the line 0..3, labeled position 2 holds 10
    embeddings = np.zeros((10, 1))
    embeddings[[5, 6, 7, 8, 2], 0] = [0.0, 1.0, 2.0, 3.0, 10.0]
    strategy = GreedyCoreset(normalize=False)
    result = strategy.query(FixedEmbeddingClassifier(embeddings), position_dataset(10),
                            np.array([5, 6, 7, 8]), np.array([2]), np.array([0]), n=2)
    np.testing.assert_array_equal(result, [5, 8])


@pytest.mark.parametrize('metric', ['euclidean', 'cosine'])
def test_greedy_coreset_strategy_normalizes(metric):
    x = np.random.RandomState(0).randn(60, 4) * np.arange(1, 61)[:, np.newaxis]
    normalized = x / np.linalg.norm(x, axis=1, keepdims=True)
    y = csr_matrix(np.ones((10, 2), dtype=int))  # multi-label data is supported
    result = GreedyCoreset(distance_metric=metric).query(
        FixedEmbeddingClassifier(x), position_dataset(60), np.arange(50), np.arange(50, 60), y,
        n=8)
    np.testing.assert_array_equal(
        result, _brute_force_greedy(normalized, np.arange(50), np.arange(50, 60), 8, metric))


def test_greedy_coreset_strategy_with_empty_labeled_set():
    result = GreedyCoreset(normalize=False).query(
        FixedEmbeddingClassifier(LINE), position_dataset(5), np.arange(5),
        np.array([], dtype=int), np.array([], dtype=int), n=2)
    np.testing.assert_array_equal(result, [0, 4])


def test_greedy_coreset_strategy_n_larger_than_pool():
    with pytest.raises(PoolExhaustedException):
        GreedyCoreset().query(FixedEmbeddingClassifier(LINE), position_dataset(5), np.arange(4),
                              np.array([4]), np.array([0]), n=5)


def test_greedy_coreset_strategy_invalid_metric_and_str():
    with pytest.raises(ValueError, match='Invalid distance metric: l1'):
        GreedyCoreset(distance_metric='l1')
    assert str(GreedyCoreset()) == ('GreedyCoreset(distance_metric=euclidean, normalize=True, '
                                    'batch_size=100)')


def _capture_choice(monkeypatch):
    calls = []
    choice = np.random.choice

    def capturing_choice(*args, **kwargs):
        calls.append(kwargs['p'])
        return choice(*args, **kwargs)

    monkeypatch.setattr(coresets.np.random, 'choice', capturing_choice)
    return calls


def test_lightweight_coreset_distribution(monkeypatch):
    calls = _capture_choice(monkeypatch)
    x = np.array([[0.0], [0.0], [2.0], [-2.0]])
    # mu = 0: d^2 = [0, 0, 4, 4], so q = 1/2 * 1/4 + 1/2 * d^2 / 8
    lightweight_coreset(x, np.zeros(1), 2, distance_metric='euclidean')
    np.testing.assert_allclose(calls[0], [0.125, 0.125, 0.375, 0.375])


def test_lightweight_coreset_distribution_with_proba(monkeypatch):
    calls = _capture_choice(monkeypatch)
    x = np.array([[0.0], [0.0], [2.0], [-2.0]])
    lightweight_coreset(x, np.zeros(1), 2, distance_metric='euclidean',
                        proba=np.array([1.0, 1.0, 1.0, 5.0]))
    np.testing.assert_allclose(calls[0], [1 / 16, 1 / 16, 1 / 16 + 0.25, 5 / 16 + 0.25])


def test_lightweight_coreset_cosine_distribution(monkeypatch):
    """Bachem et al. 2018 (KDD), the sampling distribution of Algorithm 1 (cited by the
    algorithm, as no equation number could be checked in the paper's text offline):
    q(x) = 1/(2|X|) + d(x, mu)^2 / (2 sum_x' d(x', mu)^2), d Euclidean; with 'cosine' the
    points X are the L2-normalised rows and mu is passed as their mean.

    Rows (2, 0), (4, 0), (0, 3) become (1, 0), (1, 0), (0, 1); mu = (2/3, 1/3);
    d^2 = 2/9, 2/9, 8/9 (sum 4/3), so q = 1/6 + [2, 2, 8] / 24 = [1/4, 1/4, 1/2].
    (The angular distance to mu that small-text 2.0 used gives [0.232, 0.232, 0.537].)
    """
    calls = _capture_choice(monkeypatch)
    x = np.array([[2.0, 0.0], [4.0, 0.0], [0.0, 3.0]])
    lightweight_coreset(x, np.array([2 / 3, 1 / 3]), 1)
    np.testing.assert_allclose(calls[0], [0.25, 0.25, 0.5])
    # rows declared unit-norm are used as they are: (1, 0) and (0, 1) to mu = (1, 0)
    lightweight_coreset(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 0.0]), 1,
                        normalized=True)
    np.testing.assert_allclose(calls[1], [0.25, 0.75])


def test_lightweight_coreset_all_rows_at_the_mean_is_uniform(monkeypatch):
    calls = _capture_choice(monkeypatch)
    lightweight_coreset(np.ones((4, 2)), np.ones(2), 2, distance_metric='euclidean')
    np.testing.assert_allclose(calls[0], np.full(4, 0.25))


def test_lightweight_coreset_empirical_frequencies():
    x = np.array([[0.0], [0.0], [2.0], [-2.0]])
    np.random.seed(0)
    counts = np.bincount(np.concatenate([
        lightweight_coreset(x, np.zeros(1), 1, distance_metric='euclidean')
        for _ in range(4000)]), minlength=4)
    np.testing.assert_allclose(counts / 4000, [0.125, 0.125, 0.375, 0.375], atol=0.03)


def test_lightweight_coreset_draws_n_distinct_rows_beyond_batch_size():
    x = np.random.RandomState(0).randn(1000, 4)
    np.random.seed(0)
    result = lightweight_coreset(x, x.mean(axis=0), 50, batch_size=100)
    assert result.shape == (50,) and np.unique(result).shape == (50,)
    assert result.dtype == np.int64 and result.min() >= 0 and result.max() < 1000


def test_lightweight_coreset_is_deterministic_under_a_fixed_seed():
    x = np.random.RandomState(0).randn(100, 4)
    np.random.seed(7)
    first = lightweight_coreset(x, x.mean(axis=0), 10)
    np.random.seed(7)
    np.testing.assert_array_equal(lightweight_coreset(x, x.mean(axis=0), 10), first)


def test_lightweight_coreset_checks_metric_before_size():
    with pytest.raises(ValueError, match='Invalid distance metric: foo'):
        lightweight_coreset(LINE, np.zeros(1), 10, distance_metric='foo')
    with pytest.raises(ValueError, match=r'n \(n=10\) is greater the number of available '
                                         r'samples \(num_samples=5\)'):
        lightweight_coreset(LINE, np.zeros(1), 10)


@pytest.mark.parametrize('proba', [np.ones(3), -np.ones(5), np.zeros(5)])
def test_lightweight_coreset_invalid_proba(proba):
    with pytest.raises(ValueError, match='proba must hold 5 non-negative weights'):
        lightweight_coreset(LINE, np.zeros(1), 2, proba=proba)


def test_lightweight_coreset_invalid_mean():
    with pytest.raises(ValueError, match='x_mean must have 1 entries'):
        lightweight_coreset(LINE, np.zeros(2), 2)


def test_lightweight_coreset_nan_raises():
    with pytest.raises(ValueError, match='NaN'):
        lightweight_coreset(np.full((3, 2), np.nan), np.zeros(2), 2)


def test_lightweight_coreset_strategy_four_points_hand_checked(monkeypatch):
    """Bachem et al. 2018 (KDD), lightweight coreset distribution (Algorithm 1; cited by the
    algorithm, as no equation number could be checked in the paper's text offline):
    q(x) = 1/(2|X|) + d(x, mu)^2 / (2 sum_x' d(x', mu)^2), d Euclidean, mu the mean of X;
    distance_metric='euclidean' without normalisation takes X as the raw embeddings.

    X = (0, 0), (1, 0), (0, 1), (3, 3): mu = (1, 1), d^2 = 2, 1, 1, 8 (sum 12), so
    q = 1/8 + [2, 1, 1, 8] / 24 = [5/24, 4/24, 4/24, 11/24]; the farthest point gets 0.458.
    """
    calls = _capture_choice(monkeypatch)
    embeddings = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [3.0, 3.0], [9.0, 9.0]])
    np.random.seed(0)
    LightweightCoreset('euclidean', normalize=False).query(
        FixedEmbeddingClassifier(embeddings), position_dataset(5), np.arange(4), np.array([4]),
        np.array([0]), n=1)
    np.testing.assert_allclose(calls[0], np.array([5, 4, 4, 11]) / 24)


def test_lightweight_coreset_strategy_mean_of_the_normalised_vectors(monkeypatch):
    """With normalize=True the distribution is that of the normalised vectors: (2, 0) and
    (0, 3) become (1, 0) and (0, 1), mu = (1/2, 1/2), d^2 = 1/2 each, so q = [1/2, 1/2]. (The
    mean of the raw vectors, normalised afterwards, would favour (1, 0).)"""
    calls = _capture_choice(monkeypatch)
    embeddings = np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    np.random.seed(0)
    LightweightCoreset().query(FixedEmbeddingClassifier(embeddings), position_dataset(3),
                               np.arange(2), np.array([2]), np.array([0]), n=1)
    np.testing.assert_allclose(calls[0], [0.5, 0.5])


@pytest.mark.parametrize('metric, normalize, expected', [
    ('cosine', True, [1 / 4, 1 / 4, 1 / 2]),
    ('cosine', False, [1 / 4, 1 / 4, 1 / 2]),
    ('euclidean', True, [1 / 4, 1 / 4, 1 / 2]),
    ('euclidean', False, [17 / 84, 29 / 84, 38 / 84]),
])
def test_lightweight_coreset_strategy_metrics_hand_checked(monkeypatch, metric, normalize,
                                                           expected):
    """Bachem et al. 2018 (KDD), Algorithm 1 (no equation number could be checked offline):
    q(x) = 1/(2|U|) + d(x, mu)^2 / (2 sum_x' d(x', mu)^2), d Euclidean, mu the mean of the
    points. Pool (2, 0), (4, 0), (0, 3).

    'cosine' (with or without normalize) and 'euclidean' with normalize: the points are
    (1, 0), (1, 0), (0, 1), mu = (2/3, 1/3), d^2 = 2/9, 2/9, 8/9, q = [1/4, 1/4, 1/2].
    'euclidean' without normalize: mu = (2, 1), d^2 = 1, 5, 8 (sum 14),
    q = 1/6 + [1, 5, 8] / 28 = [17, 29, 38] / 84.
    """
    calls = _capture_choice(monkeypatch)
    embeddings = np.array([[2.0, 0.0], [4.0, 0.0], [0.0, 3.0], [5.0, 5.0]])
    np.random.seed(0)
    LightweightCoreset(metric, normalize=normalize).query(
        FixedEmbeddingClassifier(embeddings), position_dataset(4), np.arange(3),
        np.array([3]), np.array([0]), n=1)
    np.testing.assert_allclose(calls[0], expected)


@pytest.mark.parametrize('metric', ['euclidean', 'cosine'])
def test_lightweight_coreset_strategy_equals_the_function_on_the_normalised_pool(metric):
    rng = np.random.RandomState(0)
    embeddings = rng.randn(40, 3) * np.arange(1, 41)[:, np.newaxis]
    pool = rng.permutation(40)[:30]
    labeled = np.setdiff1d(np.arange(40), pool)
    pool_embeddings = embeddings[pool]
    normalized = pool_embeddings / np.linalg.norm(pool_embeddings, axis=1, keepdims=True)
    np.random.seed(1)
    expected = lightweight_coreset(normalized, normalized.mean(axis=0), 5,
                                   distance_metric=metric)
    np.random.seed(1)
    result = LightweightCoreset(distance_metric=metric).query(
        FixedEmbeddingClassifier(embeddings), position_dataset(40), pool, labeled[:3],
        csr_matrix(np.ones((3, 2), dtype=int)), n=5)
    np.testing.assert_array_equal(result, pool[expected])


def test_lightweight_coreset_strategy_n_larger_than_pool_and_str():
    with pytest.raises(PoolExhaustedException):
        LightweightCoreset().query(FixedEmbeddingClassifier(LINE), position_dataset(5),
                                   np.arange(4), np.array([4]), np.array([0]), n=5)
    with pytest.raises(ValueError, match='Invalid distance metric'):
        LightweightCoreset(distance_metric='dot')
    assert str(LightweightCoreset()) == \
        'LightweightCoreset(distance_metric=cosine, normalize=True)'


def test_lightweight_coreset_strategy_with_empty_labeled_set():
    np.random.seed(0)
    result = LightweightCoreset().query(
        FixedEmbeddingClassifier(np.random.RandomState(0).randn(20, 3)), position_dataset(20),
        np.arange(20), np.array([], dtype=int), np.array([], dtype=int), n=5)
    assert np.unique(result).shape == (5,) and np.isin(result, np.arange(20)).all()
