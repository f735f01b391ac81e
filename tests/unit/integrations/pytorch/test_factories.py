"""Tests of KimCNNClassifierFactory."""
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from small_text.classifiers.factories import AbstractClassifierFactory  # noqa: E402
from small_text.integrations.pytorch.classifiers import (  # noqa: E402
    KimCNNClassifier,
    KimCNNClassifierFactory,
)

from ._helpers import embedding_matrix  # noqa: E402


def test_factory_creates_fresh_classifiers_with_kwargs():
    matrix = embedding_matrix()
    factory = KimCNNClassifierFactory(3, {'embedding_matrix': matrix, 'lr': 0.123})
    assert isinstance(factory, AbstractClassifierFactory)
    first, second = factory.new(), factory.new()
    assert isinstance(first, KimCNNClassifier)
    assert first is not second
    assert first.num_classes == 3 and first.lr == 0.123
    assert first.embedding_matrix.shape == matrix.shape


def test_factory_copies_classification_kwargs():
    kwargs = {'embedding_matrix': embedding_matrix()}
    factory = KimCNNClassifierFactory(2, kwargs)
    kwargs['lr'] = 5.0
    assert 'lr' not in factory.classification_kwargs
    assert factory.num_classes == 2
    assert factory.new().lr == 0.001


def test_factory_default_kwargs_are_not_shared():
    factory = KimCNNClassifierFactory(2)
    factory.classification_kwargs['lr'] = 1.0
    assert KimCNNClassifierFactory(2).classification_kwargs == {}


def test_factory_without_embedding_matrix_raises_on_new():
    with pytest.raises(ValueError, match='requires an embedding matrix'):
        KimCNNClassifierFactory(2).new()


def test_factory_str():
    assert str(KimCNNClassifierFactory(2, {'lr': 0.1})) == \
        "KimCNNClassifierFactory(num_classes=2, classification_kwargs={'lr': 0.1})"
