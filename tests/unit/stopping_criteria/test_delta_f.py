import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.stopping_criteria import DeltaFScore


def test_init_defaults():
    criterion = DeltaFScore(2)
    assert criterion.num_classes == 2
    assert criterion.window_size == 3
    assert criterion.threshold == 0.05
    assert criterion.last_predictions is None
    assert criterion.delta_history == []


@pytest.mark.parametrize('num_classes', [1, 3])
def test_init_requires_binary(num_classes):
    with pytest.raises(ValueError, match=f'num_classes=2\\), but got num_classes={num_classes}'):
        DeltaFScore(num_classes)


def test_init_invalid_window_size():
    with pytest.raises(ValueError, match='window_size must be an integer >= 1'):
        DeltaFScore(2, window_size=0)


def test_first_call_stores_predictions():
    criterion = DeltaFScore(2)
    predictions = np.array([0, 1, 1, 0])
    assert criterion.stop(predictions=predictions) is False
    np.testing.assert_array_equal(criterion.last_predictions, predictions)
    assert criterion.delta_history == []


def test_stored_predictions_are_a_copy():
    criterion = DeltaFScore(2)
    predictions = np.array([0, 1, 1, 0])
    criterion.stop(predictions=predictions)
    predictions[0] = 1
    np.testing.assert_array_equal(criterion.last_predictions, [0, 1, 1, 0])


def test_delta_f_example():
    # a=2, b=0, c=1 -> 1 - 4/5 = 0.2
    criterion = DeltaFScore(2)
    criterion.stop(predictions=np.array([0, 1, 1, 0]))
    assert criterion.stop(predictions=np.array([0, 1, 1, 1])) is False
    assert criterion.delta_history == [pytest.approx(0.2)]
    np.testing.assert_array_equal(criterion.last_predictions, [0, 1, 1, 1])


def test_stops_at_known_round():
    criterion = DeltaFScore(2, window_size=2, threshold=0.05)
    sequence = [
        [1, 1, 0, 0, 0, 0, 0, 0, 0, 0],  # first call
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],  # delta 1 - 4/6, window not yet full
        [1, 1, 1, 1, 0, 0, 0, 0, 0, 0],  # delta 0, window [0.333, 0]
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],  # delta 1 - 8/9 = 0.111, window [0, 0.111]
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],  # delta 0, window [0.111, 0]
        [1, 1, 1, 1, 1, 0, 0, 0, 0, 0],  # delta 0, window [0, 0] -> stop
    ]
    results = [criterion.stop(predictions=np.array(p)) for p in sequence]
    assert results == [False, False, False, False, False, True]
    assert criterion.delta_history == [0.0, 0.0]


def test_history_is_trimmed_to_window():
    criterion = DeltaFScore(2, window_size=2)
    for predictions in ([1, 0], [0, 1], [1, 0], [0, 1]):
        criterion.stop(predictions=np.array(predictions))
    assert len(criterion.delta_history) == 2


def test_delta_equal_to_threshold_does_not_stop():
    # a=1, b=1, c=1 -> delta = 1 - 2/4 = 0.5 (exact); the comparison is strict
    previous, current = np.array([1, 1, 0]), np.array([1, 0, 1])
    criterion = DeltaFScore(2, window_size=1, threshold=0.5)
    criterion.stop(predictions=previous)
    assert criterion.stop(predictions=current) is False
    criterion = DeltaFScore(2, window_size=1, threshold=0.5000001)
    criterion.stop(predictions=previous)
    assert criterion.stop(predictions=current) is True


def test_no_positive_predictions_gives_zero_delta():
    # the reference divides 0/0 here and never stops
    criterion = DeltaFScore(2, window_size=1)
    criterion.stop(predictions=np.zeros(5, dtype=int))
    assert criterion.stop(predictions=np.zeros(5, dtype=int)) is True
    assert criterion.delta_history == [0.0]


def test_size_mismatch():
    criterion = DeltaFScore(2)
    criterion.stop(predictions=np.array([0, 1, 1]))
    with pytest.raises(ValueError, match='got 2 predictions and 3 last predictions'):
        criterion.stop(predictions=np.array([0, 1]))


def test_none_predictions():
    with pytest.raises(ValueError, match='Predictions must not be None'):
        DeltaFScore(2).stop()


def test_non_binary_labels():
    with pytest.raises(ValueError, match=r'must lie in \[0, num_classes\) = \[0, 2\)'):
        DeltaFScore(2).stop(predictions=np.array([0, 1, 2]))


def test_sparse_predictions_rejected():
    with pytest.raises(ValueError, match='single-label predictions only'):
        DeltaFScore(2).stop(predictions=csr_matrix(np.eye(2, dtype=int)))


def test_float_predictions_rejected():
    with pytest.raises(ValueError, match='1-d integer array'):
        DeltaFScore(2).stop(predictions=np.array([0.0, 1.0]))


def test_unknown_argument():
    with pytest.raises(TypeError):
        DeltaFScore(2).stop(labels=np.array([0, 1]))
