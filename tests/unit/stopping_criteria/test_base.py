import numpy as np
import pytest
from scipy.sparse import csr_matrix

import small_text.stopping_criteria as stopping_criteria
from small_text.stopping_criteria import StoppingCriterion, check_window_based_predictions


def test_exports():
    assert sorted(stopping_criteria.__all__) == sorted([
        'StoppingCriterion', 'check_window_based_predictions', 'DeltaFScore',
        'ClassificationChange', 'KappaAverage', 'OverallUncertainty', 'MaxIterations'])
    for name in stopping_criteria.__all__:
        assert hasattr(stopping_criteria, name)


def test_submodule_locations():
    from small_text.stopping_criteria.base import (StoppingCriterion as A,  # noqa: F401
                                                   check_window_based_predictions as B,  # noqa
                                                   DeltaFScore as C)  # noqa: F401
    from small_text.stopping_criteria.change import ClassificationChange  # noqa: F401
    from small_text.stopping_criteria.kappa import KappaAverage  # noqa: F401
    from small_text.stopping_criteria.uncertainty import OverallUncertainty  # noqa: F401
    from small_text.stopping_criteria.utility import MaxIterations  # noqa: F401


def test_stopping_criterion_is_abstract():
    with pytest.raises(TypeError):
        StoppingCriterion()


def test_stopping_criterion_subclass():
    class AlwaysStop(StoppingCriterion):
        def stop(self, active_learner=None, predictions=None, proba=None,
                 indices_stopping=None):
            return True

    assert AlwaysStop().stop() is True


def test_check_window_based_predictions_valid():
    check_window_based_predictions(np.array([0, 1]), None)
    check_window_based_predictions(np.array([0, 1]), np.array([1, 1]))
    check_window_based_predictions(csr_matrix(np.eye(3)), csr_matrix(np.eye(3)))
    check_window_based_predictions([0, None], None)


def test_check_window_based_predictions_none():
    with pytest.raises(ValueError, match='Predictions must not be None'):
        check_window_based_predictions(None, None)
    with pytest.raises(ValueError, match='Predictions must not be None'):
        check_window_based_predictions(None, np.array([0, 1]))


@pytest.mark.parametrize('predictions', [[None, None], np.array([None, None, None])])
def test_check_window_based_predictions_all_none(predictions):
    with pytest.raises(ValueError, match='None values only'):
        check_window_based_predictions(predictions, None)


def test_check_window_based_predictions_empty():
    with pytest.raises(ValueError, match='must not be empty'):
        check_window_based_predictions(np.array([], dtype=int), None)


def test_check_window_based_predictions_size_mismatch():
    with pytest.raises(ValueError, match='got 3 predictions and 4 last predictions'):
        check_window_based_predictions(np.array([0, 1, 1]), np.array([0, 1, 1, 0]))
    with pytest.raises(ValueError, match='got 2 predictions and 3 last predictions'):
        check_window_based_predictions(csr_matrix(np.eye(2)), csr_matrix(np.eye(3)))
