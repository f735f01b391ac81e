"""Tests of small_text.initialization.strategies."""
from unittest.mock import patch

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.data import SklearnDataset
from small_text.initialization import (
    random_initialization,
    random_initialization_balanced,
    random_initialization_stratified,
)


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(11)


def _multi_label_y():
    rows = np.array([[1, 0, 0]] * 30 + [[0, 1, 0]] * 10 + [[1, 0, 1]] * 5 + [[0, 0, 0]] * 5)
    return csr_matrix(rows)


@pytest.mark.parametrize('x', [np.zeros((20, 3)), csr_matrix((20, 3)), list(range(20)),
                               SklearnDataset(np.zeros((20, 3)), np.zeros(20, dtype=int),
                                              target_labels=np.arange(2))])
def test_random_initialization(x):
    indices = random_initialization(x, n_samples=5)
    assert indices.shape == (5,)
    assert np.unique(indices).shape == (5,)
    assert np.all((indices >= 0) & (indices < 20))


def test_random_initialization_default_size():
    assert random_initialization(np.zeros((30, 2))).shape == (10,)


def test_random_initialization_too_many_samples():
    with pytest.raises(ValueError):
        random_initialization(np.zeros((3, 2)), n_samples=4)


def test_random_initialization_stratified_calls_stratified_sampling():
    y = np.array([0, 1] * 10)
    with patch('small_text.initialization.strategies.stratified_sampling',
               return_value=np.array([0, 1])) as sampling_mock:
        indices = random_initialization_stratified(y, n_samples=4)
    sampling_mock.assert_called_with(y, n_samples=4)
    np.testing.assert_array_equal(indices, [0, 1])


def test_random_initialization_stratified_multi_label_labelsets():
    y = _multi_label_y()
    with patch('small_text.initialization.strategies.multilabel_stratified_subsets_sampling',
               return_value=np.array([3])) as sampling_mock:
        random_initialization_stratified(y, n_samples=7)
    sampling_mock.assert_called_with(y, n_samples=7)


def test_random_initialization_stratified_multi_label():
    y = _multi_label_y()
    indices = random_initialization_stratified(y, n_samples=10)
    assert np.unique(indices).shape == (10,)
    selected = y[indices].toarray()
    assert np.sum(np.all(selected == [1, 0, 0], axis=1)) == 6


def test_random_initialization_stratified_invalid_multilabel_strategy():
    with pytest.raises(ValueError, match='^Invalid multilabel_strategy: other'):
        random_initialization_stratified(_multi_label_y(), multilabel_strategy='other')


def test_random_initialization_stratified_single_label():
    y = np.repeat([0, 1, 2], [10, 20, 70])
    indices = random_initialization_stratified(y, n_samples=10)
    np.testing.assert_array_equal(np.bincount(y[indices]), [1, 2, 7])


@pytest.mark.parametrize('y', [np.array([0, 1] * 10), [0, 1] * 10])
def test_random_initialization_balanced_calls_balanced_sampling(y):
    with patch('small_text.initialization.strategies.balanced_sampling',
               return_value=np.array([5])) as sampling_mock:
        indices = random_initialization_balanced(y, n_samples=6)
    sampling_mock.assert_called_with(y, n_samples=6)
    np.testing.assert_array_equal(indices, [5])


def test_random_initialization_balanced_single_label():
    y = np.repeat([0, 1, 2], [50, 5, 45])
    indices = random_initialization_balanced(y, n_samples=12)
    np.testing.assert_array_equal(np.bincount(y[indices]), [4, 4, 4])


def test_random_initialization_balanced_multi_label():
    y = _multi_label_y()
    indices = random_initialization_balanced(y, n_samples=6)
    assert np.unique(indices).shape == (6,)
    occurrences = np.asarray(y[indices].sum(axis=0)).ravel()
    # the rare labels 1 and 2 are represented as often as the frequent label 0 allows
    assert occurrences[1] >= 2
    assert occurrences[2] >= 2


def test_random_initialization_balanced_too_many_samples():
    with pytest.raises(ValueError, match='exceeds label set size'):
        random_initialization_balanced(np.array([0, 1]), n_samples=3)
    with pytest.raises(ValueError, match='exceeds label set size'):
        random_initialization_balanced(_multi_label_y(), n_samples=51)
