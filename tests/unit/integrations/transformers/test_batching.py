"""Batching helpers: length-sorted inference batches, length-bucketed training batches and the
intra-epoch validation points."""
import numpy as np
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from small_text.integrations.pytorch.utils.data import _length_bucketed_batches  # noqa: E402
from small_text.integrations.transformers.utils.classification import (  # noqa: E402
    _inference_batches,
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


def test_training_batches_are_length_bucketed_and_cover_every_item_once():
    lengths = np.random.RandomState(1).randint(2, 60, size=1300)
    np.random.seed(3)
    batches = _length_bucketed_batches(lengths, 12)
    assert sorted(np.concatenate(batches).tolist()) == list(range(1300))
    # 1300 items: chunks of 600, 600 and 100 items give 50 + 50 + 9 batches
    assert len(batches) == 109
    assert sorted(batch.shape[0] for batch in batches) == [4] + [12] * 108
    assert all(np.all(np.diff(lengths[batch]) >= 0) for batch in batches)
    spread = np.mean([np.ptp(lengths[batch]) for batch in batches])
    assert spread < 5  # similar lengths (a random batch of 12 spans about 45)
    np.random.seed(3)
    assert all(np.array_equal(a, b)
               for a, b in zip(batches, _length_bucketed_batches(lengths, 12)))
    np.random.seed(4)
    assert not all(np.array_equal(a, b)
                   for a, b in zip(batches, _length_bucketed_batches(lengths, 12)))


@pytest.mark.parametrize('num_batches, validations, expected', [
    (2, 2, {1, 2}),
    (8, 3, {3, 6, 8}),
    (5, 2, {3, 5}),
    (2, 5, {1, 2}),
])
def test_validation_points(num_batches, validations, expected):
    assert _validation_points(num_batches, validations) == expected
