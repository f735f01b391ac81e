"""Bad input to the core datasets: each case raises a ValueError that names the argument and
says what was expected, and a rejected assignment leaves the dataset unchanged."""
import numpy as np
import pytest
from scipy.sparse import csc_matrix, csr_matrix

from small_text.base import LABEL_IGNORED
from small_text.data import SklearnDataset, TextDataset
from small_text.data.datasets import check_text_data

NUM_SAMPLES = 4


def _x(kind):
    if kind == 'text':
        return [f'text {i}' for i in range(NUM_SAMPLES)]
    x = np.arange(NUM_SAMPLES * 2, dtype=float).reshape(NUM_SAMPLES, 2)
    return csr_matrix(x) if kind == 'sparse' else x


def _dataset_class(kind):
    return TextDataset if kind == 'text' else SklearnDataset


def _single_y():
    return np.array([0, 1, -1, 2])


def _multi_y():
    return csr_matrix(np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 0, 1]]))


KINDS = ['dense', 'sparse', 'text']


# --- labels ------------------------------------------------------------------------------------

@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('y,outside', [
    (np.array([0, 1, 3, 2]), r'\[3\]'),
    (csr_matrix(np.array([[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 1, 0, 0]])), r'\[3\]'),
])
def test_labels_outside_target_labels(kind, y, outside):
    with pytest.raises(ValueError, match=r'^y holds the label ids ' + outside + r', which are '
                                         r'not in target_labels \[0, 1, 2\]'):
        _dataset_class(kind)(_x(kind), y, target_labels=np.arange(3))


def test_labels_outside_target_labels_with_gaps():
    # 2 lies below the largest target label but is not one of them
    with pytest.raises(ValueError, match=r'label ids \[2\], which are not in target_labels'):
        SklearnDataset(_x('dense'), np.array([0, 1, 2, 5]), target_labels=np.array([0, 1, 5]))
    dataset = SklearnDataset(_x('dense'), np.array([0, 1, 5, 5]),
                             target_labels=np.array([0, 1, 5]))
    with pytest.raises(ValueError, match='^Error while assigning new labels to dataset: '
                                         'Encountered label with id 2'):
        dataset.y = np.array([0, 1, 2, 5])
    np.testing.assert_array_equal(dataset.y, [0, 1, 5, 5])


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('label', [-2, -5])
def test_negative_labels_other_than_unlabeled(kind, label):
    y = np.array([0, label, -1, 1])
    with pytest.raises(ValueError, match=rf'^y must hold label ids >= 0, or -1 \(LABEL_UNLABELED\) '
                                         rf'for unlabeled samples, but holds {label} at '
                                         rf'position 1'):
        _dataset_class(kind)(_x(kind), y, target_labels=np.arange(3))
    with pytest.raises(ValueError, match='^y must hold label ids >= 0'):
        _dataset_class(kind)(_x(kind), y)  # also when the target labels are inferred


def test_negative_label_assignment_changes_nothing():
    dataset = TextDataset(_x('text'), _single_y(), target_labels=np.arange(3))
    with pytest.raises(ValueError, match='^y must hold label ids >= 0'):
        dataset.y = np.array([0, -3, 1, 1])
    np.testing.assert_array_equal(dataset.y, _single_y())


def test_label_ignored_is_not_a_dataset_label():
    y = np.array([0, 1, LABEL_IGNORED, 1])
    with pytest.raises(ValueError, match='LABEL_IGNORED .* is not a dataset label'):
        SklearnDataset(_x('dense'), y, target_labels=np.arange(2))


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('value', [2, -1, 0.5, np.nan, LABEL_IGNORED])
def test_multi_label_values_other_than_zero_and_one(kind, value):
    dense = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 0, 1]], dtype=float)
    dense[1, 2] = value
    y = csr_matrix(dense)
    with pytest.raises(ValueError, match=r'^y \(multi-label\) must be a 0/1 indicator matrix .* '
                                         r'in row 1, column 2'):
        _dataset_class(kind)(_x(kind), y, target_labels=np.arange(3))


def test_multi_label_assignment_outside_target_labels_changes_nothing():
    dataset = SklearnDataset(_x('sparse'), _multi_y(), target_labels=np.arange(3))
    old_y = dataset.y
    with pytest.raises(ValueError, match='Encountered label with id 5'):
        dataset.y = csr_matrix(np.array([[0, 0, 0, 0, 0, 1]] * NUM_SAMPLES))
    assert dataset.y is old_y


# --- target labels -----------------------------------------------------------------------------

