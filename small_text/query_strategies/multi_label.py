"""Query strategies for multi-label classification.

The scores are plain functions on arrays (:func:`_label_cardinality_inconsistency`,
:func:`_uncertainty_weighted_label_cardinality_inconsistency`,
:func:`category_vector_inconsistency_and_ranking`); the strategy classes obtain the pool's
probabilities from the classifier and select the highest-scoring pool items.
"""
import numbers
from abc import abstractmethod

import numpy as np
from scipy.sparse import csr_matrix, issparse

from small_text.query_strategies.base import (
    QueryStrategy,
    ScoringMixin,
    _check_indices,
    _check_n,
    constraints,
)
from small_text.query_strategies.uncertainty import breaking_ties_scores, select_smallest
from small_text.utils._validation import check_probabilities
from small_text.utils.data import list_length


def _label_cardinality_inconsistency(y_pred_proba_unlabeled, y_labeled,
                                     prediction_threshold=0.5):
    """Return the label cardinality inconsistency of each unlabeled sample.

    ``LCI(x) = | #{c : P_xc > t} - avg |``, where ``avg`` is the mean number of labels per
    labeled sample: samples whose predicted number of labels deviates from what is typical in
    the labeled data are likely mispredicted [LG13]_.

    Parameters
    ----------
    y_pred_proba_unlabeled : np.ndarray or scipy.sparse matrix of shape (n_unlabeled, n_labels)
        Predicted label probabilities of the unlabeled samples.
    y_labeled : scipy.sparse matrix or np.ndarray of shape (n_labeled, n_labels)
        0/1 label indicator matrix of the labeled samples.
    prediction_threshold : float, default=0.5
        A label counts as predicted if its probability exceeds this value.

    Returns
    -------
    lci : np.ndarray of shape (n_unlabeled,)

    Raises
    ------
    ValueError
        If ``y_labeled`` has no rows, or the probabilities are not 2-D or contain NaN.

    References
    ----------
    .. [LG13] X. Li, Y. Guo. "Active Learning with Multi-Label SVM Classification."
       IJCAI 2013.
    """
    y_pred_proba_unlabeled = _check_label_proba(y_pred_proba_unlabeled)
    y_labeled = csr_matrix(y_labeled)
    if y_labeled.shape[0] == 0:
        raise ValueError('Labeled pool labels must not be empty.')
    average_cardinality = (y_labeled != 0).sum() / y_labeled.shape[0]
    num_predicted = np.asarray((y_pred_proba_unlabeled > prediction_threshold).sum(axis=1))
    return np.abs(num_predicted.ravel() - average_cardinality)


def _uncertainty_weighted_label_cardinality_inconsistency(y_pred_proba_unlabeled, y_labeled,
                                                          uncertainty_weight=0.5, eps=0.01,
                                                          prediction_threshold=0.5):
    """Return the adaptive active learning score of each unlabeled sample.

    ``s(x) = (1 / max(BT(x), eps))^β · (LCI(x; t) + 1)^(1-β)``, where ``BT`` is the margin
    between the two largest label probabilities (see
    :func:`~small_text.query_strategies.uncertainty.breaking_ties_scores`), ``LCI`` the label
    cardinality inconsistency of :func:`_label_cardinality_inconsistency` at threshold ``t``
    and ``β`` the uncertainty weight [LG13]_.

    Parameters
    ----------
    y_pred_proba_unlabeled : np.ndarray or scipy.sparse matrix of shape (n_unlabeled, n_labels)
        Predicted label probabilities of the unlabeled samples; at least two labels.
    y_labeled : scipy.sparse matrix or np.ndarray of shape (n_labeled, n_labels)
        0/1 label indicator matrix of the labeled samples.
    uncertainty_weight : float, default=0.5
        ``β``: 1 uses only the uncertainty, 0 only the label cardinality inconsistency.
    eps : float, default=0.01
        Lower bound of the margin, which keeps the uncertainty term finite.
    prediction_threshold : float, default=0.5
        ``t``: a label counts as predicted if its probability exceeds this value.

    Returns
    -------
    scores : np.ndarray of shape (n_unlabeled,)
        Larger is more informative.

    Raises
    ------
    ValueError
        If ``y_labeled`` has no rows, or the probabilities are not 2-D, have fewer than two
        columns or contain NaN.
    """
    y_pred_proba_unlabeled = _check_label_proba(y_pred_proba_unlabeled)
    if issparse(y_pred_proba_unlabeled):
        y_pred_proba_unlabeled = y_pred_proba_unlabeled.toarray()
    uncertainty = 1 / np.maximum(breaking_ties_scores(y_pred_proba_unlabeled), eps)
    lci = _label_cardinality_inconsistency(y_pred_proba_unlabeled, y_labeled,
                                           prediction_threshold=prediction_threshold)
    return uncertainty ** uncertainty_weight * (lci + 1) ** (1 - uncertainty_weight)


