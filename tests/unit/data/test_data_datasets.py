"""Tests of small_text.data.datasets: helpers, datasets and views."""
import warnings
from unittest.mock import MagicMock

import numpy as np
import pytest
from scipy.sparse import csc_matrix, csr_matrix

import small_text.exceptions
from small_text.data import (
    Dataset,
    DatasetView,
    SklearnDataset,
    SklearnDatasetView,
    TextDataset,
    TextDatasetView,
    UnsupportedOperationException,
    check_dataset_and_labels,
    check_size,
    check_target_labels,
    get_updated_target_labels,
    is_multi_label,
    select,
)
from small_text.data.datasets import _get_flattened_labels, _infer_target_labels, check_text_data

NUM_SAMPLES = 8
NUM_FEATURES = 4
NUM_CLASSES = 3


def _dense_x():
    return np.arange(NUM_SAMPLES * NUM_FEATURES, dtype=float).reshape(NUM_SAMPLES, NUM_FEATURES)


def _texts():
    return [f'text number {i}' for i in range(NUM_SAMPLES)]


def _single_y():
    return np.array([0, 1, 2, 0, 1, 2, 0, 1])


def _multi_y():
    dense = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 0],
                      [0, 0, 1], [1, 0, 1], [0, 1, 1], [1, 1, 1]])
    return csr_matrix(dense, dtype=np.int64)


def _x(kind):
    if kind == 'dense':
        return _dense_x()
    if kind == 'sparse':
        return csr_matrix(_dense_x())
    return _texts()


def _dataset(kind, multi_label, target_labels=None):
    y = _multi_y() if multi_label else _single_y()
    if target_labels is None:
        target_labels = np.arange(NUM_CLASSES)
    if kind == 'text':
        return TextDataset(_x(kind), y, target_labels=target_labels)
    return SklearnDataset(_x(kind), y, target_labels=target_labels)


def _tracking_dataset(kind, y):
    with pytest.warns(UserWarning, match='Passing target_labels=None is discouraged'):
        if kind == 'text':
            return TextDataset(_x(kind), y)
        return SklearnDataset(_x(kind), y)


def _x_as_list(x):
    """Features as a list of rows (dense arrays, sparse rows, or texts)."""
    if isinstance(x, list):
        return x
    dense = x.toarray() if isinstance(x, csr_matrix) else x
    return [row.tolist() for row in dense]


def _y_as_array(y):
    return y.toarray() if isinstance(y, csr_matrix) else y


KINDS = ['dense', 'sparse', 'text']


# --- helpers ---------------------------------------------------------------------------------

def test_check_size():
    check_size(3, 3)
    with pytest.raises(ValueError, match='Size mismatch: expected 3 samples, encountered 2 '
                                         'samples'):
        check_size(3, 2)


@pytest.mark.parametrize('x', [np.zeros((3, 2)), csr_matrix((3, 2)), ['a', 'b', 'c']])
def test_check_dataset_and_labels(x):
    check_dataset_and_labels(x, np.array([0, 1, 0]))
    with pytest.raises(ValueError, match='^Feature and label dimensions do not match'):
        check_dataset_and_labels(x, np.array([0, 1]))


def test_check_text_data():
    check_text_data(['a', 'b'])
    with pytest.raises(ValueError, match=r'instance #1 is None which is not allowed\.'):
        check_text_data(['a', None, None])


def test_check_target_labels():
    with pytest.warns(UserWarning, match='^Passing target_labels=None is discouraged'):
        check_target_labels(None)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        check_target_labels(np.array([0, 1]))


def test_get_updated_target_labels_keeps_gaps():
    result = get_updated_target_labels(False, np.array([0, 5, -1]), np.array([0, 1, 2]))
    np.testing.assert_array_equal(result, [0, 1, 2, 5])


def test_get_updated_target_labels_unchanged():
    target_labels = np.array([0, 1, 2])
    result = get_updated_target_labels(False, np.array([0, 1, -1]), target_labels)
    assert result is target_labels


def test_get_updated_target_labels_multi_label():
    y = csr_matrix(np.array([[0, 0, 0, 1], [1, 0, 0, 0]]))
    np.testing.assert_array_equal(get_updated_target_labels(True, y, np.array([0, 1])),
                                  [0, 1, 3])


def test_is_multi_label():
    assert is_multi_label(csr_matrix((2, 2)))
    assert not is_multi_label(np.array([0, 1]))
    assert not is_multi_label(csc_matrix((2, 2)))


