import inspect

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.exceptions import ActiveLearnerException, ConstraintViolationError
from small_text.query_strategies.base import (
    ClassificationType,
    QueryStrategy,
    ScoringMixin,
    argselect,
    constraints,
)
from small_text.query_strategies.exceptions import (
    EmptyPoolException,
    PoolExhaustedException,
    QueryException,
)

SINGLE_LABEL_Y = np.array([0, 1])
MULTI_LABEL_Y = csr_matrix(np.array([[1, 0], [1, 1]]))


def test_exception_hierarchy():
    assert issubclass(QueryException, ActiveLearnerException)
    assert issubclass(EmptyPoolException, QueryException)
    assert issubclass(PoolExhaustedException, QueryException)
    assert issubclass(ConstraintViolationError, RuntimeError)


# --- QueryStrategy / ScoringMixin ---------------------------------------------------------

def test_query_strategy_is_abstract():
    with pytest.raises(TypeError):
        QueryStrategy()


def test_scoring_mixin_is_abstract():
    class OnlyScore(ScoringMixin):
        def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
            return np.zeros(1)

    with pytest.raises(TypeError):
        OnlyScore()


def test_validate_query_input_empty_pool():
    with pytest.raises(EmptyPoolException,
                       match='No unlabeled indices available. Cannot query an empty pool.'):
        QueryStrategy._validate_query_input(np.array([], dtype=int), 10)


def test_validate_query_input_empty_pool_is_checked_before_n():
    with pytest.raises(EmptyPoolException):
        QueryStrategy._validate_query_input(np.array([], dtype=int), -1)


def test_validate_query_input_pool_exhausted():
    with pytest.raises(PoolExhaustedException, match=r'Pool exhausted: 3 available / 4 requested'):
        QueryStrategy._validate_query_input(np.arange(3), 4)


@pytest.mark.parametrize('n', [-1, 1.5, '2', None, True])
def test_validate_query_input_invalid_n(n):
    with pytest.raises(ValueError, match='n must be a non-negative integer'):
        QueryStrategy._validate_query_input(np.arange(3), n)


@pytest.mark.parametrize('n', [0, 1, 3, np.int64(2)])
def test_validate_query_input_valid(n):
    QueryStrategy._validate_query_input(np.arange(3), n)


# --- ClassificationType -------------------------------------------------------------------

def test_classification_type_values():
    assert ClassificationType.SINGLE_LABEL.value == 'single-label'
    assert ClassificationType.MULTI_LABEL.value == 'multi-label'


def test_classification_type_from_str():
    assert ClassificationType.from_str('single-label') is ClassificationType.SINGLE_LABEL
    assert ClassificationType.from_str('multi-label') is ClassificationType.MULTI_LABEL


def test_classification_type_from_str_invalid():
    with pytest.raises(ValueError,
                       match='Cannot convert string to classification type enum: multilabel'):
        ClassificationType.from_str('multilabel')


# --- constraints --------------------------------------------------------------------------

class _RecordingStrategy(QueryStrategy):
    """Documentation of the recording strategy."""

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, extra=None):
        self.received = (clf, dataset, indices_unlabeled, indices_labeled, y, n, extra)
        return np.asarray(indices_unlabeled)[:n]


def test_constraints_keeps_class_metadata():
    decorated = constraints(classification_type='single-label')(_RecordingStrategy)
    assert decorated is not _RecordingStrategy
    assert issubclass(decorated, _RecordingStrategy)
    assert decorated.__wrapped__ is _RecordingStrategy
    assert decorated.__name__ == '_RecordingStrategy'
    assert decorated.__qualname__ == _RecordingStrategy.__qualname__
    assert decorated.__module__ == _RecordingStrategy.__module__
    assert decorated.__doc__ == 'Documentation of the recording strategy.'


