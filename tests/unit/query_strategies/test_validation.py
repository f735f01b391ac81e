"""Bad probabilities and embeddings reach the query strategies: each is refused with a
ValueError that names the input and the kind of value (not scikit-learn's "contains NaN" for
an infinite value), and GreedyCoreset never returns a position twice."""
import importlib.util

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.query_strategies import (
    BALD,
    SEALS,
    AdaptiveActiveLearning,
    AnchorSubsampling,
    BreakingTies,
    CategoryVectorInconsistencyAndRanking,
    ContrastiveActiveLearning,
    DiscriminativeActiveLearning,
    EmbeddingKMeans,
    GreedyCoreset,
    LabelCardinalityInconsistency,
    LeastConfidence,
    LightweightCoreset,
    PredictionEntropy,
    ProbCover,
    RandomSampling,
)
from small_text.query_strategies.bayesian import bald
from small_text.query_strategies.contrastive import contrastive_scores
from small_text.query_strategies.coresets import greedy_coreset, lightweight_coreset
from small_text.query_strategies.uncertainty import (
    breaking_ties_scores,
    least_confidence_scores,
    prediction_entropy_scores,
)
from small_text.vector_indexes import KNNIndex, VectorIndexFactory

from ._embedding_fakes import FixedEmbeddingClassifier, position_dataset
from ._fakes import FixedProbaClassifier

KNN_FACTORY = VectorIndexFactory(KNNIndex)
NUM_SAMPLES = 12

# (value, how the message describes it)
BAD_PROBABILITIES = [
    (np.inf, r'inf \(an infinite value\)'),
    (-np.inf, r'-inf \(an infinite value\)'),
    (np.nan, 'NaN'),
    (-0.25, 'the negative value -0.25'),
    (2.5, 'the value 2.5 > 1'),
]
NOT_A_PROBABILITY = r' in row {row}, but probabilities must be finite numbers in \[0, 1\]'


def _proba(num_rows=NUM_SAMPLES, num_classes=3, seed=0):
    return np.random.default_rng(seed).dirichlet(np.ones(num_classes), size=num_rows)


def _with(array, position, value):
    array = np.array(array, dtype=np.float64)
    array[position] = value
    return array


def _embeddings(seed=0):
    return np.random.default_rng(seed).normal(size=(NUM_SAMPLES, 4))


# --- probabilities -----------------------------------------------------------------------------

@pytest.mark.parametrize('strategy_class', [LeastConfidence, PredictionEntropy, BreakingTies])
@pytest.mark.parametrize('value,kind', BAD_PROBABILITIES)
def test_confidence_strategies_reject_bad_probabilities(strategy_class, value, kind):
    if strategy_class is PredictionEntropy and value == 2.5:
        pytest.skip('PredictionEntropy renormalises rows, so weights above 1 are valid')
    clf = FixedProbaClassifier(_with(_proba(), (5, 1), value))
    with pytest.raises(ValueError, match=r'^clf\.predict_proba\(dataset\) contains ' + kind
                                         + ' in row 5'):
        strategy_class().query(clf, np.zeros((NUM_SAMPLES, 1)), np.arange(NUM_SAMPLES),
                               np.array([], dtype=int), np.array([], dtype=int), n=2)


@pytest.mark.parametrize('score_function', [least_confidence_scores, prediction_entropy_scores,
                                            breaking_ties_scores])
@pytest.mark.parametrize('value,kind', BAD_PROBABILITIES[:4])
def test_uncertainty_functions_reject_bad_probabilities(score_function, value, kind):
    with pytest.raises(ValueError, match=r'^proba contains ' + kind + ' in row 2'):
        score_function(_with(_proba(4), (2, 0), value))


def test_prediction_entropy_accepts_weights_but_not_zero_rows():
    weights = np.array([[1.0, 3.0], [2.0, 2.0]])
    np.testing.assert_allclose(PredictionEntropy().score(FixedProbaClassifier(weights),
                                                         np.zeros((2, 1)), np.arange(2), None,
                                                         None),
                               -prediction_entropy_scores(weights / 4))
    clf = FixedProbaClassifier(np.array([[0.5, 0.5], [0.0, 0.0], [0.2, 0.8]]))
    with pytest.raises(ValueError, match=r'^Every row of clf\.predict_proba\(dataset\) must have '
                                         r'a positive sum, but row 1 sums to 0\.0'):
        PredictionEntropy().query(clf, np.zeros((3, 1)), np.arange(3), np.array([], dtype=int),
                                  np.array([], dtype=int), n=1)


class _DropoutClassifier:
    def __init__(self, proba_dropout):
        self.proba_dropout = proba_dropout

    def predict_proba(self, dataset, dropout_sampling=None):
        return self.proba_dropout


