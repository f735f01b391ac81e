"""Label-aware random sampling of sample indices.

Randomness comes from the global ``numpy.random`` state, so ``np.random.seed`` makes results
repeatable. Every function returns an int64 array of indices (positions in ``y``) in random
order, without duplicates.
"""
import numpy as np
from scipy.sparse import csr_matrix

from small_text.base import LABEL_UNLABELED

_LABEL_SET_CHUNK_SIZE = 10_000
"""Rows per chunk when label sets are densified to identify them."""


def _get_class_histogram(y, num_classes, normalize=False):
    """Count the occurrences of each class id ``0..num_classes-1`` in ``y``.

    Parameters
    ----------
    y : np.ndarray, list or csr_matrix
        Single-label ids (entries outside ``0..num_classes-1``, e.g. unlabeled ones, are not
        counted) or a multi-label indicator matrix (its column indices are counted).
    num_classes : int
        Length of the histogram.
    normalize : bool, default=False
        If True, return relative frequencies that sum to 1 (all zeros for an empty ``y``).

    Returns
    -------
    histogram : np.ndarray
        Int counts of shape (num_classes,), or floats if ``normalize``.
    """
    labels = y.indices if isinstance(y, csr_matrix) else np.asarray(y)
    labels = labels.astype(np.int64, copy=False)
    labels = labels[(labels >= 0) & (labels < num_classes)]
    counts = np.bincount(labels, minlength=num_classes)
    if normalize:
        total = counts.sum()
        return counts / total if total > 0 else np.zeros(num_classes, dtype=float)
    return counts


def _check_num_samples(n_samples, num_available):
    if n_samples < 0:
        raise ValueError(f'n_samples must be non-negative, but got {n_samples}.')
    if n_samples > num_available:
        raise ValueError(f'Requested number of samples (n_samples={n_samples}) exceeds label '
                         f'set size ({num_available}).')


def _prepare_single_label(y, n_samples):
    """Validate single-label ``y`` and ``n_samples``; return (y, num_classes, counts)."""
    y = np.asarray(y)
    _check_num_samples(n_samples, y.shape[0])
    labeled = y[y > LABEL_UNLABELED]
    num_classes = int(np.max(labeled)) + 1 if labeled.shape[0] > 0 else 0
    counts = _get_class_histogram(labeled, num_classes)
    if n_samples > counts.sum():
        raise ValueError(f'Requested number of samples (n_samples={n_samples}) exceeds the '
                         f'number of labeled samples ({counts.sum()}).')
    return y, num_classes, counts


