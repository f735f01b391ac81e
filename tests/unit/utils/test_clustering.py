"""Tests for small_text.utils.clustering (core.md §9.3)."""
import warnings
from unittest import mock

import numpy as np
import pytest
import sklearn

from small_text.utils.clustering import init_kmeans_plusplus_safe

DUPLICATE_WARNING = 'kmeans_plusplus returned identical cluster centers.'


def _data(n_samples=30, n_features=4, seed=0):
    return np.random.RandomState(seed).rand(n_samples, n_features)


def test_shapes_and_unique_indices():
    x = _data()
    centers, indices = init_kmeans_plusplus_safe(x, 5, random_state=0)
    assert centers.shape == (5, 4)
    assert indices.shape == (5,)
    assert np.unique(indices).shape[0] == 5
    np.testing.assert_allclose(centers, x[indices])


def test_deterministic_with_random_state():
    x = _data()
    _, indices_a = init_kmeans_plusplus_safe(x, 4, random_state=42)
    _, indices_b = init_kmeans_plusplus_safe(x, 4, random_state=42)
    np.testing.assert_array_equal(indices_a, indices_b)


def test_with_weights():
    x = _data()
    weights = np.ones(x.shape[0])
    weights[:10] = 5.0
    centers, indices = init_kmeans_plusplus_safe(x, 3, weights=weights, random_state=0)
    assert centers.shape == (3, 4)
    assert np.unique(indices).shape[0] == 3


def test_weights_require_recent_sklearn(monkeypatch):
    monkeypatch.setattr(sklearn, '__version__', '1.2.2')
    with pytest.raises(ValueError,
                       match='^scikit-learn>=1.3.0 is required to use the "weights" argument.$'):
        init_kmeans_plusplus_safe(_data(), 3, weights=np.ones(30))


def test_old_sklearn_without_weights_is_fine(monkeypatch):
    monkeypatch.setattr(sklearn, '__version__', '1.2.2')
    _, indices = init_kmeans_plusplus_safe(_data(), 3, random_state=0)
    assert indices.shape == (3,)


def test_kmeans_plusplus_call_arguments():
    x = _data()
    norms = (x ** 2).sum(axis=1)
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(x[[0, 1]], np.array([0, 1]))) as kmeans_mock:
        init_kmeans_plusplus_safe(x, 2, x_squared_norms=norms, random_state=3, n_local_trials=5)
    kmeans_mock.assert_called_once_with(x, 2, x_squared_norms=norms, random_state=3,
                                        n_local_trials=5)


def test_kmeans_plusplus_call_arguments_with_weights():
    x = _data()
    weights = np.ones(x.shape[0])
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(x[[0, 1]], np.array([0, 1]))) as kmeans_mock:
        init_kmeans_plusplus_safe(x, 2, weights=weights)
    kmeans_mock.assert_called_once_with(x, 2, x_squared_norms=None, random_state=None,
                                        n_local_trials=None, sample_weight=weights)


def test_no_duplicates_returns_kmeans_result_unchanged():
    x = _data()
    centers_in = x[[4, 2, 9]]
    indices_in = np.array([4, 2, 9])
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(centers_in, indices_in)):
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            centers, indices = init_kmeans_plusplus_safe(x, 3)
    np.testing.assert_array_equal(indices, [4, 2, 9])
    np.testing.assert_array_equal(centers, centers_in)


def test_duplicates_are_replaced():
    np.random.seed(0)
    x = _data(n_samples=10)
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(x[[3, 3, 7, 3]], np.array([3, 3, 7, 3]))):
        with pytest.warns(UserWarning, match=f'^{DUPLICATE_WARNING}$'):
            centers, indices = init_kmeans_plusplus_safe(x, 4)
    assert indices.shape == (4,)
    assert centers.shape == (4, 4)
    assert np.unique(indices).shape[0] == 4
    # sorted unique indices first, then the fill
    np.testing.assert_array_equal(indices[:2], [3, 7])
    assert not set(indices[2:].tolist()) & {3, 7}
    np.testing.assert_array_equal(centers, x[indices])


def test_duplicates_fill_drawn_from_remaining_rows():
    x = _data(n_samples=6)
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(x[[5, 1, 5]], np.array([5, 1, 5]))), \
            mock.patch('small_text.utils.clustering.choice',
                       return_value=np.array([2])) as choice_mock:
        with pytest.warns(UserWarning, match=DUPLICATE_WARNING):
            centers, indices = init_kmeans_plusplus_safe(x, 3)
    choice_mock.assert_called_once()
    args, kwargs = choice_mock.call_args
    np.testing.assert_array_equal(args[0], [0, 2, 3, 4])
    assert kwargs == {'size': 1, 'replace': False}
    np.testing.assert_array_equal(indices, [1, 5, 2])
    np.testing.assert_array_equal(centers, x[[1, 5, 2]])


def test_duplicates_suppress_warning():
    x = _data(n_samples=10)
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(x[[1, 1]], np.array([1, 1]))), \
            mock.patch('small_text.utils.clustering.warnings') as warnings_mock:
        _, indices = init_kmeans_plusplus_safe(x, 2, suppress_warning=True)
    warnings_mock.warn.assert_not_called()
    assert np.unique(indices).shape[0] == 2


def test_duplicates_warning_through_patched_warnings_module():
    x = _data(n_samples=10)
    with mock.patch('small_text.utils.clustering.kmeans_plusplus',
                    return_value=(x[[1, 1]], np.array([1, 1]))), \
            mock.patch('small_text.utils.clustering.warnings') as warnings_mock:
        init_kmeans_plusplus_safe(x, 2)
    warnings_mock.warn.assert_called_once_with(DUPLICATE_WARNING)


def test_identical_rows_end_to_end():
    # k-means++ picks the same row twice when rows coincide
    np.random.seed(0)
    x = np.array([[0.0, 0.0]] * 3 + [[1.0, 1.0]] * 2)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        centers, indices = init_kmeans_plusplus_safe(x, 4, random_state=0)
    assert np.unique(indices).shape[0] == 4
    np.testing.assert_array_equal(centers, x[indices])
