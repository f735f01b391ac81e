"""Bad arguments to the scikit-learn classifiers, and scikit-learn's estimator checks for
ConfidenceEnhancedLinearSVC."""
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.estimator_checks import (
    check_class_weight_balanced_linear_classifier,
    check_class_weight_classifiers,
    check_estimator,
)

from small_text.classifiers import ConfidenceEnhancedLinearSVC, SklearnClassifier
from small_text.classifiers.factories import SklearnClassifierFactory
from small_text.data import SklearnDataset


def _dataset(num_samples=12, num_classes=3):
    rng = np.random.RandomState(0)
    y = np.arange(num_samples) % num_classes
    x = rng.rand(num_samples, 4) + y[:, np.newaxis]
    return SklearnDataset(x, y, target_labels=np.arange(num_classes))


# --- SklearnClassifier and its factory ---------------------------------------------------------

@pytest.mark.parametrize('num_classes,multi_label,message', [
    (0, False, r'^num_classes must be an integer >= 2, but got num_classes=0\.'),
    (1, False, r'^num_classes must be an integer >= 2, but got num_classes=1\.'),
    (-3, False, r'num_classes=-3'),
    (2.5, False, r'num_classes=2\.5'),
    (None, False, r'num_classes=None'),
    ('3', False, r"num_classes='3'"),
    (True, False, r'num_classes=True'),
    (0, True, r'^num_classes must be an integer >= 1, but got num_classes=0\.'),
    (3, 'yes', r"^multi_label must be True or False, but got multi_label='yes'\."),
    (3, 1, r'^multi_label must be True or False, but got multi_label=1\.'),
])
def test_sklearn_classifier_rejects_bad_arguments(num_classes, multi_label, message):
    with pytest.raises(ValueError, match=message):
        SklearnClassifier(LogisticRegression(), num_classes, multi_label=multi_label)


def test_sklearn_classifier_accepts_numpy_integers():
    classifier = SklearnClassifier(LogisticRegression(), np.int64(3), multi_label=np.bool_(False))
    assert classifier.num_classes == 3
    assert SklearnClassifier(LogisticRegression(), 1, multi_label=True).num_classes == 1


@pytest.mark.parametrize('weights,message', [
    (np.array([1.0] * 11 + [np.nan]), 'Weights must be finite numbers greater zero'),
    (np.array([1.0] * 11 + [np.inf]), 'Weights must be finite numbers greater zero'),
    (np.array([1.0] * 11 + [None]), 'Weights must be finite numbers greater zero'),
])
def test_sklearn_classifier_rejects_non_finite_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        SklearnClassifier(LogisticRegression(), 3).fit(_dataset(), weights=weights)


@pytest.mark.parametrize('num_classes,kwargs,message', [
    (0, {}, r'^num_classes must be an integer >= 1, but got num_classes=0\.'),
    (2.5, {}, r'num_classes=2\.5'),
    (3, None, r'^kwargs must be a dict of SklearnClassifier keyword arguments, but got '
              r'NoneType\.'),
    (3, [('multi_label', True)], r'but got list\.'),
])
def test_sklearn_classifier_factory_rejects_bad_arguments(num_classes, kwargs, message):
    with pytest.raises(ValueError, match=message):
        SklearnClassifierFactory(LogisticRegression(), num_classes, kwargs=kwargs)


# --- ConfidenceEnhancedLinearSVC ---------------------------------------------------------------

def _failed_checks(estimator):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        results = check_estimator(estimator, on_fail=None, on_skip=None)
    return {result['check_name'] for result in results if result['status'] == 'failed'}, \
        {result['check_name'] for result in results}


def test_confidence_enhanced_linear_svc_passes_the_estimator_checks_linear_svc_passes():
    failed_by_linear_svc, run_on_linear_svc = _failed_checks(LinearSVC())
    failed, run = _failed_checks(ConfidenceEnhancedLinearSVC())
    assert failed <= failed_by_linear_svc
    # the class_weight checks are generated only for estimators with a class_weight
    # parameter; here class_weight lives in linearsvc_kwargs, so they are run directly
    assert run_on_linear_svc - run <= {'check_class_weight_classifiers',
                                       'check_class_weight_balanced_linear_classifier'}
    assert len(run) > 50
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        check_class_weight_classifiers('ConfidenceEnhancedLinearSVC',
                                       ConfidenceEnhancedLinearSVC())
        check_class_weight_balanced_linear_classifier('ConfidenceEnhancedLinearSVC',
                                                      ConfidenceEnhancedLinearSVC())