def stratified_sampling(y, n_samples=10, enforce_min_occurrence=True):
    """Draw ``n_samples`` indices whose class distribution follows that of ``y``.

    Class c gets ``floor(counts[c] * n_samples / sum(counts))`` samples and the remainder is
    spread at random in proportion to the samples each class has left.

    Parameters
    ----------
    y : np.ndarray or list of int
        Single-label labels; unlabeled entries (-1) are never drawn.
    n_samples : int, default=10
        Number of indices to draw.
    enforce_min_occurrence : bool, default=True
        If some class would get no sample although ``n_samples`` exceeds the number of
        classes and every class ``0..max(y)`` occurs, every class first gets one extra
        sample and the excess is then removed, one at a time, from the lowest-indexed class
        that still has more than one (counts [1, 30, 30, 39], n=10 gives [1, 1, 4, 4]).

    Returns
    -------
    indices : np.ndarray of int64
        Positions in ``y``, in random order.

    Raises
    ------
    ValueError
        If ``n_samples`` is negative or exceeds the length of ``y`` (or its labeled samples).
    """
    y, num_classes, counts = _prepare_single_label(y, n_samples)
    if n_samples == 0:
        return np.empty(0, dtype=np.int64)

    expected = (counts * n_samples // counts.sum()).astype(np.int64)
    if enforce_min_occurrence and expected.min() == 0 and n_samples > num_classes \
            and np.all(counts > 0):
        expected = _enforce_min_occurrence(expected, n_samples)
    return _random_sampling(n_samples, num_classes, expected, counts, y)


def _enforce_min_occurrence(expected, n_samples):
    """Give every class one more sample, then remove the excess from the lowest-indexed classes
    that keep at least one."""
    expected = expected + 1
    excess = expected.sum() - n_samples
    removable = expected - 1
    removable_before = np.cumsum(removable) - removable
    removed = np.clip(excess - removable_before, 0, removable)
    return expected - removed


def balanced_sampling(y, n_samples=10):
    """Draw ``n_samples`` indices with (as far as possible) equally many samples per class.

    Single-label: each class ``c < max(y)+1`` gets ``int(n_samples / n_distinct_labels)``
    samples (at most as many as it has); the remainder goes at random to classes in proportion
    to the samples they have left.

    Multi-label (csr ``y``; an extension over small-text 2.0, which supports single-label only):
    rows are chosen greedily, one at a time: among the labels that still have unchosen rows,
    one with the fewest occurrences in the rows chosen so far is picked, and an unchosen row
    carrying it is added, namely one whose labels occur least often so far in total (ties are
    broken at random). Once no row with a label is left, the rest is drawn at random from the
    remaining (empty) rows.

    Parameters
    ----------
    y : np.ndarray, list of int or csr_matrix
        Labels; unlabeled single-label entries (-1) are never drawn.
    n_samples : int, default=10
        Number of indices to draw.

    Returns
    -------
    indices : np.ndarray of int64
        Positions in ``y``, in random order.

    Raises
    ------
    ValueError
        If ``n_samples`` is negative or exceeds the number of samples in ``y``.
    """
    if isinstance(y, csr_matrix):
        return _balanced_multi_label_sampling(y, n_samples)

    y, num_classes, counts = _prepare_single_label(y, n_samples)
    if n_samples == 0:
        return np.empty(0, dtype=np.int64)

    num_distinct_labels = np.count_nonzero(counts)
    expected = np.full(num_classes, int(n_samples / num_distinct_labels), dtype=np.int64)
    return _random_sampling(n_samples, num_classes, expected, counts, y)


def _random_sampling(n_samples, num_classes, expected, counts, y):
    """Draw ``expected[c]`` distinct indices of class c, plus the remainder at random.

    ``expected`` is capped at ``counts`` (the histogram of ``y``); the remainder
    ``n_samples - sum(expected)`` is drawn uniformly from the not yet drawn samples of the
    classes ``0..num_classes-1``, i.e. it goes to the classes in proportion to
    ``counts - expected``.

    Returns
    -------
    indices : np.ndarray of int64
        ``n_samples`` positions in ``y``, in random order.
    """
    expected = np.minimum(expected, counts)
    remainder = n_samples - expected.sum()

    # a random order of the sampleable positions, grouped by class (stable sort), so that the
    # first expected[c] positions of each group are a uniform draw from class c
    positions = np.random.permutation(y.shape[0])
    labels = y[positions]
    sampleable = (labels >= 0) & (labels < num_classes)
    positions, labels = positions[sampleable], labels[sampleable]
    order = np.argsort(labels, kind='stable')
    positions, labels = positions[order], labels[order]

    class_start = np.cumsum(counts) - counts
    rank_in_class = np.arange(positions.shape[0]) - class_start[labels]
    is_drawn = rank_in_class < expected[labels]

    extra = np.random.choice(positions[~is_drawn], size=remainder, replace=False)
    indices = np.concatenate([positions[is_drawn], extra]).astype(np.int64)
    return np.random.permutation(indices)


def _balanced_multi_label_sampling(y, n_samples):
    """Greedy balanced sampling of rows of a csr indicator matrix (see balanced_sampling)."""
    num_rows = y.shape[0]
    _check_num_samples(n_samples, num_rows)

    y = y.copy()
    y.sum_duplicates()
    y.eliminate_zeros()
    rows_by_label = y.tocsc()
    rows_by_label.sort_indices()

    label_occurrences = np.zeros(y.shape[1], dtype=np.int64)
    rows_left_per_label = np.diff(rows_by_label.indptr)
    available = np.ones(num_rows, dtype=bool)
    chosen = []
    # one iteration per drawn sample (n_samples is small), never one per row of y
    while len(chosen) < n_samples and np.any(rows_left_per_label > 0):
        candidates = np.flatnonzero(rows_left_per_label > 0)
        occurrences = label_occurrences[candidates]
        label = np.random.choice(candidates[occurrences == occurrences.min()])

        rows = rows_by_label.indices[rows_by_label.indptr[label]:rows_by_label.indptr[label + 1]]
        rows = rows[available[rows]]
        cost = y[rows] @ label_occurrences  # how often the labels of each row occur already
        row = np.random.choice(rows[cost == cost.min()])
        available[row] = False
        chosen.append(row)

        row_labels = y.indices[y.indptr[row]:y.indptr[row + 1]]
        label_occurrences[row_labels] += 1
        rows_left_per_label[row_labels] -= 1

    fill = np.random.choice(np.flatnonzero(available), size=n_samples - len(chosen),
                            replace=False)
    indices = np.concatenate([np.asarray(chosen, dtype=np.int64), fill]).astype(np.int64)
    return np.random.permutation(indices)


def _label_set_ids(y):
    """Return an int id per row of the csr matrix ``y``; equal label sets get equal ids."""
    num_rows, num_columns = y.shape
    if num_rows == 0 or num_columns == 0:
        return np.zeros(num_rows, dtype=np.int64)
    packed = np.vstack([
        np.packbits(y[start:start + _LABEL_SET_CHUNK_SIZE].toarray() != 0, axis=1)
        for start in range(0, num_rows, _LABEL_SET_CHUNK_SIZE)
    ])
    _, ids = np.unique(packed, axis=0, return_inverse=True)
    return ids.reshape(-1).astype(np.int64)


def multilabel_stratified_subsets_sampling(y, n_samples=10):
    """Stratified sampling for multi-label data where each distinct label set is a stratum.

    Every distinct row pattern of ``y`` (including the empty set) is one stratum, and the
    strata are sampled with :func:`stratified_sampling` (Sechidis et al., 2011).

    Parameters
    ----------
    y : csr_matrix
        Multi-label indicator matrix of shape (n_samples, n_classes).
    n_samples : int, default=10
        Number of indices to draw.

    Returns
    -------
    indices : np.ndarray of int64
        Row positions in ``y``, in random order.

    Raises
    ------
    ValueError
        If ``n_samples`` is negative or exceeds the number of rows of ``y``.

    References
    ----------
    .. [STV11] Sechidis, K., Tsoumakas, G., and Vlahavas, I. (2011). On the stratification of
       multi-label data. ECML PKDD 2011, pp. 145-158.
    """
    return stratified_sampling(_label_set_ids(y), n_samples=n_samples)
