"""Loss adapters."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    from torch import nn
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e


class _LossAdapter2DTo1D(nn.Module):
    """Wraps an element-wise loss (``reduction='none'``) of shape (B, C) and returns the
    per-sample loss of shape (B,), the mean over the last dimension."""

    def __init__(self, base_loss_fct):
        super().__init__()
        self.base_loss_fct = base_loss_fct

    def forward(self, inputs, target):
        return self.base_loss_fct(inputs, target).mean(dim=-1)
