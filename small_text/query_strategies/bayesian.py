"""Bayesian query strategies: BALD on Monte Carlo dropout samples."""
import numpy as np

import small_text.query_strategies._params as _params
from small_text.query_strategies.base import QueryStrategy, ScoringMixin, _check_indices
from small_text.query_strategies.uncertainty import select_smallest
from small_text.utils._validation import check_probabilities
from small_text.utils.data import list_length

_CHUNK_ELEMENTS = 1 << 21
"""Probability entries processed per chunk (16 MiB of float64)."""


def bald(proba_dropout, eps=1e-8):
    """Return the BALD score (mutual information between prediction and model) of each sample.

    With ``T`` stochastic forward passes ``P_t`` (e.g. Monte Carlo dropout) and their mean
    ``p̄ = mean_t P_t``, the score in bits is

    .. math::

        \\mathrm{BALD}(x) = -\\sum_c \\bar p_c \\log_2(\\bar p_c + \\varepsilon)
            + \\frac{1}{T} \\sum_t \\sum_c P_{tc} \\log_2(P_{tc} + \\varepsilon),

    i.e. the entropy of the mean prediction minus the mean entropy of the single predictions.
    It is large where the passes are individually confident but disagree with each other.

    Parameters
    ----------
    proba_dropout : array-like of shape (n_samples, n_dropout_samples, n_classes)
        Class probabilities of each sample under each stochastic forward pass.
    eps : float, default=1e-8
        Added inside every logarithm so that zero probabilities contribute zero.

    Returns
    -------
    scores : np.ndarray of shape (n_samples,)
        float32 for float32 input, else float64. Larger is more informative.

    Raises
    ------
    ValueError
        If ``proba_dropout`` is not 3-D, has no dropout samples or classes, or a dropout
        sample of a row is not a class distribution (finite values in [0, 1] that sum to 1).

    References
    ----------
    .. [1] N. Houlsby, F. Huszár, Z. Ghahramani, M. Lengyel. "Bayesian Active Learning for
       Classification and Preference Learning." arXiv:1112.5745, 2011.

    Examples
    --------
    Two passes that are each certain but disagree carry one bit of information:

    >>> import numpy as np
    >>> bald(np.array([[[1.0, 0.0], [0.0, 1.0]]])).round(6)
    array([1.])
    """
    proba_dropout = _check_proba_dropout(proba_dropout)
    num_samples, num_dropout_samples, num_classes = proba_dropout.shape
    scores = np.empty(num_samples, dtype=proba_dropout.dtype)
    chunk_rows = max(1, _CHUNK_ELEMENTS // (num_dropout_samples * num_classes))
    for start in range(0, num_samples, chunk_rows):
        chunk = proba_dropout[start:start + chunk_rows]
        mean_proba = chunk.mean(axis=1)
        entropy_of_mean = -(mean_proba * np.log2(mean_proba + eps)).sum(axis=1)
        # sum over (t, c) at once, then divide by T: the mean entropy of the single passes
        mean_of_entropies = -np.einsum('itc,itc->i', chunk, np.log2(chunk + eps))
        mean_of_entropies /= num_dropout_samples
        np.subtract(entropy_of_mean, mean_of_entropies, out=scores[start:start + chunk_rows])
    return scores


def _check_proba_dropout(proba_dropout):
    proba_dropout = np.asarray(proba_dropout)
    if proba_dropout.ndim != 3:
        raise ValueError(f'Dropout probabilities must be a 3-D array of shape '
                         f'(n_samples, n_dropout_samples, n_classes), got shape '
                         f'{proba_dropout.shape}')
    if proba_dropout.shape[1] == 0 or proba_dropout.shape[2] == 0:
        raise ValueError(f'Dropout probabilities need at least one dropout sample and one '
                         f'class, got shape {proba_dropout.shape}')
    return check_probabilities(proba_dropout, 'Dropout probabilities', ndim=3,
                               shape='(n_samples, n_dropout_samples, n_classes)',
                               distributions=True)


class BALD(ScoringMixin, QueryStrategy):
    """Bayesian Active Learning by Disagreement (BALD) [HHG11]_ with Monte Carlo dropout [GG16]_.

    Selects the pool items with the largest mutual information between their predicted label
    and the model parameters, estimated from ``dropout_samples`` stochastic forward passes
    (see :func:`bald`). Requires a classifier whose ``predict_proba(dataset,
    dropout_sampling=T)`` returns an array of shape (n_samples, T, n_classes); classifiers
    without that keyword raise a TypeError.

    Parameters
    ----------
    dropout_samples : int, default=10
        Number of stochastic forward passes ``T``.

    Attributes
    ----------
    scores_ : np.ndarray of shape (len(dataset),) or None
        The BALD scores of the last ``score()``/``query()``, for the whole dataset.

    References
    ----------
    .. [HHG11] N. Houlsby, F. Huszár, Z. Ghahramani, M. Lengyel. "Bayesian Active Learning for
       Classification and Preference Learning." arXiv:1112.5745, 2011.
    .. [GG16] Y. Gal, Z. Ghahramani. "Dropout as a Bayesian Approximation: Representing Model
       Uncertainty in Deep Learning." ICML 2016.
    """

    _PARAMETER_CHECKS = {'dropout_samples': _params.positive_int}

    def __init__(self, dropout_samples: int = 10):
        self.dropout_samples = dropout_samples
        self.scores_ = None

    @property
    def last_scores(self):
        """The BALD scores of the last call (see ``scores_``), or None."""
        return self.scores_

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Return the ``n`` pool items with the largest BALD score, best first.

        Ties are broken by ascending position in ``indices_unlabeled``. If ``n`` equals the
        pool size, the pool is returned in its original order (after scoring). See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters.

        Raises
        ------
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If ``n`` is negative, the indices are invalid, or the classifier's dropout
            probabilities have the wrong shape or contain NaN.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled',
                                           list_length(dataset))
        scores = self.score(clf, dataset, indices_unlabeled, indices_labeled, y)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        return indices_unlabeled[select_smallest(-scores[indices_unlabeled], n)]

    def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Compute the BALD score of every sample in ``dataset`` and store it in ``scores_``.

        Returns
        -------
        scores : np.ndarray of shape (len(dataset),)
            Larger is more informative.

        Raises
        ------
        ValueError
            If the dropout probabilities are not of shape (len(dataset), dropout_samples,
            n_classes) or are not class distributions.
        """
        proba_dropout = _check_proba_dropout(
            clf.predict_proba(dataset, dropout_sampling=self.dropout_samples))
        num_samples = list_length(dataset)
        if proba_dropout.shape[:2] != (num_samples, self.dropout_samples):
            raise ValueError(f'clf.predict_proba(dataset, dropout_sampling='
                             f'{self.dropout_samples}) must return shape ({num_samples}, '
                             f'{self.dropout_samples}, n_classes), got shape '
                             f'{proba_dropout.shape}')
        self.scores_ = bald(proba_dropout)
        return self.scores_

    def __str__(self):
        return f'BALD(dropout_samples={self.dropout_samples})'
