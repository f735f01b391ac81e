import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.exceptions import ConstraintViolationError
from small_text.query_strategies.class_balancing import (
    ClassBalancer,
    _get_rebalancing_distribution,
    _sample_distribution,
)
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.strategies import RandomSampling


class PositionLabelClassifier:
    """Fake classifier: the dataset holds positions, ``predict`` looks up fixed labels."""

    def __init__(self, labels, num_classes):
        self.labels = np.asarray(labels)
        self.num_classes = num_classes

    def predict(self, dataset):
        return self.labels[np.asarray(dataset).ravel()]


class FirstItemsStrategy:
    """Fake base strategy that returns the first ``n`` pool positions and records its calls."""

    def __init__(self):
        self.calls = []

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        self.calls.append((np.asarray(dataset).ravel(), indices_unlabeled, indices_labeled, n))
        return indices_unlabeled[:n]

    def __str__(self):
        return 'FirstItemsStrategy()'


def _dataset(size):
    return np.arange(size).reshape(-1, 1)


# --- _sample_distribution -------------------------------------------------------------------

def test_sample_distribution_fills_the_largest_need_first():
    np.testing.assert_array_equal(_sample_distribution(4, [3, 1, 0]), [3, 1, 0])
    np.testing.assert_array_equal(_sample_distribution(7, [3, 1, 0]), [4, 2, 1])


def test_sample_distribution_even_split():
    np.testing.assert_array_equal(_sample_distribution(10, [0, 0, 0, 0, 0]), [2, 2, 2, 2, 2])


def test_sample_distribution_breaks_ties_randomly_and_reproducibly():
    outcomes = set()
    for seed in range(20):
        np.random.seed(seed)
        first = _sample_distribution(2, [0, 0, 0, 0])
        np.random.seed(seed)
        np.testing.assert_array_equal(_sample_distribution(2, [0, 0, 0, 0]), first)
        assert sorted(first.tolist()) == [0, 0, 1, 1]
        outcomes.add(tuple(first))
    assert len(outcomes) > 1


def test_sample_distribution_matches_the_sequential_process():
    rng = np.random.default_rng(0)
    for _ in range(50):
        source = rng.integers(0, 6, size=5)
        ignored = [c for c in range(5) if rng.random() < 0.3]
        if len(ignored) == 5:
            continue
        num_samples = int(rng.integers(0, 15))
        result = _sample_distribution(num_samples, source, ignored)
        # greedy invariants: the ignored get nothing, the total is num_samples, and no active
        # category ends more than one step above another that received anything
        assert result.sum() == num_samples
        assert (result[ignored] == 0).all()
        active = np.setdiff1d(np.arange(5), ignored)
        gap = result[active] - source[active]
        received = result[active] > 0
        if received.any():
            assert gap[received].max() <= gap.min() + 1


def test_sample_distribution_ignored_values():
    np.testing.assert_array_equal(_sample_distribution(4, [5, 0, 2], ignored_values=[0]),
                                  [0, 1, 3])


def test_sample_distribution_does_not_modify_ignored_list():
    ignored = [1]
    _sample_distribution(2, [0, 0, 0], ignored)
    assert ignored == [1]


def test_sample_distribution_zero_samples():
    np.testing.assert_array_equal(_sample_distribution(0, [1, 2], [0, 1]), [0, 0])


def test_sample_distribution_all_ignored():
    with pytest.raises(ValueError, match='all 2 categories are ignored'):
        _sample_distribution(1, [1, 2], [0, 1])


def test_sample_distribution_invalid_ignored_value():
    with pytest.raises(ValueError, match=r'ignored_values must hold categories in \[0, 2\)'):
        _sample_distribution(1, [1, 2], [2])


# --- _get_rebalancing_distribution ---------------------------------------------------------

def test_rebalancing_evens_out_the_histogram():
    # labeled histogram [1, 1, 1, 1, 1] plus n=10 ends at all 3s
    y = np.arange(5)
    y_pred = np.repeat(np.arange(5), 10)
    distribution = _get_rebalancing_distribution(10, 5, y, y_pred)
    np.testing.assert_array_equal(np.bincount(y, minlength=5) + distribution, [3, 3, 3, 3, 3])


def test_rebalancing_favours_rare_classes():
    y = np.array([0, 0, 0, 0, 1])
    y_pred = np.repeat(np.arange(3), 10)
    np.testing.assert_array_equal(_get_rebalancing_distribution(7, 3, y, y_pred), [0, 3, 4])


