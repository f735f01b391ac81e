"""Property-based tests (Hypothesis) of the query strategies.

* Any valid input gives a valid selection: ``n`` distinct integer positions taken from the
  pool.
* Any invalid input (a probability or embedding that is NaN, infinite, negative or above 1,
  duplicate or out-of-range positions, a negative ``n``) raises a ValueError whose message
  names the problem; ``n`` above the pool size raises PoolExhaustedException (the spec's type).
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix

from small_text.query_strategies import (
    BALD,
    AdaptiveActiveLearning,
    BreakingTies,
    CategoryVectorInconsistencyAndRanking,
    ClassBalancer,
    ContrastiveActiveLearning,
    EmbeddingKMeans,
    GreedyCoreset,
    LabelCardinalityInconsistency,
    LeastConfidence,
    LightweightCoreset,
    PoolExhaustedException,
    PredictionEntropy,
    ProbCover,
    RandomSampling,
    SubsamplingQueryStrategy,
)
from small_text.vector_indexes import KNNIndex, VectorIndexFactory

from ._embedding_fakes import PositionClassifier, position_dataset

SETTINGS = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
DROPOUT_SAMPLES = 2


def _distributions(draw, shape):
    weights = draw(st.lists(st.floats(0.01, 1.0), min_size=int(np.prod(shape)),
                            max_size=int(np.prod(shape))))
    weights = np.asarray(weights).reshape(shape)
    return weights / weights.sum(axis=-1, keepdims=True)


@st.composite
def query_inputs(draw, multi_label=False, min_labeled=0, max_n=None):
    """A pool/labeled split of a position dataset with probabilities, embeddings, labels and
    ``n``. ``max_n=-1`` keeps ``n`` below the pool size."""
    num_samples = draw(st.integers(min_labeled + 2, 20))
    order = np.asarray(draw(st.permutations(range(num_samples))), dtype=np.int64)
    num_labeled = draw(st.integers(min_labeled, num_samples - 2))
    indices_labeled, indices_unlabeled = order[:num_labeled], order[num_labeled:]
    upper = indices_unlabeled.shape[0] - 1 if max_n == -1 else indices_unlabeled.shape[0]
    n = draw(st.integers(1 if max_n == -1 else 0, upper))

    num_classes = draw(st.integers(2, 4))
    if multi_label:
        proba = np.asarray(draw(st.lists(st.floats(0.0, 1.0), min_size=num_samples * num_classes,
                                         max_size=num_samples * num_classes)))
        proba = proba.reshape(num_samples, num_classes)
        rows = draw(st.lists(st.lists(st.booleans(), min_size=num_classes,
                                      max_size=num_classes),
                             min_size=num_labeled, max_size=num_labeled))
        y = csr_matrix(np.asarray(rows, dtype=np.int64).reshape(num_labeled, num_classes))
    else:
        proba = _distributions(draw, (num_samples, num_classes))
        y = np.asarray(draw(st.lists(st.integers(0, num_classes - 1), min_size=num_labeled,
                                     max_size=num_labeled)), dtype=np.int64)
    proba_dropout = _distributions(draw, (num_samples, DROPOUT_SAMPLES, num_classes))
    embeddings = np.asarray(draw(st.lists(st.floats(-100, 100), min_size=num_samples * 3,
                                          max_size=num_samples * 3))).reshape(num_samples, 3)
    return dict(clf=PositionClassifier(proba, embeddings, proba_dropout),
                dataset=position_dataset(num_samples), indices_unlabeled=indices_unlabeled,
                indices_labeled=indices_labeled, y=y, n=n)


KNN_FACTORY = VectorIndexFactory(KNNIndex)

# name -> (factory, multi-label, minimum number of labeled samples, inputs it reads)
STRATEGIES = {
    'RandomSampling': (RandomSampling, False, 0, ()),
    'LeastConfidence': (LeastConfidence, False, 0, ('proba',)),
    'PredictionEntropy': (PredictionEntropy, False, 0, ('proba',)),
    'BreakingTies': (BreakingTies, False, 0, ('proba',)),
    'BALD': (lambda: BALD(dropout_samples=DROPOUT_SAMPLES), False, 0, ('proba_dropout',)),
    'SubsamplingQueryStrategy': (lambda: SubsamplingQueryStrategy(LeastConfidence(),
                                                                  subsample_size=5),
                                 False, 0, ()),
    'ClassBalancer': (lambda: ClassBalancer(RandomSampling()), False, 0, ()),
    'EmbeddingKMeans': (EmbeddingKMeans, False, 0, ('embeddings',)),
    'GreedyCoreset': (GreedyCoreset, False, 0, ('embeddings',)),
    'GreedyCoreset-cosine': (lambda: GreedyCoreset(distance_metric='cosine', normalize=False),
                             False, 0, ('embeddings',)),
    'LightweightCoreset': (LightweightCoreset, False, 0, ('embeddings',)),
    'ProbCover': (lambda: ProbCover(vector_index_factory=KNN_FACTORY, k=3, ball_radius=0.5),
                  False, 0, ('embeddings',)),
    'ContrastiveActiveLearning': (lambda: ContrastiveActiveLearning(k=1), False, 1,
                                  ('embeddings', 'proba')),
    'LabelCardinalityInconsistency': (LabelCardinalityInconsistency, True, 1, ('proba',)),
    'AdaptiveActiveLearning': (AdaptiveActiveLearning, True, 1, ('proba',)),
    'CategoryVectorInconsistencyAndRanking': (CategoryVectorInconsistencyAndRanking, True, 1,
                                              ('proba',)),
}


def _query(strategy, inputs):
    return strategy.query(inputs['clf'], inputs['dataset'], inputs['indices_unlabeled'],
                          inputs['indices_labeled'], inputs['y'], n=inputs['n'])


def _inputs_for(name, max_n=None):
    _, multi_label, min_labeled, _ = STRATEGIES[name]
    return query_inputs(multi_label=multi_label, min_labeled=min_labeled, max_n=max_n)


@pytest.mark.parametrize('name', list(STRATEGIES))
def test_valid_input_gives_a_valid_selection(name):
    factory = STRATEGIES[name][0]

    @SETTINGS
    @given(_inputs_for(name))
    def check(inputs):
        if name == 'SubsamplingQueryStrategy':
            assume(inputs['n'] <= 5)  # a documented PoolExhaustedException above the subsample
        np.random.seed(0)
        selected = np.asarray(_query(factory(), inputs))
        assert selected.ndim == 1 and selected.shape[0] == inputs['n']
        assert selected.shape[0] == 0 or selected.dtype.kind in 'iu'
        assert np.unique(selected).shape[0] == selected.shape[0]
        assert np.isin(selected, inputs['indices_unlabeled']).all()

    check()


BAD_VALUES = [np.nan, np.inf, -np.inf, -0.5, 7.0]


@pytest.mark.parametrize('name', [name for name, spec in STRATEGIES.items() if spec[3]])
def test_a_bad_probability_or_embedding_raises_a_value_error(name):
    factory, _, _, reads = STRATEGIES[name]

    @SETTINGS
    @given(_inputs_for(name, max_n=-1), st.sampled_from(reads), st.sampled_from(BAD_VALUES),
           st.data())
    def check(inputs, attribute, value, data):
        if attribute == 'embeddings' and value in (-0.5, 7.0):
            value = np.inf  # negative and large embeddings are valid
        if name == 'PredictionEntropy' and value == 7.0:
            value = -np.inf  # it renormalises rows, so weights above 1 are valid
        array = getattr(inputs['clf'], attribute).copy()
        # a pool item, so that every strategy reads the bad row
        row = data.draw(st.sampled_from(inputs['indices_unlabeled'].tolist()))
        array[(row,) + (0,) * (array.ndim - 1)] = value
        setattr(inputs['clf'], attribute, array)
        with pytest.raises(ValueError, match=r'contains .* in row \d+'):
            _query(factory(), inputs)

    check()


@pytest.mark.parametrize('name', list(STRATEGIES))
def test_invalid_positions_and_n_raise(name):
    factory = STRATEGIES[name][0]

    @SETTINGS
    @given(_inputs_for(name), st.sampled_from(['duplicate', 'out_of_range', 'negative_n',
                                               'too_large_n']))
    def check(inputs, problem):
        pool = inputs['indices_unlabeled']
        if problem == 'duplicate':
            inputs['indices_unlabeled'] = np.append(pool, pool[0])
            expected, message = ValueError, 'indices_unlabeled must not contain duplicate'
        elif problem == 'out_of_range':
            inputs['indices_unlabeled'] = np.append(pool, len(inputs['dataset']) + 3)
            expected, message = ValueError, r'indices_unlabeled must lie in \[0, '
        elif problem == 'negative_n':
            inputs['n'] = -1
            expected, message = ValueError, 'n must be a non-negative integer, got n=-1'
        else:
            inputs['n'] = pool.shape[0] + 1
            expected, message = PoolExhaustedException, 'Pool exhausted'
        with pytest.raises(expected, match=message):
            _query(factory(), inputs)

    check()
