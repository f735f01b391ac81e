"""Tests of PytorchTextClassificationDataset and its views."""
import numpy as np
import pytest

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from scipy.sparse import csr_matrix  # noqa: E402

from small_text.data.exceptions import UnsupportedOperationException  # noqa: E402
from small_text.integrations.pytorch.datasets import (  # noqa: E402
    PytorchDataset,
    PytorchDatasetView,
    PytorchTextClassificationDataset,
    PytorchTextClassificationDatasetView,
)
from small_text.integrations.pytorch.vocabulary import RegexTokenizer  # noqa: E402

from ._helpers import multi_hot, random_dataset  # noqa: E402


def _single_label_data():
    return [(torch.tensor([1, 2, 3]), 0), (torch.tensor([4]), 1), (torch.tensor([5, 6]), None),
            (torch.tensor([7, 8, 9, 10]), 2)]


# --- construction -----------------------------------------------------------------------------

def test_single_label_dataset_properties():
    dataset = PytorchTextClassificationDataset(_single_label_data(), target_labels=np.arange(3))
    assert isinstance(dataset, PytorchDataset)
    assert len(dataset) == 4
    assert dataset.is_multi_label is False
    np.testing.assert_array_equal(dataset.y, [0, 1, -1, 2])
    assert dataset.y.dtype == np.int64
    assert [t.tolist() for t in dataset.x] == [[1, 2, 3], [4], [5, 6], [7, 8, 9, 10]]
    assert dataset.data[1][1] == 1
    assert dataset.track_target_labels is False
    assert dataset.tokenizer is None
    assert PytorchTextClassificationDataset.INDEX_TEXT == 0
    assert PytorchTextClassificationDataset.INDEX_LABEL == 1


def test_target_labels_none_warns_and_infers():
    with pytest.warns(UserWarning, match='target_labels=None'):
        dataset = PytorchTextClassificationDataset(_single_label_data())
    np.testing.assert_array_equal(dataset.target_labels, [0, 1, 2])
    assert dataset.track_target_labels is True


@pytest.mark.filterwarnings('ignore:Passing target_labels=None')
@pytest.mark.parametrize('data', [[], [(torch.tensor([1]), -1)]])
def test_inferred_target_labels_without_labels_are_zero(data):
    dataset = PytorchTextClassificationDataset(data)
    np.testing.assert_array_equal(dataset.target_labels, [0])


def test_multi_label_dataset_y_is_csr():
    data = [(torch.tensor([1, 2]), [0, 2]), (torch.tensor([3]), []), (torch.tensor([4]), [1])]
    dataset = PytorchTextClassificationDataset(data, multi_label=True, target_labels=np.arange(4))
    assert dataset.is_multi_label
    assert isinstance(dataset.y, csr_matrix)
    assert dataset.y.dtype == np.int64
    assert dataset.y.shape == (3, 4)
    np.testing.assert_array_equal(dataset.y.toarray(), [[1, 0, 1, 0], [0, 0, 0, 0],
                                                        [0, 1, 0, 0]])


def test_multi_label_labels_beyond_target_labels_are_rejected():
    data = [(torch.tensor([1]), [5])]
    with pytest.raises(ValueError, match=r'labels \[5\], which are not in target_labels'):
        PytorchTextClassificationDataset(data, multi_label=True, target_labels=np.arange(2))


@pytest.mark.parametrize('item, match', [
    ((torch.tensor([1, 2]),), 'tuple'),
    ([torch.tensor([1]), 0], 'tuple'),
    ((torch.tensor([[1, 2]]), 0), '1-d integer tensor'),
    ((torch.tensor([1.0]), 0), '1-d integer tensor'),
    (([1, 2], 0), '1-d integer tensor'),
])
def test_invalid_items_raise(item, match):
    with pytest.raises(ValueError, match=match):
        PytorchTextClassificationDataset([item], target_labels=np.arange(2))


# --- from_arrays ------------------------------------------------------------------------------

def test_from_arrays_without_tokenizer_fits_regex_tokenizer():
    texts = ['a good film', 'a bad film', 'good']
    dataset = PytorchTextClassificationDataset.from_arrays(texts, np.array([1, 0, 1]),
                                                           target_labels=np.arange(2))
    assert isinstance(dataset.tokenizer, RegexTokenizer)
    assert dataset.x[0].dtype == torch.long
    assert dataset.x[0].tolist() == dataset.tokenizer.encode('a good film').ids
    np.testing.assert_array_equal(dataset.y, [1, 0, 1])


def test_from_arrays_reuses_given_tokenizer_and_truncates():
    tokenizer = RegexTokenizer().fit(['a b c d'])
    dataset = PytorchTextClassificationDataset.from_arrays(
        np.array(['a b c d', 'z']), np.array([0, 1]), tokenizer=tokenizer,
        target_labels=np.arange(2), max_length=2)
    assert dataset.tokenizer is tokenizer
    assert [t.tolist() for t in dataset.x] == [tokenizer.encode('a b').ids, [1]]


