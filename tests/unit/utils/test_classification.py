"""Tests for small_text.utils.classification (core.md §9.2, §11)."""
import re
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.utils.classification import (
    _check_classifier_dataset_consistency,
    _multi_label_list_to_multi_hot,
    empty_result,
    prediction_result,
)

PROBA = np.array([[0.2, 0.5, 0.3],
                  [0.7, 0.1, 0.2],
                  [0.1, 0.1, 0.8]])

MULTI_LABEL_PROBA = np.array([[0.6, 0.5, 0.9],
                              [0.1, 0.2, 0.3],
                              [0.51, 0.0, 0.49]])


# --- prediction_result: single-label ---------------------------------------------------------

def test_prediction_result_single_label():
    result = prediction_result(PROBA, False, 3)
    assert isinstance(result, np.ndarray)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, [1, 0, 2])


def test_prediction_result_single_label_float32_input():
    result = prediction_result(PROBA.astype(np.float32), False, 3)
    assert result.dtype == np.int64


def test_prediction_result_single_label_return_proba():
    predictions, proba = prediction_result(PROBA, False, 3, return_proba=True)
    np.testing.assert_array_equal(predictions, [1, 0, 2])
    assert isinstance(proba, np.ndarray)
    np.testing.assert_array_equal(proba, PROBA)


def test_prediction_result_single_label_ignores_threshold():
    result = prediction_result(PROBA, False, 3, multi_label_threshold=0.99)
    np.testing.assert_array_equal(result, [1, 0, 2])


# --- prediction_result: multi-label ----------------------------------------------------------

def test_prediction_result_multi_label():
    result = prediction_result(MULTI_LABEL_PROBA, True, 3)
    assert isinstance(result, csr_matrix)
    assert result.shape == (3, 3)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result.data, np.ones(3))
    # 0.5 is not strictly greater than the threshold
    np.testing.assert_array_equal(result.toarray(), [[1, 0, 1], [0, 0, 0], [1, 0, 0]])


def test_prediction_result_multi_label_threshold():
    result = prediction_result(MULTI_LABEL_PROBA, True, 3, multi_label_threshold=0.2)
    np.testing.assert_array_equal(result.toarray(), [[1, 1, 1], [0, 0, 1], [1, 0, 1]])


def test_prediction_result_multi_label_threshold_is_strict():
    proba = np.array([[0.3, 0.30000001]])
    result = prediction_result(proba, True, 2, multi_label_threshold=0.3)
    np.testing.assert_array_equal(result.toarray(), [[0, 1]])


def test_prediction_result_multi_label_return_proba():
    predictions, proba = prediction_result(MULTI_LABEL_PROBA, True, 3, return_proba=True)
    assert isinstance(proba, csr_matrix)
    assert proba.dtype == np.float64
    assert proba.shape == (3, 3)
    predictions.sort_indices()
    proba.sort_indices()
    np.testing.assert_array_equal(proba.indptr, predictions.indptr)
    np.testing.assert_array_equal(proba.indices, predictions.indices)
    np.testing.assert_allclose(proba.toarray(), [[0.6, 0.0, 0.9],
                                                 [0.0, 0.0, 0.0],
                                                 [0.51, 0.0, 0.0]])


def test_prediction_result_multi_label_return_proba_float32_input():
    _, proba = prediction_result(MULTI_LABEL_PROBA.astype(np.float32), True, 3,
                                 return_proba=True)
    assert proba.dtype == np.float64


def test_prediction_result_multi_label_no_predictions():
    predictions, proba = prediction_result(np.full((2, 4), 0.1), True, 4, return_proba=True)
    assert predictions.shape == (2, 4)
    assert predictions.nnz == 0
    assert predictions.dtype == np.int64
    assert proba.shape == (2, 4)
    assert proba.nnz == 0


# --- empty_result ----------------------------------------------------------------------------

def test_empty_result_single_label():
    predictions, proba = empty_result(False, 3)
    assert isinstance(predictions, np.ndarray)
    assert predictions.shape == (0, 3)
    assert predictions.dtype == np.int64
    assert isinstance(proba, np.ndarray)
    assert proba.shape == (0, 3)
    assert proba.dtype == np.float64