def category_vector_inconsistency_and_ranking(y_pred_proba_unlabeled, y_labeled,
                                              prediction_threshold=0.5, batch_size=2048):
    """Return the CVIRS score ``s = v ⊙ r`` of each unlabeled sample [RMV18]_.

    * ``v`` (category vector inconsistency) is the mean normalised Hamming distance between the
      predicted label vector ``ŷ_i = 1[P_i > t]`` and the label vectors of the labeled samples:
      ``v_i = (1/|L|) Σ_{l∈L} Hamming(ŷ_i, y_l) / C``.
    * ``r`` (rank aggregation of uncertainty) ranks the samples per label by the margin
      ``m_ij = |P_ij - Σ_k P_ik|`` (smallest first, ties by position) and aggregates the
      ranks with the Borda count ``r_i = Σ_j (|U| - rank_j(i)) / (C · (|U| - 1))``, where
      ``rank_j(i)`` is the 1-based position of sample i in the ranking of label j.

    Parameters
    ----------
    y_pred_proba_unlabeled : np.ndarray or scipy.sparse matrix of shape (n_unlabeled, n_labels)
        Predicted label probabilities of the unlabeled samples.
    y_labeled : scipy.sparse matrix or np.ndarray of shape (n_labeled, n_labels)
        0/1 label indicator matrix of the labeled samples.
    prediction_threshold : float, default=0.5
        A label counts as predicted if its probability exceeds this value.
    batch_size : int, default=2048
        Number of unlabeled rows processed at a time for ``v``.

    Returns
    -------
    scores : np.ndarray of shape (n_unlabeled,)
        Values in [0, 1]; larger is more informative.

    Raises
    ------
    ValueError
        If ``y_labeled`` has no rows or a different number of labels than the probabilities,
        or the probabilities are not 2-D or contain NaN.

    Notes
    -----
    Two differences from small-text 2.0, both restoring the paper's definition:

    * small-text 2.0 divides the summed Hamming distances by the size of the row's processing
      batch instead of by ``|L|``, which makes the scores (and, through the product with
      ``r``, the selection) depend on ``batch_size`` and the pool size. Here ``batch_size``
      only bounds memory.
    * small-text 2.0 uses the *argsort* of each label's margins (the sample at sorted position
      i) where the paper uses the *rank* of sample i, so its ``r_i`` belongs to a different
      sample. Here ``r`` is computed from the ranks.

    References
    ----------
    .. [RMV18] O. Reyes, C. Morell, S. Ventura. "Effective Active Learning Strategy for
       Multi-label Learning." Neurocomputing 273, 2018.
    """
    proba = _check_label_proba(y_pred_proba_unlabeled)
    if issparse(proba):
        proba = proba.toarray()
    y_labeled = csr_matrix(y_labeled)
    if y_labeled.shape[0] == 0:
        raise ValueError('Labeled pool labels must not be empty.')
    if y_labeled.shape[1] != proba.shape[1]:
        raise ValueError(f'y_labeled must have one column per label of the probabilities '
                         f'({proba.shape[1]}), got shape {y_labeled.shape}')
    inconsistency = _category_vector_inconsistency(proba, y_labeled, prediction_threshold,
                                                   batch_size)
    return inconsistency * _borda_uncertainty_ranking(proba)


