"""PyTorch classifiers and their base classes."""
from small_text.integrations.pytorch.classifiers.base import (
    AMPArguments,
    PytorchClassifier,
    PytorchModelSelectionMixin,
)
from small_text.integrations.pytorch.classifiers.factories import KimCNNClassifierFactory
from small_text.integrations.pytorch.classifiers.kimcnn import (
    KimCNNClassifier,
    KimCNNEmbeddingMixin,
)

__all__ = ['AMPArguments', 'PytorchClassifier', 'PytorchModelSelectionMixin',
           'KimCNNClassifierFactory', 'KimCNNEmbeddingMixin', 'KimCNNClassifier']
