import importlib.metadata
import importlib.util

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.spatial.distance import cdist

from small_text import base
from small_text.active_learner import PoolBasedActiveLearner
from small_text.data import SklearnDataset
from small_text.exceptions import MissingOptionalDependencyError
from small_text.query_strategies import (
    SEALS,
    AnchorSubsampling,
    EmptyPoolException,
    LeastConfidence,
    PoolExhaustedException,
    QueryStrategy,
    RandomSampling,
)
from small_text.query_strategies.subsampling import (
    anchor_candidates,
    seals_candidates,
    select_anchors,
)
from small_text.vector_indexes import HNSWIndex, KNNIndex, VectorIndexFactory

from ._embedding_fakes import (
    EmbeddingLogisticRegressionFactory,
    FixedEmbeddingClassifier,
    position_dataset,
)

KNN_FACTORY = VectorIndexFactory(KNNIndex)

needs_hnswlib = pytest.mark.skipif(
    importlib.util.find_spec('hnswlib') is None,
    reason='SEALS needs the hnswlib extra: pip install "small-text[hnswlib]"')


class SpyStrategy(QueryStrategy):
    """Delegates to ``base`` and records the pools it was given."""

    def __init__(self, base_strategy):
        self.base_strategy = base_strategy
        self.pools = []

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        self.pools.append(np.array(indices_unlabeled))
        return self.base_strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n)

    def __str__(self):
        return f'Spy({self.base_strategy})'


def _line_index(positions, ids):
    index = KNNIndex()
    index.build(np.asarray(positions, dtype=float).reshape(-1, 1), ids=np.asarray(ids))
    return index


def _clustered_dataset(num_samples=300, num_classes=3, dim=5, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.randn(num_classes, dim) * 2
    y = rng.randint(0, num_classes, size=num_samples)
    x = centers[y] + rng.randn(num_samples, dim)
    return SklearnDataset(x, y, target_labels=np.arange(num_classes))


def _normalized(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _initial_indices(dataset, per_class=3):
    return np.concatenate([np.flatnonzero(dataset.y == c)[:per_class] for c in range(3)])


def _learner(strategy, dataset):
    learner = PoolBasedActiveLearner(EmbeddingLogisticRegressionFactory(3), strategy, dataset)
    learner.initialize(_initial_indices(dataset))
    return learner


def _check_query(result, indices_unlabeled, n):
    assert result.shape == (n,)
    assert np.unique(result).shape == (n,)
    assert np.isin(result, indices_unlabeled).all()


# --- SEALS -----------------------------------------------------------------------------------

def test_seals_candidates_is_the_sorted_union_of_the_nearest_neighbours():
    index = _line_index([0, 1, 2, 10, 11, 20], ids=[5, 3, 9, 1, 8, 4])
    candidates = seals_candidates(index, np.array([[0.4], [10.6]]), 2)
    np.testing.assert_array_equal(candidates, [1, 3, 5, 8])
    assert candidates.dtype == np.int64
    assert seals_candidates(index, np.empty((0, 1)), 2).shape == (0,)


def _seals_brute_force(x, indices_unlabeled, indices_labeled, k):
    distances = cdist(x[indices_labeled], x[indices_unlabeled])
    nearest = np.argsort(distances, axis=1)[:, :k]
    return np.unique(indices_unlabeled[nearest])


@needs_hnswlib
def test_seals_queries_the_base_strategy_on_the_candidate_set():
    x = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [20.0], [0.5], [10.5]])
    spy = SpyStrategy(RandomSampling())
    strategy = SEALS(spy, k=2, vector_index_factory=KNN_FACTORY, normalize=False)
    np.random.seed(0)
    result = strategy.query(FixedEmbeddingClassifier(x), position_dataset(8), np.arange(6),
                            np.array([6, 7]), np.array([0, 1]), n=3)
    np.testing.assert_array_equal(spy.pools[0], [0, 1, 3, 4])
    _check_query(result, [0, 1, 3, 4], 3)