def test_from_arrays_with_encode_only_tokenizer():
    class _Encoded:
        def __init__(self, ids):
            self.ids = ids

    class _Tokenizer:
        def encode(self, text):
            return _Encoded([len(word) for word in text.split()])

    dataset = PytorchTextClassificationDataset.from_arrays(['ab c', 'abc'], np.array([0, 1]),
                                                           tokenizer=_Tokenizer(),
                                                           target_labels=np.arange(2))
    assert [t.tolist() for t in dataset.x] == [[2, 1], [3]]


def test_from_arrays_multi_label():
    y = multi_hot([[0, 1], [], [2]], 3)
    dataset = PytorchTextClassificationDataset.from_arrays(['a', 'b', 'c'], y,
                                                           target_labels=np.arange(3))
    assert dataset.is_multi_label
    assert [item[1] for item in dataset.data] == [[0, 1], [], [2]]
    np.testing.assert_array_equal(dataset.y.toarray(), y.toarray())


def test_from_arrays_size_mismatch_raises():
    with pytest.raises(ValueError, match='Size mismatch'):
        PytorchTextClassificationDataset.from_arrays(['a', 'b'], np.array([0]),
                                                     target_labels=np.arange(2))


def test_from_arrays_invalid_max_length_raises():
    with pytest.raises(ValueError, match='max_length'):
        PytorchTextClassificationDataset.from_arrays(['a'], np.array([0]), max_length=0,
                                                     target_labels=np.arange(2))


# --- setters ----------------------------------------------------------------------------------

def test_x_setter_replaces_tensors_keeping_labels():
    dataset = random_dataset(num_samples=3)
    labels = dataset.y.copy()
    dataset.x = [torch.tensor([1]), torch.tensor([2, 3]), torch.tensor([4])]
    assert [t.tolist() for t in dataset.x] == [[1], [2, 3], [4]]
    np.testing.assert_array_equal(dataset.y, labels)


def test_x_setter_size_mismatch_raises():
    with pytest.raises(ValueError, match='Size mismatch'):
        random_dataset(num_samples=3).x = [torch.tensor([1])]


def test_y_setter_single_label():
    dataset = random_dataset(num_samples=4, num_classes=3)
    dataset.y = np.array([2, 1, 0, -1])
    np.testing.assert_array_equal(dataset.y, [2, 1, 0, -1])


def test_y_setter_size_mismatch_raises():
    with pytest.raises(ValueError, match='Size mismatch'):
        random_dataset(num_samples=4).y = np.array([0, 1])


def test_y_setter_fixed_target_labels_rejects_new_label():
    dataset = random_dataset(num_samples=2, num_classes=2)
    before = dataset.y.copy()
    with pytest.raises(ValueError, match='outside of the configured set of target labels'):
        dataset.y = np.array([0, 5])
    np.testing.assert_array_equal(dataset.y, before)


@pytest.mark.filterwarnings('ignore:Passing target_labels=None')
def test_y_setter_tracked_target_labels_grow():
    dataset = PytorchTextClassificationDataset(_single_label_data())
    dataset.y = np.array([0, 5, -1, 1])
    np.testing.assert_array_equal(dataset.target_labels, [0, 1, 2, 5])


def test_y_setter_multi_label_takes_csr():
    dataset = random_dataset(num_samples=3, num_classes=3, multi_label=True)
    dataset.y = multi_hot([[1], [], [0, 2]], 3)
    assert [item[1] for item in dataset.data] == [[1], [], [0, 2]]


@pytest.mark.parametrize('multi_label, y', [
    (True, np.array([0, 1, 2])),
    (False, multi_hot([[0], [1], [2]], 3)),
    (False, np.array([0.5, 1.0, 2.0])),
])
def test_y_setter_wrong_type_raises(multi_label, y):
    dataset = random_dataset(num_samples=3, num_classes=3, multi_label=multi_label)
    with pytest.raises(ValueError, match='y must be'):
        dataset.y = y


def test_target_labels_setter_cannot_drop_present_labels():
    dataset = random_dataset(num_samples=6, num_classes=3)
    with pytest.raises(ValueError, match='Cannot remove existing labels'):
        dataset.target_labels = np.array([0, 1])
    dataset.target_labels = np.arange(5)
    np.testing.assert_array_equal(dataset.target_labels, np.arange(5))


# --- clone and to -----------------------------------------------------------------------------

def test_clone_is_deep():
    dataset = random_dataset(num_samples=3, multi_label=True)
    dataset.tokenizer = RegexTokenizer()
    clone = dataset.clone()
    assert type(clone) is PytorchTextClassificationDataset
    assert clone.is_multi_label and clone.tokenizer is dataset.tokenizer
    clone.x[0][0] = 99
    clone.data[0][1].append(2)
    assert dataset.x[0][0] != 99
    assert dataset.data[0][1] != clone.data[0][1]
    clone.target_labels[0] = 42
    assert dataset.target_labels[0] == 0
    assert clone.track_target_labels == dataset.track_target_labels


