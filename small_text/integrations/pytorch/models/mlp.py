"""A multi-layer perceptron."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    from torch import nn
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e


class MLP(nn.Module):
    """Linear -> ReLU -> Linear(hidden, hidden) -> ReLU -> Linear.

    Parameters
    ----------
    input_size : int
        Number of input features.
    hidden_size : int
        Width of the two hidden layers.
    output_size : int
        Number of outputs.
    """

    def __init__(self, input_size, hidden_size, output_size):
        super().__init__()
        self.layers = nn.Sequential(
            nn.Linear(input_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, hidden_size),
            nn.ReLU(),
            nn.Linear(hidden_size, output_size),
        )

    def forward(self, x):
        """Map inputs of shape (B, input_size) to outputs of shape (B, output_size)."""
        return self.layers(x)