@pytest.mark.parametrize('selection', [1, np.int64(1)])
def test_select_int_on_dense_keeps_row_2d(selection):
    dataset = SklearnDataset(_dense_x(), _single_y(), target_labels=np.arange(3))
    index = select(dataset, selection)
    assert index == np.s_[np.newaxis, selection]
    assert dataset.x[index].shape == (1, NUM_FEATURES)


@pytest.mark.parametrize('kind,selection', [('sparse', 1), ('dense', [0, 1]),
                                            ('dense', slice(0, 2))])
def test_select_returns_other_selections_unchanged(kind, selection):
    dataset = _dataset(kind, False)
    assert select(dataset, selection) is selection


def test_get_flattened_labels():
    np.testing.assert_array_equal(_get_flattened_labels(np.array([2, -1, 0])), [2, 0])
    y = csr_matrix(np.array([[0, 1], [1, 1]]))
    np.testing.assert_array_equal(_get_flattened_labels(y, multi_label=True), [1, 0, 1])


def test_infer_target_labels():
    np.testing.assert_array_equal(_infer_target_labels(np.zeros((0, 2)), np.array([])), [0])
    np.testing.assert_array_equal(_infer_target_labels(np.zeros((2, 2)), np.array([-1, -1])),
                                  [0])
    np.testing.assert_array_equal(_infer_target_labels(np.zeros((2, 2)), np.array([3, -1])),
                                  [0, 1, 2, 3])
    y = csr_matrix(np.array([[0, 0, 1], [0, 0, 0]]))
    np.testing.assert_array_equal(_infer_target_labels(np.zeros((2, 2)), y, multi_label=True),
                                  [0, 1, 2])
    np.testing.assert_array_equal(
        _infer_target_labels(np.zeros((2, 2)), csr_matrix((2, 3)), multi_label=True), [0])


# --- abstract classes -----------------------------------------------------------------------

def test_abstract_classes_cannot_be_instantiated():
    with pytest.raises(TypeError):
        Dataset()
    with pytest.raises(TypeError):
        DatasetView()


@pytest.mark.parametrize('kind', KINDS)
def test_views_are_datasets(kind):
    view = _dataset(kind, False)[0:2]
    assert isinstance(view, DatasetView)
    assert isinstance(view, Dataset)


# --- datasets -------------------------------------------------------------------------------

