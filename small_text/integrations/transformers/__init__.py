"""Transformers integration. Needs the extra ``transformers``:
``pip install "small-text[transformers]"``.

:class:`ModelLoadingStrategy` and :func:`get_default_model_loading_strategy` need neither
torch nor transformers; every other integration name raises
:class:`~small_text.integrations.pytorch.exceptions.PytorchNotFoundError` naming the extra to
install.
"""
from small_text.integrations._missing import _make_missing_getattr
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError
from small_text.integrations.transformers.classifiers.base import (
    ModelLoadingStrategy,
    get_default_model_loading_strategy,
)

__all__ = ['ModelLoadingStrategy', 'get_default_model_loading_strategy']

INTEGRATION_NAMES = (
    'transformers_collate_fn', 'TransformerModelArguments', 'TransformerBasedClassification',
    'TransformerBasedEmbeddingMixin', 'FineTuningArguments', 'SetFitClassification',
    'SetFitModelArguments', 'SetFitClassificationEmbeddingMixin',
    'TransformerBasedClassificationFactory', 'SetFitClassificationFactory',
    'TransformersDataset', 'TransformersDatasetView',
)

__getattr__ = _make_missing_getattr(__name__, INTEGRATION_NAMES, 'transformers',
                                    ('torch', 'transformers'), PytorchNotFoundError)
