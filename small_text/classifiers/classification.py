"""The classifier interface and the scikit-learn adapter."""
import inspect
import warnings
from abc import ABC, abstractmethod

import numpy as np
from scipy.special import expit
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import validate_parameter_constraints
from sklearn.utils.multiclass import is_multilabel

from small_text.utils._validation import check_integer
from small_text.utils.classification import empty_result, prediction_result
from small_text.utils.data import check_training_data

_CONSTANT_LABEL_WARNING = r'Label (not )?\S+ is present in all training examples'
"""scikit-learn's OneVsRestClassifier warning about a label with a single value."""


class Classifier(ABC):
    """Base class of every classifier that the active learner trains and queries.

    Implementations are expected to have the attributes ``num_classes`` and ``multi_label``.
    """

    @abstractmethod
    def fit(self, train_set, weights=None):
        """Fit the classifier on a training set.

        Parameters
        ----------
        train_set : Dataset
            The training data.
        weights : np.ndarray[np.double] or None, default=None
            Sample weights (one per sample of ``train_set``) or None.

        Returns
        -------
        clf : Classifier
            The fitted classifier.
        """

    @abstractmethod
    def predict(self, data_set, return_proba=False, multi_label_threshold=0.5, **kwargs):
        """Predict the label(s) of every item of ``data_set``.

        Parameters
        ----------
        data_set : Dataset
            The items to predict.
        return_proba : bool, default=False
            Whether to return the class probabilities as well.
        multi_label_threshold : float, default=0.5
            Multi-label only: a label is predicted if its probability exceeds this value.

        Returns
        -------
        predictions : np.ndarray of int64 (n,) or csr_matrix (n, num_classes)
            Single-label or multi-label predictions.
        proba : np.ndarray or csr_matrix, only if ``return_proba``
            The probabilities.
        """

    @abstractmethod
    def predict_proba(self, data_set, multi_label_threshold=0.5, **kwargs):
        """Return the class probabilities of every item of ``data_set``.

        Parameters
        ----------
        data_set : Dataset
            The items to predict.
        multi_label_threshold : float, default=0.5
            Multi-label threshold, for implementations that need it.

        Returns
        -------
        proba : np.ndarray or csr_matrix of shape (n_samples, num_classes)
        """


class EmbeddingMixin(ABC):
    """Abstract mixin for classifiers that can embed samples."""

    @abstractmethod
    def embed(self, data_set, return_proba=False, multi_label_threshold=0.5, **kwargs):
        """Embed the samples of ``data_set``.

        Parameters
        ----------
        data_set : Dataset
            The samples to embed.
        return_proba : bool, default=False
            If True, also return the predicted probabilities.
        multi_label_threshold : float, default=0.5
            Multi-label threshold, for implementations that need it.

        Returns
        -------
        embeddings : np.ndarray of shape (n_samples, embedding_size)
        proba : np.ndarray, only if ``return_proba``
        """


