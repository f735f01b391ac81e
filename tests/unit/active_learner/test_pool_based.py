import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from small_text.active_learner import (
    AbstractPoolBasedActiveLearner,
    ActiveLearner,
    PoolBasedActiveLearner,
)
from small_text.base import LABEL_IGNORED, LABEL_UNLABELED
from small_text.classifiers import ConfidenceEnhancedLinearSVC, SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.exceptions import LearnerNotInitializedException
from small_text.query_strategies import (
    EmptyPoolException,
    LeastConfidence,
    PoolExhaustedException,
    RandomSampling,
)


def _dataset(n=60, num_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    y = np.arange(n) % num_classes
    x = rng.rand(n, 5) + y[:, None] * 1.0
    return SklearnDataset(x, y, target_labels=np.arange(num_classes))


def _multi_label_dataset(n=40, num_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    dense = np.zeros((n, num_classes), dtype=np.int64)
    dense[np.arange(n), np.arange(n) % num_classes] = 1
    dense[::4, (np.arange(0, n, 4) + 1) % num_classes] = 1
    x = rng.rand(n, 5) + dense @ np.arange(1, num_classes + 1)[:, None] * 0.3
    return SklearnDataset(x, csr_matrix(dense), target_labels=np.arange(num_classes))


def _learner(dataset=None, strategy=None, **kwargs):
    dataset = _dataset() if dataset is None else dataset
    factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs=kwargs.pop('clf_kwargs', {}))
    return PoolBasedActiveLearner(factory, strategy or RandomSampling(), dataset, **kwargs)


class _RecordingStrategy:
    def __init__(self, result):
        self.result = np.array(result)
        self.calls = []

    def query(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.result


def test_abstract_classes_cannot_be_instantiated():
    with pytest.raises(TypeError):
        ActiveLearner()
    with pytest.raises(TypeError):
        AbstractPoolBasedActiveLearner()


def test_initial_state():
    learner = _learner()
    assert learner.indices_labeled.shape == (0,)
    assert learner.indices_ignored.shape == (0,)
    assert learner.y is None and learner.indices_queried is None and learner.mask is None
    assert learner.multi_label is None and learner.classifier is None
    assert learner.reuse_model is False and learner.incremental_training is False
    assert learner.fit_kwargs == {}


def test_fit_kwargs_default_is_not_shared():
    a, b = _learner(), _learner()
    a.fit_kwargs['x'] = 1
    assert b.fit_kwargs == {}


def test_query_before_initialize_raises():
    with pytest.raises(LearnerNotInitializedException):
        _learner().query()


def test_initialize_with_indices_trains_classifier():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2, 3, 4, 5]))
    assert learner.classifier is not None
    assert learner.multi_label is False
    np.testing.assert_array_equal(learner.y, [0, 1, 2, 0, 1, 2])
    assert learner.classifier.predict(learner.dataset).shape == (60,)


def test_initialize_without_retrain_has_no_classifier():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2]), retrain=False)
    assert learner.classifier is None
    np.testing.assert_array_equal(learner.indices_labeled, [0, 1, 2])


def test_initialize_with_classifier_and_cold_start():
    learner = _learner()
    clf = SklearnClassifierFactory(LogisticRegression(), 3).new()
    learner.initialize(clf)
    assert learner.classifier is clf and learner.multi_label is False
    assert learner.y.shape == (0,)

    cold = _learner(strategy=RandomSampling())
    cold.initialize()
    assert cold.classifier is None
    assert cold.query(num_samples=5).shape == (5,)


def test_initialize_with_invalid_argument():
    with pytest.raises(ValueError, match='must be of type Classifier or ndarray'):
        _learner().initialize([0, 1, 2])


@pytest.mark.parametrize('indices, match', [
    (np.array([0, 60]), 'outside'),
    (np.array([-1, 2]), 'outside'),
    (np.array([1, 1, 2]), 'duplicate'),
    (np.array([0.0, 1.0]), '1-D int array'),
])
def test_initialize_with_bad_indices(indices, match):
    with pytest.raises(ValueError, match=match):
        _learner().initialize(indices)


def test_initialize_with_unlabeled_samples():
    dataset = _dataset()
    y = dataset.y.copy()
    y[3] = LABEL_UNLABELED
    dataset = SklearnDataset(dataset.x, y, target_labels=np.arange(3))
    with pytest.raises(ValueError, match='without a label'):
        _learner(dataset).initialize(np.array([1, 2, 3]))


