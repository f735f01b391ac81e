import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.strategies import (
    BreakingTies,
    ConfidenceBasedQueryStrategy,
    LeastConfidence,
    PredictionEntropy,
    RandomSampling,
    SubsamplingQueryStrategy,
    breaking_ties,
)

from ._fakes import ClassifierWithoutProba, FixedProbaClassifier, empty_labeled

PROBA_STRATEGIES = [LeastConfidence, PredictionEntropy, BreakingTies]


def _query(strategy, proba, indices_unlabeled, n, dataset=None):
    """Query ``strategy`` with a classifier that returns ``proba`` for the whole dataset."""
    proba = np.asarray(proba)
    if dataset is None:
        dataset = np.zeros((proba.shape[0], 1))
    indices_labeled, y = empty_labeled()
    return strategy.query(FixedProbaClassifier(proba), dataset, np.asarray(indices_unlabeled),
                          indices_labeled, y, n=n)


def _two_class(confidences):
    confidences = np.asarray(confidences, dtype=float)
    return np.column_stack([confidences, 1 - confidences])


# --- RandomSampling -----------------------------------------------------------------------

def test_random_sampling_uses_global_rng():
    pool = np.array([3, 8, 1, 7, 5, 0])
    np.random.seed(42)
    result = RandomSampling().query(None, np.zeros(10), pool, np.array([2]), np.array([0]), n=3)
    np.random.seed(42)
    expected = np.random.choice(pool, size=3, replace=False)
    np.testing.assert_array_equal(result, expected)


def test_random_sampling_returns_distinct_pool_items():
    np.random.seed(0)
    pool = np.arange(10, 60)
    result = RandomSampling().query(None, np.zeros(60), pool, np.arange(10),
                                    np.zeros(10, dtype=int), n=20)
    assert result.shape == (20,)
    assert len(set(result.tolist())) == 20
    assert set(result.tolist()) <= set(pool.tolist())


def test_random_sampling_accepts_missing_dataset_and_n_zero():
    result = RandomSampling().query(None, None, np.arange(5), np.array([], dtype=int),
                                    np.array([], dtype=int), n=0)
    assert result.shape == (0,)


def test_random_sampling_str():
    assert str(RandomSampling()) == 'RandomSampling()'


# --- pool and argument validation (all strategies) ----------------------------------------

ALL_STRATEGIES = [RandomSampling, LeastConfidence, PredictionEntropy, BreakingTies,
                  lambda: SubsamplingQueryStrategy(LeastConfidence(), subsample_size=2)]


@pytest.mark.parametrize('make_strategy', ALL_STRATEGIES)
def test_empty_pool(make_strategy):
    with pytest.raises(EmptyPoolException, match='Cannot query an empty pool'):
        _query(make_strategy(), _two_class([0.9, 0.6]), np.array([], dtype=int), n=1)


@pytest.mark.parametrize('make_strategy', ALL_STRATEGIES)
def test_pool_exhausted(make_strategy):
    with pytest.raises(PoolExhaustedException, match='Pool exhausted: 2 available / 3 requested'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), [0, 2], n=3)


@pytest.mark.parametrize('make_strategy', ALL_STRATEGIES)
def test_negative_n(make_strategy):
    with pytest.raises(ValueError, match='n must be a non-negative integer, got n=-1'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), [0, 2], n=-1)


@pytest.mark.parametrize('make_strategy', ALL_STRATEGIES)
def test_pool_out_of_range(make_strategy):
    with pytest.raises(ValueError, match=r'indices_unlabeled must lie in \[0, 3\)'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), [0, 3], n=1)
    with pytest.raises(ValueError, match=r'indices_unlabeled must lie in \[0, 3\)'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), [-1, 2], n=1)


@pytest.mark.parametrize('make_strategy', ALL_STRATEGIES)
def test_pool_duplicates(make_strategy):
    with pytest.raises(ValueError, match='indices_unlabeled must not contain duplicate'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), [0, 2, 0], n=1)


