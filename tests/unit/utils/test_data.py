"""Tests for small_text.utils.data (core.md §9.5)."""
import re

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.base import LABEL_UNLABELED
from small_text.utils.data import check_training_data, list_length


class _FakeDataset:
    """The attributes check_training_data reads: y, is_multi_label and len()."""

    def __init__(self, y, is_multi_label=False):
        self.y = y
        self.is_multi_label = is_multi_label

    def __len__(self):
        return self.y.shape[0]


def _single_label(y):
    return _FakeDataset(np.array(y))


# --- list_length -----------------------------------------------------------------------------

def test_list_length_list():
    assert list_length(['a', 'b', 'c']) == 3


def test_list_length_empty_list():
    assert list_length([]) == 0


def test_list_length_ndarray():
    assert list_length(np.zeros((4, 2))) == 4


def test_list_length_csr():
    assert list_length(csr_matrix((5, 3))) == 5


def test_list_length_prefers_shape_over_len():
    class ShapeAndLen:
        shape = (7, 1)

        def __len__(self):
            return 2

    assert list_length(ShapeAndLen()) == 7


# --- check_training_data ---------------------------------------------------------------------

def test_check_training_data_valid():
    assert check_training_data(_single_label([0, 1, 2]), _single_label([1, 0])) is None


def test_check_training_data_no_validation_set():
    assert check_training_data(_single_label([0, 1]), None) is None


def test_check_training_data_unlabeled_train():
    with pytest.raises(ValueError, match=re.escape(
            'Training set labels must be labeled (greater or equal zero)')):
        check_training_data(_single_label([0, LABEL_UNLABELED]), None)


def test_check_training_data_unlabeled_validation():
    with pytest.raises(ValueError, match=re.escape(
            'Validation set labels must be labeled (greater or equal zero)')):
        check_training_data(_single_label([0, 1]), _single_label([LABEL_UNLABELED, 1]))


def test_check_training_data_train_checked_before_validation():
    with pytest.raises(ValueError, match='^Training set'):
        check_training_data(_single_label([LABEL_UNLABELED]), _single_label([LABEL_UNLABELED]))


def test_check_training_data_multi_label_skips_label_check():
    # an empty row is an unlabeled multi-label sample; no check applies
    train = _FakeDataset(csr_matrix(np.array([[1, 0], [0, 0]])), is_multi_label=True)
    assert check_training_data(train, train) is None


def test_check_training_data_weights_valid():
    assert check_training_data(_single_label([0, 1, 1]), None,
                               weights=np.array([0.5, 1.0, 2.0])) is None


def test_check_training_data_weights_size_mismatch():
    message = 'Training data and weights must have the same size (training data: 3, weights: 2).'
    with pytest.raises(ValueError, match=f'^{re.escape(message)}$'):
        check_training_data(_single_label([0, 1, 1]), None, weights=np.array([1.0, 1.0]))


@pytest.mark.parametrize('bad_weight', [0.0, -1.0])
def test_check_training_data_weights_not_positive(bad_weight):
    with pytest.raises(ValueError, match='^Weights must be greater zero.$'):
        check_training_data(_single_label([0, 1]), None, weights=np.array([1.0, bad_weight]))


def test_check_training_data_weights_checked_for_multi_label():
    train = _FakeDataset(csr_matrix(np.array([[1, 0], [0, 1]])), is_multi_label=True)
    with pytest.raises(ValueError, match='Weights must be greater zero.'):
        check_training_data(train, None, weights=np.array([1.0, 0.0]))
