"""Query strategies: they decide which unlabeled samples get labeled next."""
from small_text.query_strategies.base import (
    ClassificationType,
    QueryStrategy,
    ScoringMixin,
    constraints,
)
from small_text.query_strategies.bayesian import BALD
from small_text.query_strategies.class_balancing import ClassBalancer
from small_text.query_strategies.coresets import (
    GreedyCoreset,
    LightweightCoreset,
    greedy_coreset,
    lightweight_coreset,
)
from small_text.query_strategies.exceptions import (
    EmptyPoolException,
    PoolExhaustedException,
    QueryException,
)
from small_text.query_strategies.strategies import (
    BreakingTies,
    ConfidenceBasedQueryStrategy,
    ContrastiveActiveLearning,
    DiscriminativeActiveLearning,
    EmbeddingBasedQueryStrategy,
    EmbeddingKMeans,
    LeastConfidence,
    PredictionEntropy,
    RandomSampling,
    SubsamplingQueryStrategy,
)
from small_text.query_strategies.multi_label import (
    AdaptiveActiveLearning,
    CategoryVectorInconsistencyAndRanking,
    LabelCardinalityInconsistency,
)
from small_text.query_strategies.subsampling import AnchorSubsampling, SEALS
from small_text.query_strategies.vector_space import ProbCover

__all__ = [
    'constraints',
    'ClassificationType',
    'QueryStrategy',
    'ScoringMixin',
    'ClassBalancer',
    'EmptyPoolException',
    'QueryException',
    'PoolExhaustedException',
    'RandomSampling',
    'ConfidenceBasedQueryStrategy',
    'BreakingTies',
    'LeastConfidence',
    'PredictionEntropy',
    'SubsamplingQueryStrategy',
    'EmbeddingBasedQueryStrategy',
    'EmbeddingKMeans',
    'ContrastiveActiveLearning',
    'DiscriminativeActiveLearning',
    'greedy_coreset',
    'GreedyCoreset',
    'lightweight_coreset',
    'LightweightCoreset',
    'BALD',
    'CategoryVectorInconsistencyAndRanking',
    'LabelCardinalityInconsistency',
    'AdaptiveActiveLearning',
    'AnchorSubsampling',
    'SEALS',
    'ProbCover',
]
