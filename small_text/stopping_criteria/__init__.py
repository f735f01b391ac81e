"""Stopping criteria: decide when to end the active learning process."""
from small_text.stopping_criteria.base import (
    StoppingCriterion,
    check_window_based_predictions,
    DeltaFScore
)
from small_text.stopping_criteria.change import ClassificationChange
from small_text.stopping_criteria.kappa import KappaAverage
from small_text.stopping_criteria.uncertainty import OverallUncertainty
from small_text.stopping_criteria.utility import MaxIterations


# In the order of small-text 2.0's top-level namespace, which concatenates this list.
__all__ = [
    'ClassificationChange',
    'DeltaFScore',
    'StoppingCriterion',
    'check_window_based_predictions',
    'KappaAverage',
    'OverallUncertainty',
    'MaxIterations'
]
