"""Dropout control, model compilation and module checks."""
from contextlib import contextmanager

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
    from torch import nn
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

DROPOUT_MODULES = (nn.Dropout, nn.Dropout2d, nn.Dropout3d, nn.AlphaDropout,
                   nn.FeatureAlphaDropout)
"""The module types that :func:`enable_dropout` switches on."""


@contextmanager
def enable_dropout(model):
    """Switch the dropout modules of ``model`` to training mode while the block runs.

    Only the modules of a type in :data:`DROPOUT_MODULES` that are in eval mode are switched;
    exactly those are put back into eval mode on exit. Used for Monte Carlo dropout sampling.

    Parameters
    ----------
    model : torch.nn.Module
        The model.

    Yields
    ------
    model : torch.nn.Module
        The given model.
    """
    switched = [module for module in model.modules()
                if isinstance(module, DROPOUT_MODULES) and not module.training]
    for module in switched:
        module.train()
    try:
        yield model
    finally:
        for module in switched:
            module.eval()


def _compile_if_possible(model, compile_model=True):
    """Return ``torch.compile(model)`` if ``compile_model`` is True, else ``model``."""
    if compile_model:
        return torch.compile(model)
    return model


def _fused_optimizer(optimizer_class, params, **kwargs):
    """``optimizer_class(params, **kwargs)``, with the fused implementation (one kernel for all
    parameters, e.g. of Adam or AdamW) where the class and the device support it.

    On the CPU the fused update is several times faster than the default, which matters
    because every step updates all weights (for KimCNN: the whole embedding matrix).
    """
    params = list(params)

    def fresh():  # the optimizer adds its defaults to the parameter-group dicts
        return [dict(group) if isinstance(group, dict) else group for group in params]

    try:
        return optimizer_class(fresh(), fused=True, **kwargs)
    except (RuntimeError, ValueError, TypeError):
        return optimizer_class(fresh(), **kwargs)


def _assert_layer_exists(module, layer_name):
    """Raise a ValueError unless ``module`` has a submodule named ``layer_name``.

    Raises
    ------
    ValueError
        If ``layer_name`` is not among ``dict(module.named_modules())``.
    """
    names = [name for name, _ in module.named_modules() if name != '']
    if layer_name not in names:
        raise ValueError(f'Given layer "{layer_name}" does not exist in the model. '
                         f'Available layers: {names}.')


def _unwrap(model):
    """The original module of a model compiled with :func:`torch.compile`."""
    return getattr(model, '_orig_mod', model)
