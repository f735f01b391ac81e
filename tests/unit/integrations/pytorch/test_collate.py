"""Tests of kimcnn_collate_fn."""
import pytest

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from small_text.integrations.pytorch.classifiers.kimcnn import kimcnn_collate_fn  # noqa: E402


def test_single_label_layout_without_filter_padding():
    batch = [(torch.tensor([5, 6, 7]), 1), (torch.tensor([8]), 0)]
    text, labels, weights = kimcnn_collate_fn(batch, max_seq_len=5)
    assert text.dtype == torch.long
    assert text.tolist() == [[5, 6, 7, 0, 0], [8, 0, 0, 0, 0]]
    assert labels.dtype == torch.long and labels.tolist() == [1, 0]
    assert weights.tolist() == [1.0, 1.0]


def test_filter_padding_and_truncation():
    batch = [(torch.tensor([1, 2, 3, 4, 5, 6]), 0), (torch.tensor([7]), 0)]
    text, _, _ = kimcnn_collate_fn(batch, max_seq_len=6, padding_idx=9, filter_padding=1)
    assert text.tolist() == [[9, 1, 2, 3, 4, 9], [9, 7, 9, 9, 9, 9]]


def test_multi_label_targets_are_multi_hot():
    batch = [(torch.tensor([1]), [0, 2]), (torch.tensor([2]), [])]
    _, labels, _ = kimcnn_collate_fn(batch, multi_label=True, num_classes=3, max_seq_len=3)
    assert labels.dtype == torch.float32
    assert labels.tolist() == [[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]]


def test_sample_weights_are_the_last_tuple_element():
    batch = [(torch.tensor([1]), 0, 0.5), (torch.tensor([2]), 1, 2.0)]
    _, _, weights = kimcnn_collate_fn(batch, use_sample_weights=True, max_seq_len=3)
    assert weights.dtype == torch.float32 and weights.tolist() == [0.5, 2.0]


def test_empty_sequence():
    text, _, _ = kimcnn_collate_fn([(torch.tensor([], dtype=torch.long), 0)], max_seq_len=3)
    assert text.tolist() == [[0, 0, 0]]