def test_empty_result_multi_label():
    predictions, proba = empty_result(True, 4)
    assert isinstance(predictions, csr_matrix)
    assert predictions.shape == (0, 4)
    assert predictions.dtype == np.int64
    assert isinstance(proba, csr_matrix)
    assert proba.shape == (0, 4)
    assert proba.dtype == np.float64


@pytest.mark.parametrize('multi_label', [False, True])
def test_empty_result_prediction_only(multi_label):
    result = empty_result(multi_label, 3, return_proba=False)
    assert not isinstance(result, tuple)
    assert result.shape == (0, 3)
    assert result.dtype == np.int64


@pytest.mark.parametrize('multi_label', [False, True])
def test_empty_result_proba_only(multi_label):
    result = empty_result(multi_label, 3, return_prediction=False)
    assert not isinstance(result, tuple)
    assert result.shape == (0, 3)
    assert result.dtype == np.float64


@pytest.mark.parametrize('multi_label', [False, True])
def test_empty_result_nothing_requested(multi_label):
    message = "Invalid usage: At least one of 'prediction' or 'proba' must be True"
    with pytest.raises(ValueError, match=f'^{re.escape(message)}$'):
        empty_result(multi_label, 3, return_prediction=False, return_proba=False)


# --- _multi_label_list_to_multi_hot ----------------------------------------------------------

def test_multi_label_list_to_multi_hot():
    result = _multi_label_list_to_multi_hot([[0, 2], [], [1]], 3)
    assert result == [[1, 0, 1], [0, 0, 0], [0, 1, 0]]
    assert isinstance(result, list)
    assert all(isinstance(row, list) for row in result)


def test_multi_label_list_to_multi_hot_all_empty():
    assert _multi_label_list_to_multi_hot([[], []], 2) == [[0, 0], [0, 0]]


# --- _check_classifier_dataset_consistency ---------------------------------------------------

def _classifier(multi_label=False, num_classes=3):
    return SimpleNamespace(multi_label=multi_label, num_classes=num_classes)


def _dataset(is_multi_label=False, num_classes=3):
    return SimpleNamespace(is_multi_label=is_multi_label, target_labels=np.arange(num_classes))


MODE_MISMATCH_MESSAGE = ('The classifier is configured for single-label classification, but the '
                         '{name} data is labeled for multi-label classification.')


def test_consistency_none_dataset():
    assert _check_classifier_dataset_consistency(_classifier(), None) is None


@pytest.mark.parametrize('multi_label', [False, True])
def test_consistency_ok(multi_label):
    assert _check_classifier_dataset_consistency(_classifier(multi_label, 4),
                                                 _dataset(multi_label, 4)) is None


@pytest.mark.parametrize('classifier_multi_label, dataset_multi_label', [(False, True),
                                                                         (True, False)])
def test_consistency_mode_mismatch(classifier_multi_label, dataset_multi_label):
    message = MODE_MISMATCH_MESSAGE.format(name='dataset')
    with pytest.raises(ValueError, match=f'^{re.escape(message)}'):
        _check_classifier_dataset_consistency(_classifier(classifier_multi_label),
                                              _dataset(dataset_multi_label))


def test_consistency_mode_mismatch_dataset_name():
    message = MODE_MISMATCH_MESSAGE.format(name='validation')
    with pytest.raises(ValueError, match=f'^{re.escape(message)}'):
        _check_classifier_dataset_consistency(_classifier(False), _dataset(True),
                                              dataset_name_in_error='validation')


def test_consistency_num_classes_mismatch():
    message = 'The classifier is set up to handle 3 classes, but the dataset data contains 2 classes.'
    with pytest.raises(ValueError, match=f'^{re.escape(message)}'):
        _check_classifier_dataset_consistency(_classifier(num_classes=3),
                                              _dataset(num_classes=2))


def test_consistency_num_classes_mismatch_dataset_name():
    message = 'The classifier is set up to handle 2 classes, but the train data contains 5 classes.'
    with pytest.raises(ValueError, match=f'^{re.escape(message)}'):
        _check_classifier_dataset_consistency(_classifier(True, 2), _dataset(True, 5),
                                              dataset_name_in_error='train')


def test_consistency_mode_checked_before_num_classes():
    with pytest.raises(ValueError, match='configured for single-label classification'):
        _check_classifier_dataset_consistency(_classifier(False, 3), _dataset(True, 5))
