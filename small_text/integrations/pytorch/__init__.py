"""PyTorch integration. Needs the extra ``pytorch``: ``pip install "small-text[pytorch]"``.

Without torch this package imports, its ``__all__`` is empty, and every integration name
raises :class:`~small_text.integrations.pytorch.exceptions.PytorchNotFoundError` naming the
extra to install.

With torch, the names are imported lazily on first access, so importing this package (or
building the name index of :mod:`small_text`) does not import torch.
"""
import importlib
import importlib.util

from small_text.integrations._missing import _make_missing_getattr
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

INTEGRATION_NAMES = (
    'AMPArguments', 'PytorchModelSelectionMixin', 'PytorchClassifier', 'KimCNNClassifierFactory',
    'KimCNN', 'kimcnn_collate_fn', 'KimCNNEmbeddingMixin', 'KimCNNClassifier',
    'DiscriminativeRepresentationLearning', 'ExpectedGradientLength',
    'ExpectedGradientLengthLayer', 'ExpectedGradientLengthMaxWord', 'PytorchDataset',
    'PytorchDatasetView', 'PytorchTextClassificationDataset',
    'PytorchTextClassificationDatasetView',
)
"""Every name of the integration, in the order of ``__all__`` (spec group 10)."""

_MODULE_OF_NAME = {
    'AMPArguments': 'small_text.integrations.pytorch.classifiers.base',
    'PytorchModelSelectionMixin': 'small_text.integrations.pytorch.classifiers.base',
    'PytorchClassifier': 'small_text.integrations.pytorch.classifiers.base',
    'AbstractClassifierFactory': 'small_text.classifiers.factories',
    'KimCNNClassifierFactory': 'small_text.integrations.pytorch.classifiers.factories',
    'KimCNN': 'small_text.integrations.pytorch.models.kimcnn',
    'kimcnn_collate_fn': 'small_text.integrations.pytorch.classifiers.kimcnn',
    'KimCNNEmbeddingMixin': 'small_text.integrations.pytorch.classifiers.kimcnn',
    'KimCNNClassifier': 'small_text.integrations.pytorch.classifiers.kimcnn',
    'PytorchNotFoundError': 'small_text.integrations.pytorch.exceptions',
    'PytorchDataset': 'small_text.integrations.pytorch.datasets',
    'PytorchDatasetView': 'small_text.integrations.pytorch.datasets',
    'PytorchTextClassificationDataset': 'small_text.integrations.pytorch.datasets',
    'PytorchTextClassificationDatasetView': 'small_text.integrations.pytorch.datasets',
    'DiscriminativeRepresentationLearning':
        'small_text.integrations.pytorch.query_strategies.strategies',
    'ExpectedGradientLength': 'small_text.integrations.pytorch.query_strategies.strategies',
    'ExpectedGradientLengthLayer': 'small_text.integrations.pytorch.query_strategies.strategies',
    'ExpectedGradientLengthMaxWord':
        'small_text.integrations.pytorch.query_strategies.strategies',
}
"""Where the implemented names live. A name of ``INTEGRATION_NAMES`` that is missing here
(not implemented yet) raises AttributeError when accessed with torch installed."""

_ALL_ORDER = (
    'AMPArguments', 'PytorchModelSelectionMixin', 'PytorchClassifier', 'AbstractClassifierFactory',
    'KimCNNClassifierFactory', 'KimCNN', 'kimcnn_collate_fn', 'KimCNNEmbeddingMixin',
    'KimCNNClassifier', 'DiscriminativeRepresentationLearning', 'ExpectedGradientLength',
    'ExpectedGradientLengthLayer', 'ExpectedGradientLengthMaxWord', 'PytorchNotFoundError',
    'PytorchDataset', 'PytorchDatasetView', 'PytorchTextClassificationDataset',
    'PytorchTextClassificationDatasetView',
)

_missing_getattr = _make_missing_getattr(__name__, INTEGRATION_NAMES, 'pytorch', ('torch',),
                                         PytorchNotFoundError)

if importlib.util.find_spec('torch') is None:
    __all__ = []
    __getattr__ = _missing_getattr
else:
    __all__ = [name for name in _ALL_ORDER if name in _MODULE_OF_NAME]

    def __getattr__(name):
        module_name = _MODULE_OF_NAME.get(name)
        if module_name is None:
            return _missing_getattr(name)
        value = getattr(importlib.import_module(module_name), name)
        globals()[name] = value
        return value
