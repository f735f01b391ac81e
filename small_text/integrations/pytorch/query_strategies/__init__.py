"""Query strategies that need PyTorch (gradient-based strategies, BADGE and DRL)."""
from small_text.integrations.pytorch.query_strategies.strategies import (
    BADGE,
    DiscriminativeRepresentationLearning,
    ExpectedGradientLength,
    ExpectedGradientLengthLayer,
    ExpectedGradientLengthMaxWord,
)

__all__ = ['BADGE', 'DiscriminativeRepresentationLearning', 'ExpectedGradientLength',
           'ExpectedGradientLengthLayer', 'ExpectedGradientLengthMaxWord']
