import numpy as np
import pytest

from small_text.training import (EarlyStopping, EarlyStoppingAndCondition,
                                 EarlyStoppingHandler, EarlyStoppingOrCondition, Metric,
                                 NoopEarlyStopping)


VAL_LOSS = Metric('val_loss')
VAL_ACC = Metric('val_acc', lower_is_better=False)
TRAIN_ACC = Metric('train_acc', lower_is_better=False)


def _run(handler, values, metric_name='val_loss'):
    """Feed one value per epoch and return the decisions."""
    return [handler.check_early_stop(epoch, {metric_name: value})
            for epoch, value in enumerate(values, start=1)]


class _FixedHandler(EarlyStoppingHandler):
    """Returns predefined decisions and records its calls."""

    def __init__(self, decisions):
        self.decisions = list(decisions)
        self.calls = []

    def check_early_stop(self, epoch, measured_values):
        self.calls.append((epoch, measured_values))
        return self.decisions[len(self.calls) - 1]


def test_handler_is_abstract():
    with pytest.raises(TypeError):
        EarlyStoppingHandler()


def test_noop_early_stopping():
    handler = NoopEarlyStopping()
    assert _run(handler, [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]) == [False] * 7


def test_init_attributes_and_defaults():
    handler = EarlyStopping(VAL_LOSS)
    assert handler.metric is VAL_LOSS
    assert handler.min_delta == 1e-14
    assert handler.patience == 5
    assert handler.threshold == 0.0


@pytest.mark.parametrize('name', ['test_loss', 'loss', 'val_f1'])
def test_init_unknown_metric(name):
    with pytest.raises(ValueError, match='metric must be a Metric named one of'):
        EarlyStopping(Metric(name))


def test_init_metric_must_be_metric():
    with pytest.raises(ValueError, match='metric must be a Metric'):
        EarlyStopping('val_loss')


def test_init_negative_min_delta():
    with pytest.raises(ValueError, match='min_delta must be greater than or equal to zero'):
        EarlyStopping(VAL_LOSS, min_delta=-0.1)


@pytest.mark.parametrize('threshold', [0.0, -0.5])
def test_init_negative_patience_without_threshold(threshold):
    with pytest.raises(ValueError, match='disable both stopping mechanisms'):
        EarlyStopping(VAL_LOSS, patience=-1, threshold=threshold)


def test_init_negative_patience_with_threshold_is_valid():
    assert EarlyStopping(VAL_LOSS, patience=-1, threshold=0.1).patience == -1


@pytest.mark.parametrize('threshold', [-0.1, 1.5])
def test_init_accuracy_threshold_out_of_range(threshold):
    with pytest.raises(ValueError, match=r"accuracy metric 'val_acc' must lie in \[0, 1\]"):
        EarlyStopping(VAL_ACC, threshold=threshold)


def test_init_loss_threshold_above_one_is_valid():
    assert EarlyStopping(VAL_LOSS, threshold=1.5).threshold == 1.5


@pytest.mark.parametrize('epoch', [0, -1])
def test_invalid_epoch(epoch):
    with pytest.raises(ValueError, match='"epoch" must be greater than zero'):
        EarlyStopping(VAL_LOSS).check_early_stop(epoch, {'val_loss': 0.1})


def test_spec_example_ties_are_not_improvements():
    handler = EarlyStopping(VAL_LOSS, patience=2)
    assert _run(handler, [0.060, 0.061, 0.060, 0.060]) == [False, False, False, True]


def test_lower_is_better_improvement_resets_patience():
    handler = EarlyStopping(VAL_LOSS, patience=1)
    assert _run(handler, [0.5, 0.6, 0.4, 0.45, 0.3, 0.35, 0.36]) == \
        [False, False, False, False, False, False, True]


def test_higher_is_better():
    handler = EarlyStopping(VAL_ACC, patience=2)
    assert _run(handler, [0.5, 0.6, 0.7, 0.65, 0.7, 0.69], 'val_acc') == \
        [False, False, False, False, False, True]


def test_higher_is_better_never_stops_while_improving():
    handler = EarlyStopping(VAL_ACC, patience=0)
    assert _run(handler, [0.1, 0.2, 0.3, 0.4], 'val_acc') == [False] * 4


def test_patience_zero_stops_at_first_non_improvement():
    handler = EarlyStopping(VAL_LOSS, patience=0)
    assert _run(handler, [0.5, 0.4, 0.4]) == [False, False, True]


def test_min_delta():
    handler = EarlyStopping(VAL_LOSS, min_delta=0.01, patience=1)
    # 0.495 and 0.492 improve by less than 0.01 on the best (0.5)
    assert _run(handler, [0.5, 0.495, 0.492]) == [False, False, True]
    handler = EarlyStopping(VAL_LOSS, min_delta=0.01, patience=1)
    # 0.48 improves by 0.02 on the best
    assert _run(handler, [0.5, 0.495, 0.48]) == [False, False, False]


def test_min_delta_zero_counts_any_strict_improvement():
    handler = EarlyStopping(VAL_LOSS, min_delta=0.0, patience=0)
    assert _run(handler, [0.5, 0.5 - 1e-16, 0.5 - 1e-16]) == [False, False, True]


def test_threshold_lower_is_better():
    handler = EarlyStopping(VAL_LOSS, patience=10, threshold=0.1)
    assert _run(handler, [0.3, 0.1, 0.09]) == [False, False, True]


