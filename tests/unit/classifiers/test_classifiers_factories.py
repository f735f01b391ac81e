"""Tests of small_text.classifiers.factories."""
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.utils.validation import check_is_fitted

from small_text.classifiers import (
    AbstractClassifierFactory,
    ConfidenceEnhancedLinearSVC,
    SklearnClassifier,
    SklearnClassifierFactory,
)


def test_abstract_classifier_factory_cannot_be_instantiated():
    with pytest.raises(TypeError):
        AbstractClassifierFactory()


def test_sklearn_classifier_factory_init():
    estimator = LogisticRegression(C=0.5)
    factory = SklearnClassifierFactory(estimator, 3, kwargs={'multi_label': False})
    assert factory.base_estimator is estimator
    assert factory.num_classes == 3
    assert factory.kwargs == {'multi_label': False}


@pytest.mark.parametrize('estimator', [object(), 'LogisticRegression', LogisticRegression])
def test_sklearn_classifier_factory_requires_estimator(estimator):
    with pytest.raises(ValueError, match='^Given classifier template must be a subclass of '
                                         'sklearn.base.BaseEstimator. Encountered class was: '):
        SklearnClassifierFactory(estimator, 2)


def test_sklearn_classifier_factory_new_returns_fresh_unfitted_estimator():
    estimator = LogisticRegression(C=0.5).fit(np.array([[0.0], [1.0]]), np.array([0, 1]))
    factory = SklearnClassifierFactory(estimator, 2)

    classifier = factory.new()
    assert isinstance(classifier, SklearnClassifier)
    assert classifier.num_classes == 2
    assert classifier.multi_label is False
    assert classifier.model is not estimator
    assert classifier.model.C == 0.5
    with pytest.raises(NotFittedError):
        check_is_fitted(classifier.model)
    assert factory.new().model is not classifier.model


def test_sklearn_classifier_factory_new_multi_label():
    factory = SklearnClassifierFactory(ConfidenceEnhancedLinearSVC({'C': 2.0}), 4,
                                       kwargs={'multi_label': True})
    classifier = factory.new()
    assert classifier.multi_label is True
    assert isinstance(classifier.model, OneVsRestClassifier)
    assert classifier.model.estimator.C == 2.0


def test_sklearn_classifier_factory_copies_kwargs():
    kwargs = {'multi_label': False}
    factory = SklearnClassifierFactory(LogisticRegression(), 2, kwargs=kwargs)
    kwargs['multi_label'] = True
    assert factory.new().multi_label is False

    first = SklearnClassifierFactory(LogisticRegression(), 2)
    first.kwargs['multi_label'] = True
    assert SklearnClassifierFactory(LogisticRegression(), 2).kwargs == {}


def test_sklearn_classifier_factory_str():
    factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs={'multi_label': True})
    assert str(factory) == ("SklearnClassifierFactory(base_estimator=LogisticRegression, "
                            "num_classes=3, kwargs={'multi_label': True})")
    assert str(SklearnClassifierFactory(LogisticRegression(), 2)) == \
        'SklearnClassifierFactory(base_estimator=LogisticRegression, num_classes=2, kwargs={})'