@pytest.mark.parametrize('value,kind', BAD_PROBABILITIES)
def test_bald_rejects_bad_probabilities(value, kind):
    proba_dropout = np.stack([_proba(seed=0), _proba(seed=1)], axis=1)
    proba_dropout[4, 1, 2] = value
    with pytest.raises(ValueError, match='^Dropout probabilities contains ' + kind
                                         + NOT_A_PROBABILITY.format(row=4)):
        BALD(dropout_samples=2).query(_DropoutClassifier(proba_dropout),
                                      np.zeros((NUM_SAMPLES, 1)), np.arange(NUM_SAMPLES),
                                      np.array([], dtype=int), np.array([], dtype=int), n=2)


def test_bald_needs_class_distributions():
    proba_dropout = np.full((3, 2, 2), 0.5)
    proba_dropout[1, 0] = [0.1, 0.1]
    with pytest.raises(ValueError, match=r'^Every row of Dropout probabilities must sum to 1 \(a '
                                         r'class distribution\), but row 1 sums to 0\.2'):
        bald(proba_dropout)


@pytest.mark.parametrize('value,kind', BAD_PROBABILITIES)
def test_contrastive_active_learning_rejects_bad_probabilities(value, kind):
    proba = _with(_proba(), (9, 0), value)
    clf = FixedEmbeddingClassifier(_embeddings(), proba)
    with pytest.raises(ValueError, match='^embeddings_proba contains ' + kind):
        ContrastiveActiveLearning(k=2).query(clf, position_dataset(NUM_SAMPLES), np.arange(8),
                                             np.arange(8, NUM_SAMPLES), np.zeros(4, dtype=int),
                                             n=2)


def test_contrastive_scores_need_class_distributions():
    with pytest.raises(ValueError, match=r'^Every row of proba_labeled must sum to 1'):
        contrastive_scores(np.full((2, 2), 0.5), np.array([[0.5, 0.5], [0.9, 0.9]]),
                           np.array([[0], [1]]))


class _BadDiscriminatorFactory:
    """Creates discriminators that fit nothing and predict fixed (bad) probabilities."""

    def __init__(self, proba):
        self.proba = proba

    def new(self):
        factory = self

        class Discriminator:
            def fit(self, dataset):
                return self

            def predict_proba(self, dataset):
                return factory.proba[:len(dataset)]
        return Discriminator()


@pytest.mark.parametrize('proba,message', [
    (_with(np.full((NUM_SAMPLES, 2), 0.5), (3, 1), np.inf), r'contains inf \(an infinite value\) '
                                                            r'in row 3'),
    (_with(np.full((NUM_SAMPLES, 2), 0.5), (3, 1), -0.5), 'contains the negative value -0.5 in '
                                                          'row 3'),
    (np.full((NUM_SAMPLES, 2), 2.0), 'contains the value 2.0 > 1 in row 0'),
])
def test_discriminative_active_learning_rejects_bad_discriminator_probabilities(proba, message):
    from small_text.data import SklearnDataset
    dataset = SklearnDataset(np.zeros((NUM_SAMPLES, 2)), np.zeros(NUM_SAMPLES, dtype=int),
                             target_labels=np.arange(2))
    strategy = DiscriminativeActiveLearning(_BadDiscriminatorFactory(proba), 1)
    with pytest.raises(ValueError, match="^the discriminator's predict_proba\\(\\) output "
                                         + message):
        strategy.query(None, dataset, np.arange(8), np.arange(8, NUM_SAMPLES),
                       np.zeros(4, dtype=int), n=2)


@pytest.mark.parametrize('strategy_class', [LabelCardinalityInconsistency, AdaptiveActiveLearning,
                                            CategoryVectorInconsistencyAndRanking])
@pytest.mark.parametrize('sparse', [False, True])
@pytest.mark.parametrize('value,kind', BAD_PROBABILITIES)
def test_multi_label_strategies_reject_bad_probabilities(strategy_class, sparse, value, kind):
    proba = _with(np.random.default_rng(0).uniform(size=(8, 3)), (6, 2), value)
    clf = FixedProbaClassifier(proba)
    if sparse:
        clf.proba = csr_matrix(proba)
    y = csr_matrix(np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]]))
    with pytest.raises(ValueError, match=r'^clf\.predict_proba\(dataset\[indices_unlabeled\]\) '
                                         r'contains ' + kind + NOT_A_PROBABILITY.format(row=6)):
        strategy_class().query(clf, np.zeros((12, 1)), np.arange(8), np.arange(8, 12), y, n=2)


# --- embeddings --------------------------------------------------------------------------------

def _embedding_strategies():
    strategies = [
        EmbeddingKMeans(),
        GreedyCoreset(),
        GreedyCoreset(distance_metric='cosine', normalize=False),
        LightweightCoreset(),
        ProbCover(vector_index_factory=KNN_FACTORY, k=3),
        ContrastiveActiveLearning(k=2),
        AnchorSubsampling(RandomSampling(), subsample_size=4, vector_index_factory=KNN_FACTORY,
                          k=3),
    ]
    if importlib.util.find_spec('hnswlib') is not None:
        strategies.append(SEALS(RandomSampling(), k=2, vector_index_factory=KNN_FACTORY))
    return strategies