def _category_vector_inconsistency(proba, y_labeled, prediction_threshold, batch_size):
    """Return ``v_i = (1/|L|) Σ_l Hamming(ŷ_i, y_l) / C`` without forming pairwise distances.

    With ``n_c`` labeled samples carrying label c, the summed Hamming distance of ``ŷ_i`` is
    ``Σ_c n_c + Σ_c ŷ_ic (|L| - 2 n_c)``.
    """
    num_labeled, num_labels = y_labeled.shape
    label_counts = np.asarray((y_labeled != 0).sum(axis=0), dtype=np.float64).ravel()
    distance_weights = num_labeled - 2 * label_counts
    inconsistency = np.empty(proba.shape[0])
    for start in range(0, proba.shape[0], batch_size):
        predicted = proba[start:start + batch_size] > prediction_threshold
        inconsistency[start:start + batch_size] = predicted @ distance_weights
    inconsistency += label_counts.sum()
    inconsistency /= num_labeled * num_labels
    return inconsistency


def _borda_uncertainty_ranking(proba):
    """Return ``r_i = Σ_j (|U| - rank_j(i)) / (C (|U| - 1))`` with 1-based margin ranks."""
    num_unlabeled, num_labels = proba.shape
    margins = np.abs(proba - proba.sum(axis=1, keepdims=True))
    # rank per label (row of the transposed matrix); a stable sort breaks ties by position
    order = np.argsort(margins.T, axis=1, kind='stable')
    ranks = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, np.arange(1, num_unlabeled + 1)[np.newaxis, :], axis=1)
    borda_points = (num_unlabeled - ranks).sum(axis=0)
    return borda_points / (num_labels * max(num_unlabeled - 1, 1))


def _check_label_proba(proba, name='y_pred_proba_unlabeled'):
    """Return ``proba`` as a 2-D float ndarray or csr matrix of finite values in [0, 1]."""
    return check_probabilities(proba, name, shape='(n_samples, n_labels)', allow_sparse=True)


def _check_unit_interval(value, message):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value <= 1:
        raise ValueError(message)