@pytest.mark.parametrize('make_strategy', ALL_STRATEGIES)
def test_pool_must_hold_integers(make_strategy):
    with pytest.raises(ValueError, match='integer dataset positions'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), np.array([0.0, 1.0]), n=1)
    with pytest.raises(ValueError, match='1-D'):
        _query(make_strategy(), _two_class([0.9, 0.6, 0.7]), np.array([[0, 1]]), n=1)


# --- LeastConfidence / PredictionEntropy / BreakingTies -----------------------------------

def test_least_confidence_selection():
    result = _query(LeastConfidence(), _two_class([0.9, 0.55, 0.8, 0.7]), np.arange(4), n=2)
    np.testing.assert_array_equal(result, [1, 3])
    assert result.dtype == np.int64


def test_least_confidence_multi_class():
    proba = np.array([[0.5, 0.3, 0.2], [0.34, 0.33, 0.33], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2]])
    np.testing.assert_array_equal(_query(LeastConfidence(), proba, np.arange(4), n=3), [1, 3, 0])


def test_prediction_entropy_selection():
    # entropies: [0.1, 0.9] -> 0.325083, [0.5, 0.5] -> 0.693147, [0.3, 0.7] -> 0.610864
    proba = np.array([[0.1, 0.9], [0.5, 0.5], [0.3, 0.7], [1.0, 0.0]])
    strategy = PredictionEntropy()
    np.testing.assert_array_equal(_query(strategy, proba, np.arange(4), n=3), [1, 2, 0])
    np.testing.assert_allclose(strategy.scores_, [0.325083, 0.693147, 0.610864, 0.0],
                               atol=1e-6)


def test_breaking_ties_selection():
    # margins: 0.5, 0.05, 0.3, 0.0, 0.1
    proba = np.array([[0.7, 0.2, 0.1],
                      [0.4, 0.35, 0.25],
                      [0.1, 0.6, 0.3],
                      [0.45, 0.1, 0.45],
                      [0.3, 0.3, 0.4]])
    strategy = BreakingTies()
    np.testing.assert_array_equal(_query(strategy, proba, np.arange(5), n=3), [3, 1, 4])
    np.testing.assert_allclose(strategy.scores_, [0.5, 0.05, 0.3, 0.0, 0.1], atol=1e-12)


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_ties_are_broken_by_position_in_pool(strategy_class):
    proba = np.tile([0.6, 0.4], (6, 1))
    pool = np.array([5, 2, 4, 0])
    np.testing.assert_array_equal(_query(strategy_class(), proba, pool, n=3), [5, 2, 4])


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_selection_is_restricted_to_the_pool(strategy_class):
    # rows 0 and 1 are the most uncertain but labeled/absent from the pool
    proba = _two_class([0.5, 0.51, 0.9, 0.6, 0.8, 0.7])
    result = _query(strategy_class(), proba, np.array([5, 4, 3, 2]), n=2)
    np.testing.assert_array_equal(result, [3, 5])


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_scores_cover_the_whole_dataset(strategy_class):
    proba = _two_class([0.5, 0.51, 0.9, 0.6, 0.8, 0.7])
    clf = FixedProbaClassifier(proba)
    dataset = np.zeros((6, 2))
    strategy = strategy_class()
    assert strategy.scores_ is None
    assert strategy.last_scores is None

    strategy.query(clf, dataset, np.array([2, 3]), np.array([0, 1]), np.array([0, 1]), n=1)
    assert clf.predicted_on[0] is dataset
    assert strategy.scores_.shape == (6,)
    assert strategy.last_scores is strategy.scores_


def test_scores_hold_the_raw_confidence():
    strategy = LeastConfidence()
    _query(strategy, _two_class([0.9, 0.55, 0.8, 0.7]), np.arange(4), n=1)
    np.testing.assert_allclose(strategy.last_scores, [0.9, 0.55, 0.8, 0.7])


@pytest.mark.parametrize('strategy_class, sign', [(LeastConfidence, 1), (BreakingTies, 1),
                                                  (PredictionEntropy, -1)])
