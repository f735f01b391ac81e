"""Transformers integration. Needs the extra ``transformers``:
``pip install "small-text[transformers]"`` (SetFit also needs ``small-text[setfit]``).

:class:`ModelLoadingStrategy` and :func:`get_default_model_loading_strategy` need neither
torch nor transformers. With torch and transformers installed, the other names are imported
lazily on first access, so importing this package (or building the name index of
:mod:`small_text`) imports neither. Without them, ``__all__`` holds only the two names above
and every other integration name raises
:class:`~small_text.integrations.pytorch.exceptions.PytorchNotFoundError` naming the extra to
install.
"""
import importlib
import importlib.util

from small_text.integrations._missing import _make_missing_getattr
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError
from small_text.integrations.transformers.classifiers.base import (
    ModelLoadingStrategy,
    get_default_model_loading_strategy,
)

INTEGRATION_NAMES = (
    'transformers_collate_fn', 'TransformerModelArguments', 'TransformerBasedClassification',
    'TransformerBasedEmbeddingMixin', 'FineTuningArguments', 'SetFitClassification',
    'SetFitModelArguments', 'SetFitClassificationEmbeddingMixin',
    'TransformerBasedClassificationFactory', 'SetFitClassificationFactory',
    'TransformersDataset', 'TransformersDatasetView',
)
"""The names that need torch and transformers, in the order of ``__all__``."""

_CLASSIFICATION = 'small_text.integrations.transformers.classifiers.classification'
_SETFIT = 'small_text.integrations.transformers.classifiers.setfit'
_FACTORIES = 'small_text.integrations.transformers.classifiers.factories'
_DATASETS = 'small_text.integrations.transformers.datasets'

_MODULE_OF_NAME = {
    'transformers_collate_fn': _CLASSIFICATION,
    'TransformerModelArguments': _CLASSIFICATION,
    'TransformerBasedClassification': _CLASSIFICATION,
    'TransformerBasedEmbeddingMixin': _CLASSIFICATION,
    'FineTuningArguments': _CLASSIFICATION,
    'SetFitClassification': _SETFIT,
    'SetFitModelArguments': _SETFIT,
    'SetFitClassificationEmbeddingMixin': _SETFIT,
    'TransformerBasedClassificationFactory': _FACTORIES,
    'SetFitClassificationFactory': _FACTORIES,
    'TransformersDataset': _DATASETS,
    'TransformersDatasetView': _DATASETS,
}

_SETFIT_NEEDS = ('setfit', ('torch', 'transformers', 'setfit'))
_missing_getattr = _make_missing_getattr(
    __name__, INTEGRATION_NAMES, 'transformers', ('torch', 'transformers'), PytorchNotFoundError,
    special={name: _SETFIT_NEEDS for name in INTEGRATION_NAMES if name.startswith('SetFit')})

if any(importlib.util.find_spec(name) is None for name in ('torch', 'transformers')):
    __all__ = ['ModelLoadingStrategy', 'get_default_model_loading_strategy']
    __getattr__ = _missing_getattr
else:
    __all__ = ['ModelLoadingStrategy', 'get_default_model_loading_strategy',
               *INTEGRATION_NAMES]

    def __getattr__(name):
        module_name = _MODULE_OF_NAME.get(name)
        if module_name is None:
            return _missing_getattr(name)
        value = getattr(importlib.import_module(module_name), name)
        globals()[name] = value
        return value
