"""Factories for the PyTorch classifiers."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch  # noqa: F401
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.classifiers.factories import AbstractClassifierFactory
from small_text.integrations.pytorch.classifiers.kimcnn import KimCNNClassifier


class KimCNNClassifierFactory(AbstractClassifierFactory):
    """Creates :class:`~small_text.integrations.pytorch.classifiers.kimcnn.KimCNNClassifier`
    objects.

    Parameters
    ----------
    num_classes : int
        Number of classes.
    classification_kwargs : dict, default={}
        Extra keyword arguments for the constructor of every classifier the factory builds (e.g.
        ``embedding_matrix``, which is required). A copy is stored.
    """

    def __init__(self, num_classes, classification_kwargs={}):  # noqa: B006 (copied below)
        self.num_classes = num_classes
        self.classification_kwargs = dict(classification_kwargs)

    def new(self):
        """Create a new KimCNNClassifier instance.

        Returns
        -------
        classifier : KimCNNClassifier
            A freshly built KimCNNClassifier configured with the factory's keyword arguments
            ``classification_kwargs``.
        """
        return KimCNNClassifier(self.num_classes, **self.classification_kwargs)

    def __str__(self):
        return (f'KimCNNClassifierFactory(num_classes={self.num_classes}, '
                f'classification_kwargs={self.classification_kwargs})')
