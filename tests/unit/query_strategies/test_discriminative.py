import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from small_text.classifiers.factories import SklearnClassifierFactory
from small_text.data.datasets import SklearnDataset
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.strategies import DiscriminativeActiveLearning

NUM_NEAR = 12
NUM_FAR = 6


def _dataset():
    """Labeled samples 0..3 and pool items 4..15 lie near the origin; pool items 16..21 lie
    far away, where no labeled sample is."""
    rng = np.random.RandomState(0)
    near = rng.normal(scale=0.3, size=(4 + NUM_NEAR, 2))
    far = rng.normal(loc=4.0, scale=0.3, size=(NUM_FAR, 2))
    x = np.vstack([near, far])
    y = np.full(x.shape[0], -1)
    y[:4] = [0, 1, 0, 1]
    return SklearnDataset(x, y, target_labels=np.arange(2))


INDICES_LABELED = np.arange(4)
POOL = np.arange(4, 4 + NUM_NEAR + NUM_FAR)
FAR = set(range(4 + NUM_NEAR, 4 + NUM_NEAR + NUM_FAR))


def _factory():
    return SklearnClassifierFactory(LogisticRegression(), 2)


class RecordingFactory:
    """Factory of fake discriminators that record their training data."""

    def __init__(self):
        self.train_sets = []

    def new(self):
        factory = self

        class Discriminator:
            def fit(self, train_set):
                factory.train_sets.append(train_set)
                return self

            def predict_proba(self, dataset):
                # the farther from the origin, the more "unlabeled"
                score = np.linalg.norm(dataset.x, axis=1)
                score = score / (1 + score)
                return np.column_stack([1 - score, score])

        return Discriminator()

    def __str__(self):
        return 'RecordingFactory()'


def test_get_query_sizes():
    assert DiscriminativeActiveLearning._get_query_sizes(3, 10) == [3, 3, 4]
    assert DiscriminativeActiveLearning._get_query_sizes(1, 5) == [5]
    assert DiscriminativeActiveLearning._get_query_sizes(5, 5) == [1, 1, 1, 1, 1]


def test_get_query_sizes_rejects_more_iterations_than_n():
    with pytest.raises(ValueError, match='num_iterations cannot be greater than the query_size n'):
        DiscriminativeActiveLearning._get_query_sizes(11, 10)


def test_get_relabeled_copy():
    dataset = _dataset()
    copy = DiscriminativeActiveLearning.get_relabeled_copy(dataset, np.array([20, 5]),
                                                           np.array([0, 1, 2]))
    np.testing.assert_array_equal(copy.y, [1, 1, 0, 0, 0])
    np.testing.assert_array_equal(copy.x, dataset.x[[20, 5, 0, 1, 2]])
    np.testing.assert_array_equal(dataset.y[:4], [0, 1, 0, 1])  # the original is unchanged
    assert DiscriminativeActiveLearning.LABEL_UNLABELED_POOL == 1
    assert DiscriminativeActiveLearning.LABEL_LABELED_POOL == 0


def test_get_relabeled_copy_rejects_multi_label():
    dataset = SklearnDataset(np.zeros((3, 2)), csr_matrix(np.eye(3, dtype=np.int64)),
                             target_labels=np.arange(3))
    with pytest.raises(NotImplementedError, match='Only single-label datasets are supported'):
        DiscriminativeActiveLearning.get_relabeled_copy(dataset, np.array([0]), np.array([1]))


def test_query_selects_items_unlike_the_labeled_data():
    np.random.seed(0)
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    assert strategy.clf_ is None
    result = strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.array([0, 1, 0, 1]),
                            n=4)
    assert result.shape == (4,)
    assert len(set(result.tolist())) == 4
    assert set(result.tolist()) <= FAR
    assert strategy.clf_ is not None


def test_query_is_reproducible_under_seed():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=3, unlabeled_factor=1)
    np.random.seed(7)
    first = strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int),
                           n=9)
    np.random.seed(7)
    second = strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int),
                            n=9)
    np.testing.assert_array_equal(first, second)
    assert len(set(first.tolist())) == 9