def test_rebalancing_never_exceeds_the_predicted_counts():
    np.random.seed(0)
    y = np.array([0, 1])
    y_pred = np.array([0, 0, 0, 0, 1, 2])  # class 2 has a single candidate
    distribution = _get_rebalancing_distribution(5, 3, y, y_pred)
    assert distribution.sum() == 5
    assert (distribution <= np.bincount(y_pred, minlength=3)).all()
    assert distribution[2] == 1


def test_rebalancing_pass_one_skips_ignored_classes():
    np.random.seed(0)
    y = np.array([1, 1])
    y_pred = np.array([0, 0, 0, 0, 0, 0, 2, 2, 2])  # no candidates for class 1
    distribution = _get_rebalancing_distribution(4, 3, y, y_pred, ignored_classes=[2])
    np.testing.assert_array_equal(distribution, [4, 0, 0])


def test_rebalancing_pass_two_may_allocate_to_ignored_classes():
    y = np.array([0, 1])
    y_pred = np.array([0, 2, 2, 2, 2, 2])
    distribution = _get_rebalancing_distribution(4, 3, y, y_pred, ignored_classes=[2])
    np.testing.assert_array_equal(distribution, [1, 0, 3])


def test_rebalancing_pass_one_subtracts_the_labeled_count():
    # class 0: 3 labeled, 4 candidates -> one free slot only; the rest must come from pass 2
    np.random.seed(0)
    y = np.array([0, 0, 0, 1])
    y_pred = np.array([0, 0, 0, 0, 1])
    distribution = _get_rebalancing_distribution(5, 2, y, y_pred)
    np.testing.assert_array_equal(distribution, [4, 1])


def test_rebalancing_with_empty_labeled_set():
    y_pred = np.repeat(np.arange(3), 4)
    distribution = _get_rebalancing_distribution(6, 3, np.array([], dtype=int), y_pred)
    np.testing.assert_array_equal(distribution, [2, 2, 2])


def test_rebalancing_rejects_labels_out_of_range():
    with pytest.raises(ValueError, match=r'y_pred must hold class labels in \[0, 2\)'):
        _get_rebalancing_distribution(1, 2, np.array([0]), np.array([0, 2]))
    with pytest.raises(ValueError, match='y must be a 1-D array of integer class labels'):
        _get_rebalancing_distribution(1, 2, np.array([0.5]), np.array([0, 1]))


# --- ClassBalancer -------------------------------------------------------------------------

def test_query_asks_the_base_strategy_per_predicted_class():
    np.random.seed(0)
    labels = np.array([0, 1, 0, 1, 2, 2, 2, 2, 0, 1])
    base = FirstItemsStrategy()
    strategy = ClassBalancer(base)
    pool = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    indices_labeled = np.array([8, 9])
    y = np.array([0, 1])
    result = strategy.query(PositionLabelClassifier(labels, 3), _dataset(10), pool,
                            indices_labeled, y, n=3)
    # class 2 lacks labels most; then one of classes 0/1
    assert result.shape == (3,)
    assert len(set(result.tolist())) == 3
    assert set(result.tolist()) <= set(pool.tolist())
    for subset, indices_unlabeled, indices_labeled_subset, n in base.calls:
        num_class = indices_unlabeled.shape[0]
        np.testing.assert_array_equal(indices_unlabeled, np.arange(num_class))
        np.testing.assert_array_equal(indices_labeled_subset, np.arange(num_class, num_class + 2))
        np.testing.assert_array_equal(subset[num_class:], [8, 9])
        assert len(set(labels[subset[:num_class]].tolist())) == 1
    queried_classes = [labels[subset[0]] for subset, *_ in base.calls]
    assert queried_classes == sorted(queried_classes)
    assert 2 in queried_classes
    np.testing.assert_array_equal(np.bincount(labels[result], minlength=3)[2], 2)


def test_query_returns_n_items_when_ignored_classes_receive_the_remainder():
    # the reference drops pass-2 allocations to ignored classes and returns fewer items
    labels = np.array([0, 2, 2, 2, 2, 2, 0, 1])
    strategy = ClassBalancer(FirstItemsStrategy(), ignored_classes=[2])
    result = strategy.query(PositionLabelClassifier(labels, 3), _dataset(8),
                            np.arange(6), np.array([6, 7]), np.array([0, 1]), n=4)
    np.testing.assert_array_equal(result, [0, 1, 2, 3])


