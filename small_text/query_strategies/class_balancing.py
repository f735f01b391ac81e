"""Class balancing: steer a base query strategy towards under-represented classes."""
from typing import List, Union

import numpy as np

import small_text.query_strategies._params as _params
from small_text.query_strategies.base import (
    QueryStrategy,
    _check_indices,
    _check_n,
    constraints,
)
from small_text.query_strategies.exceptions import PoolExhaustedException
from small_text.utils.data import list_length


def _sample_distribution(num_samples, source_distribution, ignored_values=[]):  # noqa: B006
    """Distribute ``num_samples`` increments over categories, always raising the most needy.

    Starting from zeros, each of the ``num_samples`` increments goes to the active category
    (not in ``ignored_values``) with the smallest ``new[c] - source[c]``, ties broken uniformly
    at random. The result is computed in closed form: the active categories are filled up to a
    common level of ``new - source`` and the remaining increments go to a uniformly drawn
    subset of the categories at that level, which has the same distribution as the sequential
    process.

    Parameters
    ----------
    num_samples : int
        Number of increments to distribute.
    source_distribution : array-like of int, shape (n_categories,)
        How much each category needs; larger values receive increments first.
    ignored_values : list of int, default=[]
        Categories that receive nothing. The list is not modified.

    Returns
    -------
    distribution : np.ndarray of int64 and shape (n_categories,)
        Non-negative counts that sum to ``num_samples``.

    Raises
    ------
    ValueError
        If ``num_samples`` is negative, or if it is positive and every category is ignored.

    Examples
    --------
    >>> _sample_distribution(4, [3, 1, 0])
    array([3, 1, 0])
    """
    _check_n(num_samples, name='num_samples')
    source_distribution = np.asarray(source_distribution, dtype=np.int64)
    active = _active_mask(source_distribution.shape[0], ignored_values, 'ignored_values')
    distribution = np.zeros(source_distribution.shape[0], dtype=np.int64)
    if num_samples == 0:
        return distribution
    if not active.any():
        raise ValueError(f'Cannot distribute {num_samples} samples: all '
                         f'{source_distribution.shape[0]} categories are ignored')

    start = -source_distribution[active]  # the value of new - source before any increment
    level = _fill_level(start, num_samples)
    filled = np.maximum(level - start, 0)
    at_level = np.flatnonzero(start <= level)
    remainder = num_samples - filled.sum()
    filled[np.random.choice(at_level, remainder, replace=False)] += 1
    distribution[active] = filled
    return distribution


def _fill_level(start, num_samples):
    """Return the largest integer level h with ``Σ max(h - start, 0) <= num_samples``."""
    low, high = start.min(), start.min() + num_samples  # cost(low) = 0 <= num_samples
    while low < high:
        middle = (low + high + 1) // 2
        if np.maximum(middle - start, 0).sum() <= num_samples:
            low = middle
        else:
            high = middle - 1
    return low


def _get_rebalancing_distribution(num_samples, num_classes, y, y_pred,
                                  ignored_classes=[]):  # noqa: B006 (read only)
    """Return how many samples to query per predicted class so that the labeled classes
    become balanced.

    1. The labeled histogram ``cur`` is topped up towards its maximum: ``target =
       _sample_distribution(num_samples, cur.max() - cur, ignored_classes)``.
    2. Each active class gets ``b[c] = min(#predicted as c, target[c])``.
    3. A remainder is spread uniformly at random over the free slots ``#(y_pred == c) -
       (cur[c] + b[c])`` of the active classes (the labeled count is subtracted, as in the
       reference).
    4. Any remainder left is spread uniformly at random over the free slots ``#(y_pred == c)
       - b[c]`` of all classes, ignored ones included.

    Parameters
    ----------
    num_samples : int
        Number of samples to query.
    num_classes : int
        Number of classes.
    y : np.ndarray of int
        Labels of the labeled samples.
    y_pred : np.ndarray of int
        Predicted labels of the candidate samples.
    ignored_classes : list of int, default=[]
        Classes that are not balanced for (they only receive samples in step 4).

    Returns
    -------
    distribution : np.ndarray of int64 and shape (num_classes,)
        Per-class counts with ``distribution[c] <= #(y_pred == c)``; they sum to
        ``num_samples`` unless fewer candidates than ``num_samples`` exist.

    Raises
    ------
    ValueError
        If a label lies outside ``[0, num_classes)``, or samples are requested while every
        class is ignored.
    """
    current = _class_histogram(y, num_classes, 'y')
    predicted = _class_histogram(y_pred, num_classes, 'y_pred')
    active = _active_mask(num_classes, ignored_classes, 'ignored_classes')

    target = _sample_distribution(num_samples, current.max(initial=0) - current,
                                  ignored_values=ignored_classes)
    distribution = np.minimum(predicted, target)  # target is 0 for ignored classes

    remainder = num_samples - distribution.sum()
    if remainder > 0:
        current += distribution
        free_slots = np.where(active, np.maximum(predicted - current, 0), 0)
        remainder -= _add_random_slots(distribution, free_slots, remainder)
    if remainder > 0:
        _add_random_slots(distribution, predicted - distribution, remainder)
    return distribution


def _add_random_slots(distribution, free_slots, num_slots):
    """Add up to ``num_slots`` slots, drawn uniformly from the multiset of ``free_slots`` per
    class, to ``distribution`` in place and return how many were added."""
    slots = np.repeat(np.arange(free_slots.shape[0]), free_slots)
    np.random.shuffle(slots)
    chosen = slots[:num_slots]
    np.add.at(distribution, chosen, 1)
    return chosen.shape[0]