def test_rounds_grow_the_labeled_set_and_subsample_the_pool():
    np.random.seed(0)
    factory = RecordingFactory()
    strategy = DiscriminativeActiveLearning(factory, num_iterations=3, unlabeled_factor=2)
    result = strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int),
                            n=5)
    # rounds select 1, 1 and 3 items; labeled sets of 4, 5 and 6 with 8, 10, 12 pool items
    sizes = [(int((t.y == 1).sum()), int((t.y == 0).sum())) for t in factory.train_sets]
    assert sizes == [(8, 4), (10, 5), (12, 6)]
    # the fake discriminator ranks by distance from the origin: the farthest items first
    norms = np.linalg.norm(_dataset().x, axis=1)
    expected = POOL[np.argsort(-norms[POOL], kind='stable')][:5]
    np.testing.assert_array_equal(result, expected)
    # items picked in earlier rounds are labeled (label 0) in later rounds' training data
    assert factory.train_sets[1].x.tolist()[-1] == _dataset().x[result[0]].tolist()


def test_subsample_is_capped_by_the_pool():
    factory = RecordingFactory()
    strategy = DiscriminativeActiveLearning(factory, num_iterations=1, unlabeled_factor=100)
    strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int), n=2)
    assert int((factory.train_sets[0].y == 1).sum()) == POOL.shape[0]


def test_query_rejects_empty_labeled_set():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    with pytest.raises(ValueError, match='needs at least one labeled sample'):
        strategy.query(None, _dataset(), POOL, np.array([], dtype=int),
                       np.array([], dtype=int), n=2)


def test_query_n_smaller_than_num_iterations():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=3)
    with pytest.raises(ValueError, match='num_iterations cannot be greater'):
        strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int), n=2)


def test_query_full_pool_shortcut_does_not_train():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    pool = np.array([9, 4, 20])
    result = strategy.query(None, _dataset(), pool, INDICES_LABELED, np.zeros(4, dtype=int),
                            n=3)
    np.testing.assert_array_equal(result, pool)
    assert strategy.clf_ is None


def test_query_n_zero():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    result = strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int),
                            n=0)
    assert result.shape == (0,)


def test_query_multi_label_dataset():
    dataset = SklearnDataset(np.zeros((4, 2)), csr_matrix(np.eye(4, dtype=np.int64)),
                             target_labels=np.arange(4))
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    with pytest.raises(NotImplementedError, match='Only single-label datasets are supported'):
        strategy.query(None, dataset, np.array([0, 1, 2]), np.array([3]),
                       csr_matrix(np.array([[0, 0, 0, 1]])), n=1)


def test_nan_discriminator_probabilities():
    class NanFactory(RecordingFactory):
        def new(self):
            discriminator = super().new()
            discriminator.predict_proba = lambda dataset: np.full((len(dataset), 2), np.nan)
            return discriminator

    strategy = DiscriminativeActiveLearning(NanFactory(), num_iterations=1)
    with pytest.raises(ValueError, match='contains NaN'):
        strategy.query(None, _dataset(), POOL, INDICES_LABELED, np.zeros(4, dtype=int), n=1)


def test_empty_pool():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    with pytest.raises(EmptyPoolException, match='Cannot query an empty pool'):
        strategy.query(None, _dataset(), np.array([], dtype=int), INDICES_LABELED,
                       np.zeros(4, dtype=int), n=1)


def test_pool_exhausted():
    strategy = DiscriminativeActiveLearning(_factory(), num_iterations=1)
    with pytest.raises(PoolExhaustedException, match='2 available / 3 requested'):
        strategy.query(None, _dataset(), np.array([4, 5]), INDICES_LABELED,
                       np.zeros(4, dtype=int), n=3)


def test_str():
    strategy = DiscriminativeActiveLearning(RecordingFactory(), num_iterations=2)
    assert str(strategy) == ('DiscriminativeActiveLearning(classifier_factory=RecordingFactory(), '
                             'num_iterations=2, unlabeled_factor=10)')
