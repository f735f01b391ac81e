"""Tests of small_text.data.sampling."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.data import (
    balanced_sampling,
    multilabel_stratified_subsets_sampling,
    stratified_sampling,
)
from small_text.data.sampling import (
    _get_class_histogram,
    _label_set_ids,
    _random_sampling,
)


@pytest.fixture(autouse=True)
def _seed():
    np.random.seed(42)


def _labels(counts):
    """A shuffled single-label array with counts[c] samples of class c."""
    return np.random.permutation(np.repeat(np.arange(len(counts)), counts))


def _assert_valid_indices(indices, n_samples, num_rows):
    assert indices.dtype == np.int64
    assert indices.shape == (n_samples,)
    assert np.unique(indices).shape[0] == n_samples
    assert np.all((indices >= 0) & (indices < num_rows))


# --- _get_class_histogram -------------------------------------------------------------------

def test_class_histogram():
    np.testing.assert_array_equal(_get_class_histogram(np.array([0, 2, 2, -1]), 4), [1, 0, 2, 0])
    np.testing.assert_array_equal(_get_class_histogram([1, 1, 0], 2), [1, 2])


def test_class_histogram_normalized():
    histogram = _get_class_histogram(np.array([0, 1, 1, 1]), 2, normalize=True)
    np.testing.assert_allclose(histogram, [0.25, 0.75])
    assert histogram.sum() == pytest.approx(1.0)


def test_class_histogram_multi_label():
    y = csr_matrix(np.array([[1, 1, 0], [0, 1, 0], [0, 0, 0]]))
    np.testing.assert_array_equal(_get_class_histogram(y, 3), [1, 2, 0])


def test_class_histogram_empty():
    np.testing.assert_array_equal(_get_class_histogram([], 3), [0, 0, 0])
    np.testing.assert_array_equal(_get_class_histogram(np.array([]), 2, normalize=True), [0, 0])


# --- stratified_sampling --------------------------------------------------------------------

def test_stratified_sampling_enforces_min_occurrence():
    y = _labels([1, 30, 30, 39])
    indices = stratified_sampling(y, n_samples=10)
    _assert_valid_indices(indices, 10, y.shape[0])
    np.testing.assert_array_equal(_get_class_histogram(y[indices], 4), [1, 1, 4, 4])


def test_stratified_sampling_without_min_occurrence():
    y = _labels([1, 30, 30, 39])
    indices = stratified_sampling(y, n_samples=10, enforce_min_occurrence=False)
    histogram = _get_class_histogram(y[indices], 4)
    assert histogram.sum() == 10
    assert np.all(histogram[1:] >= 3)  # floor(30 * 10 / 100) = 3, floor(3.9) = 3


def test_stratified_sampling_proportional():
    y = _labels([20, 60, 20])
    indices = stratified_sampling(y, n_samples=10)
    np.testing.assert_array_equal(_get_class_histogram(y[indices], 3), [2, 6, 2])


def test_stratified_sampling_no_fix_if_a_class_is_missing():
    y = _labels([0, 5, 95])  # class 0 does not occur
    indices = stratified_sampling(y, n_samples=10)
    np.testing.assert_array_equal(_get_class_histogram(y[indices], 3), [0, 0, 10])


def test_stratified_sampling_no_fix_if_too_few_samples():
    y = _labels([1, 49, 50])
    indices = stratified_sampling(y, n_samples=3)  # n_samples is not > num_classes
    histogram = _get_class_histogram(y[indices], 3)
    assert histogram.sum() == 3
    assert histogram[1] >= 1 and histogram[2] >= 1


def test_stratified_sampling_random_order_and_seed():
    y = _labels([50, 50])
    first = stratified_sampling(y, n_samples=20)
    assert not np.all(np.diff(first) > 0)
    np.random.seed(7)
    second = stratified_sampling(y, n_samples=20)
    np.random.seed(7)
    np.testing.assert_array_equal(stratified_sampling(y, n_samples=20), second)


def test_stratified_sampling_skips_unlabeled():
    y = np.array([-1, -1, 0, 1, 0, 1, -1])
    indices = stratified_sampling(y, n_samples=4)
    assert np.all(y[indices] >= 0)
    with pytest.raises(ValueError, match='exceeds the number of labeled samples'):
        stratified_sampling(y, n_samples=5)


def test_stratified_sampling_all_samples():
    y = _labels([3, 4])
    np.testing.assert_array_equal(np.sort(stratified_sampling(y, n_samples=7)), np.arange(7))


def test_stratified_sampling_zero_samples():
    assert stratified_sampling(np.array([0, 1]), n_samples=0).shape == (0,)
    assert stratified_sampling(np.array([], dtype=int), n_samples=0).shape == (0,)


@pytest.mark.parametrize('sampling', [stratified_sampling, balanced_sampling])
def test_sampling_too_many_samples(sampling):
    with pytest.raises(ValueError, match=r'^Requested number of samples \(n_samples=4\) exceeds '
                                         r'label set size \(3\)'):
        sampling(np.array([0, 1, 0]), n_samples=4)
    with pytest.raises(ValueError, match='exceeds label set size'):
        sampling(np.array([], dtype=int), n_samples=1)


@pytest.mark.parametrize('sampling', [stratified_sampling, balanced_sampling])
def test_sampling_negative_samples(sampling):
    with pytest.raises(ValueError, match='n_samples must be non-negative'):
        sampling(np.array([0, 1, 0]), n_samples=-1)


# --- balanced_sampling ----------------------------------------------------------------------

def test_balanced_sampling():
    y = _labels([50, 10, 40])
    indices = balanced_sampling(y, n_samples=9)
    _assert_valid_indices(indices, 9, y.shape[0])
    np.testing.assert_array_equal(_get_class_histogram(y[indices], 3), [3, 3, 3])


def test_balanced_sampling_caps_at_class_size():
    y = _labels([2, 50])
    indices = balanced_sampling(y, n_samples=10)
    np.testing.assert_array_equal(_get_class_histogram(y[indices], 2), [2, 8])


def test_balanced_sampling_remainder():
    y = _labels([30, 30, 30])
    histogram = _get_class_histogram(y[balanced_sampling(y, n_samples=10)], 3)
    assert histogram.sum() == 10
    assert np.all(histogram >= 3) and np.all(histogram <= 4)


def test_balanced_sampling_with_gaps_in_labels():
    y = _labels([20, 0, 20])
    indices = balanced_sampling(y, n_samples=10)
    np.testing.assert_array_equal(_get_class_histogram(y[indices], 3), [5, 0, 5])


def test_balanced_sampling_accepts_list():
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    indices = balanced_sampling(y, n_samples=4)
    np.testing.assert_array_equal(_get_class_histogram(np.array(y)[indices], 2), [2, 2])


def test_balanced_sampling_multi_label():
    rows = [[0]] * 40 + [[0, 1]] * 10 + [[2]] * 5 + [[]] * 5
    y = _indicator(rows, 3)
    indices = balanced_sampling(y, n_samples=9)
    _assert_valid_indices(indices, 9, y.shape[0])
    occurrences = _get_class_histogram(y[indices], 3)
    assert occurrences.max() - occurrences.min() <= 2
    assert occurrences[2] >= 3


def test_balanced_sampling_multi_label_fills_with_unlabeled_rows():
    y = _indicator([[0], [1], [], [], []], 2)
    indices = balanced_sampling(y, n_samples=4)
    _assert_valid_indices(indices, 4, 5)
    assert {0, 1} <= set(indices.tolist())


def test_balanced_sampling_multi_label_too_many_samples():
    with pytest.raises(ValueError, match='exceeds label set size'):
        balanced_sampling(_indicator([[0], [1]], 2), n_samples=3)


# --- _random_sampling -----------------------------------------------------------------------

def test_random_sampling_caps_expected_and_spreads_remainder():
    y = _labels([2, 3, 50])
    counts = _get_class_histogram(y, 3)
    indices = _random_sampling(10, 3, np.array([5, 5, 0]), counts, y)
    histogram = _get_class_histogram(y[indices], 3)
    np.testing.assert_array_equal(histogram, [2, 3, 5])


# --- multilabel_stratified_subsets_sampling -------------------------------------------------

def _indicator(rows, num_classes):
    dense = np.zeros((len(rows), num_classes), dtype=np.int64)
    for i, labels in enumerate(rows):
        dense[i, labels] = 1
    return csr_matrix(dense)


def test_label_set_ids():
    y = _indicator([[0], [0, 1], [], [0], [0, 1], []], 2)
    ids = _label_set_ids(y)
    assert ids[0] == ids[3]
    assert ids[1] == ids[4]
    assert ids[2] == ids[5]
    assert len(set(ids.tolist())) == 3
    assert _label_set_ids(csr_matrix((0, 3))).shape == (0,)


def test_label_set_ids_across_chunks(monkeypatch):
    monkeypatch.setattr('small_text.data.sampling._LABEL_SET_CHUNK_SIZE', 2)
    y = _indicator([[0], [1], [0], [1], [0]], 2)
    ids = _label_set_ids(y)
    assert ids[0] == ids[2] == ids[4]
    assert ids[1] == ids[3] != ids[0]


def test_multilabel_stratified_subsets_sampling():
    rows = [[0]] * 60 + [[0, 1]] * 30 + [[]] * 10
    y = _indicator(rows, 2)
    indices = multilabel_stratified_subsets_sampling(y, n_samples=10)
    _assert_valid_indices(indices, 10, y.shape[0])
    selected = y[indices].toarray()
    assert np.sum(selected.sum(axis=1) == 0) == 1
    assert np.sum(selected.sum(axis=1) == 2) == 3
    assert np.sum((selected[:, 0] == 1) & (selected[:, 1] == 0)) == 6


def test_multilabel_stratified_subsets_sampling_too_many_samples():
    with pytest.raises(ValueError, match='exceeds label set size'):
        multilabel_stratified_subsets_sampling(_indicator([[0], [1]], 2), n_samples=3)
