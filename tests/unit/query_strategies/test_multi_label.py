import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.exceptions import ConstraintViolationError
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.multi_label import (
    AdaptiveActiveLearning,
    CategoryVectorInconsistencyAndRanking,
    LabelCardinalityInconsistency,
    _category_vector_distances,
    _label_cardinality_inconsistency,
    _separation_margin,
    _uncertainty_weighted_label_cardinality_inconsistency,
    category_vector_inconsistency_and_ranking,
)


class RowProbaClassifier:
    """Fake multi-label classifier: the dataset *is* the probability matrix, so
    ``predict_proba(dataset[indices])`` returns exactly those rows."""

    def __init__(self, sparse=False, num_classes=None, multi_label=True):
        self.sparse = sparse
        self.num_classes = num_classes
        self.multi_label = multi_label

    def predict_proba(self, dataset):
        proba = np.asarray(dataset, dtype=float)
        return csr_matrix(proba) if self.sparse else proba


class ProbaDataset:
    """A probability matrix with the dataset attributes that CVIRS checks."""

    def __init__(self, proba, is_multi_label=True, num_labels=None):
        self.proba = np.asarray(proba)
        self.is_multi_label = is_multi_label
        self.target_labels = np.arange(self.proba.shape[1] if num_labels is None else num_labels)

    def __len__(self):
        return self.proba.shape[0]

    def __getitem__(self, item):
        return self.proba[item]


# three pool rows, three labels; labeled data has 1.5 labels per sample on average
PROBA = np.array([[0.6, 0.7, 0.1],
                  [0.2, 0.1, 0.3],
                  [0.9, 0.8, 0.7]])
Y = csr_matrix(np.array([[1, 1, 0],
                         [1, 0, 0]]))

MULTI_LABEL_STRATEGIES = [LabelCardinalityInconsistency, AdaptiveActiveLearning,
                          CategoryVectorInconsistencyAndRanking]


# --- label cardinality inconsistency -------------------------------------------------------

def test_lci_hand_checked():
    # predicted label counts [2, 0, 3] against an average of 1.5
    np.testing.assert_allclose(_label_cardinality_inconsistency(PROBA, Y), [0.5, 1.5, 1.5])


def test_lci_accepts_sparse_probabilities_and_dense_labels():
    np.testing.assert_allclose(_label_cardinality_inconsistency(csr_matrix(PROBA), Y.toarray()),
                               [0.5, 1.5, 1.5])


def test_lci_honours_threshold():
    # counts above 0.75: [0, 0, 2]
    np.testing.assert_allclose(
        _label_cardinality_inconsistency(PROBA, Y, prediction_threshold=0.75), [1.5, 1.5, 0.5])


def test_lci_ignores_explicitly_stored_zeros_in_labels():
    y = csr_matrix((np.array([1, 0, 1]), np.array([0, 1, 0]), np.array([0, 2, 3])),
                   shape=(2, 3))
    assert y.nnz == 3
    np.testing.assert_allclose(_label_cardinality_inconsistency(PROBA, y), [1.0, 1.0, 2.0])


def test_lci_rejects_empty_labels():
    with pytest.raises(ValueError, match='Labeled pool labels must not be empty.'):
        _label_cardinality_inconsistency(PROBA, csr_matrix((0, 3)))


def test_lci_rejects_nan():
    proba = PROBA.copy()
    proba[1, 1] = np.nan
    with pytest.raises(ValueError, match='contains NaN'):
        _label_cardinality_inconsistency(proba, Y)
    with pytest.raises(ValueError, match='contains NaN'):
        _label_cardinality_inconsistency(csr_matrix(proba), Y)


def test_lci_rejects_non_matrix_probabilities():
    with pytest.raises(ValueError, match='must be a 2-D array'):
        _label_cardinality_inconsistency(np.array([0.1, 0.9]), Y)


def test_lci_strategy_selects_largest_best_first_ties_by_position():
    strategy = LabelCardinalityInconsistency()
    assert strategy.last_scores is None
    result = strategy.query(RowProbaClassifier(), PROBA, np.array([0, 1, 2]),
                            np.array([], dtype=int), Y, n=2)
    np.testing.assert_array_equal(result, [1, 2])
    np.testing.assert_allclose(strategy.last_scores, [0.5, 1.5, 1.5])


def test_lci_strategy_scores_only_the_pool_in_pool_order():
    strategy = LabelCardinalityInconsistency()
    scores = strategy.score(RowProbaClassifier(), PROBA, np.array([2, 0]), np.array([1]), Y)
    np.testing.assert_allclose(scores, [1.5, 0.5])


