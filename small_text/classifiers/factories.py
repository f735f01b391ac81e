"""Factories that create fresh classifiers, e.g. one per active learning iteration."""
from abc import ABC, abstractmethod

from sklearn.base import BaseEstimator, clone

from small_text.classifiers.classification import SklearnClassifier
from small_text.utils._validation import check_integer


class AbstractClassifierFactory(ABC):
    """Abstract base class of classifier factories."""

    @abstractmethod
    def new(self):
        """Create a new classifier.

        Returns
        -------
        classifier : Classifier
        """


class SklearnClassifierFactory(AbstractClassifierFactory):
    """Creates :class:`~small_text.classifiers.classification.SklearnClassifier` objects.

    Parameters
    ----------
    base_estimator : BaseEstimator
        A scikit-learn estimator; each new classifier gets a fresh clone of it.
    num_classes : int
        Number of classes.
    kwargs : dict, default={}
        Extra keyword arguments for the constructor of every classifier the factory builds (e.g.
        ``{'multi_label': True}``). A copy is stored.

    Raises
    ------
    ValueError
        If ``base_estimator`` is not a scikit-learn estimator, ``num_classes`` is not a
        positive integer or ``kwargs`` is not a dict. The remaining checks of
        :class:`~small_text.classifiers.classification.SklearnClassifier` run in
        :meth:`new`.
    """

    def __init__(self, base_estimator, num_classes, kwargs={}):  # noqa: B006 (copied below)
        if not issubclass(type(base_estimator), BaseEstimator):
            raise ValueError('Given classifier template must be a subclass of '
                             'sklearn.base.BaseEstimator. Encountered class was: '
                             + str(type(base_estimator)))
        check_integer(num_classes, 'num_classes', 1)
        if not isinstance(kwargs, dict):
            raise ValueError(f'kwargs must be a dict of SklearnClassifier keyword arguments, but '
                             f'got {type(kwargs).__name__}.')
        self.base_estimator = base_estimator
        self.num_classes = num_classes
        self.kwargs = dict(kwargs)

    def new(self):
        """Create a new classifier around a fresh, unfitted clone of ``base_estimator``.

        Returns
        -------
        classifier : SklearnClassifier
        """
        return SklearnClassifier(clone(self.base_estimator), self.num_classes, **self.kwargs)

    def __str__(self):
        return (f'SklearnClassifierFactory(base_estimator={type(self.base_estimator).__name__}, '
                f'num_classes={self.num_classes}, kwargs={self.kwargs})')