def test_score_returns_smaller_is_selected(strategy_class, sign):
    proba = _two_class([0.9, 0.55, 0.8])
    strategy = strategy_class()
    indices_labeled, y = empty_labeled()
    scores = strategy.score(FixedProbaClassifier(proba), np.zeros(3), np.arange(3),
                            indices_labeled, y)
    np.testing.assert_allclose(scores, sign * strategy.scores_)


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_full_pool_returns_pool_in_original_order_after_scoring(strategy_class):
    pool = np.array([3, 0, 2])
    strategy = strategy_class()
    result = _query(strategy, _two_class([0.9, 0.55, 0.8, 0.7]), pool, n=3)
    np.testing.assert_array_equal(result, pool)
    assert result is not pool
    assert strategy.scores_.shape == (4,)


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_n_zero_returns_empty_int64_array(strategy_class):
    result = _query(strategy_class(), _two_class([0.9, 0.55]), np.arange(2), n=0)
    assert result.shape == (0,)
    assert result.dtype == np.int64


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_unsigned_pool_indices(strategy_class):
    pool = np.array([3, 1, 0], dtype=np.uint64)
    result = _query(strategy_class(), _two_class([0.9, 0.55, 0.8, 0.7]), pool, n=2)
    np.testing.assert_array_equal(result, [1, 3])


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_multi_label_y_is_allowed(strategy_class):
    proba = np.array([[0.9, 0.2], [0.5, 0.6], [0.1, 0.8], [0.7, 0.3]])
    y = csr_matrix(np.array([[1, 0]]))
    result = strategy_class().query(FixedProbaClassifier(proba), np.zeros(4), np.arange(1, 4),
                                    np.array([0]), y, n=2)
    assert result.shape == (2,)


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_float32_probabilities_give_float32_scores(strategy_class):
    strategy = strategy_class()
    _query(strategy, _two_class([0.9, 0.55, 0.8]).astype(np.float32), np.arange(3), n=1)
    assert strategy.scores_.dtype == np.float32


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
@pytest.mark.parametrize('clf', [ClassifierWithoutProba(), None])
def test_classifier_without_predict_proba(strategy_class, clf):
    indices_labeled, y = empty_labeled()
    expected = (f'{strategy_class.__name__} needs a classifier with a predict_proba\\(\\) '
                f'method, but clf of type {type(clf).__name__} has none')
    with pytest.raises(TypeError, match=expected):
        strategy_class().query(clf, np.zeros(3), np.arange(3), indices_labeled, y, n=1)


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
@pytest.mark.parametrize('proba', [np.full(3, 0.5), np.full((3, 2, 1), 0.5)])
def test_probabilities_must_be_2d(strategy_class, proba):
    with pytest.raises(ValueError, match=r'^clf\.predict_proba\(dataset\) must be a 2-D array'):
        _query(strategy_class(), proba, np.arange(3), n=1, dataset=np.zeros(3))


@pytest.mark.parametrize('strategy_class', PROBA_STRATEGIES)
def test_probability_rows_must_match_dataset(strategy_class):
    with pytest.raises(ValueError, match=r'one row per dataset sample \(4\), got shape \(3, 2\)'):
        _query(strategy_class(), _two_class([0.9, 0.55, 0.8]), np.arange(3), n=1,
               dataset=np.zeros(4))


def test_breaking_ties_needs_two_classes():
    with pytest.raises(ValueError, match='at least 2 columns'):
        _query(BreakingTies(), np.ones((3, 1)), np.arange(3), n=1)


@pytest.mark.parametrize('strategy_class', [LeastConfidence, PredictionEntropy])
def test_single_column_probabilities_are_accepted(strategy_class):
    result = _query(strategy_class(), np.ones((3, 1)), np.arange(3), n=2)
    np.testing.assert_array_equal(result, [0, 1])


@pytest.mark.parametrize('strategy_class, expected', [
    (LeastConfidence, 'LeastConfidence()'),
    (PredictionEntropy, 'PredictionEntropy()'),
    (BreakingTies, 'BreakingTies()'),
])
def test_str(strategy_class, expected):
    assert str(strategy_class()) == expected


def test_lower_is_better_flags():
    assert LeastConfidence().lower_is_better is True
    assert BreakingTies().lower_is_better is True
    assert PredictionEntropy().lower_is_better is False


