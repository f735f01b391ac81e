"""Utilities of the PyTorch integration."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch  # noqa: F401
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.integrations.pytorch.utils.data import dataloader, get_class_weights

__all__ = ['dataloader', 'get_class_weights']