@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
def test_dataset_init(kind, multi_label):
    x = _x(kind)
    y = _multi_y() if multi_label else _single_y()
    target_labels = np.arange(NUM_CLASSES)
    dataset_class = TextDataset if kind == 'text' else SklearnDataset
    dataset = dataset_class(x, y, target_labels=target_labels)

    assert dataset.x is x
    assert dataset.y is y
    assert dataset.target_labels is target_labels
    assert dataset.multi_label is multi_label
    assert dataset.is_multi_label is multi_label
    assert dataset.track_target_labels is False
    assert len(dataset) == NUM_SAMPLES


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
def test_dataset_init_infers_target_labels(kind, multi_label):
    y = csr_matrix(np.array([[0, 1]] * NUM_SAMPLES)) if multi_label \
        else np.array([0, 1] * (NUM_SAMPLES // 2))
    dataset = _tracking_dataset(kind, y)
    assert dataset.track_target_labels is True
    np.testing.assert_array_equal(dataset.target_labels, [0, 1])


def test_text_dataset_converts_ndarray():
    dataset = TextDataset(np.array(_texts()), _single_y(), target_labels=np.arange(3))
    assert dataset.x == _texts()
    assert isinstance(dataset.x, list)


def test_empty_datasets_can_be_constructed():
    dataset = SklearnDataset(np.zeros((0, 3)), np.array([], dtype=int),
                             target_labels=np.arange(2))
    assert len(dataset) == 0
    with pytest.warns(UserWarning):
        dataset = TextDataset([], np.array([]))
    assert len(dataset) == 0
    assert dataset.y.dtype == np.int64
    np.testing.assert_array_equal(dataset.target_labels, [0])


@pytest.mark.parametrize('dataset_class,x', [(SklearnDataset, np.zeros((3, 2))),
                                             (TextDataset, ['a', 'b', 'c'])])
def test_dataset_init_dimension_mismatch(dataset_class, x):
    with pytest.raises(ValueError, match='^Feature and label dimensions do not match'):
        dataset_class(x, np.array([0, 1]), target_labels=np.arange(2))


@pytest.mark.parametrize('dataset_class,x', [(SklearnDataset, np.zeros((2, 2))),
                                             (TextDataset, ['a', 'b'])])
@pytest.mark.parametrize('y,problem', [
    (np.array([0.5, 1.0]), 'dtype float64'),
    (np.array(['a', 'b']), 'dtype <U1'),
    (np.array([0.0, np.nan]), 'dtype float64'),
    ([0, 1], 'type list'),
    (np.array([[0, 1], [1, 0]]), r'shape \(2, 2\)'),
    (csc_matrix(np.eye(2)), 'type csc_matrix'),
])
def test_dataset_init_invalid_label_type(dataset_class, x, y, problem):
    with pytest.raises(ValueError, match=r'^y must be a 1-D integer numpy array \(single-label\) '
                                         r'or a scipy.sparse.csr_matrix .*' + problem):
        dataset_class(x, y, target_labels=np.arange(2))


def test_dataset_init_converts_integral_float_labels():
    dataset = SklearnDataset(np.zeros((2, 2)), np.array([0.0, 1.0]), target_labels=np.arange(2))
    assert dataset.y.dtype == np.int64
    np.testing.assert_array_equal(dataset.y, [0, 1])


def test_text_dataset_init_none_text():
    with pytest.raises(ValueError, match='instance #1 is None'):
        TextDataset(['a', None], np.array([0, 1]), target_labels=np.arange(2))


@pytest.mark.parametrize('kind', KINDS)
def test_dataset_set_x(kind):
    dataset = _dataset(kind, False)
    new_x = _x(kind)
    dataset.x = new_x
    assert dataset.x is new_x
    with pytest.raises(ValueError, match='^Feature and label dimensions do not match'):
        dataset.x = new_x[:2]


def test_text_dataset_set_x_none_text():
    dataset = _dataset('text', False)
    with pytest.raises(ValueError, match='instance #0 is None'):
        dataset.x = [None] * NUM_SAMPLES


@pytest.mark.parametrize('kind', KINDS)
def test_dataset_set_y_tracking_adds_labels(kind):
    dataset = _tracking_dataset(kind, _single_y())
    new_y = np.array([0, 1, 2, 5, 1, 2, 0, -1])
    dataset.y = new_y
    assert dataset.y is new_y
    np.testing.assert_array_equal(dataset.target_labels, [0, 1, 2, 5])
    assert dataset.track_target_labels is True


def test_dataset_set_y_tracking_multi_label():
    dataset = _tracking_dataset('dense', _multi_y())
    new_y = csr_matrix(np.array([[0, 0, 0, 1]] * NUM_SAMPLES))
    dataset.y = new_y
    np.testing.assert_array_equal(dataset.target_labels, [0, 1, 2, 3])


@pytest.mark.parametrize('kind', KINDS)
def test_dataset_set_y_dimension_mismatch_changes_nothing(kind):
    dataset = _tracking_dataset(kind, _single_y())
    old_y = dataset.y
    with pytest.raises(ValueError, match='^Feature and label dimensions do not match'):
        dataset.y = np.array([0, 7])
    assert dataset.y is old_y
    np.testing.assert_array_equal(dataset.target_labels, [0, 1, 2])


@pytest.mark.parametrize('kind', KINDS)
def test_dataset_set_y_outside_target_labels(kind):
    dataset = _dataset(kind, False)
    new_y = np.array([0, 1, 2, 3, 0, 1, 2, 3])
    with pytest.raises(ValueError, match=r'^Error while assigning new labels to dataset: '
                                         r'Encountered label with id 3 .*'
                                         r'\[track_target_labels=False\]'):
        dataset.y = new_y
    # small-text 2.0 has already replaced y here; a rejected assignment changes nothing
    np.testing.assert_array_equal(dataset.y, _single_y())


def test_dataset_set_y_outside_target_labels_multi_label():
    dataset = _dataset('sparse', True)
    with pytest.raises(ValueError, match='Encountered label with id 4'):
        dataset.y = csr_matrix(np.array([[0, 0, 0, 0, 1]] * NUM_SAMPLES))


def test_dataset_set_y_within_target_labels():
    dataset = _dataset('dense', False, target_labels=np.arange(5))
    dataset.y = np.array([4] * NUM_SAMPLES)
    np.testing.assert_array_equal(dataset.target_labels, np.arange(5))


@pytest.mark.parametrize('multi_label', [False, True])
def test_dataset_set_y_cannot_switch_label_type(multi_label):
    dataset = _dataset('dense', multi_label)
    new_y = _single_y() if multi_label else _multi_y()
    with pytest.raises(ValueError, match='^y must be .* like the labels this dataset was '
                                         'created with'):
        dataset.y = new_y


def test_dataset_set_y_invalid_type():
    dataset = _dataset('dense', False)
    with pytest.raises(ValueError, match='^y must be a 1-D integer numpy array'):
        dataset.y = np.full(NUM_SAMPLES, 0.5)


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
def test_dataset_set_target_labels(kind, multi_label):
    dataset = _dataset(kind, multi_label)
    new_target_labels = np.arange(5)
    dataset.target_labels = new_target_labels
    assert dataset.target_labels is new_target_labels
    assert dataset.track_target_labels is False
    with pytest.raises(ValueError, match='^Cannot remove existing labels from target_labels as '
                                         'long as they still exists in the data'):
        dataset.target_labels = np.array([0, 1])


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
def test_dataset_clone(kind, multi_label):
    dataset = _dataset(kind, multi_label)
    clone = dataset.clone()

    assert type(clone) is type(dataset)
    assert clone.x is not dataset.x
    assert clone.y is not dataset.y
    assert _x_as_list(clone.x) == _x_as_list(dataset.x)
    np.testing.assert_array_equal(_y_as_array(clone.y), _y_as_array(dataset.y))
    assert clone.target_labels is not dataset.target_labels
    np.testing.assert_array_equal(clone.target_labels, dataset.target_labels)
    assert clone.track_target_labels is False

    if kind != 'text':
        clone.x[0, 1] = 100
        assert dataset.x[0, 1] == 1
    if multi_label:
        assert not np.shares_memory(clone.y.data, dataset.y.data)
    else:
        clone.y[0] = 2
        assert dataset.y[0] == 0


@pytest.mark.parametrize('kind', KINDS)
def test_dataset_clone_tracking(kind):
    dataset = _tracking_dataset(kind, _single_y())
    with pytest.warns(UserWarning, match='Passing target_labels=None is discouraged'):
        clone = dataset.clone()
    assert clone.track_target_labels is True
    np.testing.assert_array_equal(clone.target_labels, [0, 1, 2])


def test_dataset_clone_keeps_tracking_flag_after_target_label_change():
    dataset = _tracking_dataset('dense', _single_y())
    dataset.target_labels = np.arange(5)
    with pytest.warns(UserWarning):
        clone = dataset.clone()
    assert clone.track_target_labels is True


def test_sklearn_dataset_from_arrays():
    texts = ['a b', 'b c', 'c d']
    y = np.array([0, 1, 0])
    vectorizer = MagicMock()
    vectorizer.fit_transform.return_value = csr_matrix(np.eye(3))
    dataset = SklearnDataset.from_arrays(texts, y, vectorizer, target_labels=np.arange(2))
    vectorizer.fit_transform.assert_called_with(texts)
    vectorizer.transform.assert_not_called()
    assert isinstance(dataset, SklearnDataset)
    assert dataset.y is y

    vectorizer.transform.return_value = csr_matrix(np.eye(3))
    SklearnDataset.from_arrays(texts, y, vectorizer, target_labels=np.arange(2), train=False)
    vectorizer.transform.assert_called_with(texts)


def test_text_dataset_from_arrays():
    texts = ['a', 'b']
    y = np.array([0, 1])
    dataset = TextDataset.from_arrays(texts, y, target_labels=np.arange(2))
    assert isinstance(dataset, TextDataset)
    assert dataset.x is texts
    assert dataset.y is y


# --- views ----------------------------------------------------------------------------------

SELECTIONS = [
    (3, [3]),
    (np.int64(3), [3]),
    (slice(1, 4), [1, 2, 3]),
    (np.s_[::2], [0, 2, 4, 6]),
    ([0, 5, 2], [0, 5, 2]),
    (np.array([7, 1]), [7, 1]),
    (np.array([True, False] * 4), [0, 2, 4, 6]),
    ([False, True] * 4, [1, 3, 5, 7]),
]


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
@pytest.mark.parametrize('selection,expected', SELECTIONS)
def test_view_selection(kind, multi_label, selection, expected):
    dataset = _dataset(kind, multi_label)
    view = dataset[selection]

    assert type(view) is (TextDatasetView if kind == 'text' else SklearnDatasetView)
    assert view.dataset is dataset
    assert view.obj_class is type(view)
    assert view.selection is selection
    assert len(view) == len(expected)

    assert _x_as_list(view.x) == [_x_as_list(dataset.x)[i] for i in expected]
    np.testing.assert_array_equal(_y_as_array(view.y), _y_as_array(dataset.y)[expected])
    assert view.is_multi_label is multi_label
    assert view.target_labels is dataset.target_labels


@pytest.mark.parametrize('kind', ['dense', 'sparse'])
@pytest.mark.parametrize('multi_label', [False, True])
def test_sklearn_view_int_selection_shapes(kind, multi_label):
    view = _dataset(kind, multi_label)[2]
    assert view.x.shape == (1, NUM_FEATURES)
    assert isinstance(view.x, csr_matrix) is (kind == 'sparse')
    if multi_label:
        assert isinstance(view.y, csr_matrix)
        assert view.y.shape == (1, NUM_CLASSES)
    else:
        assert view.y.shape == (1,)


def test_text_view_int_selection():
    view = _dataset('text', False)[2]
    assert view.x == ['text number 2']
    assert view.y.shape == (1,)


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
def test_nested_views(kind, multi_label):
    dataset = _dataset(kind, multi_label)
    view = dataset[np.array([7, 6, 5, 4, 3])][1:4][[True, False, True]]
    expected = [6, 4]

    assert isinstance(view.dataset, type(view))
    assert len(view) == 2
    assert _x_as_list(view.x) == [_x_as_list(dataset.x)[i] for i in expected]
    np.testing.assert_array_equal(_y_as_array(view.y), _y_as_array(dataset.y)[expected])
    assert view.target_labels is dataset.target_labels


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('attribute', ['x', 'y', 'target_labels'])
def test_view_is_read_only(kind, attribute):
    view = _dataset(kind, False)[0:2]
    with pytest.raises(UnsupportedOperationException, match=f'Cannot set {attribute} on a '
                                                            f'DatasetView'):
        setattr(view, attribute, None)


def test_view_exception_is_the_data_package_class():
    assert UnsupportedOperationException is not small_text.exceptions.UnsupportedOperationException
    view = _dataset('dense', False)[0:2]
    with pytest.raises(UnsupportedOperationException):
        view.x = np.zeros((2, NUM_FEATURES))
    try:
        view.x = None
    except small_text.exceptions.UnsupportedOperationException:  # pragma: no cover
        pytest.fail('raised the wrong UnsupportedOperationException')
    except UnsupportedOperationException:
        pass


@pytest.mark.parametrize('kind', KINDS)
@pytest.mark.parametrize('multi_label', [False, True])
def test_view_clone_not_tracking(kind, multi_label):
    dataset = _dataset(kind, multi_label, target_labels=np.arange(6))
    view = dataset[[1, 2]][0:1]
    clone = view.clone()

    assert type(clone) is (TextDataset if kind == 'text' else SklearnDataset)
    assert _x_as_list(clone.x) == _x_as_list(view.x)
    np.testing.assert_array_equal(_y_as_array(clone.y), _y_as_array(view.y))
    assert clone.track_target_labels is False
    np.testing.assert_array_equal(clone.target_labels, np.arange(6))
    assert clone.target_labels is not dataset.target_labels
    if kind == 'text':
        assert all(isinstance(text, str) for text in clone.x)


@pytest.mark.parametrize('kind', KINDS)
def test_view_clone_tracking_reinfers_from_subset(kind):
    dataset = _tracking_dataset(kind, _single_y())
    view = dataset[[0, 1, 3, 4]]  # labels 0, 1, 0, 1
    with pytest.warns(UserWarning, match='Passing target_labels=None is discouraged'):
        clone = view.clone()
    assert clone.track_target_labels is True
    np.testing.assert_array_equal(clone.target_labels, [0, 1])


def test_view_clone_is_independent():
    dataset = _dataset('dense', False)
    clone = dataset[0:3].clone()
    clone.x[0, 0] = 100
    clone.y[0] = 2
    assert dataset.x[0, 0] == 0
    assert dataset.y[0] == 0


def test_views_reflect_changes_of_the_parent():
    dataset = _dataset('dense', False)
    view = dataset[0:2]
    dataset.y = np.array([2] * NUM_SAMPLES)
    np.testing.assert_array_equal(view.y, [2, 2])


def test_view_invalid_selection():
    view = _dataset('text', False)[np.array([True, False])]
    with pytest.raises(IndexError):
        view.x
