"""Query strategies for multi-label classification.

The scores are plain functions on arrays (:func:`_label_cardinality_inconsistency`,
:func:`_separation_margin`, :func:`_uncertainty_weighted_label_cardinality_inconsistency`,
:func:`category_vector_inconsistency_and_ranking`); the strategy classes obtain the pool's
probabilities from the classifier and select the highest-scoring pool items.
"""
from abc import abstractmethod

import numpy as np
from scipy.sparse import csr_matrix, issparse

import small_text.query_strategies._params as _params
from small_text.query_strategies.base import (
    QueryStrategy,
    ScoringMixin,
    _check_indices,
    constraints,
)
from small_text.query_strategies.uncertainty import select_smallest
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


def _separation_margin(y_pred_proba_unlabeled, prediction_threshold=0.5):
    """Return the max-margin separation of each row [LG13]_.

    ``sep(x) = min_{j : P_xj > t} P_xj - max_{j : P_xj <= t} P_xj``: the gap between the
    weakest predicted label and the strongest label that is not predicted. A small gap means
    that the classifier barely separates the relevant from the irrelevant labels of x. If no
    label is predicted (or every label is), the missing side is the decision threshold ``t``
    itself, so the gap is measured to the decision boundary.

    Parameters
    ----------
    y_pred_proba_unlabeled : np.ndarray of shape (n_unlabeled, n_labels)
        Predicted label probabilities (dense).
    prediction_threshold : float, default=0.5
        ``t``: a label counts as predicted if its probability exceeds this value.

    Returns
    -------
    separation : np.ndarray of shape (n_unlabeled,)
        Values in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> _separation_margin(np.array([[0.9, 0.8, 0.1], [0.3, 0.2, 0.1]]))
    array([0.7, 0.2])
    """
    proba = np.asarray(y_pred_proba_unlabeled, dtype=np.float64)
    predicted = proba > prediction_threshold
    weakest_positive = np.where(predicted, proba, np.inf).min(axis=1)
    strongest_negative = np.where(predicted, -np.inf, proba).max(axis=1)
    weakest_positive[np.isinf(weakest_positive)] = prediction_threshold
    strongest_negative[np.isinf(strongest_negative)] = prediction_threshold
    return weakest_positive - strongest_negative


def _uncertainty_weighted_label_cardinality_inconsistency(y_pred_proba_unlabeled, y_labeled,
                                                          uncertainty_weight=0.5, eps=0.01,
                                                          prediction_threshold=0.5):
    """Return the adaptive active learning score of each unlabeled sample [LG13]_.

    ``s(x) = q(x)^β · c(x)^(1-β)`` with the max-margin uncertainty
    ``q(x) = 1 / max(sep(x), eps)`` (``sep`` from :func:`_separation_margin`), the label
    cardinality inconsistency ``c(x)`` of :func:`_label_cardinality_inconsistency` and the
    uncertainty weight ``β``, both at threshold ``t``.

    Parameters
    ----------
    y_pred_proba_unlabeled : np.ndarray or scipy.sparse matrix of shape (n_unlabeled, n_labels)
        Predicted label probabilities of the unlabeled samples.
    y_labeled : scipy.sparse matrix or np.ndarray of shape (n_labeled, n_labels)
        0/1 label indicator matrix of the labeled samples.
    uncertainty_weight : float, default=0.5
        ``β``: 1 uses only the uncertainty, 0 only the label cardinality inconsistency.
    eps : float, default=0.01
        Lower bound of the separation, which keeps the uncertainty finite.
    prediction_threshold : float, default=0.5
        ``t``: a label counts as predicted if its probability exceeds this value.

    Returns
    -------
    scores : np.ndarray of shape (n_unlabeled,)
        Larger is more informative.

    Raises
    ------
    ValueError
        If ``y_labeled`` has no rows, or the probabilities are not 2-D or contain NaN.

    Notes
    -----
    Li & Guo obtain the label scores from one SVM per label and predict the labels with
    positive decision values; here the scores are the classifier's probabilities and the
    threshold ``t`` plays the role of the decision boundary. The paper chooses ``β`` anew in
    every round from a grid; here ``β`` is fixed by the caller (see
    :class:`AdaptiveActiveLearning` for why).

    Differences from small-text 2.0: small-text 2.0 used the margin between the two largest
    probabilities instead of the separation between predicted and non-predicted labels, and
    multiplied by ``(c(x) + 1)^(1-β)`` instead of the paper's ``c(x)^(1-β)``. For
    ``[0.9, 0.8, 0.1]`` the top-2 margin is 0.1, the separation 0.7.
    """
    y_pred_proba_unlabeled = _check_label_proba(y_pred_proba_unlabeled)
    if issparse(y_pred_proba_unlabeled):
        y_pred_proba_unlabeled = y_pred_proba_unlabeled.toarray()
    separation = _separation_margin(y_pred_proba_unlabeled, prediction_threshold)
    uncertainty = 1 / np.maximum(separation, eps)
    lci = _label_cardinality_inconsistency(y_pred_proba_unlabeled, y_labeled,
                                           prediction_threshold=prediction_threshold)
    return uncertainty ** uncertainty_weight * lci ** (1 - uncertainty_weight)