def test_to_mutates_and_returns_self():
    dataset = random_dataset(num_samples=3)
    assert dataset.to(torch.int32) is dataset
    assert all(t.dtype == torch.int32 for t in dataset.x)


@pytest.mark.parametrize('multi_label', [False, True])
def test_to_with_copy_returns_new_dataset_keeping_multi_label(multi_label):
    dataset = random_dataset(num_samples=3, multi_label=multi_label)
    copied = dataset.to('cpu', copy=True)
    assert copied is not dataset
    assert copied.is_multi_label == multi_label
    copied.x[0][0] = 99
    assert dataset.x[0][0] != 99
    np.testing.assert_array_equal(_dense(copied.y), _dense(dataset.y))


def _dense(y):
    return y.toarray() if isinstance(y, csr_matrix) else y


def test_iteration_yields_tuples():
    dataset = random_dataset(num_samples=3)
    assert list(dataset) == dataset.data


# --- views ------------------------------------------------------------------------------------

@pytest.mark.parametrize('selection, expected', [
    (1, [1]),
    (slice(1, 3), [1, 2]),
    ([3, 0], [3, 0]),
    (np.array([2, 4]), [2, 4]),
    (np.array([True, False, False, False, True]), [0, 4]),
])
def test_view_selection(selection, expected):
    dataset = random_dataset(num_samples=5)
    view = dataset[selection]
    assert isinstance(view, PytorchTextClassificationDatasetView)
    assert isinstance(view, PytorchDatasetView)
    assert view.dataset is dataset
    assert len(view) == len(expected)
    assert [t.tolist() for t in view.x] == [dataset.x[i].tolist() for i in expected]
    assert view.data == [dataset.data[i] for i in expected]
    np.testing.assert_array_equal(view.y, dataset.y[expected])
    assert list(view) == view.data
    np.testing.assert_array_equal(view.target_labels, dataset.target_labels)


def test_view_of_view_is_relative_to_parent():
    dataset = random_dataset(num_samples=6)
    view = dataset[2:6][[1, 3]]
    assert isinstance(view.dataset, PytorchTextClassificationDatasetView)
    assert [t.tolist() for t in view.x] == [dataset.x[3].tolist(), dataset.x[5].tolist()]


def test_multi_label_view_y_is_csr():
    dataset = random_dataset(num_samples=4, num_classes=3, multi_label=True)
    view = dataset[[0, 2]]
    assert view.is_multi_label
    np.testing.assert_array_equal(view.y.toarray(), dataset.y.toarray()[[0, 2]])


@pytest.mark.parametrize('attribute', ['x', 'y', 'target_labels'])
def test_view_setters_raise(attribute):
    view = random_dataset(num_samples=3)[0:2]
    with pytest.raises(UnsupportedOperationException, match=f'Cannot set {attribute}'):
        setattr(view, attribute, None)


def test_view_clone_copies_items_and_target_labels():
    dataset = random_dataset(num_samples=4, num_classes=3)
    dataset.tokenizer = RegexTokenizer()
    clone = dataset[1:3][0:2].clone()
    assert type(clone) is PytorchTextClassificationDataset
    assert len(clone) == 2
    assert clone.track_target_labels is False
    assert clone.tokenizer is dataset.tokenizer
    np.testing.assert_array_equal(clone.target_labels, dataset.target_labels)
    clone.x[0][0] = 99
    assert dataset.x[1][0] != 99


def _item(label):
    return (torch.tensor([1, 2]), label)


@pytest.mark.parametrize('target_labels, match', [
    ([0, 0, 1], 'occur more than once'),
    ([-1, 0, 1], 'label ids >= 0'),
    ([], 'non-empty'),
])
def test_bad_target_labels_are_rejected(target_labels, match):
    with pytest.raises(ValueError, match=match):
        PytorchTextClassificationDataset([_item(0), _item(1)], target_labels=target_labels)


def test_construction_rejects_labels_outside_gapped_target_labels():
    with pytest.raises(ValueError, match=r'labels \[2\], which are not in target_labels'):
        PytorchTextClassificationDataset([_item(0), _item(2)], target_labels=np.array([0, 1, 5]))


@pytest.mark.filterwarnings('ignore:Passing target_labels=None')
def test_construction_rejects_labels_below_minus_one():
    with pytest.raises(ValueError, match='ids >= 0'):
        PytorchTextClassificationDataset([_item(0), _item(-5)])


def test_y_setter_rejects_a_gap_in_fixed_target_labels_and_labels_below_minus_one():
    dataset = PytorchTextClassificationDataset([_item(0), _item(1)],
                                               target_labels=np.array([0, 1, 5]))
    before = dataset.y.copy()
    with pytest.raises(ValueError, match=r'the labels \[2\] are not in the configured'):
        dataset.y = np.array([0, 2])
    with pytest.raises(ValueError, match='label ids >= 0'):
        dataset.y = np.array([0, -5])
    np.testing.assert_array_equal(dataset.y, before)
