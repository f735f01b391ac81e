"""Abstract query strategies, the label-type constraint decorator and selection helpers."""
from __future__ import annotations

import functools
import numbers
from abc import ABC, abstractmethod
from enum import Enum
from typing import TYPE_CHECKING, Union

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from small_text.exceptions import ConstraintViolationError
from small_text.query_strategies._params import check_parameters
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.uncertainty import select_smallest

if TYPE_CHECKING:  # pragma: no cover
    from small_text.classifiers.classification import Classifier
    from small_text.data.datasets import Dataset


class QueryStrategy(ABC):
    """Abstract base class of all query strategies."""

    _PARAMETER_CHECKS = {}
    """Checks of the strategy's parameters: attribute name -> check (see
    :mod:`small_text.query_strategies._params`)."""

    def _check_parameters(self):
        """Raise a ValueError or TypeError if a parameter (the attribute of that name) lies
        outside its domain. ``query()`` calls this first, so values set after construction are
        checked too."""
        check_parameters(self, self._PARAMETER_CHECKS)

    @abstractmethod
    def query(self,
              clf: Classifier,
              dataset: Dataset,
              indices_unlabeled: NDArray[np.uint],
              indices_labeled: NDArray[np.uint],
              y: Union[NDArray[np.uint], csr_matrix],
              n: int = 10) -> np.ndarray:
        """Select ``n`` samples from the pool of unlabeled samples.

        Parameters
        ----------
        clf : Classifier
            The current classifier (may be None for strategies that never use it).
        dataset : Dataset or np.ndarray or scipy.sparse.csr_matrix
            The full dataset. It must support ``len()`` and indexing by an int array.
        indices_unlabeled : np.ndarray of int
            Positions in ``dataset`` forming the pool.
        indices_labeled : np.ndarray of int
            Positions in ``dataset`` of the labeled samples.
        y : np.ndarray of int or scipy.sparse.csr_matrix
            Labels aligned with ``indices_labeled`` (a csr matrix means multi-label).
        n : int, default=10
            Number of samples to select.

        Returns
        -------
        indices : np.ndarray of int
            ``n`` distinct dataset positions taken from ``indices_unlabeled``.

        Raises
        ------
        ValueError or TypeError
            Before anything else, if a parameter of the strategy (a constructor argument, or
            the attribute of that name set later) lies outside its domain; the message names
            the parameter, the value and what is allowed.
        """

    @staticmethod
    def _validate_query_input(indices_unlabeled, n):
        """Check that ``n`` samples can be drawn from the pool.

        Raises
        ------
        EmptyPoolException
            If the pool is empty (checked first).
        ValueError
            If ``n`` is not a non-negative integer. ``n == 0`` is valid and selects nothing.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        """
        num_available = len(indices_unlabeled)
        if num_available == 0:
            raise EmptyPoolException('No unlabeled indices available. Cannot query an empty pool.')
        _check_n(n)
        if n > num_available:
            raise PoolExhaustedException(f'Pool exhausted: {num_available} available / '
                                         f'{n} requested')