def test_query_is_reproducible_under_seed():
    labels = np.repeat(np.arange(4), 10)
    strategy = ClassBalancer(RandomSampling(), subsample_size=20)
    pool = np.arange(36)

    def run():
        return strategy.query(PositionLabelClassifier(labels, 4), _dataset(40), pool,
                              np.arange(36, 40), np.array([3, 3, 3, 3]), n=6)

    np.random.seed(3)
    first = run()
    np.random.seed(3)
    np.testing.assert_array_equal(run(), first)
    assert len(set(first.tolist())) == 6


def test_query_subsamples_candidates():
    np.random.seed(5)
    pool = np.arange(10, 20)
    strategy = ClassBalancer(FirstItemsStrategy(), subsample_size=4)
    calls = []
    strategy._query_class_balanced = lambda *args: calls.append(args) or np.array([0])
    strategy.query(None, _dataset(20), pool, np.array([0]), np.array([0]), n=1)
    np.random.seed(5)
    expected = pool[np.random.choice(np.arange(10), 4, replace=False)]
    _, _, candidates, indices_labeled, _, n = calls[0]
    np.testing.assert_array_equal(candidates, expected)
    np.testing.assert_array_equal(indices_labeled, [0])
    assert n == 1


def test_query_uses_the_whole_pool_when_subsample_is_larger():
    pool = np.arange(10, 15)
    strategy = ClassBalancer(FirstItemsStrategy(), subsample_size=6)
    calls = []
    strategy._query_class_balanced = lambda *args: calls.append(args) or np.array([0])
    strategy.query(None, _dataset(20), pool, np.array([0]), np.array([0]), n=1)
    np.testing.assert_array_equal(calls[0][2], pool)


def test_query_with_empty_labeled_set():
    labels = np.repeat(np.arange(2), 5)
    result = ClassBalancer(FirstItemsStrategy()).query(
        PositionLabelClassifier(labels, 2), _dataset(10), np.arange(10), np.array([], dtype=int),
        np.array([], dtype=int), n=4)
    np.testing.assert_array_equal(result, [0, 1, 5, 6])


def test_multi_label_data_violates_constraint():
    with pytest.raises(ConstraintViolationError,
                       match='requires classification_type=single-label but multi-label'):
        ClassBalancer(RandomSampling()).query(None, _dataset(4), np.arange(3), np.array([3]),
                                              csr_matrix(np.array([[1, 0]])), n=1)


def test_empty_pool():
    with pytest.raises(EmptyPoolException, match='Cannot query an empty pool'):
        ClassBalancer(RandomSampling()).query(None, _dataset(4), np.array([], dtype=int),
                                              np.array([3]), np.array([0]), n=1)


def test_pool_exhausted():
    with pytest.raises(PoolExhaustedException, match='3 available / 4 requested'):
        ClassBalancer(RandomSampling()).query(None, _dataset(4), np.arange(3), np.array([3]),
                                              np.array([0]), n=4)


def test_n_larger_than_subsample():
    with pytest.raises(PoolExhaustedException, match='increase subsample_size'):
        ClassBalancer(RandomSampling(), subsample_size=2).query(
            None, _dataset(10), np.arange(9), np.array([9]), np.array([0]), n=3)


def test_all_classes_ignored():
    labels = np.zeros(4, dtype=int)
    with pytest.raises(ValueError, match='all 2 categories are ignored'):
        ClassBalancer(RandomSampling(), ignored_classes=[0, 1]).query(
            PositionLabelClassifier(labels, 2), _dataset(4), np.arange(3), np.array([3]),
            np.array([0]), n=1)


def test_ignored_classes_are_copied():
    ignored = [1]
    first = ClassBalancer(RandomSampling(), ignored_classes=ignored)
    ignored.append(2)
    second = ClassBalancer(RandomSampling())
    assert first.ignored_classes == [1]
    assert second.ignored_classes == []
    assert ClassBalancer(RandomSampling()).ignored_classes is not second.ignored_classes


def test_str():
    assert str(ClassBalancer(RandomSampling())) == (
        'ClassBalancer(base_query_strategy=RandomSampling(), ignored_classes=[], '
        'subsample_size=None)')
    assert str(ClassBalancer(RandomSampling(), ignored_classes=[1], subsample_size=5)) == (
        'ClassBalancer(base_query_strategy=RandomSampling(), ignored_classes=[1], '
        'subsample_size=5)')
