import numpy as np
import pytest

from small_text.stopping_criteria import OverallUncertainty


def test_init_defaults():
    criterion = OverallUncertainty(4)
    assert criterion.num_classes == 4
    assert criterion.threshold == 0.05
    assert criterion.last_predictions is None


@pytest.mark.parametrize('threshold', [-0.1, 1.0])
def test_init_invalid_threshold(threshold):
    with pytest.raises(ValueError, match=r'threshold must lie in \[0, 1\)'):
        OverallUncertainty(4, threshold=threshold)


def test_init_invalid_num_classes():
    with pytest.raises(ValueError, match='num_classes must be an integer >= 2'):
        OverallUncertainty(1)


def test_example_rows():
    criterion = OverallUncertainty(4)
    # normalised [0, .5, .5, 0]: entropy ln 2 / ln 4 = 0.5
    assert criterion.stop(proba=np.array([[0, 1, 1, 0]]), indices_stopping=[0]) is False
    assert criterion.stop(proba=np.array([[0, 0, 1, 0]]), indices_stopping=[0]) is True


def test_mean_over_selected_rows_only():
    proba = np.array([[0.25, 0.25, 0.25, 0.25],  # score 1
                      [0.0, 0.0, 1.0, 0.0],      # score 0
                      [1.0, 0.0, 0.0, 0.0]])     # score 0
    assert OverallUncertainty(4, threshold=0.01).stop(proba=proba,
                                                      indices_stopping=np.array([1, 2])) is True
    # mean of 1 and 0 = 0.5
    assert OverallUncertainty(4, threshold=0.5).stop(proba=proba,
                                                     indices_stopping=np.array([0, 1])) is False
    assert OverallUncertainty(4, threshold=0.51).stop(proba=proba,
                                                      indices_stopping=np.array([0, 1])) is True


def test_stateless():
    criterion = OverallUncertainty(2, threshold=0.5)
    uncertain = np.array([[0.5, 0.5]])
    certain = np.array([[1.0, 0.0]])
    assert criterion.stop(proba=uncertain, indices_stopping=[0]) is False
    assert criterion.stop(proba=certain, indices_stopping=[0]) is True
    assert criterion.stop(proba=uncertain, indices_stopping=[0]) is False
    assert criterion.last_predictions is None


def test_indices_stopping_none():
    with pytest.raises(ValueError, match='indices_stopping must not be None'):
        OverallUncertainty(2).stop(proba=np.array([[0.5, 0.5]]))


def test_indices_stopping_empty():
    with pytest.raises(ValueError, match='indices_stopping must not be empty'):
        OverallUncertainty(2).stop(proba=np.array([[0.5, 0.5]]), indices_stopping=[])


def test_proba_none():
    with pytest.raises(ValueError, match='proba must not be None'):
        OverallUncertainty(2).stop(indices_stopping=[0])


def test_proba_wrong_shape():
    with pytest.raises(ValueError, match=r'shape \(N, num_classes=3\), but got shape \(1, 2\)'):
        OverallUncertainty(3).stop(proba=np.array([[0.5, 0.5]]), indices_stopping=[0])


@pytest.mark.parametrize('proba,problem', [
    ([[0.0, 0.0]], r'^Every row of proba\[indices_stopping\] must have a positive sum, but '
                   r'row 0 sums to 0\.0'),
    ([[-0.5, 1.5]], r'^proba\[indices_stopping\] contains the negative value -0\.5 in row 0'),
])
def test_proba_invalid_rows(proba, problem):
    with pytest.raises(ValueError, match=problem):
        OverallUncertainty(2).stop(proba=np.array(proba), indices_stopping=[0])