@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
@pytest.mark.parametrize('target_labels,problem', [
    (np.array([0, 1, 1, 2]), r'the label ids \[1\] occur more than once'),
    (np.array([-1, 0, 1, 2]), r'got -1\. -1 \(LABEL_UNLABELED\) marks unlabeled samples'),
    (np.array([], dtype=int), r'shape \(0,\)'),
    (np.array([[0, 1, 2]]), r'shape \(1, 3\)'),
    (np.array([0.5, 1, 2]), 'dtype float64'),
    (np.array(['0', '1', '2']), 'dtype <U1'),
    (7, r'int of shape \(\)'),
])
def test_invalid_target_labels(kind, multi_label, target_labels, problem):
    y = _multi_y() if multi_label else _single_y()
    with pytest.raises(ValueError, match='^target_labels must be a non-empty 1-D array of '
                                         'distinct label ids >= 0, but .*' + problem):
        _dataset_class(kind)(_x(kind), y, target_labels=target_labels)


def test_target_labels_list_and_integral_floats_are_converted():
    dataset = SklearnDataset(_x('dense'), _single_y(), target_labels=[0, 1, 2])
    np.testing.assert_array_equal(dataset.target_labels, [0, 1, 2])
    assert dataset.target_labels.dtype.kind == 'i'
    dataset.target_labels = np.array([0.0, 1.0, 2.0, 3.0])
    assert dataset.target_labels.dtype == np.int64


def test_target_labels_setter_rejects_duplicates_and_changes_nothing():
    target_labels = np.arange(3)
    dataset = SklearnDataset(_x('dense'), _single_y(), target_labels=target_labels)
    with pytest.raises(ValueError, match=r'label ids \[2\] occur more than once'):
        dataset.target_labels = np.array([0, 1, 2, 2])
    assert dataset.target_labels is target_labels


# --- features ----------------------------------------------------------------------------------

@pytest.mark.parametrize('x,problem', [
    (np.arange(NUM_SAMPLES, dtype=float), r'got an array of shape \(4,\)\. A single feature per '
                                          r'sample is a column'),
    (np.zeros((NUM_SAMPLES, 2, 2)), r'shape \(4, 2, 2\)'),
    (None, 'type NoneType'),
    ([[0.0, 1.0]] * NUM_SAMPLES, 'type list'),
    (csc_matrix(np.ones((NUM_SAMPLES, 2))), r'csc_matrix; convert it with '
                                            r'scipy\.sparse\.csr_matrix\(x\)'),
    (np.array([['a', 'b']] * NUM_SAMPLES), 'holding numbers, but got an array of dtype <U1'),
])
def test_sklearn_dataset_invalid_x(x, problem):
    with pytest.raises(ValueError, match=r'^x must be a 2-D numpy array or a '
                                         r'scipy\.sparse\.csr_matrix .*' + problem):
        SklearnDataset(x, _single_y(), target_labels=np.arange(3))


def test_sklearn_dataset_x_setter_validates_and_changes_nothing():
    dataset = SklearnDataset(_x('dense'), _single_y(), target_labels=np.arange(3))
    old_x = dataset.x
    with pytest.raises(ValueError, match=r'^x must be a 2-D numpy array .* shape \(4,\)'):
        dataset.x = np.arange(NUM_SAMPLES)
    assert dataset.x is old_x


@pytest.mark.parametrize('x,problem', [
    ('hell', r'type str\. A single str would be read as one text per character; wrap it in '
             r'a list'),
    (None, 'type NoneType'),
    (('a', 'b', 'c', 'd'), r'type tuple\. Convert it with list\(x\)'),
    (np.array([['a', 'b']] * 2), 'type ndarray'),
])
def test_text_dataset_invalid_x(x, problem):
    with pytest.raises(ValueError, match=r'^x must be a list of str \(or a 1-D numpy array of '
                                         r'str\), but got an object of ' + problem):
        TextDataset(x, _single_y(), target_labels=np.arange(3))


@pytest.mark.parametrize('text,type_name', [(1, 'int'), (b'bytes', 'bytes'), (['a'], 'list'),
                                            (np.nan, 'float')])
def test_text_dataset_non_string_texts(text, type_name):
    texts = ['a', 'b', text, 'd']
    with pytest.raises(ValueError, match=f'^instance #2 is of type {type_name}, but every text '
                                         f'must be a str'):
        TextDataset(texts, _single_y(), target_labels=np.arange(3))
    dataset = TextDataset(_x('text'), _single_y(), target_labels=np.arange(3))
    old_x = dataset.x
    with pytest.raises(ValueError, match='^instance #2 is of type'):
        dataset.x = texts
    assert dataset.x is old_x


def test_check_text_data_keeps_the_none_message():
    with pytest.raises(ValueError, match='^instance #1 is None which is not allowed'):
        check_text_data(['a', None, 3])
    check_text_data(['a', np.str_('b')])


@pytest.mark.parametrize('kind', KINDS)
def test_none_labels(kind):
    with pytest.raises(ValueError, match=r'^y must be a 1-D integer numpy array \(single-label\) '
                                         r'or a scipy\.sparse\.csr_matrix \(multi-label\), but '
                                         r'got an object of type NoneType'):
        _dataset_class(kind)(_x(kind), None, target_labels=np.arange(3))
