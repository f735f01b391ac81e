"""Private helpers of TransformerBasedClassification: inference batching with dynamic padding, the
layer groups of ULMFiT-style fine-tuning and the slanted triangular learning-rate schedule."""
import math

import numpy as np

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    from torch import nn
    from torch.nn.utils.rnn import pad_sequence
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'transformers')) from e

def _pad_batch(ids, masks, pad_token_id=0):
    """Stack unpadded (1, L_i) id and mask tensors into (B, max L_i) tensors, padding the ids
    with ``pad_token_id`` and the masks with 0."""
    input_ids = pad_sequence([tensor[0] for tensor in ids], batch_first=True,
                             padding_value=pad_token_id)
    attention_mask = pad_sequence([tensor[0] for tensor in masks], batch_first=True,
                                  padding_value=0)
    return input_ids, attention_mask


def _sequence_lengths(x):
    """The widths L of a list of (1, L) tensors, as an int64 array."""
    return np.fromiter((tensor.shape[-1] for tensor in x), dtype=np.int64, count=len(x))


def _inference_batches(lengths, batch_size):
    """Return ``(order, bounds)`` for inference: the items sorted by length (stable) and the
    ``(start, end)`` positions in ``order`` of consecutive batches.

    Every batch holds at most ``batch_size * max(lengths)`` tokens after padding to its
    longest member, the size of a batch of ``batch_size`` of the longest items: batches of
    long items have ``batch_size`` items, batches of shorter items more. Memory therefore stays
    bounded by one full batch, while short texts do not pay the per-batch overhead of many
    small batches.
    """
    order = np.argsort(lengths, kind='stable')
    sorted_lengths = np.maximum(lengths[order], 1)
    num_items = order.shape[0]
    budget = batch_size * int(sorted_lengths[-1]) if num_items > 0 else 0
    bounds = []
    start = 0
    while start < num_items:
        window = sorted_lengths[start:start + budget // int(sorted_lengths[start])]
        padded_sizes = np.arange(1, window.shape[0] + 1) * window
        count = max(1, int(np.searchsorted(padded_sizes, budget, side='right')))
        bounds.append((start, start + count))
        start += count
    return order, bounds


def _validation_points(num_batches, validations_per_epoch):
    """The 1-based batch numbers after which to validate: ``validations_per_epoch`` points
    spread evenly over the epoch, the last one at its end (every batch if there are fewer
    batches than validations)."""
    count = min(validations_per_epoch, num_batches)
    return {math.ceil((k + 1) * num_batches / count) for k in range(count)}


def _layer_groups(model):
    """Split the parameters of a sequence-classification model into layer groups, bottom to
    top: the embeddings, each block of the encoder, the pooler (if any), and the head (every
    parameter outside the base model).

    Returns
    -------
    groups : list of list of torch.nn.Parameter

    Raises
    ------
    ValueError
        If the model's layout is not recognised (no ``encoder.layer`` or ``transformer.layer``)
        or a parameter of the base model falls into no group.
    """
    base_model = getattr(model, 'base_model', model)
    blocks = None
    for container_name in ('encoder', 'transformer'):
        container = getattr(base_model, container_name, None)
        if container is not None and hasattr(container, 'layer'):
            blocks = list(container.layer)
            break
    if blocks is None:
        raise ValueError(f'FineTuningArguments are not supported for '
                         f'{type(model).__name__}: its base model has no encoder.layer or '
                         f'transformer.layer.')
    modules = [getattr(base_model, 'embeddings', None)] + blocks \
        + [getattr(base_model, 'pooler', None)]
    groups = [list(module.parameters()) for module in modules if module is not None]
    groups = [group for group in groups if len(group) > 0]
    base_parameters = {id(parameter) for parameter in base_model.parameters()}
    head = [parameter for parameter in model.parameters() if id(parameter) not in base_parameters]
    if len(head) > 0:
        groups.append(head)

    grouped = {id(parameter) for group in groups for parameter in group}
    ungrouped = [name for name, parameter in model.named_parameters()
                 if id(parameter) not in grouped]
    if len(ungrouped) > 0:
        raise ValueError(f'FineTuningArguments are not supported for {type(model).__name__}: '
                         f'the parameters {ungrouped[:5]} belong to no layer group.')
    return groups


def _discriminative_param_groups(groups, base_lr, layerwise_gradient_decay):
    """Optimizer parameter groups with discriminative learning rates [HR18]: the top group
    gets ``base_lr``, the group k levels below it ``base_lr * decay**k`` (no decay if
    ``layerwise_gradient_decay`` is None, 0 or -1)."""
    decay = layerwise_gradient_decay if layerwise_gradient_decay not in (None, 0, -1) else 1.0
    top = len(groups) - 1
    return [{'params': group, 'lr': base_lr * decay ** (top - j)}
            for j, group in enumerate(groups)]


def _set_trainable_groups(groups, num_trainable):
    """Make the top ``num_trainable`` layer groups trainable and freeze the others."""
    first_trainable = len(groups) - num_trainable
    for j, group in enumerate(groups):
        for parameter in group:
            parameter.requires_grad_(j >= first_trainable)


class _SlantedTriangular:
    """Learning-rate factor of the slanted triangular schedule of ULMFiT [HR18].

    The factor rises linearly from ``1/ratio`` to 1 over the first ``cut_fraction`` of the
    ``num_steps`` steps, then falls linearly back to ``1/ratio`` at the last step:
    ``(1 + p * (ratio - 1)) / ratio`` with ``p = t / cut`` before the cut and
    ``p = 1 - (t - cut) / (num_steps - cut)`` after it.
    """

    def __init__(self, num_steps, cut_fraction, ratio=32):
        self.num_steps = num_steps
        self.cut = max(1, math.floor(num_steps * cut_fraction))
        self.ratio = ratio

    def __call__(self, step):
        if step < self.cut:
            p = step / self.cut
        else:
            p = max(0.0, 1 - (step - self.cut) / max(1, self.num_steps - self.cut))
        return (1 + p * (self.ratio - 1)) / self.ratio


def _output_layer(model, num_classes):
    """The output layer of the classification head: the last :class:`torch.nn.Linear` module
    of ``model`` with ``num_classes`` outputs (``classifier`` in BERT, ``classifier.out_proj``
    in RoBERTa); ValueError if there is none."""
    layers = [module for module in model.modules()
              if isinstance(module, nn.Linear) and module.out_features == num_classes]
    if not layers:
        raise ValueError(f'{type(model).__name__} has no linear layer with {num_classes} '
                         f'outputs, so the input of its classification head cannot be found.')
    return layers[-1]


def _masked_mean(hidden, mask):
    """Mean over the positions where ``mask`` is 1 (at least one position counted)."""
    mask = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)