@needs_hnswlib
@pytest.mark.parametrize('factory', [KNN_FACTORY, None])
def test_seals_over_ten_rounds_of_active_learning(factory):
    if factory is None:
        pytest.importorskip('hnswlib', reason='needs the hnswlib extra: pip install "small-text[hnswlib]"')
        factory = VectorIndexFactory(HNSWIndex)
    dataset = _clustered_dataset()
    spy = SpyStrategy(LeastConfidence())
    strategy = SEALS(spy, k=10, vector_index_factory=factory)
    learner = _learner(strategy, dataset)
    embeddings = None

    for _ in range(10):
        indices_unlabeled = learner.indices_unlabeled
        indices_labeled = learner.indices_labeled.copy()
        result = learner.query(num_samples=5)

        _check_query(result, indices_unlabeled, 5)
        expected = _seals_brute_force(_normalized(dataset.x), indices_unlabeled,
                                      indices_labeled, 10)
        np.testing.assert_array_equal(spy.pools[-1], expected)
        assert strategy.indices_unlabeled == set(indices_unlabeled.tolist())
        if embeddings is None:
            embeddings = strategy.embeddings
        assert strategy.embeddings is embeddings  # embedded once, then cached
        learner.update(dataset.y[result])


@needs_hnswlib
def test_seals_rebuilds_the_index_when_new_items_enter_the_pool():
    x = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [20.0], [0.5], [10.5]])
    spy = SpyStrategy(RandomSampling())
    strategy = SEALS(spy, k=1, vector_index_factory=KNN_FACTORY, normalize=False)
    clf = FixedEmbeddingClassifier(x)
    strategy.query(clf, position_dataset(8), np.arange(6), np.array([6, 7]), np.zeros(2, int),
                   n=1)
    np.testing.assert_array_equal(spy.pools[-1], [0, 3])
    # position 0 leaves the pool, position 7 comes back into it
    strategy.query(clf, position_dataset(8), np.array([1, 2, 3, 4, 5, 7]), np.array([6]),
                   np.zeros(1, int), n=1)
    np.testing.assert_array_equal(spy.pools[-1], [1])
    strategy.query(clf, position_dataset(8), np.array([1, 2, 3, 4, 5, 7]), np.array([0]),
                   np.zeros(1, int), n=1)
    np.testing.assert_array_equal(spy.pools[-1], [1])
    assert strategy.indices_unlabeled == {1, 2, 3, 4, 5, 7}


@needs_hnswlib
def test_seals_delegates_the_whole_pool_if_k_exceeds_it_or_nothing_is_labeled():
    x = np.random.RandomState(0).randn(10, 3)
    spy = SpyStrategy(RandomSampling())
    strategy = SEALS(spy, k=6, vector_index_factory=KNN_FACTORY)
    clf = FixedEmbeddingClassifier(x)
    strategy.query(clf, position_dataset(10), np.arange(5), np.arange(5, 10),
                   np.zeros(5, dtype=int), n=2)
    np.testing.assert_array_equal(spy.pools[-1], np.arange(5))
    strategy.query(clf, position_dataset(10), np.arange(10), np.array([], dtype=int),
                   np.array([], dtype=int), n=2)
    np.testing.assert_array_equal(spy.pools[-1], np.arange(10))
    assert strategy.vector_index is None


@needs_hnswlib
def test_seals_multi_label():
    x = np.random.RandomState(0).randn(30, 3)
    spy = SpyStrategy(RandomSampling())
    strategy = SEALS(spy, k=3, vector_index_factory=KNN_FACTORY)
    y = csr_matrix(np.array([[1, 0], [1, 1], [0, 1]]))
    result = strategy.query(FixedEmbeddingClassifier(x), position_dataset(30), np.arange(27),
                            np.arange(27, 30), y, n=2)
    np.testing.assert_array_equal(
        spy.pools[0], _seals_brute_force(_normalized(x), np.arange(27), np.arange(27, 30), 3))
    _check_query(result, np.arange(27), 2)


@needs_hnswlib
def test_seals_nan_embeddings_raise():
    x = np.ones((10, 2))
    x[4, 1] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        SEALS(RandomSampling(), k=2, vector_index_factory=KNN_FACTORY).query(
            FixedEmbeddingClassifier(x), position_dataset(10), np.arange(8), np.arange(8, 10),
            np.zeros(2, dtype=int), n=2)


def _raise_not_found(name):
    raise importlib.metadata.PackageNotFoundError(name)


def test_seals_requires_hnswlib_even_with_another_factory(monkeypatch):
    monkeypatch.setattr(base.importlib.metadata, 'distribution', _raise_not_found)
    with pytest.raises(MissingOptionalDependencyError, match=r'small-text\[hnswlib\]'):
        SEALS(RandomSampling(), vector_index_factory=KNN_FACTORY)


