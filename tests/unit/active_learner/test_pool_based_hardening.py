"""A rejected call changes nothing: every state-changing method of PoolBasedActiveLearner checks
its arguments (and the query strategy's result) before it changes the learner."""
import copy

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.dummy import DummyClassifier

from small_text.active_learner import PoolBasedActiveLearner
from small_text.base import LABEL_IGNORED, LABEL_UNLABELED
from small_text.classifiers import SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.exceptions import LearnerNotInitializedException
from small_text.query_strategies import RandomSampling

_STATE = ('indices_labeled', 'indices_ignored', 'indices_queried', 'y', 'mask', 'multi_label',
          '_index_to_position')


def _dataset(n=40, multi_label=False, target_labels=np.arange(3)):
    rng = np.random.RandomState(0)
    y = np.arange(n) % 3
    if multi_label:
        dense = np.zeros((n, 3), dtype=np.int64)
        dense[np.arange(n), y] = 1
        dense[::4, (y[::4] + 1) % 3] = 1
        return SklearnDataset(rng.rand(n, 4), csr_matrix(dense), target_labels=target_labels)
    return SklearnDataset(rng.rand(n, 4), y, target_labels=target_labels)


class _FixedStrategy:
    """Returns ``result`` whatever it is asked."""

    def __init__(self, result):
        self.result = result

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        return self.result


def _learner(strategy=None, multi_label=False, num_classes=3, dataset=None):
    kwargs = {'multi_label': True} if multi_label else {}
    factory = SklearnClassifierFactory(DummyClassifier(), num_classes, kwargs=kwargs)
    dataset = _dataset(multi_label=multi_label) if dataset is None else dataset
    return PoolBasedActiveLearner(factory, strategy or RandomSampling(), dataset)


def _pending(learner, indices=(10, 11, 12)):
    """Initialize with 0..5, label 6..8, ignore 9 and leave ``indices`` as the pending query."""
    learner.initialize(np.arange(6))
    strategy = learner._query_strategy
    learner._query_strategy = _FixedStrategy(np.array([6, 7, 8]))
    learner.query(num_samples=3)
    learner.update(learner.dataset.y[np.array([6, 7, 8])])
    learner.ignore_sample_at(9)
    learner._query_strategy = _FixedStrategy(np.array(indices))
    learner.query(num_samples=len(indices))
    learner._query_strategy = strategy
    return learner


def _state(learner):
    state = {name: copy.deepcopy(getattr(learner, name)) for name in _STATE}
    state['_clf'] = learner._clf
    return state


def _assert_unchanged(learner, state):
    for name in _STATE:
        before, after = state[name], getattr(learner, name)
        if isinstance(before, csr_matrix):
            assert (before != after).nnz == 0, name
        elif isinstance(before, np.ndarray):
            np.testing.assert_array_equal(after, before, err_msg=name)
            assert after.dtype == before.dtype, name
        else:
            assert after == before, name
    assert learner._clf is state['_clf']


# --- update() -------------------------------------------------------------------------------

@pytest.mark.parametrize('y, match', [
    (np.array([0, -5, 1]), 'negative labels'),
    (np.array([0, LABEL_UNLABELED, 1]), 'negative labels'),
    (np.array([0, 3, 1]), 'outside the classes 0..2'),
    (np.array([0, 1, 2 ** 40]), 'outside the classes'),
    (np.array([0.0, np.nan, 1.0]), 'int labels'),
    (np.array([0.0, np.inf, 1.0]), 'int labels'),
    (np.array([0.5, 1.0, 1.0]), 'int labels'),
    (np.array(['0', '1', '2']), 'int labels'),
    (np.array([[0], [1], [2]]), '1-D'),
    (np.array([0, 1]), 'Query-update mismatch'),
    (5, 'Query-update mismatch'),
    (csr_matrix(np.eye(3, dtype=int)), 'single-label'),
])
def test_update_rejects_bad_labels_and_changes_nothing(y, match):
    learner = _pending(_learner())
    state = _state(learner)
    with pytest.raises(ValueError, match=match):
        learner.update(y)
    _assert_unchanged(learner, state)
    learner.update(np.array([0, 1, 2]))  # the learner still works
    assert learner.indices_labeled.shape == (12,) and learner.y.shape == (12,)


def test_update_rejects_labels_outside_fixed_target_labels():
    learner = _pending(_learner(num_classes=5, dataset=_dataset()))
    state = _state(learner)
    with pytest.raises(ValueError, match='not in the dataset\'s target_labels'):
        learner.update(np.array([0, 4, 1]))
    _assert_unchanged(learner, state)