def _active_mask(num_categories, ignored, name):
    """Return a boolean mask that is False for the ``ignored`` categories."""
    ignored = np.asarray(ignored, dtype=np.int64)
    if ignored.size > 0 and (ignored.min() < 0 or ignored.max() >= num_categories):
        raise ValueError(f'{name} must hold categories in [0, {num_categories}), got '
                         f'{ignored.tolist()}')
    active = np.ones(num_categories, dtype=bool)
    active[ignored] = False
    return active


def _class_histogram(labels, num_classes, name):
    labels = np.asarray(labels)
    if labels.ndim != 1 or (labels.size > 0 and labels.dtype.kind not in 'iu'):
        raise ValueError(f'{name} must be a 1-D array of integer class labels, got shape '
                         f'{labels.shape} and dtype {labels.dtype}')
    if labels.size > 0 and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f'{name} must hold class labels in [0, {num_classes}), got labels '
                         f'from {labels.min()} to {labels.max()}')
    return np.bincount(labels.astype(np.int64), minlength=num_classes)


@constraints(classification_type='single-label')
class ClassBalancer(QueryStrategy):
    """Query with a base strategy, spreading the picks over the predicted classes so that the
    labeled data becomes more balanced (single-label only).

    The candidates (the pool, or a random subsample of it) are split by the class the
    classifier predicts for them. :func:`_get_rebalancing_distribution` decides how many
    samples each class gets, favouring the classes that have the fewest labels, and the base
    strategy then selects that many samples among each class's candidates.

    Parameters
    ----------
    base_query_strategy : QueryStrategy
        The strategy that selects within each predicted class.
    ignored_classes : list of int, default=[]
        Classes that are not balanced for; they only receive samples when the other classes
        have too few candidates. A copy is stored.
    subsample_size : int or None, default=None
        If given and not larger than the pool, the candidates are this many pool items drawn
        uniformly at random (global NumPy RNG).

    Notes
    -----
    small-text 2.0 only queries the active (non-ignored) classes, so samples allocated to
    ignored classes in the last step of the distribution are silently dropped and fewer than
    ``n`` items come back. Here every class with a positive allocation is queried. small-text
    2.0 also shares the mutable default ``ignored_classes`` list between instances;
    here each instance keeps its own copy.

    This strategy is original to small-text; there is no paper.
    """

    _PARAMETER_CHECKS = {'base_query_strategy': _params.query_strategy,
                         'ignored_classes': _params.class_labels,
                         'subsample_size': _params.positive_int_or_none}

    def __init__(self, base_query_strategy, ignored_classes: List[int] = [],  # noqa: B006
                 subsample_size: Union[int, None] = None):
        self.base_query_strategy = base_query_strategy
        self.ignored_classes = _params.copied(ignored_classes)
        self.subsample_size = subsample_size

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Select ``n`` pool items, class by class.

        See :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters. ``clf`` needs ``predict`` and ``num_classes``; ``y`` must be a 1-D
        array of class labels.

        Returns
        -------
        indices : np.ndarray of int64 and shape (n,)
            Dataset positions, grouped by predicted class in ascending class order.

        Raises
        ------
        ConstraintViolationError
            If ``y`` is a csr matrix (multi-label data).
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size, or exceeds ``subsample_size`` when subsampling.
        ValueError
            If ``n`` is negative, the indices are invalid, a label lies outside
            ``[0, clf.num_classes)``, or every class is ignored.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)

        num_unlabeled = indices_unlabeled.shape[0]
        if self.subsample_size is None or self.subsample_size > num_unlabeled:
            indices_candidates = indices_unlabeled
        else:
            if n > self.subsample_size:
                raise PoolExhaustedException(f'Pool exhausted: the subsample holds '
                                             f'{self.subsample_size} items (subsample_size) / '
                                             f'{n} requested; increase subsample_size')
            indices_candidates = indices_unlabeled[
                np.random.choice(np.arange(num_unlabeled), self.subsample_size, replace=False)]
        return self._query_class_balanced(clf, dataset, indices_candidates, indices_labeled, y,
                                          n)

    def _query_class_balanced(self, clf, dataset, indices_candidates, indices_labeled, y, n):
        """Query the base strategy once per predicted class with a positive allocation."""
        y_pred = np.asarray(clf.predict(dataset[indices_candidates]))
        distribution = _get_rebalancing_distribution(n, clf.num_classes, y, y_pred,
                                                     ignored_classes=self.ignored_classes)
        num_labeled = indices_labeled.shape[0]
        selected = [np.empty(0, dtype=np.int64)]
        for c in np.flatnonzero(distribution):
            indices_class = indices_candidates[y_pred == c]
            indices_subset = np.concatenate([indices_class, indices_labeled])
            num_class = indices_class.shape[0]
            result = self.base_query_strategy.query(
                clf, dataset[indices_subset], np.arange(num_class),
                np.arange(num_class, num_class + num_labeled), y, n=int(distribution[c]))
            selected.append(indices_subset[np.asarray(result, dtype=np.int64)])
        return np.concatenate(selected)

    def __str__(self):
        return (f'ClassBalancer(base_query_strategy={self.base_query_strategy}, '
                f'ignored_classes={self.ignored_classes}, subsample_size={self.subsample_size})')