def test_constraints_as_decorator_statement():
    @constraints(classification_type=ClassificationType.MULTI_LABEL)
    class MultiLabelOnly(_RecordingStrategy):
        pass

    assert MultiLabelOnly.__name__ == 'MultiLabelOnly'
    with pytest.raises(ConstraintViolationError):
        MultiLabelOnly().query(None, None, np.arange(3), np.arange(3, 5), SINGLE_LABEL_Y, n=1)


@pytest.mark.parametrize('classification_type',
                         ['single-label', ClassificationType.SINGLE_LABEL])
def test_constraints_single_label_rejects_multi_label(classification_type):
    strategy = constraints(classification_type=classification_type)(_RecordingStrategy)()
    expected = ('Invalid configuration: This query strategy requires '
                'classification_type=single-label but multi-label data was encountered')
    with pytest.raises(ConstraintViolationError, match=expected):
        strategy.query(None, None, np.arange(3), np.arange(3, 5), MULTI_LABEL_Y, n=1)


@pytest.mark.parametrize('classification_type', ['multi-label', ClassificationType.MULTI_LABEL])
def test_constraints_multi_label_rejects_single_label(classification_type):
    strategy = constraints(classification_type=classification_type)(_RecordingStrategy)()
    expected = ('Invalid configuration: This query strategy requires '
                'classification_type=multi-label but single-label data was encountered')
    with pytest.raises(ConstraintViolationError, match=expected):
        strategy.query(None, None, np.arange(3), np.arange(3, 5), SINGLE_LABEL_Y, n=1)


def test_constraints_violation_is_a_runtime_error():
    strategy = constraints(classification_type='single-label')(_RecordingStrategy)()
    with pytest.raises(RuntimeError):
        strategy.query(None, None, np.arange(3), np.arange(3, 5), MULTI_LABEL_Y, n=1)


@pytest.mark.parametrize('classification_type, y', [
    ('single-label', SINGLE_LABEL_Y),
    ('multi-label', MULTI_LABEL_Y),
    (None, SINGLE_LABEL_Y),
    (None, MULTI_LABEL_Y),
])
def test_constraints_passes_matching_data_through(classification_type, y):
    strategy = constraints(classification_type=classification_type)(_RecordingStrategy)()
    result = strategy.query('clf', 'ds', np.arange(3), np.arange(3, 5), y, n=2, extra='x')
    np.testing.assert_array_equal(result, [0, 1])
    clf, dataset, _, _, received_y, n, extra = strategy.received
    assert (clf, dataset, n, extra) == ('clf', 'ds', 2, 'x')
    assert received_y is y


def test_constraints_converts_strings_lazily():
    decorated = constraints(classification_type='no-such-type')(_RecordingStrategy)
    strategy = decorated()  # neither decorating nor instantiating fails
    with pytest.raises(ValueError, match='Cannot convert string to classification type enum'):
        strategy.query(None, None, np.arange(3), np.arange(3, 5), SINGLE_LABEL_Y, n=1)


def test_constraints_checks_before_pool_validation():
    class ValidatingStrategy(QueryStrategy):
        def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
            self._validate_query_input(indices_unlabeled, n)
            return np.asarray(indices_unlabeled)[:n]

    strategy = constraints(classification_type='single-label')(ValidatingStrategy)()
    with pytest.raises(ConstraintViolationError):
        strategy.query(None, None, np.array([], dtype=int), np.arange(2), MULTI_LABEL_Y, n=1)


# --- argselect ----------------------------------------------------------------------------

def test_argselect_maximum_without_ties():
    arr = np.array([0.1, 0.9, 0.5, 0.7, 0.3])
    np.testing.assert_array_equal(argselect(arr, 2), [1, 3])


def test_argselect_minimum_without_ties():
    arr = np.array([0.1, 0.9, 0.5, 0.7, 0.3])
    np.testing.assert_array_equal(argselect(arr, 3, maximum=False), [0, 4, 2])


def test_argselect_full_length_returns_arange():
    np.testing.assert_array_equal(argselect(np.array([3, 1, 2]), 3), [0, 1, 2])