def test_query_passes_positional_arguments_and_pool():
    strategy = _RecordingStrategy([7, 8])
    learner = _learner(strategy=strategy)
    learner.initialize(np.array([0, 1, 2]))
    result = learner.query(num_samples=2, query_strategy_kwargs={'foo': 1})
    np.testing.assert_array_equal(result, [7, 8])
    args, kwargs = strategy.calls[0]
    assert args[0] is learner.classifier and args[1] is learner.dataset
    np.testing.assert_array_equal(args[2], np.arange(3, 60))
    np.testing.assert_array_equal(args[3], [0, 1, 2])
    np.testing.assert_array_equal(args[4], [0, 1, 2])
    assert kwargs == {'n': 2, 'foo': 1}


def test_query_with_representation():
    strategy = _RecordingStrategy([5])
    learner = _learner(strategy=strategy)
    learner.initialize(np.array([0, 1, 2]))
    representation = np.zeros((60, 2))
    learner.query(num_samples=1, representation=representation)
    assert strategy.calls[0][0][1] is representation
    with pytest.raises(ValueError, match='alternative representation'):
        learner.query(num_samples=1, representation=np.zeros((10, 2)))


@pytest.mark.parametrize('num_samples', [0, -3, 2.5, True])
def test_query_with_invalid_num_samples(num_samples):
    learner = _learner()
    learner.initialize(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match='num_samples must be a positive int'):
        learner.query(num_samples=num_samples)


def test_query_more_than_pool_raises():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2]))
    with pytest.raises(PoolExhaustedException):
        learner.query(num_samples=58)


def test_query_empty_pool_raises():
    learner = _learner(_dataset(n=6))
    learner.initialize(np.arange(6))
    with pytest.raises(EmptyPoolException):
        learner.query(num_samples=1)


def test_update_labels_and_retrains():
    learner = _learner(strategy=LeastConfidence())
    learner.initialize(np.array([0, 1, 2]))
    first_clf = learner.classifier
    indices = learner.query(num_samples=5)
    learner.update(learner.dataset.y[indices])
    assert learner.classifier is not first_clf
    assert learner.indices_labeled.shape == (8,)
    np.testing.assert_array_equal(learner.indices_labeled[3:], indices)
    np.testing.assert_array_equal(learner.y, learner.dataset.y[learner.indices_labeled])
    assert learner.indices_queried is None
    assert set(learner.indices_unlabeled).isdisjoint(learner.indices_labeled)
    assert learner.indices_unlabeled.shape == (52,)


def test_update_without_query_raises():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match='call query\\(\\) first'):
        learner.update(np.array([0]))


def test_update_with_wrong_length_raises():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2]))
    learner.query(num_samples=3)
    with pytest.raises(ValueError, match='Query-update mismatch: indices queried - 3 / labels '
                                         'provided - 2'):
        learner.update(np.array([0, 1]))


@pytest.mark.parametrize('y, match', [
    (np.array(['a', 'b']), 'int labels'),
    (np.array([0.5, 1.0]), 'int labels'),
    (np.array([[0], [1]]), '1-D'),
    (csr_matrix(np.eye(2, 3, dtype=int)), 'single-label'),
])
def test_update_with_wrong_labels_raises(y, match):
    learner = _learner()
    learner.initialize(np.array([0, 1, 2]))
    learner.query(num_samples=2)
    with pytest.raises(ValueError, match=match):
        learner.update(y)


def test_update_with_ignored_labels():
    learner = _learner(strategy=_RecordingStrategy([10, 11, 12]))
    learner.initialize(np.array([0, 1, 2]))
    learner.query(num_samples=3)
    learner.update(np.array([1, LABEL_IGNORED, 0]))
    np.testing.assert_array_equal(learner.indices_labeled, [0, 1, 2, 10, 12])
    np.testing.assert_array_equal(learner.indices_ignored, [11])
    np.testing.assert_array_equal(learner.y, [0, 1, 2, 1, 0])
    assert np.issubdtype(learner.y.dtype, np.integer)
    assert 11 not in learner.indices_unlabeled


def test_update_with_all_ignored_does_not_retrain():
    learner = _learner(strategy=_RecordingStrategy([10, 11]))
    learner.initialize(np.array([0, 1, 2]))
    clf = learner.classifier
    learner.query(num_samples=2)
    learner.update(np.array([LABEL_IGNORED, LABEL_IGNORED]))
    assert learner.classifier is clf
    np.testing.assert_array_equal(learner.indices_ignored, [10, 11])


def test_query_rejects_labeled_indices_from_the_strategy():
    learner = _learner(strategy=_RecordingStrategy([1, 10]))
    learner.initialize(np.array([0, 1, 2]))
    with pytest.raises(ValueError, match='not in the unlabeled pool'):
        learner.query(num_samples=2)
    assert learner.indices_queried is None
    np.testing.assert_array_equal(learner.indices_labeled, [0, 1, 2])