def test_update_with_already_labeled_pending_index_changes_nothing():
    """The pending query is checked again: positions labeled or ignored meanwhile (here by
    editing the public attribute) are refused before anything changes."""
    learner = _pending(_learner())
    learner.indices_queried = np.array([10, 3, 11])
    state = _state(learner)
    with pytest.raises(ValueError, match='Duplicate indices detected'):
        learner.update(np.array([0, 1, 2]))
    _assert_unchanged(learner, state)
    learner.indices_queried = np.array([10, 11, 12])
    learner.update(np.array([0, 1, 2]))
    assert learner.y.shape == learner.indices_labeled.shape == (12,)


def test_update_rolls_back_when_training_fails():
    class _Failing(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            raise RuntimeError('training failed')

    learner = _pending(_learner())
    learner._clf_factory = SklearnClassifierFactory(_Failing(), 3)
    state = _state(learner)
    with pytest.raises(RuntimeError, match='training failed'):
        learner.update(np.array([0, 1, 2]))
    _assert_unchanged(learner, state)


@pytest.mark.parametrize('indices_validation, match', [
    (np.array([0, 99]), 'positions in \\[0, 12\\)'),
    (np.array([0.5]), '1-D int array'),
    (np.array([1, 1]), 'duplicate'),
    (np.arange(12), 'at least one'),
])
def test_update_rejects_bad_validation_indices(indices_validation, match):
    learner = _pending(_learner())
    state = _state(learner)
    with pytest.raises(ValueError, match=match):
        learner.update(np.array([0, 1, 2]), indices_validation=indices_validation)
    _assert_unchanged(learner, state)


@pytest.mark.parametrize('make_y, match', [
    (lambda: csr_matrix(np.array([[1, 0, 0, 1]] * 3)), 'num_classes=3 columns'),
    (lambda: csr_matrix(np.array([[2, 0, 0]] * 3)), '0/1 indicator'),
    (lambda: csr_matrix(np.array([[-1, 0, 0]] * 3)), '0/1 indicator'),
    (lambda: np.array([0, 1, 2]), 'csr_matrix'),
])
def test_multi_label_update_rejects_bad_labels(make_y, match):
    learner = _pending(_learner(multi_label=True))
    state = _state(learner)
    with pytest.raises(ValueError, match=match):
        learner.update(make_y())
    _assert_unchanged(learner, state)


def test_multi_label_update_with_ignored_rows_keeps_int_indicator_labels():
    learner = _pending(_learner(multi_label=True))
    y = csr_matrix(np.array([[1.0, 0, 1], [LABEL_IGNORED, 0, 0], [0, 1, 0]]))
    learner.update(y)
    assert learner.y.dtype == np.int64 and learner.y.shape == (11, 3)
    assert 11 in learner.indices_ignored
    np.testing.assert_array_equal(learner.y[-2:].toarray(), [[1, 0, 1], [0, 1, 0]])


def test_cold_start_multi_label():
    learner = _learner(strategy=_FixedStrategy(np.array([3, 4])), multi_label=True)
    learner.initialize()
    learner.query(num_samples=2)
    learner.update(learner.dataset.y[np.array([3, 4])])
    assert learner.multi_label is True and isinstance(learner.y, csr_matrix)


# --- query() --------------------------------------------------------------------------------

@pytest.mark.parametrize('result, match', [
    ([20, 21, 22], 'returned a list'),
    (None, 'returned a NoneType'),
    (np.array([20.0, 21.0, 22.0]), 'dtype float64'),
    (np.array([True, False, True]), 'dtype bool'),
    (np.array([[20, 21, 22]]), 'shape \\(1, 3\\)'),
    (np.array([20, 21]), 'returned 2 positions; expected exactly num_samples=3'),
    (np.array([20, 21, 22, 23]), 'returned 4 positions'),
    (np.array([20, 20, 21]), 'duplicate'),
    (np.array([20, 21, 40]), 'not in the unlabeled pool.*\\[40\\]'),
    (np.array([20, 21, -1]), 'not in the unlabeled pool.*\\[-1\\]'),
    (np.array([20, 21, 3]), 'not in the unlabeled pool.*\\[3\\]'),
    (np.array([20, 21, 9]), 'not in the unlabeled pool.*\\[9\\]'),
])
def test_query_validates_the_strategy_result(result, match):
    learner = _pending(_learner())
    state = _state(learner)
    learner._query_strategy = _FixedStrategy(result)
    with pytest.raises(ValueError, match=match):
        learner.query(num_samples=3)
    _assert_unchanged(learner, state)  # the earlier query is still pending


def test_query_accepts_any_int_dtype():
    learner = _pending(_learner())
    learner._query_strategy = _FixedStrategy(np.array([20, 21], dtype=np.uint16))
    np.testing.assert_array_equal(learner.query(num_samples=2), [20, 21])


def test_query_keeps_pending_query_when_strategy_raises():
    class _Raising:
        def query(self, *args, **kwargs):
            raise RuntimeError('strategy failed')

    learner = _pending(_learner())
    state = _state(learner)
    learner._query_strategy = _Raising()
    with pytest.raises(RuntimeError):
        learner.query(num_samples=2)
    _assert_unchanged(learner, state)


# --- ignore_sample_at(), update_label_at(), remove_label_at() ---------------------------------

@pytest.mark.parametrize('index, match', [
    (40, 'outside \\[0, 40\\)'),
    (-1, 'outside'),
    (1.0, 'must be an int'),
    (True, 'must be an int'),
    ('3', 'must be an int'),
    (9, 'already ignored'),
    (11, 'pending query'),
])
def test_ignore_sample_at_rejects_bad_indices(index, match):
    learner = _pending(_learner())
    state = _state(learner)
    with pytest.raises(ValueError, match=match):
        learner.ignore_sample_at(index)
    _assert_unchanged(learner, state)


def test_ignore_sample_at_labeled_sample():
    learner = _pending(_learner())
    learner.ignore_sample_at(np.int64(2), retrain=True)
    assert 2 not in learner.indices_labeled and 2 in learner.indices_ignored
    assert learner.y.shape == learner.indices_labeled.shape == (8,)


@pytest.mark.parametrize('method', ['ignore_sample_at', 'update_label_at', 'remove_label_at'])
def test_methods_before_initialize(method):
    learner = _learner()
    args = (1, 0) if method == 'update_label_at' else (1,)
    with pytest.raises(LearnerNotInitializedException):
        getattr(learner, method)(*args)


@pytest.mark.parametrize('index, label, error, match', [
    (2, -5, ValueError, 'negative labels'),
    (2, 3, ValueError, 'outside the classes'),
    (2, 1.0, ValueError, 'int label'),
    (2, LABEL_IGNORED, ValueError, 'int label'),
    (2, np.array([1]), ValueError, 'int label'),
    (30, 1, KeyError, 'not the position of a labeled sample'),
    (2.0, 1, ValueError, 'must be the int dataset position'),
])
def test_update_label_at_rejects_bad_input(index, label, error, match):
    learner = _pending(_learner())
    state = _state(learner)
    with pytest.raises(error, match=match):
        learner.update_label_at(index, label)
    _assert_unchanged(learner, state)


def test_update_label_at_does_not_modify_the_previous_labels_in_place():
    learner = _pending(_learner())
    y_before = learner.y
    learner.update_label_at(2, 0)
    assert learner.y[2] == 0 and y_before[2] == 2


@pytest.mark.parametrize('label, match', [
    (np.array([1, 0]), '0/1 row of length 3'),
    (np.array([2, 0, 0]), '0/1 row'),
    (csr_matrix(np.array([[1, 0, 1, 0]])), 'shape \\(1, 3\\)'),
])
def test_multi_label_update_label_at(label, match):
    learner = _pending(_learner(multi_label=True))
    state = _state(learner)
    with pytest.raises(ValueError, match=match):
        learner.update_label_at(2, label)
    _assert_unchanged(learner, state)
    learner.update_label_at(2, np.array([1, 1, 0]))
    np.testing.assert_array_equal(learner.y[2].toarray(), [[1, 1, 0]])
    assert learner.y.shape == (9, 3)


@pytest.mark.parametrize('index, error', [(30, KeyError), (9, KeyError), ('1', ValueError)])
def test_remove_label_at_rejects_bad_input(index, error):
    learner = _pending(_learner())
    state = _state(learner)
    with pytest.raises(error):
        learner.remove_label_at(index)
    _assert_unchanged(learner, state)


# --- initialize() ---------------------------------------------------------------------------

def test_initialize_rejects_labels_outside_the_classes():
    learner = _learner(num_classes=2)
    with pytest.raises(ValueError, match='outside the classes 0..1'):
        learner.initialize(np.array([0, 1, 2]))
    assert learner._index_to_position is None and learner.y is None


def test_initialize_again_starts_over():
    learner = _pending(_learner())
    learner.initialize(np.array([1, 2]))
    np.testing.assert_array_equal(learner.indices_labeled, [1, 2])
    assert learner.indices_ignored.shape == (0,) and learner.indices_queried is None

    clf = SklearnClassifierFactory(DummyClassifier(), 3).new()
    learner.initialize(clf)
    assert learner.indices_labeled.shape == learner.y.shape == (0,)


def test_initialize_rolls_back_when_training_fails():
    class _Failing(DummyClassifier):
        def fit(self, X, y, sample_weight=None):
            raise RuntimeError('training failed')

    learner = _pending(_learner())
    learner._clf_factory = SklearnClassifierFactory(_Failing(), 3)
    state = _state(learner)
    with pytest.raises(RuntimeError):
        learner.initialize(np.array([20, 21]))
    _assert_unchanged(learner, state)
