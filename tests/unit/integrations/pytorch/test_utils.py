"""Tests of the utilities of the PyTorch integration."""
import numpy as np
import pytest

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from scipy.sparse import csr_matrix  # noqa: E402
from torch import nn  # noqa: E402

from small_text.integrations.pytorch.utils import dataloader, get_class_weights  # noqa: E402
from small_text.integrations.pytorch.utils.contextmanager import inference_mode  # noqa: E402
from small_text.integrations.pytorch.utils.loss import _LossAdapter2DTo1D  # noqa: E402
from small_text.integrations.pytorch.utils.misc import (  # noqa: E402
    DROPOUT_MODULES,
    _assert_layer_exists,
    _compile_if_possible,
    enable_dropout,
)


# --- dataloader -------------------------------------------------------------------------------

def test_dataloader_sequential_keeps_order_and_last_partial_batch():
    batches = list(dataloader(list(range(7)), 3, lambda items: items, train=False))
    assert batches == [[0, 1, 2], [3, 4, 5], [6]]


def test_dataloader_train_shuffles_with_numpy_rng():
    np.random.seed(1)
    first = list(dataloader(list(range(20)), 5, lambda items: items))
    np.random.seed(1)
    second = list(dataloader(list(range(20)), 5, lambda items: items))
    assert first == second
    assert sorted(sum(first, [])) == list(range(20))
    assert sum(first, []) != list(range(20))


def test_dataloader_applies_collate_fn_and_accepts_iterables():
    batches = list(dataloader(iter([(1, 'a'), (2, 'b')]), 2,
                              lambda items: [item[0] for item in items], train=False))
    assert batches == [[1, 2]]


def test_dataloader_invalid_batch_size_raises():
    with pytest.raises(ValueError, match='batch_size'):
        dataloader([1], 0, list)


# --- get_class_weights ------------------------------------------------------------------------

@pytest.mark.parametrize('y, num_classes, expected', [
    (np.array([0] * 2 + [1] * 8), 2, [4.0, 1.0]),
    (np.array([0, 1, 2, 2, 3, 3, 3, 3]), 4, [7.0, 7.0, 3.0, 1.0]),
    (np.array([0, 1, 2] * 3), 3, [1.0, 1.0, 1.0]),
    (np.array([0, 1] * 3), 2, [1.0, 1.0]),
    (np.array([0, 0, 0, 1, -1, -1]), 2, [1.0, 3.0]),
])
def test_get_class_weights_examples(y, num_classes, expected):
    weights = get_class_weights(y, num_classes)
    assert weights.dtype == torch.float32
    np.testing.assert_allclose(weights.numpy(), expected)


def test_get_class_weights_multi_label_counts_label_occurrences():
    y = csr_matrix(np.array([[1, 0, 1], [1, 0, 0], [1, 1, 0], [1, 0, 1]]))
    # counts [4, 1, 2], S = 7: [3/4, 6, 5/2] divided by max(min, 1) = 1
    np.testing.assert_allclose(get_class_weights(y, 3).numpy(), [0.75, 6.0, 2.5])


def test_get_class_weights_absent_class():
    # counts [3, 0, 1], S = 4: [1/3, 4, 3] / 1
    np.testing.assert_allclose(get_class_weights(np.array([0, 0, 0, 2]), 3).numpy(),
                               [1 / 3, 4.0, 3.0], rtol=1e-6)


# --- inference_mode, enable_dropout -----------------------------------------------------------

def test_inference_mode_disables_gradients():
    weight = torch.ones(2, requires_grad=True)
    with inference_mode():
        result = weight * 2
    assert not result.requires_grad
    assert torch.is_inference_mode_enabled() is False


def test_dropout_modules():
    assert DROPOUT_MODULES == (nn.Dropout, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
                               nn.FeatureAlphaDropout)


def test_enable_dropout_switches_only_eval_mode_dropout_and_restores():
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.AlphaDropout(0.5))
    model.eval()
    model[2].train()
    with enable_dropout(model) as result:
        assert result is model
        assert model[1].training and model[2].training
        assert not model[0].training
    assert not model[1].training
    assert model[2].training
    assert not model[0].training


def test_enable_dropout_restores_on_exception():
    model = nn.Sequential(nn.Dropout(0.5)).eval()
    with pytest.raises(RuntimeError):
        with enable_dropout(model):
            raise RuntimeError('boom')
    assert not model[0].training


# --- private helpers --------------------------------------------------------------------------

def test_compile_if_possible_without_compile_returns_model():
    model = nn.Linear(2, 2)
    assert _compile_if_possible(model, compile_model=False) is model


def test_assert_layer_exists():
    model = nn.Sequential(nn.Linear(2, 2))
    _assert_layer_exists(model, '0')
    with pytest.raises(ValueError, match='"fc" does not exist'):
        _assert_layer_exists(model, 'fc')


def test_loss_adapter_averages_last_dimension():
    adapter = _LossAdapter2DTo1D(nn.BCEWithLogitsLoss(reduction='none'))
    logits = torch.tensor([[0.0, 2.0], [1.0, -1.0]])
    target = torch.tensor([[0.0, 1.0], [1.0, 1.0]])
    expected = nn.functional.binary_cross_entropy_with_logits(logits, target,
                                                              reduction='none').mean(dim=1)
    torch.testing.assert_close(adapter(logits, target), expected)


def test_fused_optimizer_is_fused_where_supported_and_falls_back_otherwise():
    from small_text.integrations.pytorch.utils.misc import _fused_optimizer

    model = torch.nn.Linear(3, 2)
    adam = _fused_optimizer(torch.optim.Adam, model.parameters(), lr=0.01)
    assert isinstance(adam, torch.optim.Adam) and adam.defaults['fused'] is True
    assert adam.defaults['lr'] == 0.01
    adadelta = _fused_optimizer(torch.optim.Adadelta, model.parameters(), lr=0.5)
    assert isinstance(adadelta, torch.optim.Adadelta) and adadelta.defaults['lr'] == 0.5
    groups = [{'params': [model.weight], 'lr': 0.1}, {'params': [model.bias]}]
    _fused_optimizer(torch.optim.Adadelta, groups, lr=0.5)
    assert groups == [{'params': [model.weight], 'lr': 0.1}, {'params': [model.bias]}]