def test_argselect_zero():
    result = argselect(np.array([3, 1, 2]), 0)
    assert result.shape == (0,)


def test_argselect_out_of_bounds():
    with pytest.raises(ValueError, match=r'n=4 out of bounds of array with shape \(3,\)'):
        argselect(np.array([3, 1, 2]), 4)


def test_argselect_negative_n():
    with pytest.raises(ValueError, match='n must be a non-negative integer, got n=-1'):
        argselect(np.array([3, 1, 2]), -1)


def test_argselect_rejects_nan_and_2d():
    with pytest.raises(ValueError, match='NaN'):
        argselect(np.array([0.1, np.nan, 0.3]), 1)
    with pytest.raises(ValueError, match='1-D'):
        argselect(np.ones((2, 2)), 1)


def test_argselect_unsigned_maximum_does_not_wrap():
    arr = np.array([0, 200, 3, 255], dtype=np.uint8)
    np.testing.assert_array_equal(argselect(arr, 2, tiebreak=False), [3, 1])


def test_argselect_without_tiebreak_breaks_ties_by_position():
    arr = np.array([1.0, 2.0, 2.0, 2.0, 0.0])
    np.testing.assert_array_equal(argselect(arr, 2, tiebreak=False), [1, 2])
    np.testing.assert_array_equal(argselect(-arr, 2, maximum=False, tiebreak=False), [1, 2])


def _selections(arr, n, maximum, seeds=range(30)):
    selections = set()
    for seed in seeds:
        np.random.seed(seed)
        selections.add(tuple(sorted(argselect(arr, n, maximum=maximum).tolist())))
    return selections


@pytest.mark.parametrize('maximum', [True, False])
def test_argselect_randomises_ties_in_both_directions(maximum):
    # position 4 is strictly best and must always be taken; positions 0-3 tie
    values = np.array([1.0, 1.0, 1.0, 1.0, 5.0, 0.0])
    arr = values if maximum else -values
    selections = _selections(arr, 3, maximum)
    assert len(selections) > 1
    for selection in selections:
        assert 4 in selection
        assert set(selection) <= {0, 1, 2, 3, 4}


@pytest.mark.parametrize('maximum', [True, False])
def test_argselect_tiebreak_is_reproducible_with_seed(maximum):
    arr = np.zeros(50)
    np.random.seed(7)
    first = argselect(arr, 10, maximum=maximum)
    np.random.seed(7)
    second = argselect(arr, 10, maximum=maximum)
    np.testing.assert_array_equal(first, second)
    assert len(set(first.tolist())) == 10


def test_argselect_tiebreak_treats_close_values_as_ties():
    arr = np.array([1.0, 1.0 + 1e-12, 1.0, 0.0])
    selections = _selections(arr, 1, maximum=True)
    assert selections == {(0,), (1,), (2,)}


def test_argselect_tiebreak_orders_strictly_better_first():
    arr = np.array([0.2, 0.9, 0.5, 0.5, 0.8])
    np.random.seed(0)
    result = argselect(arr, 3)
    np.testing.assert_array_equal(result[:2], [1, 4])
    assert result[2] in (2, 3)


def test_signatures_of_constrained_subclasses_are_their_own():
    """inspect.signature follows __wrapped__; @constraints must not leak it to subclasses."""
    @constraints(classification_type='single-label')
    class Parent(QueryStrategy):
        def __init__(self, a, b=1):
            self.a, self.b = a, b

        def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
            return indices_unlabeled[:n]

    class Child(Parent):
        def __init__(self, a, layer_name, b=1):
            super().__init__(a, b=b)
            self.layer_name = layer_name

    assert list(inspect.signature(Parent).parameters) == ['a', 'b']
    assert list(inspect.signature(Child).parameters) == ['a', 'layer_name', 'b']
    assert inspect.unwrap(Parent) is not Parent and Parent.__wrapped__.__name__ == 'Parent'
    assert inspect.unwrap(Child) is Child