class SklearnClassifier(Classifier):
    """An adapter for using scikit-learn estimators.

    Parameters
    ----------
    model : BaseEstimator
        Any scikit-learn estimator with ``fit`` and ``predict_proba``.
    num_classes : int
        How many classes the task has: at least 2 (single-label) or
        1 (multi-label).
    multi_label : bool, default=False
        Whether an item may carry several labels; when False every prediction is exactly one class.
        If True, ``model`` is wrapped in a
        :class:`~sklearn.multiclass.OneVsRestClassifier`.

    Attributes
    ----------
    model : BaseEstimator
        The (possibly wrapped) estimator.

    Notes
    -----
    Multi-label data: a label that has one value only in the training labels (assigned to no
    text, or to every text) cannot be learned from them. Such a label gets a constant
    prediction, probability 0 (or 1) for every text, and no warning: early in active
    learning most labels of a large label set are in this state, and scikit-learn would
    warn about each of them in every round.

    Raises
    ------
    ValueError
        If ``model`` lacks ``fit`` or ``predict_proba``, ``multi_label`` is not a bool, or
        ``num_classes`` is not an integer of at least 2 (single-label) or 1 (multi-label).
    """

    def __init__(self, model, num_classes, multi_label=False):
        missing = [name for name in ('fit', 'predict_proba') if not hasattr(model, name)]
        if missing:
            raise ValueError(f'model must implement fit and predict_proba, but '
                             f'{type(model).__name__} lacks {" and ".join(missing)}. '
                             f'For a LinearSVC use ConfidenceEnhancedLinearSVC instead; for an '
                             f'SVC pass probability=True.')
        if not isinstance(multi_label, (bool, np.bool_)):
            raise ValueError(f'multi_label must be True or False, but got '
                             f'multi_label={multi_label!r}.')
        check_integer(num_classes, 'num_classes', 1 if multi_label else 2)
        self.model = OneVsRestClassifier(model) if multi_label else model
        self.num_classes = num_classes
        self.multi_label = multi_label

    def fit(self, train_set, weights=None):
        """Fit the classifier on a training set.

        Parameters
        ----------
        train_set : SklearnDataset
            The training data.
        weights : np.ndarray[np.double] or None, default=None
            Sample weights or None (single-label only).

        Returns
        -------
        clf : SklearnClassifier
            The current classifier with a fitted model.

        Raises
        ------
        ValueError
            If the training data is unlabeled or empty, the weights are invalid or given for
            multi-label data, or the labels do not match ``multi_label``.
        """
        check_training_data(train_set, None, weights=weights)

        y = train_set.y
        if self.multi_label and weights is not None:
            raise ValueError('Sample weights are not supported for multi-label '
                             'SklearnClassifier.')
        if self.multi_label and not is_multilabel(y):
            raise ValueError('Invalid input: Given labeling must be recognized as multi-label '
                             'according to sklearn.utils.multiclass.is_multilabel(y)')
        if not self.multi_label and is_multilabel(y):
            raise ValueError('Invalid input: Given labeling is recognized as multi-label '
                             'labeling but the classifier is set to single-label mode')
        if len(train_set) == 0:
            raise ValueError('train_set must contain at least one sample, but it is empty.')

        if self.multi_label:
            with warnings.catch_warnings():
                # a label with one value only is handled: see "Multi-label data" above
                warnings.filterwarnings('ignore', message=_CONSTANT_LABEL_WARNING,
                                        category=UserWarning)
                self.model.fit(train_set.x, y)
        else:
            self.model.fit(train_set.x, y, sample_weight=weights)
        return self

    def predict(self, data_set, return_proba=False, multi_label_threshold=0.5):
        """Predict the labels for the given dataset.

        Parameters
        ----------
        data_set : SklearnDataset
            The items to predict.
        return_proba : bool, default=False
            Whether to return the class probabilities as well.
        multi_label_threshold : float, default=0.5
            Multi-label only: a label is predicted if its probability exceeds this value.

        Returns
        -------
        predictions : np.ndarray[np.int64] or csr_matrix
            Argmax column indices (single-label), or a csr matrix of predicted labels
            (multi-label).
        probas : np.ndarray[np.double] or csr_matrix
            The probabilities, if ``return_proba`` is True (a csr matrix of the predicted
            labels' probabilities for multi-label).
        """
        if len(data_set) == 0:
            return empty_result(self.multi_label, self.num_classes, return_prediction=True,
                                return_proba=return_proba)
        proba = self._predict_proba(data_set.x)
        return prediction_result(proba, self.multi_label, self.num_classes,
                                 return_proba=return_proba,
                                 multi_label_threshold=multi_label_threshold)

    def predict_proba(self, data_set, multi_label_threshold=0.5):
        """Return the class probabilities of every item of ``data_set``.

        Parameters
        ----------
        data_set : SklearnDataset
            The items to predict.
        multi_label_threshold : float, default=0.5
            Unused; present for interface compatibility.

        Returns
        -------
        proba : np.ndarray of shape (n_samples, num_classes)
            The model's probabilities (dense, also for multi-label). For an empty
            ``data_set``: an empty (0, num_classes) ndarray, or csr matrix if multi-label.
        """
        if len(data_set) == 0:
            return empty_result(self.multi_label, self.num_classes, return_prediction=False,
                                return_proba=True)
        return self._predict_proba(data_set.x)

    def _predict_proba(self, x):
        """Return the model's probabilities with one column per class id.

        A single-label model trained on a subset of the classes returns fewer columns; they
        are placed at their class ids (``model.classes_``) and the absent classes get 0, so
        argmax positions are always class ids. small-text 2.0 returns the raw columns, which
        shifts the predicted ids whenever a class is missing from the training data.
        """
        proba = self.model.predict_proba(x)
        classes = getattr(self.model, 'classes_', None)
        if self.multi_label or classes is None or proba.shape[1] == self.num_classes:
            return proba
        full = np.zeros((proba.shape[0], self.num_classes), dtype=proba.dtype)
        full[:, np.asarray(classes, dtype=np.int64)] = proba
        return full


_LINEARSVC_DEFAULTS = {name: parameter.default for name, parameter
                       in inspect.signature(LinearSVC.__init__).parameters.items()
                       if name in LinearSVC._get_param_names()}
"""The parameters of :class:`~sklearn.svm.LinearSVC` and their defaults."""


def _linearsvc_parameter(name):
    """A read-only property that reads the LinearSVC parameter ``name`` from
    ``linearsvc_kwargs``, falling back to the LinearSVC default."""
    def getter(self):
        kwargs = self.linearsvc_kwargs if isinstance(self.linearsvc_kwargs, dict) else {}
        return kwargs.get(name, _LINEARSVC_DEFAULTS[name])
    return property(getter, doc=f'The LinearSVC parameter ``{name}`` (see linearsvc_kwargs).')


