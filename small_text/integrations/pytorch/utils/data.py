"""Batching and class weights."""
import numpy as np
from scipy.sparse import csr_matrix

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.base import LABEL_UNLABELED


def dataloader(data, batch_size, collate_fn, train=True):
    """Return an iterable over the batches of ``data``.

    Parameters
    ----------
    data : sequence or iterable
        The items, e.g. a :class:`~small_text.integrations.pytorch.datasets.
        PytorchTextClassificationDataset` (whose iteration yields its tuples) or a list of them.
    batch_size : int
        Number of items per batch; the last batch may be smaller.
    collate_fn : callable
        Called with the list of items of each batch; its results are the batches.
    train : bool, default=True
        If True, the items are visited in a fresh random order (drawn from NumPy's global
        random generator); otherwise in their order.

    Returns
    -------
    batches : iterator
        ``collate_fn(items)`` for each batch.

    Raises
    ------
    ValueError
        If ``batch_size < 1``.
    """
    if batch_size < 1:
        raise ValueError(f'batch_size must be at least 1, got {batch_size}.')
    items = list(data)
    order = np.random.permutation(len(items)) if train else np.arange(len(items))
    return (collate_fn([items[i] for i in order[start:start + batch_size]])
            for start in range(0, len(items), batch_size))


def get_class_weights(y, num_classes, eps=1e-8):
    """Return class weights inversely proportional to the class frequencies in ``y``.

    With n_c the number of occurrences of class c and S their sum, the weight of class c is
    ``(S - n_c) / max(n_c, 1)``. For two classes the smaller weight is then set to 1.0;
    otherwise all weights are divided by ``max(min(weights), 1)``.

    Parameters
    ----------
    y : np.ndarray or csr_matrix
        Single-label labels (unlabeled entries, -1, are ignored) or a multi-label indicator
        matrix, in which every label occurrence counts.
    num_classes : int
        Number of classes C.
    eps : float, default=1e-8
        Unused; kept for compatibility.

    Returns
    -------
    class_weights : torch.FloatTensor
        Tensor of shape (C,).

    Examples
    --------
    Labels ``[0, 0, 1, 1, 1, 1, 1, 1, 1, 1]`` give the weights ``[4., 1.]``; class counts
    ``[1, 1, 2, 4]`` give ``[7., 7., 3., 1.]``; balanced labels give ones.
    """
    if isinstance(y, csr_matrix):
        labels = y.indices
    else:
        labels = np.asarray(y)
        labels = labels[labels > LABEL_UNLABELED]
    counts = np.bincount(labels, minlength=num_classes)[:num_classes].astype(np.float64)
    weights = (counts.sum() - counts) / np.maximum(counts, 1)
    if num_classes == 2:
        weights[np.argmin(weights)] = 1.0
    else:
        weights /= max(weights.min(), 1)
    return torch.from_numpy(weights).float()


_BUCKET_BATCHES = 50
"""Length-bucketed training batches are cut from chunks of this many batches."""


def _length_bucketed_batches(lengths, batch_size):
    """Return the training batches of one epoch as a list of index arrays.

    The items are shuffled, split into chunks of ``_BUCKET_BATCHES * batch_size`` items, each
    chunk is sorted by length (stable) and cut into batches of ``batch_size``, and the batches
    are shuffled. Every item is in exactly one batch; only the last batch of the last chunk can
    be smaller. Batches of similar lengths need little padding, while the random chunks and
    batch order keep the steps random (as ``group_by_length`` in the transformers Trainer).
    All draws come from NumPy's global random generator.

    Parameters
    ----------
    lengths : np.ndarray[int]
        The length (e.g. in tokens) of each item.
    batch_size : int
        Items per batch.

    Returns
    -------
    batches : list of np.ndarray[int]
        The item indices of each batch, in the order of the training steps.
    """
    permutation = np.random.permutation(lengths.shape[0])
    chunk_size = _BUCKET_BATCHES * batch_size
    batches = []
    for chunk_start in range(0, permutation.shape[0], chunk_size):
        chunk = permutation[chunk_start:chunk_start + chunk_size]
        chunk = chunk[np.argsort(lengths[chunk], kind='stable')]
        batches.extend(chunk[start:start + batch_size]
                       for start in range(0, chunk.shape[0], batch_size))
    return [batches[i] for i in np.random.permutation(len(batches))]