@needs_hnswlib
def test_seals_scores_come_from_the_base_strategy():
    x = np.random.RandomState(0).randn(20, 3)

    class ProbaClassifier(FixedEmbeddingClassifier):
        def predict_proba(self, dataset):
            return np.full((len(dataset), 2), 0.5)

    strategy = SEALS(LeastConfidence(), k=3, vector_index_factory=KNN_FACTORY)
    assert strategy.last_scores is None
    strategy.query(ProbaClassifier(x), position_dataset(20), np.arange(15), np.arange(15, 20),
                   np.zeros(5, dtype=int), n=2)
    assert strategy.last_scores is not None
    assert SEALS(RandomSampling()).last_scores is None
    with pytest.raises(NotImplementedError, match='SEALS does not score'):
        strategy.score(None, position_dataset(20), np.arange(15), np.arange(15, 20),
                       np.zeros(5, dtype=int))


@needs_hnswlib
def test_seals_defaults_and_str():
    strategy = SEALS(RandomSampling())
    assert strategy.k == 100 and strategy.normalize is True and strategy.vector_index is None
    assert strategy.vector_index_factory.vector_index_class is HNSWIndex
    embed_kwargs = {'a': 1}
    strategy = SEALS(RandomSampling(), k=5, embed_kwargs=embed_kwargs, normalize=False)
    embed_kwargs['a'] = 2
    assert str(strategy) == ("SEALS(base_query_strategy=RandomSampling(), k=5, "
                             "embed_kwargs={'a': 1}, normalize=False)")


# --- AnchorSubsampling -----------------------------------------------------------------------

def test_anchor_candidates_mean_similarity_per_item():
    # ids = positions on a line; the KNN index gives Euclidean distances
    index = _line_index([0.0, 0.1, 0.3, 0.6, 5.0], ids=[10, 11, 12, 13, 14])
    anchors = np.array([[0.0], [0.5]])
    # anchor 0: 10 (sim 1), 11 (0.9), 12 (0.7); anchor 0.5: 13 (0.9), 12 (0.8), 11 (0.6)
    # means: 10: 1, 11: 0.75, 12: 0.75, 13: 0.9
    np.testing.assert_array_equal(anchor_candidates(index, anchors, 3, 10), [10, 11, 12, 13])
    np.testing.assert_array_equal(anchor_candidates(index, anchors, 3, 2), [10, 13])
    # 11 and 12 tie: the lower id wins
    np.testing.assert_array_equal(anchor_candidates(index, anchors, 3, 3), [10, 11, 13])
    assert anchor_candidates(index, np.empty((0, 1)), 3, 2).shape == (0,)


def test_select_anchors_per_class():
    embeddings = np.random.RandomState(0).randn(9, 2)
    y = np.array([2, 0, 2, 2, 0, 2, 2, 1, 2])
    np.random.seed(0)
    anchors = select_anchors(embeddings, y, 2)
    assert anchors.dtype == np.int64 and np.all(np.diff(anchors) > 0)
    assert np.bincount(y[anchors], minlength=3).tolist() == [2, 1, 2]
    np.testing.assert_array_equal(select_anchors(embeddings, y, 10), np.arange(9))


def test_select_anchors_multi_label():
    embeddings = np.random.RandomState(0).randn(4, 2)
    y = csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [1, 0, 0]]))
    np.testing.assert_array_equal(select_anchors(embeddings, y, 5), [0, 1, 2, 3])
    np.random.seed(0)
    anchors = select_anchors(embeddings, y, 1)
    assert 1 <= anchors.shape[0] <= 2
    assert np.isin(anchors, [0, 1, 3]).any() and np.isin(anchors, [1, 2]).any()


def test_select_anchors_is_deterministic_under_a_fixed_seed():
    embeddings = np.random.RandomState(0).randn(50, 3)
    y = np.random.RandomState(1).randint(0, 3, 50)
    np.random.seed(5)
    first = select_anchors(embeddings, y, 4)
    np.random.seed(5)
    np.testing.assert_array_equal(select_anchors(embeddings, y, 4), first)


def _anchor_brute_force(x, indices_unlabeled, anchors, k, subsample_size):
    distances = cdist(x[anchors], x[indices_unlabeled])
    nearest = np.argsort(distances, axis=1)[:, :k]
    items = np.unique(indices_unlabeled[nearest])
    similarity = 1 - np.take_along_axis(distances, nearest, axis=1)
    mean = np.array([similarity[indices_unlabeled[nearest] == item].mean() for item in items])
    order = np.lexsort((items, -mean))
    return np.sort(items[order[:subsample_size]])


