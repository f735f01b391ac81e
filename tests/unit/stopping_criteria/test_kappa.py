import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.stopping_criteria import KappaAverage
from small_text.stopping_criteria.kappa import _cohen_kappa


def test_init_defaults():
    criterion = KappaAverage(3)
    assert criterion.num_classes == 3
    assert criterion.window_size == 3
    assert criterion.kappa == 0.99
    assert criterion.last_predictions is None
    assert criterion.kappa_history == []


def test_init_invalid_window_size():
    with pytest.raises(ValueError, match='window_size must be an integer >= 1'):
        KappaAverage(2, window_size=0)


@pytest.mark.parametrize('kappa', [-1.5, 1.01])
def test_init_invalid_kappa(kappa):
    with pytest.raises(ValueError, match=r'kappa must lie in \[-1, 1\]'):
        KappaAverage(2, kappa=kappa)


@pytest.mark.parametrize('first,second,expected', [
    ([0, 0, 0, 0], [1, 1, 1, 1], 0.0),
    ([0, 1, 1, 1, 1], [1, 1, 1, 1, 0], -0.25),
    ([0, 1, 2, 2], [0, 1, 2, 2], 1.0),
    ([1, 1, 1], [1, 1, 1], 1.0),  # identical constant vectors: 0/0 avoided
    ([0, 0, 1, 1], [0, 1, 1, 1], 0.5),  # p_o = 0.75, p_e = 0.5
])
def test_cohen_kappa(first, second, expected):
    kappa = _cohen_kappa(np.array(first), np.array(second), 3)
    assert kappa == pytest.approx(expected)


def test_first_call_stores_predictions():
    criterion = KappaAverage(2)
    assert criterion.stop(predictions=np.array([0, 1])) is False
    np.testing.assert_array_equal(criterion.last_predictions, [0, 1])
    assert criterion.kappa_history == []


def test_stops_at_known_round():
    criterion = KappaAverage(2, window_size=2, kappa=0.7)
    sequence = [
        [0, 0, 1, 1],  # first call
        [0, 1, 1, 1],  # kappa 0.5, window not yet full
        [0, 1, 1, 1],  # kappa 1.0, mean 0.75 >= 0.7 -> stop
    ]
    results = [criterion.stop(predictions=np.array(p)) for p in sequence]
    assert results == [False, False, True]
    assert criterion.kappa_history == [pytest.approx(0.5), 1.0]


def test_stops_only_when_window_mean_reaches_kappa():
    criterion = KappaAverage(2, window_size=3, kappa=0.99)
    sequence = [[0, 0, 1, 1], [0, 1, 1, 1], [0, 1, 1, 1], [0, 1, 1, 1], [0, 1, 1, 1]]
    results = [criterion.stop(predictions=np.array(p)) for p in sequence]
    # windows: [0.5, 1, 1] -> mean 0.83; [1, 1, 1] -> stop
    assert results == [False, False, False, False, True]
    assert criterion.kappa_history == [1.0, 1.0, 1.0]


def test_kappa_equal_to_threshold_stops():
    criterion = KappaAverage(2, window_size=1, kappa=1.0)
    criterion.stop(predictions=np.array([0, 1]))
    assert criterion.stop(predictions=np.array([0, 1])) is True


def test_multi_label_rejected():
    with pytest.raises(ValueError, match='single-label predictions only'):
        KappaAverage(2).stop(predictions=csr_matrix(np.eye(2, dtype=int)))


def test_size_mismatch():
    criterion = KappaAverage(2)
    criterion.stop(predictions=np.array([0, 1, 1]))
    with pytest.raises(ValueError, match='got 2 predictions and 3 last predictions'):
        criterion.stop(predictions=np.array([0, 1]))


def test_labels_out_of_range():
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        KappaAverage(2).stop(predictions=np.array([-1, 1]))


def test_none_predictions():
    with pytest.raises(ValueError, match='Predictions must not be None'):
        KappaAverage(2).stop(proba=np.array([[0.5, 0.5]]))
