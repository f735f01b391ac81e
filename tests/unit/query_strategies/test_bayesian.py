import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.query_strategies.bayesian import BALD, bald
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException

from ._fakes import FixedProbaClassifier, empty_labeled


class DropoutClassifier:
    """Fake classifier whose dropout predictions are a fixed (N, T, C) array."""

    def __init__(self, proba_dropout):
        self.proba_dropout = np.asarray(proba_dropout)
        self.dropout_sampling = []

    def predict_proba(self, dataset, dropout_sampling=1):
        self.dropout_sampling.append(dropout_sampling)
        return self.proba_dropout


def _naive_bald(proba_dropout, eps=1e-8):
    """Spec formula, one sample and one pass at a time."""
    result = []
    for passes in proba_dropout:
        mean = passes.mean(axis=0)
        value = -sum(p * np.log2(p + eps) for p in mean)
        value += sum(p * np.log2(p + eps) for row in passes for p in row) / len(passes)
        result.append(value)
    return np.array(result)


# two passes per sample, two classes
DISAGREEING = [[1.0, 0.0], [0.0, 1.0]]      # certain but contradicting: 1 bit
AGREEING = [[0.5, 0.5], [0.5, 0.5]]         # uncertain but consistent: 0 bits
SOFT_DISAGREEING = [[0.9, 0.1], [0.1, 0.9]]  # 1 - H(0.9, 0.1) = 0.531004 bits


def test_bald_hand_checked_values():
    scores = bald(np.array([DISAGREEING, AGREEING, SOFT_DISAGREEING]))
    np.testing.assert_allclose(scores, [1.0, 0.0, 0.531004], atol=1e-6)


def test_bald_matches_the_formula_on_random_input():
    rng = np.random.default_rng(0)
    proba_dropout = rng.dirichlet(np.ones(4), size=(20, 5))
    np.testing.assert_allclose(bald(proba_dropout), _naive_bald(proba_dropout), rtol=1e-10)


def test_bald_eps_keeps_zero_probabilities_finite():
    scores = bald(np.array([[[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]]]))
    assert np.isfinite(scores).all()
    np.testing.assert_allclose(scores, [0.0], atol=1e-7)


def test_bald_keeps_float32():
    proba_dropout = np.array([SOFT_DISAGREEING], dtype=np.float32)
    assert bald(proba_dropout).dtype == np.float32
    assert bald(np.array([[[1, 0], [0, 1]]])).dtype == np.float64


def test_bald_processes_chunks(monkeypatch):
    import small_text.query_strategies.bayesian as bayesian
    rng = np.random.default_rng(1)
    proba_dropout = rng.dirichlet(np.ones(3), size=(11, 4))
    expected = bald(proba_dropout)
    monkeypatch.setattr(bayesian, '_CHUNK_ELEMENTS', 12)  # one sample per chunk
    np.testing.assert_allclose(bald(proba_dropout), expected)


@pytest.mark.parametrize('proba_dropout', [np.zeros((3, 2)), np.zeros((3, 0, 2)),
                                           np.zeros((3, 2, 0))])
def test_bald_rejects_bad_shapes(proba_dropout):
    with pytest.raises(ValueError, match='Dropout probabilities'):
        bald(proba_dropout)


def test_bald_rejects_nan():
    with pytest.raises(ValueError, match='contains NaN'):
        bald(np.array([[[np.nan, 0.5], [0.5, 0.5]]]))


# --- BALD strategy ------------------------------------------------------------------------

def _dropout_proba():
    # dataset rows: 0 agreeing, 1 disagreeing, 2 soft disagreeing, 3 disagreeing (tie with 1)
    return np.array([AGREEING, DISAGREEING, SOFT_DISAGREEING, DISAGREEING])


def test_query_selects_largest_bald_scores_best_first():
    clf = DropoutClassifier(_dropout_proba())
    strategy = BALD(dropout_samples=2)
    indices_labeled, y = empty_labeled()
    result = strategy.query(clf, np.zeros((4, 1)), np.array([0, 2, 3]), indices_labeled, y, n=2)
    np.testing.assert_array_equal(result, [3, 2])
    assert clf.dropout_sampling == [2]


