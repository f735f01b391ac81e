"""Tests of small_text.data.splits."""
from unittest.mock import patch

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.data import SklearnDataset, SklearnDatasetView, get_splits, split_data


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(3)


def _dataset(num_samples=10, multi_label=False):
    x = np.arange(num_samples * 2, dtype=float).reshape(num_samples, 2)
    if multi_label:
        y = csr_matrix(np.tile([[1, 0], [0, 1], [1, 1]], (num_samples // 3 + 1, 1))[:num_samples])
    else:
        y = np.arange(num_samples) % 2
    return SklearnDataset(x, y, target_labels=np.arange(2))


@pytest.mark.parametrize('validation_set_size', [0, 0.0, 1.0, 1.5, -0.1])
def test_split_data_invalid_validation_set_size(validation_set_size):
    with pytest.raises(ValueError, match=r'^Invalid value encountered for "validation_set_size"\. '
                                         r'Must be within the interval \(0\.0, 1\.0\)\.'):
        split_data(_dataset(), validation_set_size=validation_set_size)


def test_split_data_invalid_strategy():
    with pytest.raises(ValueError, match='^Invalid strategy: unknown$'):
        split_data(_dataset(), strategy='unknown')


def test_split_data_empty_train_set():
    dataset = SklearnDataset(np.zeros((0, 2)), np.array([], dtype=int),
                             target_labels=np.arange(2))
    with pytest.raises(ValueError, match='Cannot split an empty train_set'):
        split_data(dataset)


@pytest.mark.parametrize('strategy', ['balanced', 'stratified'])
def test_split_data_requires_y(strategy):
    with pytest.raises(ValueError, match=f"y is required for strategy='{strategy}'"):
        split_data(_dataset(), strategy=strategy)


def test_split_data_random_uses_numpy_permutation():
    permutation = np.array([9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    with patch('numpy.random.permutation', return_value=permutation) as permutation_mock:
        indices_train, indices_valid = split_data(_dataset(), validation_set_size=0.2,
                                                  return_indices=True)
    permutation_mock.assert_called_with(10)
    np.testing.assert_array_equal(indices_train, [9, 8, 7, 6, 5, 4, 3, 2])
    np.testing.assert_array_equal(indices_valid, [1, 0])


def test_split_data_random():
    indices_train, indices_valid = split_data(_dataset(), validation_set_size=0.25,
                                              return_indices=True)
    assert indices_train.shape == (7,)  # int(10 * 0.75)
    assert indices_valid.shape == (3,)
    np.testing.assert_array_equal(np.sort(np.concatenate([indices_train, indices_valid])),
                                  np.arange(10))


@pytest.mark.parametrize('strategy,function', [('balanced', 'balanced_sampling'),
                                               ('stratified', 'stratified_sampling')])
def test_split_data_sampling_strategies_use_module_globals(strategy, function):
    dataset = _dataset()
    with patch(f'small_text.data.splits.{function}', return_value=np.array([7, 2])) as mock:
        indices_train, indices_valid = split_data(dataset, y=dataset.y, strategy=strategy,
                                                  validation_set_size=0.2, return_indices=True)
    mock.assert_called_with(dataset.y, n_samples=2)
    np.testing.assert_array_equal(indices_valid, [7, 2])
    np.testing.assert_array_equal(indices_train, [0, 1, 3, 4, 5, 6, 8, 9])


@pytest.mark.parametrize('strategy', ['balanced', 'stratified'])
def test_split_data_sampling_strategies(strategy):
    dataset = _dataset(20)
    indices_train, indices_valid = split_data(dataset, y=dataset.y, strategy=strategy,
                                              validation_set_size=0.2, return_indices=True)
    np.testing.assert_array_equal(np.bincount(dataset.y[indices_valid]), [2, 2])
    assert np.all(np.diff(indices_train) > 0)
    assert np.intersect1d(indices_train, indices_valid).shape == (0,)
    assert indices_train.shape[0] + indices_valid.shape[0] == 20


def test_split_data_returns_views():
    dataset = _dataset()
    train, valid = split_data(dataset, validation_set_size=0.3)
    assert isinstance(train, SklearnDatasetView)
    assert isinstance(valid, SklearnDatasetView)
    assert train.dataset is dataset
    assert (len(train), len(valid)) == (7, 3)


def test_get_splits_with_validation_set():
    train, valid = _dataset(), _dataset(4)
    assert get_splits(train, valid) == (train, valid)

    weights = np.linspace(0.1, 1.0, 10)
    result = get_splits(train, valid, weights=weights)
    assert result[0] is train and result[1] is valid
    np.testing.assert_array_equal(result[2], weights)


def test_get_splits_single_label_is_stratified():
    dataset = _dataset()
    with patch('small_text.data.splits.split_data',
               return_value=(np.array([0, 1, 2]), np.array([3]))) as split_mock:
        train, valid = get_splits(dataset, None, validation_set_size=0.3)
    split_mock.assert_called_with(dataset, y=dataset.y, strategy='stratified',
                                  validation_set_size=0.3, return_indices=True)
    np.testing.assert_array_equal(train.x, dataset.x[[0, 1, 2]])
    np.testing.assert_array_equal(valid.x, dataset.x[[3]])


def test_get_splits_multi_label_is_random():
    dataset = _dataset(multi_label=True)
    with patch('small_text.data.splits.split_data',
               return_value=(np.array([0, 1]), np.array([2]))) as split_mock:
        get_splits(dataset, None, multi_label=True)
    args, kwargs = split_mock.call_args
    assert args == (dataset,)
    assert kwargs['strategy'] == 'random'
    np.testing.assert_array_equal(kwargs['y'], dataset.y.indices)


@pytest.mark.parametrize('multi_label', [False, True])
def test_get_splits_subsets_weights(multi_label):
    dataset = _dataset(20, multi_label=multi_label)
    weights = np.arange(1, 21, dtype=float)
    train, valid, train_weights = get_splits(dataset, None, weights=weights,
                                             multi_label=multi_label)
    assert len(train) + len(valid) == 20
    assert train_weights.shape == (len(train),)
    # the weights stay aligned with the training samples (weight i+1 belongs to sample i)
    np.testing.assert_array_equal(train_weights, train.x[:, 0] / 2 + 1)