def test_threshold_higher_is_better():
    handler = EarlyStopping(VAL_ACC, patience=10, threshold=0.9)
    assert _run(handler, [0.8, 0.9, 0.91], 'val_acc') == [False, False, True]


def test_threshold_on_first_check():
    handler = EarlyStopping(TRAIN_ACC, patience=-1, threshold=0.99)
    assert handler.check_early_stop(1, {'train_acc': 0.995}) is True


def test_threshold_only_ignores_patience():
    handler = EarlyStopping(TRAIN_ACC, patience=-1, threshold=0.99)
    assert _run(handler, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.999], 'train_acc') == \
        [False] * 7 + [True]


def test_missing_values_do_not_count_towards_patience():
    handler = EarlyStopping(VAL_LOSS, patience=1)
    assert _run(handler, [0.5, None, 0.6, None, np.nan, 0.7]) == \
        [False, False, False, False, False, True]


def test_missing_key_returns_false():
    handler = EarlyStopping(VAL_LOSS, patience=0)
    handler.check_early_stop(1, {'val_loss': 0.5})
    assert handler.check_early_stop(2, {'train_loss': 0.1}) is False
    assert handler.check_early_stop(3, {'val_loss': 0.6}) is True


def test_first_value_after_missing_values_becomes_best():
    handler = EarlyStopping(VAL_LOSS, patience=0)
    assert _run(handler, [None, None, 0.5, 0.4, 0.45]) == [False, False, False, False, True]


def test_several_checks_per_epoch():
    handler = EarlyStopping(VAL_LOSS, patience=2)
    decisions = [handler.check_early_stop(epoch, {'val_loss': value})
                 for epoch, value in [(1, 0.5), (1, 0.6), (1, 0.6), (2, 0.6)]]
    assert decisions == [False, False, False, True]
    np.testing.assert_array_equal(handler._history[:, :2], [[1, 0], [1, 1], [1, 2], [2, 0]])


def test_history_rows():
    handler = EarlyStopping(VAL_LOSS)
    handler.check_early_stop(1, {'train_acc': 0.8, 'train_loss': 0.4, 'val_loss': 0.5,
                                 'other': 3.0})
    np.testing.assert_array_equal(handler._history,
                                  [[1, 0, 0.8, 0.4, np.nan, 0.5]])


def test_or_condition_calls_every_handler():
    first, second = _FixedHandler([True, False]), _FixedHandler([False, False])
    condition = EarlyStoppingOrCondition([first, second])
    assert condition.early_stopping_handlers == [first, second]
    assert condition.check_early_stop(1, {'val_loss': 0.1}) is True
    assert condition.check_early_stop(2, {'val_loss': 0.2}) is False
    assert first.calls == second.calls == [(1, {'val_loss': 0.1}), (2, {'val_loss': 0.2})]


def test_and_condition_requires_all_handlers():
    first = _FixedHandler([True, False, True])
    second = _FixedHandler([False, True, True])
    condition = EarlyStoppingAndCondition([first, second])
    assert [condition.check_early_stop(epoch, {}) for epoch in (1, 2, 3)] == \
        [False, False, True]
    assert len(first.calls) == len(second.calls) == 3


def test_and_condition_with_early_stopping_handlers():
    # the loss stagnates (patience 0) but train_acc has not yet passed 0.9
    condition = EarlyStoppingAndCondition([
        EarlyStopping(VAL_LOSS, patience=0),
        EarlyStopping(TRAIN_ACC, patience=-1, threshold=0.9)
    ])
    values = [{'val_loss': 0.5, 'train_acc': 0.7},
              {'val_loss': 0.6, 'train_acc': 0.8},  # loss holds, accuracy does not
              {'val_loss': 0.6, 'train_acc': 0.95}]  # both hold
    decisions = [condition.check_early_stop(epoch, v) for epoch, v in enumerate(values, 1)]
    assert decisions == [False, False, True]


def test_or_condition_with_early_stopping_handlers():
    condition = EarlyStoppingOrCondition([
        EarlyStopping(VAL_LOSS, patience=0),
        EarlyStopping(TRAIN_ACC, patience=-1, threshold=0.9)
    ])
    values = [{'val_loss': 0.5, 'train_acc': 0.7},
              {'val_loss': 0.6, 'train_acc': 0.8}]
    decisions = [condition.check_early_stop(epoch, v) for epoch, v in enumerate(values, 1)]
    assert decisions == [False, True]


@pytest.mark.parametrize('condition_class', [EarlyStoppingOrCondition,
                                             EarlyStoppingAndCondition])
def test_condition_empty_handlers(condition_class):
    with pytest.raises(ValueError, match='at least one handler'):
        condition_class([])


@pytest.mark.parametrize('condition_class', [EarlyStoppingOrCondition,
                                             EarlyStoppingAndCondition])
def test_condition_invalid_handler(condition_class):
    with pytest.raises(TypeError, match='EarlyStoppingHandler instances only, but got str'):
        condition_class([NoopEarlyStopping(), 'val_loss'])


def test_conditions_nest():
    inner = EarlyStoppingOrCondition([_FixedHandler([True]), _FixedHandler([False])])
    outer = EarlyStoppingAndCondition([inner, _FixedHandler([True])])
    assert outer.check_early_stop(1, {}) is True
