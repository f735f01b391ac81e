"""Bad input to the stopping criteria: every constructor rejects nonsense arguments, and
OverallUncertainty rejects probabilities it cannot use instead of silently never stopping."""
import numpy as np
import pytest

from small_text.stopping_criteria import (
    ClassificationChange,
    DeltaFScore,
    KappaAverage,
    MaxIterations,
    OverallUncertainty,
)

INTEGER = r' must be an integer >= {minimum}, but got {name}={value}\.'
INTERVAL = r' must lie in {interval}, but got {name}={value}\.'

# (factory, argument name, bad value, message pattern)
BAD_ARGUMENTS = [
    (lambda v: KappaAverage(v), 'num_classes', 0, INTEGER.format(minimum=2, name='num_classes',
                                                                value=0)),
    (lambda v: KappaAverage(v), 'num_classes', 1, INTEGER.format(minimum=2, name='num_classes',
                                                                value=1)),
    (lambda v: KappaAverage(v), 'num_classes', 2.5, 'num_classes=2.5'),
    (lambda v: KappaAverage(v), 'num_classes', None, 'num_classes=None'),
    (lambda v: KappaAverage(2, window_size=v), 'window_size', 1.5, 'window_size=1.5'),
    (lambda v: KappaAverage(2, window_size=v), 'window_size', True, 'window_size=True'),
    (lambda v: KappaAverage(2, kappa=v), 'kappa', np.nan, INTERVAL.format(
        interval=r'\[-1, 1\]', name='kappa', value='nan')),
    (lambda v: KappaAverage(2, kappa=v), 'kappa', '0.9', "kappa='0.9'"),
    (lambda v: DeltaFScore(2, threshold=v), 'threshold', -1, INTERVAL.format(
        interval=r'\(0, 1\]', name='threshold', value=-1)),
    (lambda v: DeltaFScore(2, threshold=v), 'threshold', 0, r'\(0, 1\], but got threshold=0'),
    (lambda v: DeltaFScore(2, threshold=v), 'threshold', 1.5, 'threshold=1.5'),
    (lambda v: DeltaFScore(2, threshold=v), 'threshold', None, 'threshold=None'),
    (lambda v: DeltaFScore(2, window_size=v), 'window_size', 0, 'window_size=0'),
    (lambda v: DeltaFScore(2, window_size=v), 'window_size', 2.5, 'window_size=2.5'),
    (lambda v: DeltaFScore(v), 'num_classes', 2.0, r'but got num_classes=2\.0'),
    (lambda v: DeltaFScore(v), 'num_classes', True, 'num_classes=True'),
    (lambda v: MaxIterations(v), 'max_iterations', 2.5, INTEGER.format(
        minimum=1, name='max_iterations', value=2.5)),
    (lambda v: MaxIterations(v), 'max_iterations', '3', "max_iterations='3'"),
    (lambda v: MaxIterations(v), 'max_iterations', None, 'max_iterations=None'),
    (lambda v: MaxIterations(v), 'max_iterations', True, 'max_iterations=True'),
    (lambda v: ClassificationChange(v), 'num_classes', 0, INTEGER.format(
        minimum=1, name='num_classes', value=0)),
    (lambda v: ClassificationChange(v), 'num_classes', 1.5, 'num_classes=1.5'),
    (lambda v: ClassificationChange(2, threshold=v), 'threshold', np.inf, 'threshold=inf'),
    (lambda v: ClassificationChange(2, threshold=v), 'threshold', '0', "threshold='0'"),
    (lambda v: OverallUncertainty(v), 'num_classes', 2.5, INTEGER.format(
        minimum=2, name='num_classes', value=2.5)),
    (lambda v: OverallUncertainty(v), 'num_classes', None, 'num_classes=None'),
    (lambda v: OverallUncertainty(2, threshold=v), 'threshold', np.nan, INTERVAL.format(
        interval=r'\[0, 1\)', name='threshold', value='nan')),
    (lambda v: OverallUncertainty(2, threshold=v), 'threshold', -0.1, 'threshold=-0.1'),
]


@pytest.mark.parametrize('factory,name,value,message', BAD_ARGUMENTS)
def test_constructors_reject_nonsense(factory, name, value, message):
    with pytest.raises(ValueError, match=f'^.*{name}.*{message}'):
        factory(value)


def test_valid_arguments_are_kept():
    kappa = KappaAverage(np.int64(3), window_size=np.int32(2), kappa=np.float32(0.5))
    assert kappa.num_classes == 3
    assert DeltaFScore(2, threshold=1).threshold == 1
    assert MaxIterations(np.int64(1)).stop() is True
    assert ClassificationChange(1, threshold=1).threshold == 1
    assert OverallUncertainty(2, threshold=0).threshold == 0


@pytest.mark.parametrize('value,kind', [(np.nan, 'NaN'), (np.inf, r'inf \(an infinite value\)'),
                                        (-np.inf, r'-inf \(an infinite value\)'),
                                        (-0.2, 'the negative value -0.2'),
                                        (3.0, 'the value 3.0 > 1')])
def test_overall_uncertainty_rejects_bad_probabilities(value, kind):
    proba = np.array([[0.1, 0.9], [0.5, 0.5], [0.2, 0.8]])
    proba[1, 0] = value
    with pytest.raises(ValueError, match=rf'^proba\[indices_stopping\] contains {kind} in row 1'):
        OverallUncertainty(2).stop(proba=proba, indices_stopping=np.arange(3))
    # a bad row that is not evaluated does no harm
    assert OverallUncertainty(2, threshold=0.99).stop(proba=proba, indices_stopping=[0, 2])


@pytest.mark.parametrize('indices', [[0, 3], [-1], np.array([0.0, 1.0])])
def test_overall_uncertainty_rejects_rows_outside_proba(indices):
    proba = np.full((3, 2), 0.5)
    with pytest.raises(ValueError, match=r'^indices_stopping must hold integer rows of proba in '
                                         r'\[0, 3\)'):
        OverallUncertainty(2).stop(proba=proba, indices_stopping=indices)