# --- breaking_ties ------------------------------------------------------------------------

def test_breaking_ties_function():
    assert breaking_ties(np.array([0.1, 0.6, 0.3])) == pytest.approx(0.3)
    assert breaking_ties([0.5, 0.5]) == pytest.approx(0.0)


@pytest.mark.parametrize('row, match', [(np.array([1.0]), 'at least 2'),
                                        (np.ones((2, 2)), '1-D')])
def test_breaking_ties_function_invalid(row, match):
    with pytest.raises(ValueError, match=match):
        breaking_ties(row)


# --- ConfidenceBasedQueryStrategy ---------------------------------------------------------

class _DatasetValues(ConfidenceBasedQueryStrategy):
    """Uses the (1-D) dataset values as confidence."""

    def get_confidence(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        return np.asarray(dataset, dtype=float)


def test_confidence_based_is_abstract():
    with pytest.raises(TypeError):
        ConfidenceBasedQueryStrategy()


def test_confidence_based_defaults_to_higher_is_better():
    strategy = _DatasetValues()
    assert strategy.lower_is_better is False
    result = strategy.query(None, np.array([0.2, 0.9, 0.5, 0.7]), np.arange(4),
                            np.array([], dtype=int), np.array([], dtype=int), n=2)
    np.testing.assert_array_equal(result, [1, 3])


def test_confidence_based_lower_is_better():
    strategy = _DatasetValues(lower_is_better=True)
    result = strategy.query(None, np.array([0.2, 0.9, 0.5, 0.7]), np.arange(4),
                            np.array([], dtype=int), np.array([], dtype=int), n=2)
    np.testing.assert_array_equal(result, [0, 2])


def test_confidence_based_str():
    assert str(_DatasetValues()) == 'ConfidenceBasedQueryStrategy()'


def test_confidence_based_checks_confidence_length():
    class WrongLength(ConfidenceBasedQueryStrategy):
        def get_confidence(self, clf, dataset, indices_unlabeled, indices_labeled, y):
            return np.zeros(2)

    with pytest.raises(ValueError, match=r'one value per dataset row, i.e. shape \(4,\)'):
        WrongLength().query(None, np.zeros(4), np.arange(4), np.array([], dtype=int),
                            np.array([], dtype=int), n=1)


# --- SubsamplingQueryStrategy -------------------------------------------------------------

class _ConfidenceFromDataset:
    """Fake classifier: dataset row i holds the confidence of class 0 in column 0."""

    def __init__(self):
        self.datasets = []

    def predict_proba(self, dataset):
        self.datasets.append(dataset)
        return _two_class(dataset[:, 0])


class _RecordingBase(RandomSampling):
    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        self.received = (dataset, indices_unlabeled, indices_labeled, y, n)
        return super().query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n)


def _confidence_dataset(num_samples, seed=0):
    rng = np.random.default_rng(seed)
    confidence = rng.uniform(0.5, 1.0, size=num_samples)
    return np.column_stack([confidence, np.arange(num_samples)])  # column 1: dataset position


def test_subsampling_queries_base_on_subset_and_maps_back():
    dataset = _confidence_dataset(100)
    pool = np.arange(20, 100)
    labeled = np.arange(20)
    y = np.zeros(20, dtype=int)
    strategy = SubsamplingQueryStrategy(LeastConfidence(), subsample_size=30)
    clf = _ConfidenceFromDataset()

    np.random.seed(5)
    result = strategy.query(clf, dataset, pool, labeled, y, n=4)

    np.random.seed(5)
    subsample = np.random.choice(pool, 30, replace=False)
    # the base saw the subsample followed by the labeled rows
    subset = clf.datasets[0]
    np.testing.assert_array_equal(subset[:, 1], np.concatenate([subsample, labeled]))
    # and picked the least confident items of the subsample
    expected = subsample[np.argsort(dataset[subsample, 0], kind='stable')[:4]]
    np.testing.assert_array_equal(result, expected)
    np.testing.assert_array_equal(subsample[strategy.subsampled_indices_], result)
    assert strategy.last_scores.shape == (50,)
    np.testing.assert_allclose(strategy.last_scores, subset[:, 0])


