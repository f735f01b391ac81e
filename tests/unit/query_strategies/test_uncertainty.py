import numpy as np
import pytest
from scipy.stats import entropy

from small_text.query_strategies import uncertainty
from small_text.query_strategies.uncertainty import (
    breaking_ties_scores,
    least_confidence_scores,
    prediction_entropy_scores,
    select_smallest,
)

SCORE_FUNCTIONS = [least_confidence_scores, prediction_entropy_scores, breaking_ties_scores]


def _random_proba(num_samples, num_classes, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    proba = rng.random((num_samples, num_classes)).astype(dtype)
    return proba / proba.sum(axis=1, keepdims=True)


def test_least_confidence_scores():
    proba = np.array([[0.9, 0.1], [0.55, 0.45], [0.2, 0.8]])
    np.testing.assert_allclose(least_confidence_scores(proba), [0.9, 0.55, 0.8])


def test_prediction_entropy_scores_hand_checked():
    np.testing.assert_allclose(prediction_entropy_scores(np.array([[0.1, 0.9]])), [0.325083],
                               atol=1e-6)


def test_prediction_entropy_scores_uses_zero_log_zero():
    np.testing.assert_allclose(prediction_entropy_scores(np.array([[0.0, 1.0], [0.5, 0.5]])),
                               [0.0, np.log(2)])


def test_prediction_entropy_scores_renormalises_rows_like_scipy():
    weights = np.array([[1.0, 3.0, 0.0], [2.0, 2.0, 4.0], [0.3, 0.3, 0.3]])
    np.testing.assert_allclose(prediction_entropy_scores(weights), entropy(weights, axis=1))


def test_prediction_entropy_scores_matches_scipy_on_random_input():
    proba = _random_proba(200, 7)
    np.testing.assert_allclose(prediction_entropy_scores(proba), entropy(proba, axis=1))


def test_prediction_entropy_scores_zero_row_raises():
    # small-text 2.0 returns NaN for a row that cannot be renormalised
    with pytest.raises(ValueError, match='^Every row of proba must have a positive sum, but '
                                         'row 0 sums to 0.0'):
        prediction_entropy_scores(np.array([[0.0, 0.0], [0.5, 0.5]]))


def test_breaking_ties_scores():
    proba = np.array([[0.1, 0.6, 0.3], [0.4, 0.2, 0.4], [0.05, 0.05, 0.9]])
    np.testing.assert_allclose(breaking_ties_scores(proba), [0.3, 0.0, 0.85])


def test_breaking_ties_scores_matches_sorting():
    proba = _random_proba(300, 5, seed=1)
    ordered = np.sort(proba, axis=1)
    np.testing.assert_allclose(breaking_ties_scores(proba), ordered[:, -1] - ordered[:, -2])


def test_breaking_ties_scores_requires_two_classes():
    with pytest.raises(ValueError, match='at least 2 columns'):
        breaking_ties_scores(np.ones((3, 1)))


@pytest.mark.parametrize('function', SCORE_FUNCTIONS)
@pytest.mark.parametrize('shape', [(4,), (2, 2, 2), ()])
def test_score_functions_require_2d(function, shape):
    with pytest.raises(ValueError, match='2-D'):
        function(np.ones(shape))


@pytest.mark.parametrize('function', SCORE_FUNCTIONS)
def test_score_functions_keep_float32(function):
    proba = _random_proba(20, 4, dtype=np.float32)
    result = function(proba)
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, function(proba.astype(np.float64)), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize('function', SCORE_FUNCTIONS)
def test_score_functions_convert_integers_to_float64(function):
    result = function(np.array([[1, 0], [0, 1]]))
    assert result.dtype == np.float64


@pytest.mark.parametrize('function', SCORE_FUNCTIONS)
def test_score_functions_are_identical_across_chunk_sizes(function, monkeypatch):
    proba = _random_proba(1001, 6, seed=2)
    expected = function(proba)
    monkeypatch.setattr(uncertainty, '_CHUNK_ELEMENTS', 6 * 7)  # 7 rows per chunk
    np.testing.assert_array_equal(function(proba), expected)


@pytest.mark.parametrize('function', SCORE_FUNCTIONS)
def test_score_functions_do_not_modify_input(function):
    proba = _random_proba(10, 3)
    original = proba.copy()
    function(proba)
    np.testing.assert_array_equal(proba, original)


# --- select_smallest ----------------------------------------------------------------------

def test_select_smallest_orders_best_first():
    np.testing.assert_array_equal(select_smallest(np.array([0.9, 0.55, 0.8, 0.7]), 2), [1, 3])


def test_select_smallest_breaks_ties_by_position():
    np.testing.assert_array_equal(select_smallest([0.3, 0.1, 0.3, 0.2, 0.3], 3), [1, 3, 0])
    np.testing.assert_array_equal(select_smallest([0.3, 0.1, 0.3, 0.2, 0.3], 4), [1, 3, 0, 2])


def test_select_smallest_all_equal():
    np.testing.assert_array_equal(select_smallest(np.zeros(10), 4), [0, 1, 2, 3])


def test_select_smallest_matches_stable_argsort():
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 20, size=500).astype(float)  # many ties
    for n in (1, 17, 250, 500):
        np.testing.assert_array_equal(select_smallest(scores, n),
                                      np.argsort(scores, kind='stable')[:n])


def test_select_smallest_puts_nan_last():
    scores = np.array([np.nan, 0.5, np.nan, 0.1])
    np.testing.assert_array_equal(select_smallest(scores, 3), [3, 1, 0])


def test_select_smallest_zero():
    result = select_smallest(np.array([1.0, 2.0]), 0)
    assert result.shape == (0,)
    assert result.dtype == np.int64


@pytest.mark.parametrize('n', [-1, 3])
def test_select_smallest_out_of_range(n):
    with pytest.raises(ValueError, match=r'n must lie in \[0, 2\]'):
        select_smallest(np.array([1.0, 2.0]), n)


def test_select_smallest_rejects_non_integer_n_and_2d_scores():
    with pytest.raises(TypeError):
        select_smallest(np.array([1.0, 2.0]), 1.5)
    with pytest.raises(ValueError, match='1-D'):
        select_smallest(np.ones((2, 2)), 1)