def category_vector_inconsistency_and_ranking(y_pred_proba_unlabeled, y_labeled,
                                              prediction_threshold=0.5, batch_size=2048,
                                              epsilon=1e-8):
    """Return the CVIRS score ``s = v ⊙ r`` of each unlabeled sample [RMV18]_.

    * ``r`` (uncertainty by rank aggregation): for each label j the pool is ranked by the
      label's margin ``m_j(x) = |P(y_j=1|x) - P(y_j=0|x)| = |2 P_xj - 1|``, smallest (most
      uncertain) first, ties by position; the q rankings are aggregated with the Borda count
      ``r(x) = Σ_j (|U| - τ_j(x)) / (q (|U| - 1))``, where ``τ_j(x)`` is the 1-based position
      of x in ranking j and q the number of labels.
    * ``v`` (category vector inconsistency): the mean distance between the predicted label
      vector ``ŷ_x = 1[P_x > t]`` and the label vectors of the labeled samples,
      ``v(x) = (1/|L|) Σ_{l∈L} d(ŷ_x, y_l)``, with the entropy-based distance of
      :func:`_category_vector_distances`.

    Parameters
    ----------
    y_pred_proba_unlabeled : np.ndarray or scipy.sparse matrix of shape (n_unlabeled, n_labels)
        Predicted label probabilities of the unlabeled samples.
    y_labeled : scipy.sparse matrix or np.ndarray of shape (n_labeled, n_labels)
        0/1 label indicator matrix of the labeled samples.
    prediction_threshold : float, default=0.5
        A label counts as predicted if its probability exceeds this value.
    batch_size : int, default=2048
        Maximal number of unlabeled rows whose distances to the labeled samples are held in
        memory at a time (fewer if ``|L|`` is large); it does not change the scores.
    epsilon : float, default=1e-8
        Added inside the logarithms of the entropies.

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
    Remaining deviations from the paper: a label's ranking breaks ties (equal margins) by
    pool position, and ``epsilon`` is added inside the logarithms (a relative change of the
    order of ``epsilon``).

    Differences from small-text 2.0, which restore the paper's definition: small-text 2.0
    ranked ``|P_xj - Σ_k P_xk|``, which does not measure the uncertainty about label j (the
    row [0.5, 0.5, 0.5], maximally uncertain on every label, got the lowest score), used the
    sorting permutation in place of the ranks, measured the inconsistency with the Hamming
    distance and divided it by the processing batch's size instead of ``|L|``.

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
                                                   batch_size, epsilon)
    return inconsistency * _borda_uncertainty_ranking(proba)


_DISTANCE_BLOCK_ELEMENTS = 1 << 21
"""Elements of an (unlabeled rows x labeled rows) block of category vector distances."""


def _category_vector_inconsistency(proba, y_labeled, prediction_threshold, batch_size,
                                   epsilon):
    """Return ``v(x) = (1/|L|) Σ_l d(ŷ_x, y_l)`` in blocks of unlabeled rows."""
    num_labeled = y_labeled.shape[0]
    labeled = (y_labeled != 0).astype(np.float64).tocsr()
    labeled_counts = np.asarray(labeled.sum(axis=1)).ravel()
    block_rows = max(1, min(batch_size, _DISTANCE_BLOCK_ELEMENTS // num_labeled))
    inconsistency = np.empty(proba.shape[0])
    for start in range(0, proba.shape[0], block_rows):
        predicted = (proba[start:start + block_rows] > prediction_threshold).astype(np.float64)
        both = np.asarray((labeled @ predicted.T).T)  # (rows, |L|): labels in both vectors
        distances = _category_vector_distances(both, predicted.sum(axis=1), labeled_counts,
                                               proba.shape[1], epsilon)
        inconsistency[start:start + block_rows] = distances.mean(axis=1)
    return inconsistency


def _category_vector_distances(both, predicted_counts, labeled_counts, num_labels,
                               epsilon=1e-8):
    """Return the entropy-based distances between binary label vectors [RMV18]_.

    For two label vectors φ_i, φ_j of length q with ``a`` labels in both, ``b`` only in φ_i,
    ``c`` only in φ_j and ``e`` in neither, the joint entropy is
    ``H(φ_i, φ_j) = -Σ_{k ∈ {a,b,c,e}} (k/q) log2(k/q)`` and the marginal entropies are
    ``H(φ_i) = h((a+b)/q)``, ``H(φ_j) = h((a+c)/q)`` with the binary entropy h. The distance is
    the normalised variation of information

    ``d(φ_i, φ_j) = (2 H(φ_i, φ_j) - H(φ_i) - H(φ_j)) / H(φ_i, φ_j)``,

    which lies in [0, 1] and is 0 for identical vectors. Vectors that differ in every label
    (a = e = 0) carry the same information, so the formula would give 0; they get the
    maximal distance 1.

    Parameters
    ----------
    both : np.ndarray of shape (n_rows, n_labeled)
        ``a``: number of labels set in both vectors.
    predicted_counts : np.ndarray of shape (n_rows,)
        ``a + b``: labels set in the predicted vectors.
    labeled_counts : np.ndarray of shape (n_labeled,)
        ``a + c``: labels set in the labeled vectors.
    num_labels : int
        ``q``.
    epsilon : float, default=1e-8
        Added inside the logarithms.

    Returns
    -------
    distances : np.ndarray of shape (n_rows, n_labeled)
    """
    a = np.rint(both).astype(np.int64)
    b = np.rint(predicted_counts).astype(np.int64)[:, np.newaxis] - a
    c = np.rint(labeled_counts).astype(np.int64)[np.newaxis, :] - a
    e = num_labels - a - b - c
    # the counts are integers in [0, q]: look the terms -(k/q) log2(k/q) up in a table
    p = np.arange(num_labels + 1) / num_labels
    plogp = np.zeros(num_labels + 1)
    plogp[1:] = -p[1:] * np.log2(p[1:] + epsilon)

    joint = plogp[a] + plogp[b] + plogp[c] + plogp[e]
    marginals = plogp[a + b] + plogp[c + e] + plogp[a + c] + plogp[b + e]
    distances = np.zeros_like(joint)
    informative = joint > epsilon
    distances[informative] = ((2 * joint - marginals)[informative] / joint[informative])
    np.clip(distances, 0.0, 1.0, out=distances)
    distances[a + e == 0] = 1.0
    return distances


def _borda_uncertainty_ranking(proba):
    """Return ``r(x) = Σ_j (|U| - τ_j(x)) / (q (|U| - 1))`` with the 1-based positions
    ``τ_j(x)`` of x in the ranking of label j by the margin ``|2 P_xj - 1|`` (ascending)."""
    num_unlabeled, num_labels = proba.shape
    margins = np.abs(2 * proba - 1)
    # position per label (row of the transposed matrix); a stable sort breaks ties by position
    order = np.argsort(margins.T, axis=1, kind='stable')
    positions = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(positions, order, np.arange(1, num_unlabeled + 1)[np.newaxis, :], axis=1)
    borda_points = (num_unlabeled - positions).sum(axis=0)
    return borda_points / (num_labels * max(num_unlabeled - 1, 1))


def _check_label_proba(proba, name='y_pred_proba_unlabeled'):
    """Return ``proba`` as a 2-D float ndarray or csr matrix of finite values in [0, 1]."""
    return check_probabilities(proba, name, shape='(n_samples, n_labels)', allow_sparse=True)


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
        self._check_parameters()
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

    _PARAMETER_CHECKS = {'prediction_threshold': _params.unit_interval}

    def __init__(self, prediction_threshold: float = 0.5):
        _params.check_in_constructor(_params.unit_interval, prediction_threshold,
                                     'prediction_threshold',
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

    The score is ``q(x)^β · c(x)^(1-β)``: ``q(x) = 1 / max(sep(x), 0.01)``, where the
    separation ``sep(x)`` is the gap between the smallest probability of a predicted label
    and the largest probability of a label that is not predicted, and ``c(x)`` is the label
    cardinality inconsistency (see :func:`_uncertainty_weighted_label_cardinality_inconsistency`).
    Both use ``clf.predict_proba(dataset[indices_unlabeled])`` and the threshold ``t``; the
    largest scores are selected.

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
    Remaining deviations from the paper, and why they remain:

    * ``β`` is fixed. Li & Guo choose it anew in every round: for each ``β`` in
      {0, 0.1, ..., 1} they take the best-scoring instance, retrain the classifier with that
      instance and its predicted labels added, and keep the instance whose retrained
      classifier has the smallest approximate generalisation error, the hinge loss of the
      SVM decision values on the unlabeled data with the predicted labels as targets. This
      is not done here because (1) it trains the classifier up to eleven more times per
      query, which for fine-tuned transformer classifiers multiplies the cost of a query by
      eleven trainings; (2) the error is defined on SVM decision values with a unit margin,
      which probabilities do not provide, so any version of it here would be our invention,
      not the paper's criterion; (3) it selects one instance per round and is not defined
      for a batch of ``n``. ``β`` is therefore ``uncertainty_weight``, as in small-text 2.0's
      constructor; the default 0.5 weights both measures equally.
    * Their label scores are SVM decision values with the boundary at 0; here they are
      probabilities with the boundary at ``t``. If no label (or every label) is predicted,
      the missing side of the separation is ``t`` itself.

    Differences from small-text 2.0: small-text 2.0 took the uncertainty from the margin
    between the two largest probabilities, multiplied by ``(c(x) + 1)^(1-β)`` and always
    counted the labels above 0.5, whatever ``prediction_threshold`` said.

    References
    ----------
    .. [LG13] X. Li, Y. Guo. "Active Learning with Multi-Label SVM Classification."
       IJCAI 2013.
    """

    _PARAMETER_CHECKS = {'uncertainty_weight': _params.unit_interval,
                         'prediction_threshold': _params.unit_interval}

    def __init__(self, uncertainty_weight: float = 0.5, prediction_threshold: float = 0.5):
        _params.check_in_constructor(_params.unit_interval, prediction_threshold,
                                     'prediction_threshold',
                                     'Prediction threshold must be in the interval [0, 1].')
        _params.check_in_constructor(_params.unit_interval, uncertainty_weight,
                                     'uncertainty_weight',
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

    Multiplies a Borda-count aggregation of the sample's per-label uncertainty ranks (the
    margin ``|P(y_j=1|x) - P(y_j=0|x)|`` of each label j) with how much its predicted label
    vector disagrees with the label vectors of the labeled data (an entropy-based distance);
    see :func:`category_vector_inconsistency_and_ranking`, whose notes list the remaining
    deviations from the paper (tie-breaking by position, ``epsilon`` in the logarithms) and
    the differences from small-text 2.0. The probabilities come from
    ``clf.predict_proba(dataset[indices_unlabeled])``; the largest scores are selected.

    Parameters
    ----------
    batch_size : int, default=2048
        Maximal number of pool rows processed at a time; it bounds memory and does not change
        the scores.
    prediction_threshold : float, default=0.5
        A label counts as predicted if its probability exceeds this value.
    epsilon : float, default=1e-8
        Added inside the logarithms of the entropy-based distance.
    pbar : str or None, default='tqdm'
        Accepted for compatibility; no progress bar is shown.

    Attributes
    ----------
    scores_ : np.ndarray of shape (len(indices_unlabeled),) or None
        The scores of the pool items of the last ``score()``/``query()``.

    Raises
    ------
    ValueError
        From ``query()``, if ``batch_size`` is not a positive integer,
        ``prediction_threshold`` lies outside [0, 1] or ``epsilon`` is negative.

    References
    ----------
    .. [RMV18] O. Reyes, C. Morell, S. Ventura. "Effective Active Learning Strategy for
       Multi-label Learning." Neurocomputing 273, 2018.
    """

    _PARAMETER_CHECKS = {'batch_size': _params.positive_int,
                         'prediction_threshold': _params.unit_interval,
                         'epsilon': _params.non_negative_number}

    def __init__(self, batch_size: int = 2048, prediction_threshold: float = 0.5,
                 epsilon: float = 1e-8, pbar='tqdm'):
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
            batch_size=self.batch_size, epsilon=self.epsilon)

    def __str__(self):
        return (f'CategoryVectorInconsistencyAndRanking(batch_size={self.batch_size}, '
                f'prediction_threshold={self.prediction_threshold}, epsilon={self.epsilon})')