def test_reuse_model_keeps_classifier():
    learner = _learner(reuse_model=True)
    learner.initialize(np.array([0, 1, 2]))
    clf = learner.classifier
    indices = learner.query(num_samples=3)
    learner.update(learner.dataset.y[indices])
    assert learner.classifier is clf


def test_incremental_training_fits_new_samples_only():
    fitted_sizes = []

    class _Factory:
        def new(self):
            clf = SklearnClassifierFactory(LogisticRegression(), 3).new()
            fit = clf.fit

            def recording_fit(train_set, **kwargs):
                fitted_sizes.append(len(train_set))
                return fit(train_set, **kwargs)
            clf.fit = recording_fit
            return clf

    learner = PoolBasedActiveLearner(_Factory(), _RecordingStrategy([10, 11, 12]), _dataset(),
                                     incremental_training=True)
    learner.initialize(np.array([0, 1, 2, 3, 4, 5]))
    clf = learner.classifier
    learner.query(num_samples=3)
    learner.update(np.array([1, 2, 0]))
    assert fitted_sizes == [6, 3]
    assert learner.classifier is clf
    assert learner.indices_labeled.shape == (9,)


def test_update_with_validation_indices():
    calls = []

    class _Clf:
        multi_label = False

        def fit(self, train_set, validation_set=None):
            calls.append((len(train_set), None if validation_set is None else len(validation_set)))
            return self

    class _Factory:
        def new(self):
            return _Clf()

    learner = PoolBasedActiveLearner(_Factory(), _RecordingStrategy([10, 11]), _dataset())
    learner.initialize(np.array([0, 1, 2, 3]), indices_validation=np.array([0, 1]))
    assert calls == [(2, 2)]


def test_update_label_at_and_remove_label_at():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2, 3]))
    learner.update_label_at(2, 0, retrain=True)
    np.testing.assert_array_equal(learner.y, [0, 1, 0, 0])

    learner.remove_label_at(1)
    np.testing.assert_array_equal(learner.indices_labeled, [0, 2, 3])
    np.testing.assert_array_equal(learner.y, [0, 0, 0])
    # the index-to-position map is rebuilt, so later lookups hit the right row
    learner.update_label_at(3, 2)
    np.testing.assert_array_equal(learner.y, [0, 0, 2])
    assert 1 in learner.indices_unlabeled

    with pytest.raises(KeyError):
        learner.update_label_at(40, 1)
    with pytest.raises(KeyError):
        learner.remove_label_at(40)


def test_ignore_sample_at():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2, 3]))
    clf = learner.classifier
    learner.ignore_sample_at(30, retrain=True)  # unlabeled: no retrain
    assert learner.classifier is clf
    learner.ignore_sample_at(1, retrain=True)
    assert learner.classifier is not clf
    np.testing.assert_array_equal(learner.indices_ignored, [30, 1])
    np.testing.assert_array_equal(learner.indices_labeled, [0, 2, 3])
    assert 30 not in learner.indices_unlabeled and 1 not in learner.indices_unlabeled


def test_multi_label_loop():
    dataset = _multi_label_dataset()
    factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs={'multi_label': True})
    learner = PoolBasedActiveLearner(factory, LeastConfidence(), dataset)
    learner.initialize(np.arange(12))
    assert learner.multi_label is True
    indices = learner.query(num_samples=4)
    learner.update(dataset.y[indices])
    assert isinstance(learner.y, csr_matrix) and learner.y.shape == (16, 3)
    assert learner.classifier.predict(dataset).shape == (40, 3)


def test_multi_label_update_with_dense_labels_raises():
    dataset = _multi_label_dataset()
    factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs={'multi_label': True})
    learner = PoolBasedActiveLearner(factory, RandomSampling(), dataset)
    learner.initialize(np.arange(12))
    learner.query(num_samples=2)
    with pytest.raises(ValueError, match='csr_matrix'):
        learner.update(np.array([0, 1]))


def test_end_to_end_loop_with_confidence_enhanced_linear_svc():
    np.random.seed(0)
    dataset = _dataset(n=90)
    factory = SklearnClassifierFactory(ConfidenceEnhancedLinearSVC(), 3)
    learner = PoolBasedActiveLearner(factory, LeastConfidence(), dataset)
    learner.initialize(np.arange(12))
    for _ in range(5):
        indices = learner.query(num_samples=6)
        learner.update(dataset.y[indices])
    assert learner.indices_labeled.shape == (42,)
    accuracy = np.mean(learner.classifier.predict(dataset) == dataset.y)
    assert accuracy > 0.7
