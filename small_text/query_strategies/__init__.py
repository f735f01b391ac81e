"""Query strategies: they decide which unlabeled samples get labeled next."""
from small_text.query_strategies.base import (
    ClassificationType,
    QueryStrategy,
    ScoringMixin,
    constraints,
)
from small_text.query_strategies.exceptions import (
    EmptyPoolException,
    PoolExhaustedException,
    QueryException,
)
from small_text.query_strategies.strategies import (
    BreakingTies,
    ConfidenceBasedQueryStrategy,
    LeastConfidence,
    PredictionEntropy,
    RandomSampling,
    SubsamplingQueryStrategy,
)

__all__ = [
    'constraints',
    'ClassificationType',
    'QueryStrategy',
    'ScoringMixin',
    'EmptyPoolException',
    'QueryException',
    'PoolExhaustedException',
    'RandomSampling',
    'ConfidenceBasedQueryStrategy',
    'BreakingTies',
    'LeastConfidence',
    'PredictionEntropy',
    'SubsamplingQueryStrategy',
]