class ScoringMixin(ABC):
    """Mixin of query strategies that score samples and expose the last scores."""

    @property
    @abstractmethod
    def last_scores(self):
        """The 1-D score array of the last ``score()``/``query()`` call, or None before it."""

    @abstractmethod
    def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Score samples; which rows are covered is stated by each strategy.

        Returns
        -------
        scores : np.ndarray of float
            A 1-D score array.
        """


class ClassificationType(Enum):
    """Kind of labeling a query strategy can handle."""

    SINGLE_LABEL = 'single-label'
    MULTI_LABEL = 'multi-label'

    @staticmethod
    def from_str(classification_type_str):
        """Convert ``'single-label'`` or ``'multi-label'`` to the enum member.

        Raises
        ------
        ValueError
            For any other value.
        """
        for member in ClassificationType:
            if member.value == classification_type_str:
                return member
        raise ValueError(f'Cannot convert string to classification type enum: '
                         f'{classification_type_str}')


def constraints(cls=None, classification_type=None):
    """Class decorator that restricts a query strategy to single- or multi-label data.

    Use it as ``@constraints(classification_type='single-label')``. The decorated class is
    replaced by a subclass (with the original's ``__name__``, ``__qualname__``, ``__module__``
    and ``__doc__``; ``__wrapped__`` is the original class) whose ``query`` checks ``y`` before
    anything else and then delegates to the original ``query``.

    Parameters
    ----------
    cls : type, default=None
        The query strategy class. When None, a decorator is returned.
    classification_type : {'single-label', 'multi-label'} or ClassificationType, default=None
        The required kind of labeling; None disables the check. Strings are converted lazily,
        i.e. an invalid string raises a ValueError only when ``query`` runs.

    Returns
    -------
    cls_or_decorator : type or callable

    Notes
    -----
    A violation raises :class:`small_text.exceptions.ConstraintViolationError`, a subclass of
    the ``RuntimeError`` that small-text 2.0 raises, so existing ``except RuntimeError`` code
    keeps working.
    """
    if cls is None:
        return functools.partial(constraints, classification_type=classification_type)

    @functools.wraps(cls, updated=())
    class QueryStrategyConstraints(cls):

        def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, *args, n=10,
                  **kwargs):
            _check_classification_type(classification_type, y)
            return super().query(clf, dataset, indices_unlabeled, indices_labeled, y, *args,
                                 n=n, **kwargs)

    QueryStrategyConstraints.__wrapped__ = _OwnClassAttribute(QueryStrategyConstraints, cls)
    return QueryStrategyConstraints


class _OwnClassAttribute:
    """A class attribute that subclasses do not inherit.

    ``inspect.signature`` follows ``__wrapped__``; were it inherited, a subclass of a
    constrained class (``ExpectedGradientLengthMaxWord`` of ``ExpectedGradientLength``) would
    report the parent's constructor signature.
    """

    def __init__(self, owner, value):
        self.owner = owner
        self.value = value

    def __get__(self, instance, owner=None):
        if (owner if owner is not None else type(instance)) is self.owner:
            return self.value
        raise AttributeError('__wrapped__')


def _check_classification_type(classification_type, y):
    if classification_type is None:
        return
    if not isinstance(classification_type, ClassificationType):
        classification_type = ClassificationType.from_str(classification_type)

    is_multi_label = isinstance(y, csr_matrix)
    if classification_type == ClassificationType.SINGLE_LABEL and is_multi_label:
        required, encountered = 'single-label', 'multi-label'
    elif classification_type == ClassificationType.MULTI_LABEL and not is_multi_label:
        required, encountered = 'multi-label', 'single-label'
    else:
        return
    raise ConstraintViolationError(f'Invalid configuration: This query strategy requires '
                                   f'classification_type={required} but {encountered} data '
                                   f'was encountered')


def argselect(arr, n, maximum=True, tiebreak=True):
    """Return the positions of the ``n`` largest (or smallest) values of ``arr``.

    Parameters
    ----------
    arr : array-like of shape (n_values,)
        The values to select from; must not contain NaN.
    n : int
        Number of positions to return (``0 <= n <= len(arr)``).
    maximum : bool, default=True
        Select the largest values if True, else the smallest.
    tiebreak : bool, default=True
        If True, values ``np.isclose`` to the n-th best value count as tied: values strictly
        better than that group are always taken, and the remaining slots are filled by drawing
        uniformly from the group with the global NumPy RNG (seed it with ``np.random.seed``).
        If False, ties are broken by ascending position.

    Returns
    -------
    indices : np.ndarray of int64
        The selected positions, best first (``arange(n)`` if ``n == len(arr)``). Randomly
        drawn tied positions come last, in draw order.

    Raises
    ------
    ValueError
        If ``arr`` is not 1-D or contains NaN, or if ``n`` is negative or exceeds ``len(arr)``.

    Notes
    -----
    small-text 2.0 randomises ties only for ``maximum=False``; here both directions do.
    """
    arr = np.asarray(arr)
    if arr.ndim != 1:
        raise ValueError(f'arr must be 1-D, got shape {arr.shape}')
    _check_n(n)
    if n > arr.shape[0]:
        raise ValueError(f'n={n} out of bounds of array with shape {arr.shape}')
    if n == arr.shape[0]:
        return np.arange(n)
    if arr.dtype.kind == 'f' and np.isnan(arr).any():
        raise ValueError('arr must not contain NaN')

    keys = _ascending_keys(arr, maximum)
    if not tiebreak or n == 0:
        return select_smallest(keys, n)

    threshold = np.partition(keys, n - 1)[n - 1]
    tied = np.isclose(keys, threshold)
    better = np.flatnonzero((keys < threshold) & ~tied)
    better = better[np.argsort(keys[better], kind='stable')]
    drawn = np.random.choice(np.flatnonzero(tied), n - better.shape[0], replace=False)
    return np.concatenate([better, drawn])


def _ascending_keys(arr, maximum):
    """Return keys for which smaller is better (negated values when selecting maxima)."""
    if not maximum:
        return arr
    # widen unsigned and boolean dtypes so that negation cannot wrap around
    return np.negative(arr.astype(np.result_type(arr.dtype, np.int8), copy=False))


def _check_n(n, name='n'):
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f'{name} must be a non-negative integer, got {name}={n!r}')


def _check_indices(indices, name, num_samples=None, unique=True):
    """Validate positions into a dataset of ``num_samples`` rows and return them as int64.

    With ``num_samples=None`` (dataset unknown) only negative positions are out of range.

    Raises
    ------
    ValueError
        If ``indices`` is not a 1-D integer array, holds positions outside
        ``[0, num_samples)``, or (with ``unique=True``) holds a position twice.
    """
    indices = np.asarray(indices)
    if indices.ndim != 1:
        raise ValueError(f'{name} must be a 1-D array of dataset positions, '
                         f'got shape {indices.shape}')
    if indices.size == 0:
        return indices.astype(np.int64)
    if indices.dtype.kind not in 'iu':
        raise ValueError(f'{name} must hold integer dataset positions, got dtype {indices.dtype}')

    low, high = indices.min(), indices.max()
    if num_samples is None and low < 0:
        raise ValueError(f'{name} must hold non-negative dataset positions, got {low}')
    if num_samples is not None and (low < 0 or high >= num_samples):
        raise ValueError(f'{name} must lie in [0, {num_samples}) for a dataset of length '
                         f'{num_samples}, got positions from {low} to {high}')
    if unique:
        seen = np.zeros(int(high) + 1, dtype=bool)
        seen[indices] = True
        if np.count_nonzero(seen) != indices.shape[0]:
            raise ValueError(f'{name} must not contain duplicate positions')
    return indices.astype(np.int64, copy=False)
