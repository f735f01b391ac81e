"""TransformersDataset, its views and transformers_collate_fn."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')

import torch  # noqa: E402

from small_text.data.exceptions import UnsupportedOperationException  # noqa: E402
from small_text.integrations.transformers import (  # noqa: E402
    TransformersDataset,
    TransformersDatasetView,
    transformers_collate_fn,
)

from ._helpers import make_texts  # noqa: E402

TEXTS = ['the ball', 'the atom cell energy theory', 'salt']


def _item(ids, label):
    ids = torch.tensor([ids], dtype=torch.long)
    return ids, torch.ones_like(ids), label


def _dataset(labels=(0, 1, 2, 1), target_labels=np.arange(3)):
    data = [_item(list(range(2, 3 + i)), label) for i, label in enumerate(labels)]
    return TransformersDataset(data, target_labels=target_labels)


def _multi_label_dataset():
    y = csr_matrix(np.array([[1, 1, 0], [0, 0, 0], [0, 0, 1]]))
    data = [_item([2, 3], [0, 1]), _item([2, 3, 4], []), _item([5], [2])]
    return TransformersDataset(data, multi_label=True, target_labels=np.arange(3)), y


def test_from_arrays_stores_unpadded_tensors_with_special_tokens(tiny_tokenizer):
    dataset = TransformersDataset.from_arrays(TEXTS, np.array([0, 1, 2]), tiny_tokenizer,
                                              target_labels=np.arange(3), max_length=32)
    assert [tuple(ids.shape) for ids in dataset.x] == [(1, 4), (1, 7), (1, 3)]
    ids, mask, label = dataset.data[0]
    assert ids.dtype == torch.long and mask.dtype == torch.long
    assert ids[0, 0].item() == tiny_tokenizer.cls_token_id
    assert ids[0, -1].item() == tiny_tokenizer.sep_token_id
    assert mask.tolist() == [[1, 1, 1, 1]]
    assert label == 0
    assert not dataset.is_multi_label
    assert dataset.y.tolist() == [0, 1, 2]


def test_from_arrays_truncates_to_max_length(tiny_tokenizer):
    dataset = TransformersDataset.from_arrays(TEXTS, np.array([0, 1, 2]), tiny_tokenizer,
                                              target_labels=np.arange(3), max_length=5)
    assert [ids.shape[1] for ids in dataset.x] == [4, 5, 3]
    assert dataset.x[1][0, -1].item() == tiny_tokenizer.sep_token_id


def test_from_arrays_multi_label(tiny_tokenizer):
    y = csr_matrix(np.array([[0, 1, 1], [0, 0, 0], [1, 0, 0]]))
    dataset = TransformersDataset.from_arrays(TEXTS, y, tiny_tokenizer,
                                              target_labels=np.arange(3))
    assert dataset.is_multi_label
    assert dataset.data[0][TransformersDataset.INDEX_LABEL].tolist() == [1, 2]
    assert (dataset.y != y).nnz == 0


def test_from_arrays_empty(tiny_tokenizer):
    dataset = TransformersDataset.from_arrays([], np.array([], dtype=np.int64), tiny_tokenizer,
                                              target_labels=np.arange(2))
    assert len(dataset) == 0


def test_from_arrays_rejects_bad_input(tiny_tokenizer):
    with pytest.raises(ValueError, match='Size mismatch'):
        TransformersDataset.from_arrays(TEXTS, np.array([0, 1]), tiny_tokenizer,
                                        target_labels=np.arange(3))
    with pytest.raises(ValueError, match='max_length must be at least 1'):
        TransformersDataset.from_arrays(TEXTS, np.array([0, 1, 2]), tiny_tokenizer,
                                        target_labels=np.arange(3), max_length=0)


def test_constants():
    assert (TransformersDataset.INDEX_TEXT, TransformersDataset.INDEX_MASK,
            TransformersDataset.INDEX_LABEL, TransformersDataset.NO_LABEL) == (0, 1, 2, -1)


@pytest.mark.parametrize('item, message', [
    ('text', 'must be a tuple'),
    ((torch.tensor([1, 2]), torch.tensor([1, 1]), 0), 'shape \\(1, L\\)'),
    ((torch.tensor([[1.0]]), torch.tensor([[1]]), 0), 'integer tensor'),
    ((torch.tensor([[1, 2]]), torch.tensor([[1]]), 0), 'same shape'),
])
def test_rejects_malformed_items(item, message):
    with pytest.raises(ValueError, match=message):
        TransformersDataset([item], target_labels=np.arange(2))


def test_target_labels_inferred_and_tracked():
    with pytest.warns(UserWarning, match='target_labels=None is discouraged'):
        dataset = TransformersDataset([_item([2], 0), _item([3], 1), _item([4], None)])
    assert dataset.track_target_labels
    assert dataset.target_labels.tolist() == [0, 1]
    assert dataset.y.tolist() == [0, 1, -1]
    dataset.y = np.array([0, 3, 1])
    assert dataset.target_labels.tolist() == [0, 1, 3]


def test_y_setter_checks_labels():
    dataset = _dataset()
    with pytest.raises(ValueError, match='Size mismatch'):
        dataset.y = np.array([0, 1])
    with pytest.raises(ValueError, match='outside of the configured set of target labels'):
        dataset.y = np.array([0, 1, 2, 5])
    with pytest.raises(ValueError, match='1-d integer ndarray'):
        dataset.y = [0, 1, 2, 1]
    dataset.y = np.array([2, 2, 0, -1])
    assert dataset.y.tolist() == [2, 2, 0, -1]
    assert dataset.x[0].tolist() == [[2]]


def test_multi_label_y_and_setter():
    dataset, y = _multi_label_dataset()
    assert isinstance(dataset.y, csr_matrix)
    assert (dataset.y != y).nnz == 0
    new_y = csr_matrix(np.array([[0, 0, 1], [1, 0, 0], [0, 0, 0]]))
    dataset.y = new_y
    assert (dataset.y != new_y).nnz == 0
    with pytest.raises(ValueError, match='must be a csr_matrix'):
        dataset.y = np.array([0, 1, 2])


def test_target_labels_setter_keeps_present_labels():
    dataset = _dataset()
    with pytest.raises(ValueError, match='Cannot remove existing labels'):
        dataset.target_labels = np.array([0, 1])
    dataset.target_labels = np.arange(5)
    assert dataset.target_labels.tolist() == [0, 1, 2, 3, 4]


def test_x_setter_keeps_masks_and_checks_shapes():
    dataset = _dataset()
    new_x = [ids + 1 for ids in dataset.x]
    masks = [item[1] for item in dataset.data]
    dataset.x = new_x
    assert [ids.tolist() for ids in dataset.x] == [ids.tolist() for ids in new_x]
    assert all(item[1] is mask for item, mask in zip(dataset.data, masks))
    with pytest.raises(ValueError, match='same shape'):
        dataset.x = [torch.tensor([[1, 2, 3, 4, 5, 6]])] * 4


def test_clone_is_deep_and_keeps_settings():
    dataset, _ = _multi_label_dataset()
    clone = dataset.clone()
    clone.x[0][0, 0] = 99
    clone.data[0][TransformersDataset.INDEX_LABEL][0] = 2
    assert dataset.x[0][0, 0].item() == 2
    assert list(dataset.data[0][TransformersDataset.INDEX_LABEL]) == [0, 1]
    assert clone.is_multi_label and not clone.track_target_labels
    assert clone.target_labels is not dataset.target_labels


def test_to_moves_ids_and_masks_and_copy_keeps_multi_label():
    dataset, _ = _multi_label_dataset()
    copied = dataset.to('cpu', copy=True)
    assert copied is not dataset and copied.is_multi_label
    assert copied.x[0] is not dataset.x[0]
    assert dataset.to(torch.int32) is dataset
    assert dataset.x[0].dtype == torch.int32 and dataset.data[0][1].dtype == torch.int32


def test_views_select_read_only():
    dataset = _dataset()
    view = dataset[1:]
    assert isinstance(view, TransformersDatasetView)
    assert len(view) == 3 and view.y.tolist() == [1, 2, 1]
    assert len(dataset[2]) == 1
    assert view.target_labels is dataset.target_labels
    for name, value in (('x', []), ('y', np.array([0, 0, 0])), ('target_labels', [0])):
        with pytest.raises(UnsupportedOperationException):
            setattr(view, name, value)


def test_clone_of_view_of_view_copies_and_inherits_tracking():
    with pytest.warns(UserWarning):
        dataset = TransformersDataset([_item([2, 3], 0), _item([4], 1), _item([5], 1)])
    view = dataset[np.array([1, 2])][np.array([1])]
    clone = view.clone()
    assert isinstance(clone, TransformersDataset)
    assert clone.y.tolist() == [1]
    assert clone.x[0].tolist() == [[5]]
    assert clone.track_target_labels
    clone.x[0][0, 0] = 7
    assert dataset.x[2].tolist() == [[5]]


def test_collate_pads_to_longest_member():
    batch = [_item([2, 3, 4], 1) + (0.5,), _item([5], 0) + (2.0,)]
    ids, mask, labels, weights = transformers_collate_fn(batch, use_sample_weights=True,
                                                         pad_token_id=9)
    assert ids.tolist() == [[2, 3, 4], [5, 9, 9]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    assert labels.tolist() == [1, 0] and labels.dtype == torch.long
    assert weights.tolist() == [0.5, 2.0]


def test_collate_multi_label_multi_hot_and_unit_weights():
    batch = [_item([2], [0, 2]), _item([3, 4], [])]
    ids, mask, labels, weights = transformers_collate_fn(batch, multi_label=True, num_classes=3)
    assert ids.tolist() == [[2, 0], [3, 4]]
    assert labels.tolist() == [[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    assert weights.tolist() == [1.0, 1.0]


def test_from_arrays_tokenizes_in_one_call():
    calls = []

    class CountingTokenizer:
        def __call__(self, texts, **kwargs):
            calls.append(len(texts))
            return {'input_ids': [[2, 3]] * len(texts), 'attention_mask': [[1, 1]] * len(texts)}

    texts, y = make_texts(5)
    dataset = TransformersDataset.from_arrays(texts, y, CountingTokenizer(),
                                              target_labels=np.arange(3))
    assert calls == [15] and len(dataset) == 15