def _with_linearsvc_parameters(cls):
    """Class decorator that adds a :func:`_linearsvc_parameter` property per LinearSVC
    parameter, so that the inherited LinearSVC methods find them without ``__init__`` setting
    them."""
    for name in _LINEARSVC_DEFAULTS:
        setattr(cls, name, _linearsvc_parameter(name))
    return cls


@_with_linearsvc_parameters
class ConfidenceEnhancedLinearSVC(LinearSVC):
    """A :class:`~sklearn.svm.LinearSVC` with sigmoid-based confidence estimates.

    Parameters
    ----------
    linearsvc_kwargs : dict or None, default=None
        Keyword arguments passed to :class:`~sklearn.svm.LinearSVC` (None means ``{}``). They
        are validated by :meth:`fit`.

    Notes
    -----
    ``get_params`` returns exactly ``{'linearsvc_kwargs': ...}``, so ``sklearn.base.clone``
    keeps the LinearSVC settings. The LinearSVC parameters (``C``, ``max_iter``, ...) are
    read-only attributes taken from ``linearsvc_kwargs``; change them with
    :meth:`set_params`.

    Differences from small-text 2.0: the constructor only stores ``linearsvc_kwargs``
    unchanged (small-text 2.0 replaces None by ``{}`` and passes the dict on to LinearSVC at
    once), ``set_params`` merges individual LinearSVC parameters into ``linearsvc_kwargs``
    so that ``get_params`` round-trips, and invalid arguments are reported by :meth:`fit`.
    The estimator passes scikit-learn's ``check_estimator`` except where ``LinearSVC``
    itself fails.
    """

    _parameter_constraints = {'linearsvc_kwargs': [dict, None]}

    def __init__(self, linearsvc_kwargs=None):
        self.linearsvc_kwargs = linearsvc_kwargs

    def set_params(self, **params):
        """Set ``linearsvc_kwargs`` and/or individual LinearSVC parameters (e.g. ``C``).

        Individual parameters are merged into (a copy of) ``linearsvc_kwargs``.

        Returns
        -------
        self : ConfidenceEnhancedLinearSVC

        Raises
        ------
        ValueError
            If a parameter is neither ``linearsvc_kwargs`` nor a LinearSVC parameter, or if
            LinearSVC parameters are given while ``linearsvc_kwargs`` is not a dict.
        """
        invalid = sorted(set(params) - set(_LINEARSVC_DEFAULTS) - {'linearsvc_kwargs'})
        if invalid:
            raise ValueError(f'Invalid parameters {invalid} for ConfidenceEnhancedLinearSVC. '
                             f'Valid are linearsvc_kwargs and the parameters of LinearSVC.')
        if 'linearsvc_kwargs' in params:
            self.linearsvc_kwargs = params.pop('linearsvc_kwargs')
        if params:
            if self.linearsvc_kwargs is not None and not isinstance(self.linearsvc_kwargs, dict):
                raise ValueError(f'linearsvc_kwargs must be a dict or None to set individual '
                                 f'LinearSVC parameters, but it is '
                                 f'{type(self.linearsvc_kwargs).__name__}.')
            self.linearsvc_kwargs = {**(self.linearsvc_kwargs or {}), **params}
        return self

    def _validate_params(self):
        """Validate ``linearsvc_kwargs`` (type, names, and each value against the constraints
        of LinearSVC); called by :meth:`fit`.

        Raises
        ------
        ValueError
            If ``linearsvc_kwargs`` is not a dict or None, names an unknown parameter, or holds
            an invalid value (scikit-learn's ``InvalidParameterError``, a ValueError).
        """
        super()._validate_params()
        kwargs = self.linearsvc_kwargs or {}
        unknown = sorted(set(kwargs) - set(_LINEARSVC_DEFAULTS))
        if unknown:
            raise ValueError(f'linearsvc_kwargs holds {unknown}, which are not parameters of '
                             f'LinearSVC. Valid are {sorted(_LINEARSVC_DEFAULTS)}.')
        validate_parameter_constraints(
            LinearSVC._parameter_constraints, {**_LINEARSVC_DEFAULTS, **kwargs},
            caller_name='ConfidenceEnhancedLinearSVC (linearsvc_kwargs)')

    def predict_proba(self, x):
        """Return confidence estimates in [0, 1] of shape (n_samples, n_classes).

        Binary: ``[1 - sigmoid(s), sigmoid(s)]`` for the decision value s. Multiclass: the
        element-wise sigmoid of the decision values, L1-normalised per row.
        """
        scores = self.decision_function(x)
        if scores.ndim == 1:
            positive = expit(scores)
            return np.column_stack([1 - positive, positive])
        return normalize(expit(scores), norm='l1')

    def predict(self, x, return_proba=False):
        """Predict class labels; with ``return_proba``, ``(argmax(proba, axis=1), proba)``."""
        if return_proba:
            proba = self.predict_proba(x)
            return np.argmax(proba, axis=1), proba
        return super().predict(x)
