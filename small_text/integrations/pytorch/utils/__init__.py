"""Utilities of the PyTorch integration."""
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch  # noqa: F401
except ImportError as e:
    raise PytorchNotFoundError() from e

from small_text.integrations.pytorch.utils.data import dataloader, get_class_weights

__all__ = ['dataloader', 'get_class_weights']
