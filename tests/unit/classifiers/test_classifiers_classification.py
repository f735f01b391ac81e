"""Tests of small_text.classifiers.classification."""
import inspect
from unittest.mock import MagicMock

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import SVC, LinearSVC

from small_text.classifiers import (
    Classifier,
    ConfidenceEnhancedLinearSVC,
    EmbeddingMixin,
    SklearnClassifier,
)
from small_text.data import SklearnDataset


def _single_label_dataset(num_classes=3, num_per_class=10, seed=0):
    """Well separated Gaussian blobs, one per class."""
    rng = np.random.RandomState(seed)
    centers = np.eye(num_classes, 4) * 5
    y = np.repeat(np.arange(num_classes), num_per_class)
    x = centers[y] + rng.normal(scale=0.3, size=(y.shape[0], 4))
    return SklearnDataset(x, y, target_labels=np.arange(num_classes))


def _multi_label_dataset(seed=0):
    """Label j is present iff feature j is large."""
    rng = np.random.RandomState(seed)
    indicator = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1]] * 6)
    x = indicator * 5 + rng.normal(scale=0.3, size=indicator.shape)
    return SklearnDataset(csr_matrix(x), csr_matrix(indicator), target_labels=np.arange(3))


def _empty_dataset(multi_label):
    y = csr_matrix((0, 3), dtype=np.int64) if multi_label else np.array([], dtype=np.int64)
    return SklearnDataset(np.zeros((0, 3)), y, target_labels=np.arange(3))


# --- abstract classes -----------------------------------------------------------------------

def test_abstract_classes_cannot_be_instantiated():
    with pytest.raises(TypeError):
        Classifier()
    with pytest.raises(TypeError):
        EmbeddingMixin()


def test_abstract_signatures():
    parameters = inspect.signature(Classifier.predict).parameters
    assert list(parameters) == ['self', 'data_set', 'return_proba', 'multi_label_threshold',
                                'kwargs']
    assert parameters['return_proba'].default is False
    assert parameters['multi_label_threshold'].default == 0.5
    assert list(inspect.signature(Classifier.predict_proba).parameters) == \
        ['self', 'data_set', 'multi_label_threshold', 'kwargs']
    assert inspect.signature(Classifier.fit).parameters['weights'].default is None
    assert list(inspect.signature(EmbeddingMixin.embed).parameters) == \
        ['self', 'data_set', 'return_proba', 'multi_label_threshold', 'kwargs']


def test_concrete_subclasses():
    class _Classifier(Classifier, EmbeddingMixin):
        def fit(self, train_set, weights=None):
            return self

        def predict(self, data_set, return_proba=False, multi_label_threshold=0.5, **kwargs):
            return np.zeros(len(data_set), dtype=np.int64)

        def predict_proba(self, data_set, multi_label_threshold=0.5, **kwargs):
            return np.ones((len(data_set), 1))

        def embed(self, data_set, return_proba=False, multi_label_threshold=0.5, **kwargs):
            return np.zeros((len(data_set), 2))

    classifier = _Classifier()
    assert classifier.fit(None) is classifier
    assert classifier.embed([1, 2]).shape == (2, 2)


# --- SklearnClassifier ----------------------------------------------------------------------

def test_sklearn_classifier_init():
    model = LogisticRegression()
    classifier = SklearnClassifier(model, 3)
    assert classifier.model is model
    assert classifier.num_classes == 3
    assert classifier.multi_label is False


def test_sklearn_classifier_init_multi_label_wraps_model():
    model = LogisticRegression()
    classifier = SklearnClassifier(model, 3, multi_label=True)
    assert isinstance(classifier.model, OneVsRestClassifier)
    assert classifier.model.estimator is model
    assert classifier.multi_label is True


@pytest.mark.parametrize('model', [LinearSVC(), SVC(), object()])
def test_sklearn_classifier_init_requires_predict_proba(model):
    with pytest.raises(ValueError, match='^model must implement fit and predict_proba, but '
                                         f'{type(model).__name__} lacks .*predict_proba'):
        SklearnClassifier(model, 2)


