"""PyTorch integration. Needs the extra ``pytorch``: ``pip install "small-text[pytorch]"``.

Without torch this package imports, its ``__all__`` is empty, and every integration name
raises :class:`~small_text.integrations.pytorch.exceptions.PytorchNotFoundError` naming the
extra to install.
"""
from small_text.integrations._missing import _make_missing_getattr
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

__all__ = []

INTEGRATION_NAMES = (
    'AMPArguments', 'PytorchModelSelectionMixin', 'PytorchClassifier', 'KimCNNClassifierFactory',
    'KimCNN', 'kimcnn_collate_fn', 'KimCNNEmbeddingMixin', 'KimCNNClassifier',
    'DiscriminativeRepresentationLearning', 'ExpectedGradientLength',
    'ExpectedGradientLengthLayer', 'ExpectedGradientLengthMaxWord', 'PytorchDataset',
    'PytorchDatasetView', 'PytorchTextClassificationDataset',
    'PytorchTextClassificationDatasetView',
)

__getattr__ = _make_missing_getattr(__name__, INTEGRATION_NAMES, 'pytorch', ('torch',),
                                    PytorchNotFoundError)
