"""Tests for small_text.utils.labels (core.md §9.7)."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.base import LABEL_IGNORED, LABEL_UNLABELED
from small_text.utils.labels import (
    concatenate,
    csr_to_list,
    get_ignored_labels_mask,
    get_num_labels,
    list_to_csr,
    remove_by_index,
)


def _multi_label_y():
    # rows: {0, 1}, {1}, {0}, {}
    return csr_matrix(np.array([[1, 1, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]]))


# --- get_num_labels --------------------------------------------------------------------------

def test_get_num_labels_dense():
    assert get_num_labels(np.array([0, 2, 1, 2])) == 3


def test_get_num_labels_dense_with_gap():
    assert get_num_labels(np.array([0, 5])) == 6


def test_get_num_labels_dense_single_sample():
    assert get_num_labels(np.array([0])) == 1


def test_get_num_labels_sparse():
    y = csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 1, 0]]))
    # the largest stored column id, not the matrix width
    assert get_num_labels(y) == 3


def test_get_num_labels_returns_int():
    assert isinstance(get_num_labels(np.array([0, 1])), (int, np.integer))
    assert get_num_labels(_multi_label_y()) == 2


def test_get_num_labels_empty_dense():
    with pytest.raises(ValueError, match='^Invalid labeling: Cannot contain 0 labels$'):
        get_num_labels(np.array([], dtype=int))


def test_get_num_labels_empty_sparse():
    with pytest.raises(ValueError, match='Invalid labeling: Cannot contain 0 labels'):
        get_num_labels(csr_matrix((0, 3), dtype=np.int64))


# --- remove_by_index -------------------------------------------------------------------------

def test_remove_by_index_dense_int():
    y = np.array([3, 4, 5, 6])
    result = remove_by_index(y, 1)
    np.testing.assert_array_equal(result, [3, 5, 6])
    np.testing.assert_array_equal(y, [3, 4, 5, 6])


def test_remove_by_index_dense_list():
    np.testing.assert_array_equal(remove_by_index(np.array([3, 4, 5, 6]), [0, 3]), [4, 5])


def test_remove_by_index_sparse_int():
    y = _multi_label_y()
    result = remove_by_index(y, 0)
    assert isinstance(result, csr_matrix)
    np.testing.assert_array_equal(result.toarray(), [[0, 1, 0], [1, 0, 0], [0, 0, 0]])
    assert y.shape == (4, 3)


def test_remove_by_index_sparse_list():
    result = remove_by_index(_multi_label_y(), [1, 3])
    assert isinstance(result, csr_matrix)
    assert result.shape == (2, 3)
    np.testing.assert_array_equal(result.toarray(), [[1, 1, 0], [1, 0, 0]])


# --- get_ignored_labels_mask -----------------------------------------------------------------

def test_get_ignored_labels_mask_dense():
    y = np.array([0, LABEL_IGNORED, 1, LABEL_IGNORED])
    mask = get_ignored_labels_mask(y, LABEL_IGNORED)
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, [False, True, False, True])


def test_get_ignored_labels_mask_dense_other_value():
    mask = get_ignored_labels_mask(np.array([0, LABEL_UNLABELED, 1]), LABEL_UNLABELED)
    np.testing.assert_array_equal(mask, [False, True, False])


def test_get_ignored_labels_mask_dense_none_ignored():
    mask = get_ignored_labels_mask(np.array([0, 1, 2]), LABEL_IGNORED)
    np.testing.assert_array_equal(mask, [False, False, False])


def test_get_ignored_labels_mask_sparse():
    y = csr_matrix(np.array([[1, 0, 0],
                             [LABEL_IGNORED, 0, 0],
                             [0, 0, 0],
                             [0, 1, LABEL_IGNORED]]))
    mask = get_ignored_labels_mask(y, LABEL_IGNORED)
    assert mask.dtype == bool
    assert mask.shape == (4,)
    np.testing.assert_array_equal(mask, [False, True, False, True])


def test_get_ignored_labels_mask_sparse_none_ignored():
    mask = get_ignored_labels_mask(_multi_label_y(), LABEL_IGNORED)
    np.testing.assert_array_equal(mask, [False, False, False, False])


# --- concatenate -----------------------------------------------------------------------------

def test_concatenate_dense():
    result = concatenate(np.array([0, 1]), np.array([2]))
    assert isinstance(result, np.ndarray)
    np.testing.assert_array_equal(result, [0, 1, 2])


def test_concatenate_sparse():
    a = _multi_label_y()
    b = csr_matrix(np.array([[0, 0, 1]]))
    result = concatenate(a, b)
    assert isinstance(result, csr_matrix)
    assert result.shape == (5, 3)
    np.testing.assert_array_equal(result.toarray(), np.vstack([a.toarray(), b.toarray()]))


# --- csr_to_list / list_to_csr ---------------------------------------------------------------

def test_csr_to_list():
    assert csr_to_list(_multi_label_y()) == [[0, 1], [1], [0], []]


def test_csr_to_list_empty_matrix():
    assert csr_to_list(csr_matrix((0, 3))) == []


def test_list_to_csr():
    result = list_to_csr([[0, 1], [1], [0], []], shape=(4, 3))
    assert isinstance(result, csr_matrix)
    assert result.shape == (4, 3)
    assert result.dtype == np.int64
    assert result.indices.dtype == np.int32
    np.testing.assert_array_equal(result.data, np.ones(4))
    np.testing.assert_array_equal(result.toarray(), _multi_label_y().toarray())


def test_list_to_csr_dtype():
    result = list_to_csr([[2], [0, 1]], shape=(2, 3), dtype=np.float64)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result.toarray(), [[0, 0, 1], [1, 1, 0]])


def test_list_to_csr_shape_wider_than_labels():
    result = list_to_csr([[0], [1]], shape=(2, 5))
    assert result.shape == (2, 5)


def test_list_to_csr_all_empty():
    result = list_to_csr([[], [], []], shape=(3, 4))
    assert isinstance(result, csr_matrix)
    assert result.shape == (3, 4)
    assert result.dtype == np.int64
    assert result.nnz == 0


def test_list_to_csr_all_empty_dtype():
    assert list_to_csr([[]], shape=(1, 2), dtype=np.float32).dtype == np.float32


def test_list_to_csr_no_rows():
    result = list_to_csr([], shape=(0, 3))
    assert result.shape == (0, 3)
    assert result.nnz == 0


def test_csr_list_round_trip():
    label_list = [[1, 3], [], [0, 1, 2, 3], [2]]
    assert csr_to_list(list_to_csr(label_list, shape=(4, 4))) == label_list