def test_lci_strategy_with_sparse_probabilities():
    result = LabelCardinalityInconsistency().query(
        RowProbaClassifier(sparse=True), PROBA, np.array([2, 0]), np.array([1]), Y, n=1)
    np.testing.assert_array_equal(result, [2])


def test_lci_strategy_threshold():
    strategy = LabelCardinalityInconsistency(prediction_threshold=0.75)
    result = strategy.query(RowProbaClassifier(), PROBA, np.array([0, 1, 2]),
                            np.array([], dtype=int), Y, n=1)
    np.testing.assert_array_equal(result, [0])  # the default threshold selects [1]


@pytest.mark.parametrize('threshold', [-0.1, 1.1, np.nan, '0.5'])
def test_lci_invalid_threshold(threshold):
    with pytest.raises(ValueError, match=r'Prediction threshold must be in the interval \[0, 1\]'):
        LabelCardinalityInconsistency(prediction_threshold=threshold)


def test_lci_str():
    assert str(LabelCardinalityInconsistency()) == \
        'LabelCardinalityInconsistency(prediction_threshold=0.5)'


# --- adaptive active learning --------------------------------------------------------------

# labeled data: one label per sample on average
Y_ONE_LABEL = csr_matrix(np.array([[1, 0, 0], [0, 1, 0]]))
# t = 0.5: row A predicts no label (separation to the boundary 0.5 - 0.45 = 0.05), row B one
#          label (separation 0.6 - 0.4 = 0.2)
# t = 0.3: row A predicts one label (0.45 - 0.2 = 0.25), row B two (0.4 - 0.05 = 0.35)
PROBA_AB = np.array([[0.45, 0.20, 0.05],
                     [0.60, 0.40, 0.05]])


def test_separation_margin_hand_checked():
    """Li & Guo 2013 (IJCAI), max-margin prediction uncertainty: sep(x) = min_{j predicted}
    f_j(x) - max_{j not predicted} f_j(x), here with probabilities and the threshold t = 0.5
    in place of SVM decision values and the boundary 0 (the remaining deviation). No equation
    number is cited: the paper's text could not be consulted offline to check one.

    [0.9, 0.8, 0.1]: predicted {0.9, 0.8}, not predicted {0.1}: 0.8 - 0.1 = 0.7 (the top-2
    margin would be 0.1). [0.3, 0.2, 0.1]: nothing predicted, the boundary 0.5 stands in for
    the weakest predicted label: 0.5 - 0.3 = 0.2. [0.9, 0.8, 0.7]: everything predicted:
    0.7 - 0.5 = 0.2.
    """
    proba = np.array([[0.9, 0.8, 0.1], [0.3, 0.2, 0.1], [0.9, 0.8, 0.7]])
    np.testing.assert_allclose(_separation_margin(proba), [0.7, 0.2, 0.2])
    np.testing.assert_allclose(_separation_margin(proba, prediction_threshold=0.85),
                               [0.1, 0.55, 0.1])


def test_adaptive_selects_by_separation_not_top2_margin():
    """Li & Guo 2013 (IJCAI), adaptive active learning: s(x) = q(x)^β c(x)^(1-β) with the
    max-margin uncertainty q(x) = 1/sep(x) and the label cardinality inconsistency
    c(x) = |#predicted(x) - mean #labels in L|. No equation number is cited: the paper's text
    could not be consulted offline to check one. Remaining deviation: β is fixed (here 0.5)
    instead of chosen per round from {0, 0.1, ..., 1} by an approximate generalisation error
    (see the AdaptiveActiveLearning notes for why).

    L has 1.5 labels per sample. R1 = [0.9, 0.8, 0.1]: sep 0.7, two labels predicted, c 0.5.
    R2 = [0.7, 0.35, 0.1]: sep 0.7 - 0.35 = 0.35, one label predicted, c 0.5.
    β = 0.5: s(R1) = sqrt(0.5 / 0.7) = 0.845, s(R2) = sqrt(0.5 / 0.35) = 1.195, so R2 is
    selected (the top-2 margins 0.1 and 0.35 would select R1).
    """
    proba = np.array([[0.9, 0.8, 0.1], [0.7, 0.35, 0.1]])
    y = csr_matrix(np.array([[1, 1, 0], [1, 0, 0]]))
    scores = _uncertainty_weighted_label_cardinality_inconsistency(proba, y)
    np.testing.assert_allclose(scores, [np.sqrt(0.5 / 0.7), np.sqrt(0.5 / 0.35)])
    selected = AdaptiveActiveLearning().query(RowProbaClassifier(), proba, np.array([0, 1]),
                                              np.array([], dtype=int), y, n=1)
    np.testing.assert_array_equal(selected, [1])