def test_anchor_subsampling_over_ten_rounds_of_active_learning():
    dataset = _clustered_dataset()
    spy = SpyStrategy(LeastConfidence())
    # with num_anchors above every class count, every labeled sample is an anchor
    strategy = AnchorSubsampling(spy, subsample_size=30, vector_index_factory=KNN_FACTORY,
                                 num_anchors=1000, k=15)
    learner = _learner(strategy, dataset)

    for _ in range(10):
        indices_unlabeled = learner.indices_unlabeled
        indices_labeled = learner.indices_labeled.copy()
        result = learner.query(num_samples=5)

        _check_query(result, indices_unlabeled, 5)
        expected = _anchor_brute_force(_normalized(dataset.x), indices_unlabeled,
                                       indices_labeled, 15, 30)
        np.testing.assert_array_equal(spy.pools[-1], expected)
        assert strategy.indices_unlabeled == set(indices_unlabeled.tolist())
        learner.update(dataset.y[result])


def test_anchor_subsampling_with_hnsw_is_repeatable_under_a_fixed_seed():
    pytest.importorskip('hnswlib', reason='needs the hnswlib extra: pip install "small-text[hnswlib]"')
    dataset = _clustered_dataset()
    queried = []
    for _ in range(2):
        np.random.seed(11)
        learner = _learner(AnchorSubsampling(RandomSampling(), subsample_size=40, num_anchors=2,
                                             k=20), dataset)
        rounds = []
        for _ in range(10):
            indices_unlabeled = learner.indices_unlabeled
            result = learner.query(num_samples=5)
            _check_query(result, indices_unlabeled, 5)
            rounds.append(result)
            learner.update(dataset.y[result])
        queried.append(np.concatenate(rounds))
    np.testing.assert_array_equal(queried[0], queried[1])


class _DriftingEmbeddingClassifier(FixedEmbeddingClassifier):
    """Its encoder changes after every call of ``embed`` (as fine-tuning would): each call
    returns the embeddings shifted by 100 times the number of earlier calls."""

    def embed(self, dataset, return_proba=False, **kwargs):
        embeddings = super().embed(dataset, **kwargs)
        return embeddings + 100.0 * (len(self.embedded) - 1)


def test_anchor_subsampling_hand_checked_and_embeds_once():
    """Lesci & Vlachos 2024 (NAACL), AnchorAL's subpool: with anchors a_1..a_m and
    sim(x, a) = 1 - dist(x, a), the subpool is the ``subsample_size`` pool items x with the
    largest mean similarity (1/|A_x|) sum_{a in A_x} sim(x, a) over the anchors A_x that
    retrieved x among their ``k`` nearest pool items, anchors and pool embedded in the same
    space. No equation number is cited: the paper's text could not be consulted offline to
    check one. Remaining deviation: the embeddings come
    from the classifier at the first query, not from a separate fixed sentence encoder.

    Pool items at positions 0..9 of a line, one labeled sample (the only anchor) at 2.1,
    k = 3, similarity 1 - |distance|. Query 1: the 3 nearest are 2 (0.1), 3 (0.9), 1 (1.1),
    similarities 0.9, 0.1, -0.1, so the subpool of size 2 is {2, 3}. After 2 left the pool,
    query 2: 3 (0.9), 1 (1.1), 4 (1.9), similarities 0.1, -0.1, -0.9: subpool {1, 3}. The
    classifier's encoder drifts between calls, so this only holds if the dataset is embedded
    once and the anchor is looked up in the same embeddings as the pool.
    """
    x = np.append(np.arange(10.0), 2.1).reshape(-1, 1)
    clf = _DriftingEmbeddingClassifier(x)
    spy = SpyStrategy(RandomSampling())
    strategy = AnchorSubsampling(spy, subsample_size=2, vector_index_factory=KNN_FACTORY,
                                 num_anchors=1, k=3, normalize=False)
    y = np.array([0])
    strategy.query(clf, position_dataset(11), np.arange(10), np.array([10]), y, n=1)
    np.testing.assert_array_equal(spy.pools[-1], [2, 3])
    strategy.query(clf, position_dataset(11), np.delete(np.arange(10), 2), np.array([10]), y,
                   n=1)
    np.testing.assert_array_equal(spy.pools[-1], [1, 3])
    assert len(clf.embedded) == 1
    np.testing.assert_array_equal(strategy.embeddings, x)