class _PoolScoringStrategy(ScoringMixin, QueryStrategy):
    """Selects the ``n`` pool items with the largest score, which :meth:`score` computes from
    ``clf.predict_proba(dataset[indices_unlabeled])``."""

    @property
    def last_scores(self):
        """The scores of the pool items of the last call, aligned with ``indices_unlabeled``
        (see ``scores_``), or None."""
        return self.scores_

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Return the ``n`` pool items with the largest score, best first.

        Ties are broken by ascending position in ``indices_unlabeled``. If ``n`` equals the
        pool size, the pool is returned in its original order (after scoring). See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters; ``y`` must be a csr label indicator matrix.

        Raises
        ------
        ConstraintViolationError
            If ``y`` is not a csr matrix (single-label data).
        EmptyPoolException
            If ``indices_unlabeled`` is empty.
        PoolExhaustedException
            If ``n`` exceeds the pool size.
        ValueError
            If ``n`` is negative, the indices are invalid, ``y`` has no rows, or the
            classifier's probabilities have the wrong shape or contain NaN.
        """
        self._validate_query_input(indices_unlabeled, n)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled',
                                           list_length(dataset))
        self._check_classifier(clf, dataset)
        scores = self.score(clf, dataset, indices_unlabeled, indices_labeled, y)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        return indices_unlabeled[select_smallest(-scores, n)]

    def score(self, clf, dataset, indices_unlabeled, indices_labeled, y):
        """Score the pool items and store the scores in ``scores_``.

        Returns
        -------
        scores : np.ndarray of shape (len(indices_unlabeled),)
            Larger is more informative.
        """
        indices_unlabeled = np.asarray(indices_unlabeled)
        proba = _check_label_proba(clf.predict_proba(dataset[indices_unlabeled]),
                                   'clf.predict_proba(dataset[indices_unlabeled])')
        if proba.shape[0] != indices_unlabeled.shape[0]:
            raise ValueError(f'clf.predict_proba(dataset[indices_unlabeled]) must return one '
                             f'row per pool item ({indices_unlabeled.shape[0]}), got shape '
                             f'{proba.shape}')
        self.scores_ = self._score_proba(proba, y)
        return self.scores_

    def _check_classifier(self, clf, dataset):
        """Raise if ``clf`` cannot be used with ``dataset``; nothing is checked by default."""

    @abstractmethod
    def _score_proba(self, proba, y):
        """Return the scores of the pool items given their probabilities."""


@constraints(classification_type='multi-label')
class LabelCardinalityInconsistency(_PoolScoringStrategy):
    """Select the samples whose predicted number of labels deviates most from the average
    number of labels in the labeled data [LG13]_ (multi-label only).

    The score is ``| #{c : P_xc > t} - avg |`` (see :func:`_label_cardinality_inconsistency`),
    computed from ``clf.predict_proba(dataset[indices_unlabeled])``.

    Parameters
    ----------
    prediction_threshold : float, default=0.5
        ``t``: a label counts as predicted if its probability exceeds this value.

    Attributes
    ----------
    scores_ : np.ndarray of shape (len(indices_unlabeled),) or None
        The scores of the pool items of the last ``score()``/``query()``.

    Raises
    ------
    ValueError
        If ``prediction_threshold`` lies outside [0, 1].

    References
    ----------
    .. [LG13] X. Li, Y. Guo. "Active Learning with Multi-Label SVM Classification."
       IJCAI 2013.
    """

    def __init__(self, prediction_threshold: float = 0.5):
        _check_unit_interval(prediction_threshold,
                             'Prediction threshold must be in the interval [0, 1].')
        self.prediction_threshold = prediction_threshold
        self.scores_ = None

    def _score_proba(self, proba, y):
        return _label_cardinality_inconsistency(proba, y,
                                                prediction_threshold=self.prediction_threshold)

    def __str__(self):
        return f'LabelCardinalityInconsistency(prediction_threshold={self.prediction_threshold})'


@constraints(classification_type='multi-label')
class AdaptiveActiveLearning(_PoolScoringStrategy):
    """Adaptive active learning [LG13]_: combines max-margin uncertainty with label cardinality
    inconsistency (multi-label only).

    The score is ``(1 / max(BT(x), 0.01))^β · (LCI(x; t) + 1)^(1-β)`` (see
    :func:`_uncertainty_weighted_label_cardinality_inconsistency`), computed from
    ``clf.predict_proba(dataset[indices_unlabeled])``; the largest scores are selected.

    Parameters
    ----------
    uncertainty_weight : float, default=0.5
        ``β``: 1 uses only the uncertainty, 0 only the label cardinality inconsistency.
    prediction_threshold : float, default=0.5
        ``t``: a label counts as predicted if its probability exceeds this value.

    Attributes
    ----------
    scores_ : np.ndarray of shape (len(indices_unlabeled),) or None
        The scores of the pool items of the last ``score()``/``query()``.

    Raises
    ------
    ValueError
        If ``prediction_threshold`` or ``uncertainty_weight`` lies outside [0, 1] (the
        threshold is checked first).

    Notes
    -----
    small-text 2.0 ignores ``prediction_threshold`` and always counts the labels above 0.5. In
    the paper the label cardinality inconsistency counts the labels the classifier predicts,
    so here the configured threshold decides which labels count as predicted.

    References
    ----------
    .. [LG13] X. Li, Y. Guo. "Active Learning with Multi-Label SVM Classification."
       IJCAI 2013.
    """

    def __init__(self, uncertainty_weight: float = 0.5, prediction_threshold: float = 0.5):
        _check_unit_interval(prediction_threshold,
                             'Prediction threshold must be in the interval [0, 1].')
        _check_unit_interval(uncertainty_weight,
                             'Uncertainty weight must be in the interval [0, 1].')
        self.uncertainty_weight = uncertainty_weight
        self.prediction_threshold = prediction_threshold
        self.scores_ = None

    def _score_proba(self, proba, y):
        return _uncertainty_weighted_label_cardinality_inconsistency(
            proba, y, uncertainty_weight=self.uncertainty_weight,
            prediction_threshold=self.prediction_threshold)

    def __str__(self):
        return (f'AdaptiveActiveLearning(uncertainty_weight={self.uncertainty_weight}, '
                f'prediction_threshold={self.prediction_threshold})')


@constraints(classification_type='multi-label')
class CategoryVectorInconsistencyAndRanking(_PoolScoringStrategy):
    """Category Vector Inconsistency and Ranking of Scores (CVIRS) [RMV18]_ (multi-label only).

    Combines how much a sample's predicted label vector disagrees with the labeled data with
    a Borda-count aggregation of its per-label uncertainty ranks (see
    :func:`category_vector_inconsistency_and_ranking`, whose notes explain where this
    implementation follows the paper rather than small-text 2.0). The probabilities come from
    ``clf.predict_proba(dataset[indices_unlabeled])``; the largest scores are selected.

    Parameters
    ----------
    batch_size : int, default=2048
        Number of pool rows processed at a time; it bounds memory and does not change the
        scores.
    prediction_threshold : float, default=0.5
        A label counts as predicted if its probability exceeds this value.
    epsilon : float, default=1e-8
        Kept for API compatibility. small-text 2.0 uses it only in an entropy-based distance
        whose result it discards; that dead computation is skipped, so it has no effect.
    pbar : str or None, default='tqdm'
        Accepted for compatibility; no progress bar is shown.

    Attributes
    ----------
    scores_ : np.ndarray of shape (len(indices_unlabeled),) or None
        The scores of the pool items of the last ``score()``/``query()``.

    Raises
    ------
    ValueError
        If ``batch_size`` is not a positive integer.

    References
    ----------
    .. [RMV18] O. Reyes, C. Morell, S. Ventura. "Effective Active Learning Strategy for
       Multi-label Learning." Neurocomputing 273, 2018.
    """

    def __init__(self, batch_size: int = 2048, prediction_threshold: float = 0.5,
                 epsilon: float = 1e-8, pbar='tqdm'):
        _check_n(batch_size, name='batch_size')
        if batch_size == 0:
            raise ValueError('batch_size must be a positive integer, got batch_size=0')
        self.batch_size = batch_size
        self.prediction_threshold = prediction_threshold
        self.epsilon = epsilon
        self.pbar = pbar
        self.scores_ = None

    def _check_classifier(self, clf, dataset):
        """Raise a ValueError if ``clf`` and ``dataset`` disagree on the kind of labeling or
        the number of labels (checked where both expose the attributes)."""
        clf_multi_label = getattr(clf, 'multi_label', None)
        dataset_multi_label = getattr(dataset, 'is_multi_label', None)
        if clf_multi_label is not None and dataset_multi_label is not None \
                and bool(clf_multi_label) != bool(dataset_multi_label):
            raise ValueError(f'The classifier (multi_label={clf_multi_label}) and the dataset '
                             f'(is_multi_label={dataset_multi_label}) must both be '
                             f'multi-label')
        num_classes = getattr(clf, 'num_classes', None)
        target_labels = getattr(dataset, 'target_labels', None)
        if num_classes is not None and target_labels is not None \
                and num_classes != np.asarray(target_labels).shape[0]:
            raise ValueError(f'The classifier has num_classes={num_classes} but the dataset '
                             f'has {np.asarray(target_labels).shape[0]} target labels; they '
                             f'must match')

    def _score_proba(self, proba, y):
        return category_vector_inconsistency_and_ranking(
            proba, y, prediction_threshold=self.prediction_threshold,
            batch_size=self.batch_size)

    def __str__(self):
        return (f'CategoryVectorInconsistencyAndRanking(batch_size={self.batch_size}, '
                f'prediction_threshold={self.prediction_threshold}, epsilon={self.epsilon})')