def test_sklearn_classifier_init_accepts_svc_with_probability():
    SklearnClassifier(SVC(probability=True), 2)


def test_sklearn_classifier_fit_passes_sample_weight_keyword():
    model = MagicMock()
    dataset = _single_label_dataset()
    classifier = SklearnClassifier(model, 3)
    assert classifier.fit(dataset) is classifier
    model.fit.assert_called_with(dataset.x, dataset.y, sample_weight=None)

    weights = np.full(len(dataset), 0.5)
    classifier.fit(dataset, weights=weights)
    model.fit.assert_called_with(dataset.x, dataset.y, sample_weight=weights)


def test_sklearn_classifier_fit_multi_label_passes_no_weights():
    dataset = _multi_label_dataset()
    classifier = SklearnClassifier(LogisticRegression(), 3, multi_label=True)
    classifier.model = MagicMock()
    classifier.fit(dataset)
    classifier.model.fit.assert_called_with(dataset.x, dataset.y)


def test_sklearn_classifier_fit_unlabeled_data():
    dataset = _single_label_dataset()
    dataset.y = np.where(np.arange(len(dataset)) == 0, -1, dataset.y)
    with pytest.raises(ValueError, match=r'^Training set labels must be labeled \(greater or '
                                         r'equal zero\)'):
        SklearnClassifier(LogisticRegression(), 3).fit(dataset)


@pytest.mark.parametrize('weights,message', [
    (np.ones(5), r'^Training data and weights must have the same size \(training data: 30, '
                 r'weights: 5\)\.'),
    (np.zeros(30), '^Weights must be greater zero.'),
])
def test_sklearn_classifier_fit_invalid_weights(weights, message):
    with pytest.raises(ValueError, match=message):
        SklearnClassifier(LogisticRegression(), 3).fit(_single_label_dataset(), weights=weights)


def test_sklearn_classifier_fit_multi_label_with_weights():
    dataset = _multi_label_dataset()
    classifier = SklearnClassifier(LogisticRegression(), 3, multi_label=True)
    with pytest.raises(ValueError, match='^Sample weights are not supported for multi-label '
                                         'SklearnClassifier.'):
        classifier.fit(dataset, weights=np.ones(len(dataset)))


def test_sklearn_classifier_fit_multi_label_requires_multi_label_data():
    classifier = SklearnClassifier(LogisticRegression(), 3, multi_label=True)
    with pytest.raises(ValueError, match='^Invalid input: Given labeling must be recognized as '
                                         'multi-label according to'):
        classifier.fit(_single_label_dataset())


def test_sklearn_classifier_fit_single_label_rejects_multi_label_data():
    classifier = SklearnClassifier(LogisticRegression(), 3)
    with pytest.raises(ValueError, match='^Invalid input: Given labeling is recognized as '
                                         'multi-label labeling but the classifier is set to '
                                         'single-label mode'):
        classifier.fit(_multi_label_dataset())


@pytest.mark.parametrize('model', [LogisticRegression(), ConfidenceEnhancedLinearSVC()])
def test_sklearn_classifier_single_label(model):
    train = _single_label_dataset()
    test = _single_label_dataset(seed=1)
    classifier = SklearnClassifier(model, 3).fit(train)

    predictions = classifier.predict(test)
    assert predictions.dtype == np.int64
    np.testing.assert_array_equal(predictions, test.y)

    predictions, proba = classifier.predict(test, return_proba=True)
    np.testing.assert_array_equal(predictions, test.y)
    assert proba.shape == (len(test), 3)
    np.testing.assert_array_equal(predictions, np.argmax(proba, axis=1))

    proba_only = classifier.predict_proba(test)
    assert isinstance(proba_only, np.ndarray)
    np.testing.assert_allclose(proba_only, proba)
    np.testing.assert_allclose(proba_only.sum(axis=1), 1.0)


