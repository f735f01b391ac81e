"""Context managers for inference."""
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError() from e


def inference_mode():
    """Return a context manager that disables autograd for inference.

    Returns
    -------
    context : torch.inference_mode
        Tensors created inside cannot be used in autograd later; copy them first if needed.
    """
    return torch.inference_mode()