@pytest.mark.parametrize('linearsvc_kwargs', [None, {}, {'C': 0.5, 'max_iter': 20}])
def test_confidence_enhanced_linear_svc_init_only_stores(linearsvc_kwargs):
    svc = ConfidenceEnhancedLinearSVC(linearsvc_kwargs)
    assert svc.linearsvc_kwargs is linearsvc_kwargs
    assert vars(svc) == {'linearsvc_kwargs': linearsvc_kwargs}


@pytest.mark.parametrize('linearsvc_kwargs', [5, 'C=1', {'unknown': 1}, {'C': -1.0},
                                              {'penalty': 'l3'}, {'max_iter': 2.5}])
def test_confidence_enhanced_linear_svc_invalid_kwargs_are_accepted_by_init_and_set_params(
        linearsvc_kwargs):
    svc = ConfidenceEnhancedLinearSVC(linearsvc_kwargs)
    assert svc.set_params(linearsvc_kwargs=linearsvc_kwargs) is svc
    assert svc.get_params() == {'linearsvc_kwargs': linearsvc_kwargs}


@pytest.mark.parametrize('linearsvc_kwargs,message', [
    (5, r"The 'linearsvc_kwargs' parameter of ConfidenceEnhancedLinearSVC must be an instance "
        r"of 'dict' or None"),
    ({'unknown': 1, 'C': 2}, r"^linearsvc_kwargs holds \['unknown'\], which are not parameters "
                             r"of LinearSVC"),
    ({'C': -1.0}, r"The 'C' parameter of ConfidenceEnhancedLinearSVC \(linearsvc_kwargs\) must "
                  r"be a float in the range \(0.0, inf\)"),
    ({'penalty': 'l3'}, r"The 'penalty' parameter of ConfidenceEnhancedLinearSVC"),
])
def test_confidence_enhanced_linear_svc_validates_in_fit(linearsvc_kwargs, message):
    dataset = _dataset()
    svc = ConfidenceEnhancedLinearSVC(linearsvc_kwargs)
    with pytest.raises(ValueError, match=message):
        svc.fit(dataset.x, dataset.y)
    with pytest.raises(NotFittedError):
        svc.predict(dataset.x)


def test_confidence_enhanced_linear_svc_params_round_trip():
    svc = ConfidenceEnhancedLinearSVC({'C': 0.5})
    params = svc.get_params()
    assert svc.set_params(**params).get_params() == params
    svc.set_params(max_iter=30, linearsvc_kwargs={'tol': 0.5})
    assert svc.get_params() == {'linearsvc_kwargs': {'tol': 0.5, 'max_iter': 30}}
    assert (svc.tol, svc.max_iter, svc.C) == (0.5, 30, 1.0)
    assert clone(svc).get_params() == svc.get_params()

    svc = ConfidenceEnhancedLinearSVC()
    assert svc.set_params(linearsvc_kwargs=None).get_params() == {'linearsvc_kwargs': None}
    svc.set_params(C=3.0)
    assert svc.get_params() == {'linearsvc_kwargs': {'C': 3.0}}


def test_confidence_enhanced_linear_svc_set_params_does_not_mutate_the_callers_dict():
    kwargs = {'C': 0.5}
    svc = ConfidenceEnhancedLinearSVC(kwargs)
    svc.set_params(C=2.0)
    assert kwargs == {'C': 0.5}
    assert svc.C == 2.0


def test_confidence_enhanced_linear_svc_linearsvc_parameters_are_read_only():
    svc = ConfidenceEnhancedLinearSVC({'C': 0.5})
    with pytest.raises(AttributeError):
        svc.C = 2.0
    with pytest.raises(ValueError, match='to set individual LinearSVC parameters'):
        ConfidenceEnhancedLinearSVC(5).set_params(C=1.0)