@pytest.mark.parametrize('model', [LogisticRegression(), ConfidenceEnhancedLinearSVC()])
def test_sklearn_classifier_multi_label(model):
    train = _multi_label_dataset()
    test = _multi_label_dataset(seed=1)
    classifier = SklearnClassifier(model, 3, multi_label=True).fit(train)

    predictions = classifier.predict(test)
    assert isinstance(predictions, csr_matrix)
    assert predictions.shape == (len(test), 3)
    np.testing.assert_array_equal(predictions.toarray(), test.y.toarray())

    predictions, proba = classifier.predict(test, return_proba=True)
    assert isinstance(proba, csr_matrix)
    np.testing.assert_array_equal(proba.toarray() > 0, predictions.toarray() > 0)

    proba_dense = classifier.predict_proba(test)
    assert isinstance(proba_dense, np.ndarray)
    assert proba_dense.shape == (len(test), 3)


def test_sklearn_classifier_multi_label_threshold():
    train = _multi_label_dataset()
    classifier = SklearnClassifier(LogisticRegression(), 3, multi_label=True).fit(train)
    all_labels = classifier.predict(train, multi_label_threshold=0.0)
    assert all_labels.nnz == len(train) * 3
    no_labels = classifier.predict(train, multi_label_threshold=1.0)
    assert no_labels.nnz == 0


def test_sklearn_classifier_predict_empty_single_label():
    classifier = SklearnClassifier(LogisticRegression(), 3)
    predictions = classifier.predict(_empty_dataset(False))
    assert isinstance(predictions, np.ndarray)
    assert predictions.shape == (0, 3)
    assert predictions.dtype == np.int64

    predictions, proba = classifier.predict(_empty_dataset(False), return_proba=True)
    assert proba.shape == (0, 3)
    assert proba.dtype == float

    proba = classifier.predict_proba(_empty_dataset(False))
    assert isinstance(proba, np.ndarray)
    assert proba.shape == (0, 3)


def test_sklearn_classifier_predict_empty_multi_label():
    classifier = SklearnClassifier(LogisticRegression(), 3, multi_label=True)
    predictions, proba = classifier.predict(_empty_dataset(True), return_proba=True)
    assert isinstance(predictions, csr_matrix) and predictions.shape == (0, 3)
    assert isinstance(proba, csr_matrix) and proba.shape == (0, 3)

    proba = classifier.predict_proba(_empty_dataset(True))
    assert isinstance(proba, csr_matrix)
    assert proba.shape == (0, 3)
    assert proba.dtype == float


@pytest.mark.parametrize('multi_label', [False, True])
def test_sklearn_classifier_fit_empty_train_set(multi_label):
    classifier = SklearnClassifier(LogisticRegression(), 3, multi_label=multi_label)
    with pytest.raises(ValueError, match='^train_set must contain at least one sample'):
        classifier.fit(_empty_dataset(multi_label))


def test_sklearn_classifier_predict_before_fit():
    with pytest.raises(NotFittedError):
        SklearnClassifier(LogisticRegression(), 3).predict(_single_label_dataset())


def test_sklearn_classifier_fit_with_weights():
    train = _single_label_dataset()
    weights = np.linspace(0.5, 2.0, len(train))
    classifier = SklearnClassifier(LogisticRegression(), 3).fit(train, weights=weights)
    np.testing.assert_array_equal(classifier.predict(train), train.y)


# --- ConfidenceEnhancedLinearSVC ------------------------------------------------------------

def test_confidence_enhanced_linear_svc_init():
    svc = ConfidenceEnhancedLinearSVC()
    assert svc.linearsvc_kwargs is None  # stored unchanged (small-text 2.0 stores {})
    assert svc.get_params() == {'linearsvc_kwargs': None}
    assert (svc.C, svc.max_iter) == (1.0, 1000)

    kwargs = {'C': 0.25, 'max_iter': 50}
    svc = ConfidenceEnhancedLinearSVC(linearsvc_kwargs=kwargs)
    assert svc.get_params() == {'linearsvc_kwargs': kwargs}
    assert svc.get_params(deep=False) == {'linearsvc_kwargs': kwargs}
    assert (svc.C, svc.max_iter) == (0.25, 50)
    assert isinstance(svc, LinearSVC)


