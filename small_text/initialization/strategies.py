"""Random choices of initial labeled indices, used to simulate active learning experiments.

Randomness comes from the global ``numpy.random`` state.
"""
import numpy as np
from scipy.sparse import csr_matrix

from small_text.data.sampling import (
    balanced_sampling,
    multilabel_stratified_subsets_sampling,
    stratified_sampling,
)
from small_text.utils.data import list_length


def random_initialization(x, n_samples=10):
    """Draw ``n_samples`` distinct indices uniformly at random.

    Parameters
    ----------
    x : Dataset, np.ndarray, csr_matrix or list
        Anything with a length (``x.shape[0]`` or ``len(x)``).
    n_samples : int, default=10
        Number of indices to draw.

    Returns
    -------
    indices : np.ndarray of int
        Distinct positions in ``x``.

    Raises
    ------
    ValueError
        If ``n_samples`` exceeds the number of samples in ``x`` (raised by numpy).
    """
    return np.random.choice(list_length(x), size=n_samples, replace=False)


def random_initialization_stratified(y, n_samples=10, multilabel_strategy='labelsets'):
    """Draw ``n_samples`` indices whose label distribution follows that of ``y``.

    Parameters
    ----------
    y : np.ndarray or csr_matrix
        Single-label labels, or a multi-label indicator matrix.
    n_samples : int, default=10
        Number of indices to draw.
    multilabel_strategy : {'labelsets'}, default='labelsets'
        How multi-label data is stratified: ``'labelsets'`` treats each distinct label set as
        one stratum (:func:`~small_text.data.sampling.multilabel_stratified_subsets_sampling`).

    Returns
    -------
    indices : np.ndarray of int64

    Raises
    ------
    ValueError
        If ``y`` is multi-label and ``multilabel_strategy`` is unknown, or if ``n_samples``
        exceeds the size of ``y``.
    """
    if isinstance(y, csr_matrix):
        if multilabel_strategy == 'labelsets':
            return multilabel_stratified_subsets_sampling(y, n_samples=n_samples)
        raise ValueError(f'Invalid multilabel_strategy: {multilabel_strategy}. '
                         f'Supported: \'labelsets\'.')
    return stratified_sampling(y, n_samples=n_samples)


def random_initialization_balanced(y, n_samples=10):
    """Draw ``n_samples`` indices with labels as evenly distributed as possible.

    Single-label: every class gets the same number of samples where it has enough.
    Multi-label (csr ``y``): rows are picked greedily so that the label occurrences in the
    chosen rows stay as even as possible (see
    :func:`~small_text.data.sampling.balanced_sampling`). small-text 2.0 supports single-label
    data only and raises ``NotImplementedError`` for csr labels.

    Parameters
    ----------
    y : np.ndarray, list of int or csr_matrix
        Labels.
    n_samples : int, default=10
        Number of indices to draw.

    Returns
    -------
    indices : np.ndarray of int64

    Raises
    ------
    ValueError
        If ``n_samples`` exceeds the size of ``y``.
    """
    return balanced_sampling(y, n_samples=n_samples)
