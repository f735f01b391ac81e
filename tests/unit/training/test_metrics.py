import subprocess
import sys

import pytest

import small_text.training as training
from small_text.training import Metric


def test_exports():
    assert sorted(training.__all__) == sorted([
        'EarlyStoppingHandler', 'NoopEarlyStopping', 'EarlyStopping',
        'EarlyStoppingOrCondition', 'EarlyStoppingAndCondition', 'Metric',
        'ModelSelectionResult', 'ModelSelectionManager', 'NoopModelSelection', 'ModelSelection'])
    for name in training.__all__:
        assert hasattr(training, name)


def test_submodule_locations():
    from small_text.training.early_stopping import (EarlyStoppingHandler,  # noqa: F401
                                                    NoopEarlyStopping, EarlyStopping,  # noqa
                                                    EarlyStoppingOrCondition,  # noqa: F401
                                                    EarlyStoppingAndCondition)  # noqa: F401
    from small_text.training.metrics import Metric as M  # noqa: F401
    from small_text.training.model_selection import (ModelSelectionResult,  # noqa: F401
                                                     ModelSelectionManager,  # noqa: F401
                                                     NoopModelSelection,  # noqa: F401
                                                     ModelSelection)  # noqa: F401


def test_no_torch_import():
    code = ('import sys; import small_text.training, small_text.stopping_criteria; '
            'print(any(m == "torch" or m.startswith("torch.") for m in sys.modules))')
    output = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert output == 'False'


def test_metric_defaults():
    metric = Metric('val_loss')
    assert metric.name == 'val_loss'
    assert metric.dtype is float
    assert metric.lower_is_better is True


def test_metric_attributes():
    metric = Metric('score', dtype=int, lower_is_better=False)
    assert (metric.name, metric.dtype, metric.lower_is_better) == ('score', int, False)


def test_metric_repr():
    assert repr(Metric('train_acc', dtype=float, lower_is_better=False)) == \
        "Metric('train_acc', dtype=float, lower_is_better=False)"
    assert repr(Metric('val_loss')) == "Metric('val_loss', dtype=float, lower_is_better=True)"


@pytest.mark.parametrize('name', ['', None, 3])
def test_metric_invalid_name(name):
    with pytest.raises(ValueError, match='Metric name must be a non-empty str'):
        Metric(name)