def test_confidence_enhanced_linear_svc_clone():
    svc = ConfidenceEnhancedLinearSVC(linearsvc_kwargs={'C': 0.25})
    svc.fit(_single_label_dataset().x, _single_label_dataset().y)
    cloned = clone(svc)
    assert cloned is not svc
    assert cloned.C == 0.25
    assert cloned.get_params() == {'linearsvc_kwargs': {'C': 0.25}}
    with pytest.raises(NotFittedError):
        cloned.predict(np.zeros((1, 4)))


def test_confidence_enhanced_linear_svc_set_params():
    svc = ConfidenceEnhancedLinearSVC(linearsvc_kwargs={'C': 0.25, 'max_iter': 50})
    assert svc.set_params(C=2.0) is svc
    assert svc.C == 2.0
    assert svc.get_params() == {'linearsvc_kwargs': {'C': 2.0, 'max_iter': 50}}

    svc.set_params(linearsvc_kwargs={'tol': 0.1})
    assert svc.get_params() == {'linearsvc_kwargs': {'tol': 0.1}}
    assert (svc.tol, svc.C, svc.max_iter) == (0.1, 1.0, 1000)
    assert clone(svc).tol == 0.1

    with pytest.raises(ValueError, match=r"Invalid parameters \['unknown'\] for "
                                         r"ConfidenceEnhancedLinearSVC"):
        svc.set_params(unknown=1)


def test_confidence_enhanced_linear_svc_binary_proba():
    dataset = _single_label_dataset(num_classes=2)
    svc = ConfidenceEnhancedLinearSVC().fit(dataset.x, dataset.y)
    proba = svc.predict_proba(dataset.x)
    assert proba.shape == (len(dataset), 2)
    positive = expit(svc.decision_function(dataset.x))
    np.testing.assert_allclose(proba, np.column_stack([1 - positive, positive]))


def test_confidence_enhanced_linear_svc_multiclass_proba():
    dataset = _single_label_dataset(num_classes=3)
    svc = ConfidenceEnhancedLinearSVC().fit(dataset.x, dataset.y)
    proba = svc.predict_proba(dataset.x)
    assert proba.shape == (len(dataset), 3)
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    sigmoid = expit(svc.decision_function(dataset.x))
    np.testing.assert_allclose(proba, sigmoid / sigmoid.sum(axis=1, keepdims=True))


def test_confidence_enhanced_linear_svc_predict():
    dataset = _single_label_dataset(num_classes=3)
    svc = ConfidenceEnhancedLinearSVC().fit(dataset.x, dataset.y)
    np.testing.assert_array_equal(svc.predict(dataset.x),
                                  LinearSVC.predict(svc, dataset.x))
    predictions, proba = svc.predict(dataset.x, return_proba=True)
    np.testing.assert_array_equal(predictions, np.argmax(proba, axis=1))
    np.testing.assert_array_equal(predictions, dataset.y)


def test_sklearn_classifier_maps_columns_to_class_ids_when_classes_are_missing():
    from sklearn.linear_model import LogisticRegression as _LR
    from small_text.classifiers import SklearnClassifier as _SC
    from small_text.data import SklearnDataset as _DS
    x = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    train = _DS(x, np.array([0, 0, 2, 2]), target_labels=np.arange(3))
    clf = _SC(_LR(), 3).fit(train)
    proba = clf.predict_proba(train)
    assert proba.shape == (4, 3)
    np.testing.assert_array_equal(proba[:, 1], 0)
    np.testing.assert_array_equal(clf.predict(train), [0, 0, 2, 2])


def test_multi_label_label_with_one_value_gets_a_constant_prediction_without_warning():
    import warnings

    x = csr_matrix(np.random.RandomState(0).rand(6, 4))
    # label 1 is assigned to no text, label 2 to every text
    y = csr_matrix(np.array([[1, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1], [1, 0, 1], [0, 0, 1]]))
    data = SklearnDataset(x, y, target_labels=np.arange(3))
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        clf = SklearnClassifier(LogisticRegression(), 3, multi_label=True).fit(data)
    proba = clf.predict_proba(data)
    assert proba[:, 1].tolist() == [0.0] * 6 and proba[:, 2].tolist() == [1.0] * 6
    assert 0 < proba[0, 0] < 1