def test_subsampling_passes_uint_ranges_and_y_unchanged():
    base = _RecordingBase()
    strategy = SubsamplingQueryStrategy(base, subsample_size=5)
    y = np.array([1, 0, 1])
    np.random.seed(0)
    result = strategy.query(None, np.arange(20), np.arange(3, 20), np.arange(3), y, n=2)

    dataset, indices_unlabeled, indices_labeled, received_y, n = base.received
    assert dataset.shape == (8,)
    np.testing.assert_array_equal(dataset[5:], [0, 1, 2])
    np.testing.assert_array_equal(indices_unlabeled, np.arange(5))
    np.testing.assert_array_equal(indices_labeled, np.arange(5, 8))
    assert indices_unlabeled.dtype.kind == 'u' and indices_labeled.dtype.kind == 'u'
    assert received_y is y
    assert n == 2
    np.testing.assert_array_equal(result, dataset[strategy.subsampled_indices_])


def test_subsampling_is_reproducible_with_seed():
    dataset = _confidence_dataset(200, seed=1)
    results = []
    for _ in range(2):
        np.random.seed(3)
        strategy = SubsamplingQueryStrategy(PredictionEntropy(), subsample_size=50)
        results.append(strategy.query(_ConfidenceFromDataset(), dataset, np.arange(200),
                                      np.array([], dtype=int), np.array([], dtype=int), n=5))
    np.testing.assert_array_equal(results[0], results[1])
    assert len(set(results[0].tolist())) == 5


def test_subsampling_small_pool_delegates_unchanged():
    base = _RecordingBase()
    strategy = SubsamplingQueryStrategy(base, subsample_size=10)
    dataset = np.arange(12)
    pool = np.array([11, 4, 7])
    strategy.query(None, dataset, pool, np.array([0]), np.array([1]), n=2)

    received_dataset, indices_unlabeled, indices_labeled, _, _ = base.received
    assert received_dataset is dataset
    np.testing.assert_array_equal(indices_unlabeled, pool)
    np.testing.assert_array_equal(indices_labeled, [0])
    assert strategy.subsampled_indices_ is None


def test_subsampling_subsample_smaller_than_n():
    strategy = SubsamplingQueryStrategy(RandomSampling(), subsample_size=3)
    with pytest.raises(PoolExhaustedException, match=r'3 items \(subsample_size\) / 4 requested'):
        strategy.query(None, np.arange(10), np.arange(10), np.array([], dtype=int),
                       np.array([], dtype=int), n=4)


def test_subsampling_labeled_indices_are_validated():
    strategy = SubsamplingQueryStrategy(RandomSampling(), subsample_size=3)
    with pytest.raises(ValueError, match=r'indices_labeled must lie in \[0, 10\)'):
        strategy.query(None, np.arange(10), np.arange(5), np.array([10]), np.array([0]), n=1)


def test_subsampling_last_scores():
    assert SubsamplingQueryStrategy(LeastConfidence()).last_scores is None
    assert SubsamplingQueryStrategy(RandomSampling()).last_scores is None


def test_subsampling_score_raises():
    strategy = SubsamplingQueryStrategy(LeastConfidence())
    with pytest.raises(NotImplementedError, match='call query\\(\\) and read last_scores'):
        strategy.score(None, np.zeros(3), np.arange(3), np.array([], dtype=int),
                       np.array([], dtype=int))


def test_subsampling_attributes_and_str():
    base = LeastConfidence()
    strategy = SubsamplingQueryStrategy(base)
    assert strategy.base_query_strategy is base
    assert strategy.subsample_size == 4096
    assert strategy.subsampled_indices_ is None
    assert str(strategy) == ('SubsamplingQueryStrategy(base_query_strategy=LeastConfidence(), '
                             'subsample_size=4096)')
    assert str(SubsamplingQueryStrategy(RandomSampling(), subsample_size=10)) == (
        'SubsamplingQueryStrategy(base_query_strategy=RandomSampling(), subsample_size=10)')