def test_query_breaks_ties_by_pool_position():
    strategy = BALD(dropout_samples=2)
    indices_labeled, y = empty_labeled()
    result = strategy.query(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)),
                            np.array([3, 0, 1]), indices_labeled, y, n=1)
    np.testing.assert_array_equal(result, [3])


def test_scores_cover_the_whole_dataset():
    strategy = BALD(dropout_samples=2)
    assert strategy.last_scores is None
    strategy.query(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)), np.array([0, 1]),
                   np.array([2]), np.array([0]), n=1)
    np.testing.assert_allclose(strategy.last_scores, [0.0, 1.0, 0.531004, 1.0], atol=1e-6)
    assert strategy.scores_ is strategy.last_scores


def test_score_returns_full_length_scores():
    strategy = BALD(dropout_samples=2)
    scores = strategy.score(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)),
                            np.array([0]), np.array([1]), np.array([0]))
    assert scores.shape == (4,)


def test_query_full_pool_returns_pool_in_order_after_scoring():
    strategy = BALD(dropout_samples=2)
    indices_labeled, y = empty_labeled()
    result = strategy.query(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)),
                            np.array([2, 0, 3, 1]), indices_labeled, y, n=4)
    np.testing.assert_array_equal(result, [2, 0, 3, 1])
    assert strategy.last_scores is not None


def test_query_n_zero_returns_empty():
    indices_labeled, y = empty_labeled()
    result = BALD(dropout_samples=2).query(DropoutClassifier(_dropout_proba()),
                                           np.zeros((4, 1)), np.arange(4), indices_labeled, y,
                                           n=0)
    assert result.shape == (0,)


def test_query_accepts_multi_label_data():
    y = csr_matrix(np.array([[1, 0]]))
    result = BALD(dropout_samples=2).query(DropoutClassifier(_dropout_proba()),
                                           np.zeros((4, 1)), np.array([0, 1, 2]),
                                           np.array([3]), y, n=1)
    np.testing.assert_array_equal(result, [1])


def test_query_empty_pool():
    indices_labeled, y = empty_labeled()
    with pytest.raises(EmptyPoolException, match='Cannot query an empty pool'):
        BALD().query(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)),
                     np.array([], dtype=int), indices_labeled, y, n=1)


def test_query_pool_exhausted():
    indices_labeled, y = empty_labeled()
    with pytest.raises(PoolExhaustedException, match='2 available / 3 requested'):
        BALD().query(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)), np.array([0, 1]),
                     indices_labeled, y, n=3)


def test_classifier_without_dropout_sampling_raises_type_error():
    indices_labeled, y = empty_labeled()
    with pytest.raises(TypeError, match='dropout_sampling'):
        BALD().query(FixedProbaClassifier(np.full((4, 2), 0.5)), np.zeros((4, 1)),
                     np.arange(4), indices_labeled, y, n=1)


def test_wrong_number_of_dropout_samples_raises():
    indices_labeled, y = empty_labeled()
    with pytest.raises(ValueError, match=r'must return shape \(4, 3, n_classes\)'):
        BALD(dropout_samples=3).query(DropoutClassifier(_dropout_proba()), np.zeros((4, 1)),
                                      np.arange(4), indices_labeled, y, n=1)


def test_nan_probabilities_raise():
    proba_dropout = _dropout_proba()
    proba_dropout[2, 0, 0] = np.nan
    indices_labeled, y = empty_labeled()
    with pytest.raises(ValueError, match='contains NaN'):
        BALD(dropout_samples=2).query(DropoutClassifier(proba_dropout), np.zeros((4, 1)),
                                      np.arange(4), indices_labeled, y, n=1)


def test_str():
    assert str(BALD()) == 'BALD(dropout_samples=10)'
    assert str(BALD(dropout_samples=3)) == 'BALD(dropout_samples=3)'
