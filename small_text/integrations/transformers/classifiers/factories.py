"""Factories for the transformer-based classifiers."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch  # noqa: F401
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'transformers')) from e

from small_text.classifiers.factories import AbstractClassifierFactory
from small_text.integrations.transformers.classifiers.classification import (
    TransformerBasedClassification,
)
from small_text.integrations.transformers.classifiers.setfit import SetFitClassification


class _PretrainedModelClassifierFactory(AbstractClassifierFactory):
    """Base of the factories whose classifiers take model arguments and ``num_classes``.

    Subclasses set ``_CLASSIFIER`` (the classifier class) and ``_MODEL_ARGS_NAME`` (the
    attribute that holds the model arguments, named as the constructor parameter).
    """

    _CLASSIFIER = None
    _MODEL_ARGS_NAME = None

    def __init__(self, model_args, num_classes, classification_kwargs):
        setattr(self, self._MODEL_ARGS_NAME, model_args)
        self.num_classes = num_classes
        self.classification_kwargs = dict(classification_kwargs)

    def new(self):
        """Create a new classifier of type ``_CLASSIFIER``.

        Returns
        -------
        classifier : TransformerBasedClassification or SetFitClassification
            A new classifier, initialized with the model arguments, ``num_classes`` and the
            keyword args ``classification_kwargs``.

        Raises
        ------
        MissingOptionalDependencyError
            If the classifier needs an optional dependency that is not installed (setfit for
            SetFitClassification).
        """
        return self._CLASSIFIER(getattr(self, self._MODEL_ARGS_NAME), self.num_classes,
                                **self.classification_kwargs)

    def __str__(self):
        return (f'{type(self).__name__}({self._MODEL_ARGS_NAME}='
                f'{getattr(self, self._MODEL_ARGS_NAME)!r}, num_classes={self.num_classes}, '
                f'classification_kwargs={self.classification_kwargs})')


class TransformerBasedClassificationFactory(_PretrainedModelClassifierFactory):
    """Creates :class:`~small_text.integrations.transformers.TransformerBasedClassification`
    objects.

    Parameters
    ----------
    transformer_model_args : TransformerModelArguments
        Passed (as is, not copied) to every classifier.
    num_classes : int
        Number of classes.
    classification_kwargs : dict, default={}
        Extra keyword arguments for the constructor of every classifier the factory builds. A copy
        is stored.
    """

    _CLASSIFIER = TransformerBasedClassification
    _MODEL_ARGS_NAME = 'transformer_model_args'

    def __init__(self, transformer_model_args, num_classes,
                 classification_kwargs={}):  # noqa: B006 (copied in the base class)
        super().__init__(transformer_model_args, num_classes, classification_kwargs)


class SetFitClassificationFactory(_PretrainedModelClassifierFactory):
    """Creates :class:`~small_text.integrations.transformers.SetFitClassification` objects.

    Parameters
    ----------
    setfit_model_args : SetFitModelArguments
        Passed (as is, not copied) to every classifier.
    num_classes : int
        Number of classes.
    classification_kwargs : dict, default={}
        Extra keyword arguments for the constructor of every classifier the factory builds. A copy
        is stored.
    """

    _CLASSIFIER = SetFitClassification
    _MODEL_ARGS_NAME = 'setfit_model_args'

    def __init__(self, setfit_model_args, num_classes,
                 classification_kwargs={}):  # noqa: B006 (copied in the base class)
        super().__init__(setfit_model_args, num_classes, classification_kwargs)