def test_adaptive_hand_checked_scores():
    """t = 0.5: q = [1/0.05, 1/0.2] = [20, 5]; c = [|0 - 1|, |1 - 1|] = [1, 0]."""
    scores = _uncertainty_weighted_label_cardinality_inconsistency(PROBA_AB, Y_ONE_LABEL)
    np.testing.assert_allclose(scores, [np.sqrt(20 * 1), 0.0])


def test_adaptive_honours_prediction_threshold():
    """t = 0.3: q = [1/0.25, 1/0.35] = [4, 20/7]; c = [0, 1], which reverses the ranking."""
    scores = _uncertainty_weighted_label_cardinality_inconsistency(
        PROBA_AB, Y_ONE_LABEL, prediction_threshold=0.3)
    np.testing.assert_allclose(scores, [0.0, np.sqrt(20 / 7)])

    pool, labeled = np.array([0, 1]), np.array([], dtype=int)
    default = AdaptiveActiveLearning().query(RowProbaClassifier(), PROBA_AB, pool, labeled,
                                             Y_ONE_LABEL, n=1)
    low_threshold = AdaptiveActiveLearning(prediction_threshold=0.3).query(
        RowProbaClassifier(), PROBA_AB, pool, labeled, Y_ONE_LABEL, n=1)
    np.testing.assert_array_equal(default, [0])
    np.testing.assert_array_equal(low_threshold, [1])


@pytest.mark.parametrize('weight, expected', [(1.0, [20.0, 5.0]), (0.0, [1.0, 0.0])])
def test_adaptive_uncertainty_weight_extremes(weight, expected):
    scores = _uncertainty_weighted_label_cardinality_inconsistency(
        PROBA_AB, Y_ONE_LABEL, uncertainty_weight=weight)
    np.testing.assert_allclose(scores, expected)


def test_adaptive_eps_bounds_the_separation():
    # nothing above 0.5: the separation is 0.5 - 0.5 = 0
    proba = np.array([[0.5, 0.5, 0.0]])
    scores = _uncertainty_weighted_label_cardinality_inconsistency(proba, Y_ONE_LABEL,
                                                                   uncertainty_weight=1.0)
    np.testing.assert_allclose(scores, [100.0])
    scores = _uncertainty_weighted_label_cardinality_inconsistency(
        proba, Y_ONE_LABEL, uncertainty_weight=1.0, eps=0.1)
    np.testing.assert_allclose(scores, [10.0])


def test_adaptive_sparse_probabilities():
    scores = _uncertainty_weighted_label_cardinality_inconsistency(csr_matrix(PROBA_AB),
                                                                   Y_ONE_LABEL)
    np.testing.assert_allclose(scores, [np.sqrt(20), 0.0])


def test_adaptive_strategy_stores_pool_scores():
    strategy = AdaptiveActiveLearning()
    assert strategy.last_scores is None
    strategy.query(RowProbaClassifier(), PROBA_AB, np.array([1, 0]), np.array([], dtype=int),
                   Y_ONE_LABEL, n=1)
    np.testing.assert_allclose(strategy.last_scores, [0.0, np.sqrt(20)])


def test_adaptive_threshold_is_validated_before_weight():
    with pytest.raises(ValueError, match='Prediction threshold'):
        AdaptiveActiveLearning(uncertainty_weight=2, prediction_threshold=2)
    with pytest.raises(ValueError, match=r'Uncertainty weight must be in the interval \[0, 1\]'):
        AdaptiveActiveLearning(uncertainty_weight=1.5)


def test_adaptive_empty_labels():
    with pytest.raises(ValueError, match='Labeled pool labels must not be empty.'):
        AdaptiveActiveLearning().query(RowProbaClassifier(), PROBA_AB, np.array([0, 1]),
                                       np.array([], dtype=int), csr_matrix((0, 3)), n=1)


def test_adaptive_str():
    assert str(AdaptiveActiveLearning()) == \
        'AdaptiveActiveLearning(uncertainty_weight=0.5, prediction_threshold=0.5)'


# --- CVIRS ---------------------------------------------------------------------------------

# pool of three, three labels; predicted vectors [0,0,0], [1,0,1], [1,0,1]
PROBA_CVIRS = np.array([[0.5, 0.5, 0.5],
                        [0.9, 0.1, 0.9],
                        [0.6, 0.2, 0.8]])
