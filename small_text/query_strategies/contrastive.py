"""Contrastive scores: how much a sample's prediction diverges from its labeled neighbours'.

The math of :class:`~small_text.query_strategies.strategies.ContrastiveActiveLearning`
(Margatina et al., 2021) as plain functions on arrays.
"""
import numpy as np
from scipy.special import rel_entr

from small_text.utils._validation import check_probabilities

_CHUNK_ELEMENTS = 1 << 21
"""Entries of the (rows, k, n_classes) divergence tensor processed per chunk."""


def contrastive_scores(proba_unlabeled, proba_labeled, neighbours, batch_size=None):
    """Return the mean KL divergence from each sample's labeled neighbours to the sample.

    .. math::

        s(x) = \\frac{1}{k} \\sum_{l \\in NN(x)}
            \\mathrm{KL}\\big(p(y \\mid x_l) \\,\\|\\, p(y \\mid x)\\big)
            = \\frac{1}{k} \\sum_{l \\in NN(x)} \\sum_c p_{lc} \\ln \\frac{p_{lc}}{p_{xc}}

    where ``NN(x)`` are the ``k`` labeled neighbours of ``x`` and ``p`` the model's predicted
    class distributions [MVBA21]_. Terms follow :func:`scipy.special.rel_entr`: 0 where
    ``p_lc = 0``, and ``+inf`` where ``p_lc > 0`` but ``p_xc = 0``.

    Parameters
    ----------
    proba_unlabeled : array-like of shape (n_unlabeled, n_classes)
        Predicted class probabilities of the samples to score.
    proba_labeled : array-like of shape (n_labeled, n_classes)
        Predicted class probabilities of the labeled samples.
    neighbours : array-like of int, shape (n_unlabeled, k)
        Row ``i`` holds the rows of ``proba_labeled`` that are the neighbours of sample ``i``.
    batch_size : int, default=None
        Number of samples whose divergences are computed at a time, which bounds the
        temporary (batch_size, k, n_classes) array. None picks about two million entries.

    Returns
    -------
    scores : np.ndarray of float64 and shape (n_unlabeled,)
        Larger means the sample's prediction differs more from its neighbours'.

    Raises
    ------
    ValueError
        If the shapes do not fit together, a row of probabilities is not a class distribution
        (finite values in [0, 1] that sum to 1), a neighbour row is out of range, or
        ``batch_size`` is not a positive integer.

    References
    ----------
    .. [MVBA21] K. Margatina, G. Vernikos, L. Barrault, N. Aletras. "Active Learning by
       Acquiring Contrastive Examples." EMNLP 2021.

    Examples
    --------
    >>> import numpy as np
    >>> proba_labeled = np.array([[0.5, 0.5], [1.0, 0.0]])
    >>> contrastive_scores(np.array([[0.5, 0.5]]), proba_labeled, np.array([[0, 1]])).round(6)
    array([0.346574])
    """
    proba_unlabeled = check_probabilities(proba_unlabeled, 'proba_unlabeled', distributions=True)
    proba_labeled = check_probabilities(proba_labeled, 'proba_labeled', distributions=True)
    neighbours = np.asarray(neighbours)
    if neighbours.ndim != 2 or neighbours.shape[0] != proba_unlabeled.shape[0]:
        raise ValueError(f'neighbours must have shape (n_unlabeled, k) = '
                         f'({proba_unlabeled.shape[0]}, k), got shape {neighbours.shape}')
    if proba_labeled.shape[1] != proba_unlabeled.shape[1]:
        raise ValueError(f'proba_labeled and proba_unlabeled must have the same number of '
                         f'classes, got shapes {proba_labeled.shape} and '
                         f'{proba_unlabeled.shape}')
    if batch_size is not None and (isinstance(batch_size, bool)
                                   or not isinstance(batch_size, (int, np.integer))
                                   or batch_size < 1):
        raise ValueError(f'batch_size must be a positive integer or None, '
                         f'got batch_size={batch_size!r}')
    if neighbours.size > 0 and (neighbours.dtype.kind not in 'iu' or neighbours.min() < 0
                                or neighbours.max() >= proba_labeled.shape[0]):
        raise ValueError(f'neighbours must hold integer rows of proba_labeled in '
                         f'[0, {proba_labeled.shape[0]})')

    num_unlabeled, k = neighbours.shape
    scores = np.empty(num_unlabeled)
    chunk_rows = max(1, _CHUNK_ELEMENTS // max(1, k * proba_unlabeled.shape[1])) \
        if batch_size is None else batch_size
    for start in range(0, num_unlabeled, chunk_rows):
        rows = slice(start, start + chunk_rows)
        divergences = rel_entr(proba_labeled[neighbours[rows]],
                               proba_unlabeled[rows, np.newaxis, :])
        scores[rows] = divergences.sum(axis=(1, 2))
    if k > 0:
        scores /= k
    return scores

