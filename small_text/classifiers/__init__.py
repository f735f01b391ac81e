"""Classifier interface, the scikit-learn adapter and classifier factories."""
from small_text.classifiers.classification import (
    Classifier,
    ConfidenceEnhancedLinearSVC,
    EmbeddingMixin,
    SklearnClassifier,
)
from small_text.classifiers.factories import AbstractClassifierFactory, SklearnClassifierFactory

__all__ = ['Classifier', 'SklearnClassifier', 'EmbeddingMixin', 'ConfidenceEnhancedLinearSVC',
           'AbstractClassifierFactory', 'SklearnClassifierFactory']
