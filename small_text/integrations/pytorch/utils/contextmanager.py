"""Context managers for inference."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e


def inference_mode():
    """Return a context manager that disables autograd for inference.

    Returns
    -------
    context : torch.inference_mode
        Tensors created inside cannot be used in autograd later; copy them first if needed.
    """
    return torch.inference_mode()
