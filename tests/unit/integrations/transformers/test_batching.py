"""Batching helpers: length-sorted inference batches, training batches with the batch
distribution of an unsorted loader, and the intra-epoch validation points."""
import numpy as np
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from small_text.integrations.transformers.utils.classification import (  # noqa: E402
    _inference_batches,
    _split_batch,
    _training_batches,
    _validation_points,
)


def test_inference_batches_hold_at_most_a_full_batch_of_tokens():
    lengths = np.array([5, 40, 3, 3, 10, 40, 7, 2, 3])
    order, bounds = _inference_batches(lengths, 2)
    assert order.tolist() == np.argsort(lengths, kind='stable').tolist()
    assert bounds[0][0] == 0 and bounds[-1][1] == 9
    assert all(end == start for (_, end), (start, _) in zip(bounds, bounds[1:]))
    for start, end in bounds:
        assert (end - start) * lengths[order[end - 1]] <= 2 * 40
    assert bounds[-1] == (7, 9)  # the two longest items form a batch of batch_size


def test_inference_batches_of_equal_lengths_have_batch_size_items():
    order, bounds = _inference_batches(np.full(7, 4), 3)
    assert bounds == [(0, 3), (3, 6), (6, 7)]


def test_inference_batches_empty():
    order, bounds = _inference_batches(np.array([], dtype=np.int64), 4)
    assert order.shape == (0,) and bounds == []


def test_training_batches_are_the_batches_of_a_random_permutation():
    lengths = np.random.RandomState(1).randint(2, 60, size=50)
    np.random.seed(3)
    permutation = np.random.permutation(50)
    np.random.seed(3)
    batches = _training_batches(lengths, 12)
    assert len(batches) == 5
    for k, parts in enumerate(batches):
        batch = np.concatenate(parts)
        assert sorted(batch.tolist()) == sorted(permutation[12 * k:12 * (k + 1)].tolist())
        assert np.all(np.diff(lengths[batch]) >= 0)


def test_split_only_when_it_saves_enough_padding():
    batch = np.arange(4)
    assert len(_split_batch(batch, np.array([10, 10, 11, 12]))) == 1
    parts = _split_batch(batch, np.array([3, 4, 5, 40]))
    assert [part.tolist() for part in parts] == [[0, 1, 2], [3]]
    assert len(_split_batch(np.arange(1), np.array([7]))) == 1


@pytest.mark.parametrize('num_batches, validations, expected', [
    (2, 2, {1, 2}),
    (8, 3, {3, 6, 8}),
    (5, 2, {3, 5}),
    (2, 5, {1, 2}),
])
def test_validation_points(num_batches, validations, expected):
    assert _validation_points(num_batches, validations) == expected