Y_CVIRS = csr_matrix(np.array([[1, 0, 0], [1, 1, 0]]))
_D = (4 / 3) / np.log2(3)  # entropy distance of [1,0,1] to [1,0,0] and to [1,1,0]
SCORES_CVIRS = [1.0, 0.0, 0.5 * _D]


def _entropy_distance(u, w):
    """Reyes et al. 2018, entropy-based distance of two binary vectors, written out."""
    q = len(u)
    counts = [np.sum(u & w), np.sum(u & ~w), np.sum(~u & w), np.sum(~u & ~w)]

    def entropy(values):
        p = np.array(values, dtype=float) / q
        p = p[p > 0]
        return -(p * np.log2(p)).sum()

    if counts[1] + counts[2] == 0:
        return 0.0
    if counts[0] + counts[3] == 0:
        return 1.0
    joint = entropy(counts)
    return (2 * joint - entropy([u.sum(), q - u.sum()]) - entropy([w.sum(), q - w.sum()])) / joint


def test_cvirs_hand_checked_scores():
    """Reyes, Morell & Ventura 2018 (Neurocomputing 273), CVIRS: s(x) = r(x) v(x), the
    uncertainty by rank aggregation times the category vector inconsistency. No equation
    number is cited: the paper's text could not be consulted offline to check one; the
    distance below agrees with an independent implementation that cites the paper.

    Uncertainty by rank aggregation: margins |P(y_j=1|x) - P(y_j=0|x)| = |2P - 1| are
    row 0 [0, 0, 0], row 1 [.8, .8, .8], row 2 [.2, .6, .6]; every label ranks the rows
    0, 2, 1, so the Borda count r(x) = sum_j (|U| - tau_j(x)) / (q (|U| - 1)) gives
    r = [3*2/6, 0, 3*1/6] = [1, 0, 0.5].

    Category vector inconsistency v(x) = (1/|L|) sum_l d(yhat_x, y_l) with the entropy distance
    d = (2 H(u, w) - H(u) - H(w)) / H(u, w): [0,0,0] has zero entropy, so d = H(w)/H(w) = 1 to
    both labeled vectors; [1,0,1] vs [1,0,0] (and vs [1,1,0]) has the contingency counts
    (1, 1, 0, 1), H(u, w) = log2 3, H(u) = H(w) = log2 3 - 2/3, so d = (4/3) / log2 3 = 0.841.

    s = [1 * 1, 0 * 0.841, 0.5 * 0.841]: the row that is maximally uncertain on every label
    comes first.
    """
    scores = category_vector_inconsistency_and_ranking(PROBA_CVIRS, Y_CVIRS, epsilon=0.0)
    np.testing.assert_allclose(scores, SCORES_CVIRS)
    np.testing.assert_allclose(_entropy_distance(np.array([1, 0, 1], bool),
                                                 np.array([1, 0, 0], bool)), _D)


def test_cvirs_distance_extremes():
    """Identical vectors are at distance 0, vectors that differ in every label at 1."""
    distances = _category_vector_distances(
        np.array([[2.0, 0.0]]), np.array([2.0]), np.array([2.0, 2.0]), 4, epsilon=0.0)
    # [1,1,0,0] vs [1,1,0,0] and vs [0,0,1,1]
    np.testing.assert_allclose(distances, [[0.0, 1.0]])


def test_cvirs_scores_do_not_depend_on_batch_size():
    rng = np.random.default_rng(0)
    proba = rng.random((50, 4))
    y = csr_matrix(rng.integers(0, 2, size=(7, 4)))
    expected = category_vector_inconsistency_and_ranking(proba, y)
    for batch_size in [1, 3, 49, 50]:
        np.testing.assert_allclose(
            category_vector_inconsistency_and_ranking(proba, y, batch_size=batch_size),
            expected)


def test_cvirs_matches_pairwise_definition():
    rng = np.random.default_rng(1)
    proba = rng.random((30, 5))
    y = rng.integers(0, 2, size=(6, 5)).astype(bool)
    predicted = proba > 0.5
    inconsistency = np.array([np.mean([_entropy_distance(p, label) for label in y])
                              for p in predicted])
    margins = np.abs(2 * proba - 1)
    ranks = np.argsort(np.argsort(margins, axis=0, kind='stable'), axis=0, kind='stable') + 1
    ranking = (30 - ranks).sum(axis=1) / (5 * 29)
    np.testing.assert_allclose(
        category_vector_inconsistency_and_ranking(proba, csr_matrix(y), epsilon=0.0),
        inconsistency * ranking)


