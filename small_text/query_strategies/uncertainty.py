"""Vectorised uncertainty scores on probability matrices, and score-based selection.

The query strategies :class:`~small_text.query_strategies.strategies.LeastConfidence`,
:class:`~small_text.query_strategies.strategies.PredictionEntropy` and
:class:`~small_text.query_strategies.strategies.BreakingTies` are thin adapters around the
functions here, which can also be used directly on the output of any ``predict_proba``.

All score functions take a probability matrix of shape (n_samples, n_classes) and return one
value per row, computed in the matrix's floating-point dtype (float32 input stays float32; other
non-float32/64 input is converted to float64). Work on large matrices is done in row chunks, so
the extra memory stays a small fraction of the matrix.

Examples
--------
>>> import numpy as np
>>> from small_text.query_strategies.uncertainty import (
...     least_confidence_scores, select_smallest)
>>> proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.8, 0.2], [0.7, 0.3]])
>>> confidence = least_confidence_scores(proba)
>>> select_smallest(confidence, 2)
array([1, 3])
"""
import operator

import numpy as np
from scipy.special import entr

from small_text.utils._validation import check_probabilities

_CHUNK_ELEMENTS = 1 << 20
"""Matrix elements processed per chunk (4 MiB of float32)."""


def least_confidence_scores(proba):
    """Return the confidence ``max_c p(c|x)`` of each row.

    The least confident rows (smallest values) are the most informative ones.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities.

    Returns
    -------
    confidence : np.ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If ``proba`` is not 2-D or holds a value that is not a probability (NaN, infinite,
        negative or above 1).
    """
    proba = check_probabilities(proba)
    return proba.max(axis=1)


def prediction_entropy_scores(proba):
    """Return the Shannon entropy ``-sum_c q_c ln q_c`` of each row.

    Each row is renormalised to ``q = p / sum(p)`` first (as ``scipy.stats.entropy`` does), the
    logarithm is natural and ``0 ln 0 = 0``. The most uncertain rows (largest values) are the
    most informative ones.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities (or any finite non-negative weights), every row with a positive
        sum.

    Returns
    -------
    entropy : np.ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If ``proba`` is not 2-D, holds NaN, an infinite or a negative value, or a row sums
        to zero (small-text 2.0 returns NaN for such a row).

    Examples
    --------
    >>> import numpy as np
    >>> prediction_entropy_scores(np.array([[0.1, 0.9]])).round(6)
    array([0.325083])
    """
    proba = check_probabilities(proba, positive_rows=True, weights=True)
    entropy = np.empty(proba.shape[0], dtype=proba.dtype)
    with np.errstate(invalid='ignore', divide='ignore'):
        for rows in _row_chunks(proba):
            normalised = proba[rows] / proba[rows].sum(axis=1, keepdims=True)
            entr(normalised, out=normalised)
            normalised.sum(axis=1, out=entropy[rows])
    return entropy


def breaking_ties_scores(proba):
    """Return the margin ``p_(1) - p_(2)`` between the two largest values of each row.

    The rows with the smallest margin are the most informative ones.

    Parameters
    ----------
    proba : array-like of shape (n_samples, n_classes)
        Class probabilities; at least two classes.

    Returns
    -------
    margin : np.ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If ``proba`` is not 2-D, has fewer than two columns, or holds a value that is not a
        probability (NaN, infinite, negative or above 1).
    """
    proba = check_probabilities(proba, min_columns=2)
    num_classes = proba.shape[1]
    margin = np.empty(proba.shape[0], dtype=proba.dtype)
    for rows in _row_chunks(proba):
        # after partitioning, column -1 holds the row maximum and column -2 the runner-up
        top_two = np.partition(proba[rows], num_classes - 2, axis=1)[:, -2:]
        np.subtract(top_two[:, 1], top_two[:, 0], out=margin[rows])
    return margin


def select_smallest(scores, n):
    """Return the positions of the ``n`` smallest scores, smallest first.

    Ties are broken by ascending position, and NaN counts as larger than every number.
    The cost is O(len(scores)) plus O(n log n) for ordering the selection; the whole array is
    never sorted.

    Parameters
    ----------
    scores : array-like of shape (n_scores,)
        The scores; smaller is better.
    n : int
        Number of positions to return (``0 <= n <= len(scores)``).

    Returns
    -------
    indices : np.ndarray of int64 and shape (n,)

    Raises
    ------
    TypeError
        If ``n`` is not an integer.
    ValueError
        If ``scores`` is not 1-D or ``n`` is out of range.

    Examples
    --------
    >>> select_smallest([0.3, 0.1, 0.3, 0.2, 0.3], 3)
    array([1, 3, 0])
    """
    scores = np.asarray(scores)
    n = operator.index(n)
    if scores.ndim != 1:
        raise ValueError(f'scores must be 1-D, got shape {scores.shape}')
    if not 0 <= n <= scores.shape[0]:
        raise ValueError(f'n must lie in [0, {scores.shape[0]}] (the number of scores), '
                         f'got n={n}')
    if n == 0:
        return np.empty(0, dtype=np.int64)

    threshold = np.partition(scores, n - 1)[n - 1]
    if threshold != threshold:  # NaN: every number is better, NaNs tie
        better = np.flatnonzero(~np.isnan(scores))
        tied = np.flatnonzero(np.isnan(scores))
    else:
        better = np.flatnonzero(scores < threshold)
        tied = np.flatnonzero(scores == threshold)
    selected = np.concatenate([better, tied[:n - better.shape[0]]])
    # `selected` is ordered by position within each group, so a stable sort keeps position
    # order among equal scores
    return selected[np.argsort(scores[selected], kind='stable')]


def _row_chunks(matrix):
    """Yield slices that split the rows of ``matrix`` into chunks of about 1M elements."""
    chunk_rows = max(1, _CHUNK_ELEMENTS // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], chunk_rows):
        yield slice(start, start + chunk_rows)
