import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.stopping_criteria import ClassificationChange


def _multi_label(rows, num_classes=3):
    dense = np.zeros((len(rows), num_classes), dtype=np.int64)
    for i, labels in enumerate(rows):
        dense[i, labels] = 1
    return csr_matrix(dense)


def test_init_defaults():
    criterion = ClassificationChange(3)
    assert criterion.num_classes == 3
    assert criterion.threshold == 0.0
    assert criterion.last_predictions is None


@pytest.mark.parametrize('threshold', [-0.01, 1.01])
def test_init_invalid_threshold(threshold):
    with pytest.raises(ValueError, match=r'threshold must lie in \[0, 1\]'):
        ClassificationChange(3, threshold=threshold)


@pytest.mark.parametrize('threshold', [0.0, 1.0])
def test_init_threshold_bounds_are_valid(threshold):
    assert ClassificationChange(3, threshold=threshold).threshold == threshold


def test_first_call_returns_false_even_without_change_history():
    criterion = ClassificationChange(3)
    assert criterion.stop(predictions=np.array([0, 1, 2])) is False
    np.testing.assert_array_equal(criterion.last_predictions, [0, 1, 2])


def test_stops_when_nothing_changes():
    criterion = ClassificationChange(3)
    sequence = [[0, 1, 2, 2], [0, 1, 1, 2], [0, 1, 1, 1], [0, 1, 1, 1]]
    results = [criterion.stop(predictions=np.array(p)) for p in sequence]
    assert results == [False, False, False, True]


def test_last_predictions_updated_on_every_call():
    criterion = ClassificationChange(3)
    for predictions in ([0, 1, 2], [1, 1, 2], [2, 1, 2]):
        criterion.stop(predictions=np.array(predictions))
        np.testing.assert_array_equal(criterion.last_predictions, predictions)


@pytest.mark.parametrize('threshold,expected', [(0.0, False), (0.05, False), (0.1, True),
                                                (1.0, True)])
def test_threshold(threshold, expected):
    # one of ten predictions changes: stop iff 9 >= 10 * (1 - threshold)
    previous = np.zeros(10, dtype=int)
    current = previous.copy()
    current[3] = 1
    criterion = ClassificationChange(2, threshold=threshold)
    criterion.stop(predictions=previous)
    assert criterion.stop(predictions=current) is expected


def test_multi_label_identical_label_sets_including_empty_rows():
    criterion = ClassificationChange(3)
    predictions = _multi_label([[0, 1], [], [2]])
    assert criterion.stop(predictions=predictions) is False
    assert criterion.stop(predictions=_multi_label([[0, 1], [], [2]])) is True


def test_multi_label_changed_label_set():
    criterion = ClassificationChange(3)
    criterion.stop(predictions=_multi_label([[0, 1], [], [2]]))
    assert criterion.stop(predictions=_multi_label([[0], [], [2]])) is False
    assert criterion.stop(predictions=_multi_label([[0], [1], [2]])) is False
    assert criterion.stop(predictions=_multi_label([[0], [1], [2]])) is True


def test_multi_label_threshold():
    criterion = ClassificationChange(3, threshold=0.5)
    criterion.stop(predictions=_multi_label([[0, 1], [], [2], [1]]))
    # two of four rows change: 2 >= 4 * 0.5
    assert criterion.stop(predictions=_multi_label([[0], [2], [2], [1]])) is True


def test_multi_label_explicit_zeros_are_ignored():
    criterion = ClassificationChange(3)
    criterion.stop(predictions=_multi_label([[0], [1]]))
    with_explicit_zero = csr_matrix((np.array([1, 0, 1]), np.array([0, 2, 1]),
                                     np.array([0, 2, 3])), shape=(2, 3))
    assert criterion.stop(predictions=with_explicit_zero) is True


def test_size_mismatch():
    criterion = ClassificationChange(3)
    criterion.stop(predictions=np.array([0, 1, 2]))
    with pytest.raises(ValueError, match='got 4 predictions and 3 last predictions'):
        criterion.stop(predictions=np.array([0, 1, 2, 2]))


def test_kind_mismatch():
    criterion = ClassificationChange(3)
    criterion.stop(predictions=np.array([0, 1, 2]))
    with pytest.raises(ValueError, match='same kind'):
        criterion.stop(predictions=_multi_label([[0], [1], [2]]))


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r'\[0, 3\)'):
        ClassificationChange(3).stop(predictions=np.array([0, 3]))
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        ClassificationChange(2).stop(predictions=_multi_label([[2]], num_classes=3))


def test_none_predictions():
    with pytest.raises(ValueError, match='Predictions must not be None'):
        ClassificationChange(3).stop()
