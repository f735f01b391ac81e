import pytest

from small_text.stopping_criteria import MaxIterations


def test_init():
    criterion = MaxIterations(3)
    assert criterion.max_iterations == 3
    assert criterion.current_iteration == 0


@pytest.mark.parametrize('max_iterations', [0, -1])
def test_init_invalid(max_iterations):
    with pytest.raises(ValueError, match='max_iterations must be an integer >= 1'):
        MaxIterations(max_iterations)


def test_stop_sequence():
    criterion = MaxIterations(3)
    results = [criterion.stop() for _ in range(5)]
    assert results == [False, False, True, True, True]
    assert criterion.current_iteration == 2


def test_max_one_stops_at_once():
    criterion = MaxIterations(1)
    assert criterion.stop() is True
    assert criterion.current_iteration == 0


def test_arguments_are_ignored():
    criterion = MaxIterations(2)
    assert criterion.stop(active_learner=None, predictions=[0, 1], proba=None,
                          indices_stopping=None) is False
    assert criterion.stop() is True
