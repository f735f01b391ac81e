"""Checks on training data."""
import numpy as np

from small_text.base import LABEL_UNLABELED


def list_length(x):
    """Return ``x.shape[0]`` if ``x`` has a shape, else ``len(x)``."""
    if hasattr(x, 'shape'):
        return x.shape[0]
    return len(x)


def check_training_data(train_set, validation_set, weights=None):
    """Check that training (and validation) data is fully labeled and weights are valid.

    Raises
    ------
    ValueError
        If a single-label train or validation set contains unlabeled samples, or if
        ``weights`` has the wrong length or entries that are not finite and positive.
    """
    if train_set.is_multi_label is False:
        if np.any(train_set.y == LABEL_UNLABELED):
            raise ValueError('Training set labels must be labeled (greater or equal zero)')
        if validation_set is not None and np.any(validation_set.y == LABEL_UNLABELED):
            raise ValueError('Validation set labels must be labeled (greater or equal zero)')

    if weights is not None:
        if len(weights) != len(train_set):
            raise ValueError(f'Training data and weights must have the same size '
                             f'(training data: {len(train_set)}, weights: {len(weights)}).')
        weights = np.asarray(weights)
        if weights.dtype.kind not in 'biuf' or not np.all(np.isfinite(weights)):
            raise ValueError('Weights must be finite numbers greater zero.')
        if np.any(weights <= 0):
            raise ValueError('Weights must be greater zero.')