@pytest.mark.parametrize('strategy', _embedding_strategies(), ids=lambda s: type(s).__name__)
@pytest.mark.parametrize('value,kind', [(np.inf, r'inf \(an infinite value\)'),
                                        (-np.inf, r'-inf \(an infinite value\)'),
                                        (np.nan, 'NaN')])
def test_embedding_strategies_reject_non_finite_embeddings(strategy, value, kind):
    embeddings = _with(_embeddings(), (10, 3), value)
    clf = FixedEmbeddingClassifier(embeddings, _proba())
    with pytest.raises(ValueError, match=r'contains ' + kind + r' in row \d+; only finite numbers '
                                         r'are allowed\. Check the classifier\'s embed\(\) '
                                         r'output'):
        strategy.query(clf, position_dataset(NUM_SAMPLES), np.arange(8),
                       np.arange(8, NUM_SAMPLES), np.array([0, 1, 0, 1]), n=2)


@pytest.mark.parametrize('value', [np.inf, -np.inf])
def test_precomputed_embeddings_with_inf_are_named(value):
    embeddings = _with(_embeddings(), (2, 0), value)
    with pytest.raises(ValueError, match=r'^embeddings contains -?inf \(an infinite value\) in '
                                         r'row 2'):
        GreedyCoreset().query(None, position_dataset(NUM_SAMPLES), np.arange(8),
                              np.arange(8, NUM_SAMPLES), np.zeros(4, dtype=int), n=3,
                              embeddings=embeddings)


@pytest.mark.parametrize('function', [
    lambda x: greedy_coreset(x, np.arange(8), np.arange(8, NUM_SAMPLES), 3),
    lambda x: lightweight_coreset(x, np.zeros(4), 3),
])
def test_coreset_functions_reject_inf(function):
    with pytest.raises(ValueError, match=r'^x contains inf \(an infinite value\) in row 7'):
        function(_with(_embeddings(), (7, 1), np.inf))


def test_greedy_coreset_never_returns_a_position_twice_when_distances_overflow():
    # finite embeddings whose squared norms overflow make the euclidean distances NaN
    x = np.array([[1e200], [-1e200], [3e200], [1.0], [-1e200], [2.0]])
    selected = greedy_coreset(x, np.arange(6), np.array([], dtype=int), 6,
                              distance_metric='euclidean')
    assert sorted(selected.tolist()) == list(range(6))
    selected = greedy_coreset(x, np.arange(4), np.array([4, 5]), 4, distance_metric='euclidean')
    assert sorted(selected.tolist()) == list(range(4))


def test_lightweight_coreset_rejects_infinite_weights():
    with pytest.raises(ValueError, match=r'^proba must hold 4 non-negative weights \(finite'):
        lightweight_coreset(np.eye(4), np.zeros(4), 2, proba=np.array([1.0, np.inf, 1.0, 1.0]))


# --- PyTorch strategies ------------------------------------------------------------------------

def test_badge_rejects_probabilities_that_are_not_distributions():
    pytest.importorskip('torch', reason='BADGE needs the pytorch extra: '
                                        'pip install "small-text[pytorch]"')
    from small_text.integrations.pytorch.query_strategies import BADGE

    for proba, message in [(_with(_proba(), (1, 1), -0.1), 'contains the negative value -0.1'),
                           (_with(_proba(), (1, 1), np.inf), r'contains inf \(an infinite'),
                           (np.full((NUM_SAMPLES, 3), 0.9), r'^Every row of embeddings_proba '
                                                            r'must sum to 1')]:
        clf = FixedEmbeddingClassifier(_embeddings(), proba)
        with pytest.raises(ValueError, match=message):
            BADGE(3).query(clf, position_dataset(NUM_SAMPLES), np.arange(8),
                           np.arange(8, NUM_SAMPLES), np.zeros(4, dtype=int), n=2)


def test_drl_rejects_non_finite_embeddings():
    pytest.importorskip('torch', reason='DRL needs the pytorch extra: '
                                        'pip install "small-text[pytorch]"')
    from small_text.integrations.pytorch.query_strategies import (
        DiscriminativeRepresentationLearning,
    )

    class Config:
        hidden_size = 4

    class Model:
        config = Config()

    class Classifier(FixedEmbeddingClassifier):
        model = Model()

    clf = Classifier(_with(_embeddings(), (3, 2), np.inf))
    with pytest.raises(ValueError, match=r'^clf\.embed\(dataset\) contains inf \(an infinite '
                                         r'value\) in row 3'):
        DiscriminativeRepresentationLearning(num_iterations=1).query(
            clf, position_dataset(NUM_SAMPLES), np.arange(8), np.arange(8, NUM_SAMPLES),
            np.zeros(4, dtype=int), n=2)
