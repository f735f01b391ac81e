"""Factories for the transformer-based classifiers."""
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch  # noqa: F401
except ImportError as e:
    raise PytorchNotFoundError() from e

from small_text.classifiers.factories import AbstractClassifierFactory
from small_text.integrations.transformers.classifiers.classification import (
    TransformerBasedClassification,
)
from small_text.integrations.transformers.classifiers.setfit import SetFitClassification


class TransformerBasedClassificationFactory(AbstractClassifierFactory):
    """Creates :class:`~small_text.integrations.transformers.classifiers.classification.
    TransformerBasedClassification` objects.

    Parameters
    ----------
    transformer_model_args : TransformerModelArguments
        Passed (as is, not copied) to every classifier.
    num_classes : int
        Number of classes.
    classification_kwargs : dict, default={}
        Keyword arguments that are passed to the constructor of each classifier that is built
        by the factory. A copy is stored.
    """

    def __init__(self, transformer_model_args, num_classes,
                 classification_kwargs={}):  # noqa: B006 (copied below)
        self.transformer_model_args = transformer_model_args
        self.num_classes = num_classes
        self.classification_kwargs = dict(classification_kwargs)

    def new(self):
        """Create a new TransformerBasedClassification instance.

        Returns
        -------
        classifier : TransformerBasedClassification
            A new classifier, initialized with ``transformer_model_args``, ``num_classes`` and
            the keyword args ``classification_kwargs``.
        """
        return TransformerBasedClassification(self.transformer_model_args, self.num_classes,
                                              **self.classification_kwargs)

    def __str__(self):
        return (f'TransformerBasedClassificationFactory(transformer_model_args='
                f'{self.transformer_model_args!r}, num_classes={self.num_classes}, '
                f'classification_kwargs={self.classification_kwargs})')


class SetFitClassificationFactory(AbstractClassifierFactory):
    """Creates :class:`~small_text.integrations.transformers.classifiers.setfit.
    SetFitClassification` objects.

    Parameters
    ----------
    setfit_model_args : SetFitModelArguments
        Passed (as is, not copied) to every classifier.
    num_classes : int
        Number of classes.
    classification_kwargs : dict, default={}
        Keyword arguments that are passed to the constructor of each classifier that is built
        by the factory. A copy is stored.
    """

    def __init__(self, setfit_model_args, num_classes,
                 classification_kwargs={}):  # noqa: B006 (copied below)
        self.setfit_model_args = setfit_model_args
        self.num_classes = num_classes
        self.classification_kwargs = dict(classification_kwargs)

    def new(self):
        """Create a new SetFitClassification instance.

        Returns
        -------
        classifier : SetFitClassification
            A new classifier, initialized with ``setfit_model_args``, ``num_classes`` and the
            keyword args ``classification_kwargs``.

        Raises
        ------
        MissingOptionalDependencyError
            If setfit is not installed.
        """
        return SetFitClassification(self.setfit_model_args, self.num_classes,
                                    **self.classification_kwargs)

    def __str__(self):
        return (f'SetFitClassificationFactory(setfit_model_args={self.setfit_model_args!r}, '
                f'num_classes={self.num_classes}, '
                f'classification_kwargs={self.classification_kwargs})')