def test_cvirs_single_pool_item():
    scores = category_vector_inconsistency_and_ranking(PROBA_CVIRS[:1], Y_CVIRS)
    np.testing.assert_allclose(scores, [0.0])


def test_cvirs_label_count_mismatch():
    with pytest.raises(ValueError, match='one column per label'):
        category_vector_inconsistency_and_ranking(PROBA_CVIRS, csr_matrix(np.ones((2, 2))))


def test_cvirs_empty_labels():
    with pytest.raises(ValueError, match='Labeled pool labels must not be empty.'):
        category_vector_inconsistency_and_ranking(PROBA_CVIRS, csr_matrix((0, 2)))


def test_cvirs_strategy_selects_largest():
    strategy = CategoryVectorInconsistencyAndRanking()
    assert strategy.last_scores is None
    dataset = ProbaDataset(PROBA_CVIRS)
    result = strategy.query(RowProbaClassifier(num_classes=3), dataset, np.array([0, 1, 2]),
                            np.array([], dtype=int), Y_CVIRS, n=2)
    np.testing.assert_array_equal(result, [0, 2])
    np.testing.assert_allclose(strategy.last_scores, SCORES_CVIRS, rtol=1e-6)


def test_cvirs_strategy_rejects_single_label_classifier():
    with pytest.raises(ValueError, match='must both be multi-label'):
        CategoryVectorInconsistencyAndRanking().query(
            RowProbaClassifier(multi_label=False), ProbaDataset(PROBA_CVIRS),
            np.array([0, 1, 2]), np.array([], dtype=int), Y_CVIRS, n=1)


def test_cvirs_strategy_rejects_num_classes_mismatch():
    with pytest.raises(ValueError, match='num_classes=2 but the dataset has 3 target labels'):
        CategoryVectorInconsistencyAndRanking().query(
            RowProbaClassifier(num_classes=2), ProbaDataset(PROBA_CVIRS), np.array([0, 1, 2]),
            np.array([], dtype=int), Y_CVIRS, n=1)


def test_cvirs_str():
    assert str(CategoryVectorInconsistencyAndRanking()) == (
        'CategoryVectorInconsistencyAndRanking(batch_size=2048, prediction_threshold=0.5, '
        'epsilon=1e-08)')


# --- shared behaviour ----------------------------------------------------------------------

@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_single_label_data_violates_constraint(strategy_class):
    with pytest.raises(ConstraintViolationError,
                       match='requires classification_type=multi-label but single-label'):
        strategy_class().query(RowProbaClassifier(), PROBA, np.array([0, 1]), np.array([2]),
                               np.array([0]), n=1)


@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_constraint_error_is_a_runtime_error(strategy_class):
    with pytest.raises(RuntimeError):
        strategy_class().query(RowProbaClassifier(), PROBA, np.array([0, 1]), np.array([2]),
                               np.array([0]), n=1)


@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_empty_pool(strategy_class):
    with pytest.raises(EmptyPoolException, match='Cannot query an empty pool'):
        strategy_class().query(RowProbaClassifier(), PROBA, np.array([], dtype=int),
                               np.array([0]), Y[:1], n=1)


@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_pool_exhausted(strategy_class):
    with pytest.raises(PoolExhaustedException, match='2 available / 3 requested'):
        strategy_class().query(RowProbaClassifier(), PROBA, np.array([0, 1]), np.array([2]),
                               Y[:1], n=3)


@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_full_pool_shortcut_scores_first(strategy_class):
    strategy = strategy_class()
    result = strategy.query(RowProbaClassifier(), ProbaDataset(PROBA), np.array([2, 0, 1]),
                            np.array([], dtype=int), Y, n=3)
    np.testing.assert_array_equal(result, [2, 0, 1])
    assert strategy.last_scores.shape == (3,)


@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_nan_probabilities_raise(strategy_class):
    proba = PROBA.copy()
    proba[0, 0] = np.nan
    with pytest.raises(ValueError, match='contains NaN'):
        strategy_class().query(RowProbaClassifier(), ProbaDataset(proba), np.array([0, 1, 2]),
                               np.array([], dtype=int), Y, n=1)


@pytest.mark.parametrize('strategy_class', MULTI_LABEL_STRATEGIES)
def test_wrong_number_of_probability_rows(strategy_class):
    class OneRowClassifier(RowProbaClassifier):
        def predict_proba(self, dataset):
            return PROBA[:1]

    with pytest.raises(ValueError, match='one row per pool item'):
        strategy_class().query(OneRowClassifier(), ProbaDataset(PROBA), np.array([0, 1, 2]),
                               np.array([], dtype=int), Y, n=1)