def test_anchor_subsampling_re_embeds_for_a_dataset_of_another_length():
    x = np.random.RandomState(0).randn(30, 3)
    clf = FixedEmbeddingClassifier(x)
    strategy = AnchorSubsampling(RandomSampling(), subsample_size=5,
                                 vector_index_factory=KNN_FACTORY, k=5)
    strategy.query(clf, position_dataset(20), np.arange(15), np.arange(15, 20),
                   np.zeros(5, dtype=int), n=2)
    strategy.query(clf, position_dataset(30), np.arange(25), np.arange(25, 30),
                   np.zeros(5, dtype=int), n=2)
    assert len(clf.embedded) == 2 and strategy.embeddings.shape == (30, 3)
    assert strategy.indices_unlabeled == set(range(25))


def test_anchor_subsampling_multi_label():
    x = np.random.RandomState(0).randn(40, 3)
    spy = SpyStrategy(RandomSampling())
    strategy = AnchorSubsampling(spy, subsample_size=10, vector_index_factory=KNN_FACTORY,
                                 k=5)
    y = csr_matrix(np.array([[1, 0], [1, 1], [0, 1]]))
    result = strategy.query(FixedEmbeddingClassifier(x), position_dataset(40), np.arange(37),
                            np.arange(37, 40), y, n=3)
    np.testing.assert_array_equal(
        spy.pools[0], _anchor_brute_force(_normalized(x), np.arange(37), np.arange(37, 40), 5,
                                          10))
    _check_query(result, np.arange(37), 3)


def test_anchor_subsampling_delegates_small_pools_and_cold_starts():
    x = np.random.RandomState(0).randn(20, 3)
    spy = SpyStrategy(RandomSampling())
    strategy = AnchorSubsampling(spy, subsample_size=11, vector_index_factory=KNN_FACTORY)
    clf = FixedEmbeddingClassifier(x)
    strategy.query(clf, position_dataset(20), np.arange(10), np.arange(10, 20),
                   np.zeros(10, dtype=int), n=2)
    np.testing.assert_array_equal(spy.pools[-1], np.arange(10))
    strategy.query(clf, position_dataset(20), np.arange(20), np.array([], dtype=int),
                   np.array([], dtype=int), n=2)
    np.testing.assert_array_equal(spy.pools[-1], np.arange(20))
    assert strategy.vector_index is None and clf.embedded == []


def test_anchor_subsampling_validates_the_pool():
    strategy = AnchorSubsampling(RandomSampling(), vector_index_factory=KNN_FACTORY)
    with pytest.raises(EmptyPoolException):
        strategy.query(None, position_dataset(5), np.array([], dtype=int), np.arange(5),
                       np.zeros(5, dtype=int), n=1)


def test_anchor_subsampling_nan_embeddings_raise():
    x = np.ones((20, 2))
    x[3, 0] = np.nan
    strategy = AnchorSubsampling(RandomSampling(), subsample_size=5,
                                 vector_index_factory=KNN_FACTORY)
    with pytest.raises(ValueError, match='NaN'):
        strategy.query(FixedEmbeddingClassifier(x), position_dataset(20), np.arange(15),
                       np.arange(15, 20), np.zeros(5, dtype=int), n=2)


def test_anchor_subsampling_defaults_and_str():
    strategy = AnchorSubsampling(RandomSampling())
    assert (strategy.subsample_size, strategy.num_anchors, strategy.k, strategy.embed_kwargs,
            strategy.normalize, strategy.batch_size) == (500, 10, 50, {}, True, 32)
    assert strategy.vector_index_factory.vector_index_class is HNSWIndex
    assert strategy.vector_index is None and strategy.embeddings is None
    assert str(strategy) == ('AnchorSubsampling(base_query_strategy=RandomSampling(), '
                             'num_anchors=10, k=50, embed_kwargs={}, normalize=True, '
                             'batch_size=32)')


def _seals_with_knn():
    pytest.importorskip('hnswlib', reason='SEALS needs the hnswlib extra: '
                                          'pip install "small-text[hnswlib]"')
    return SEALS(RandomSampling(), k=2, vector_index_factory=KNN_FACTORY)


def _anchor_subsampling_with_knn():
    return AnchorSubsampling(RandomSampling(), subsample_size=2,
                             vector_index_factory=KNN_FACTORY)


# factories, not instances: building SEALS needs hnswlib, which must not be required at
# collection time
@pytest.mark.parametrize('make_strategy', [_seals_with_knn, _anchor_subsampling_with_knn])
def test_n_larger_than_pool_raises(make_strategy):
    strategy = make_strategy()
    x = np.random.RandomState(0).randn(10, 3)
    with pytest.raises(PoolExhaustedException):
        strategy.query(FixedEmbeddingClassifier(x), position_dataset(10), np.arange(4),
                       np.arange(4, 10), np.zeros(6, dtype=int), n=5)
