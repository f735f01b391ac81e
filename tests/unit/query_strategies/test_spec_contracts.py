"""The query contract of query_strategies.md 0.1/0.2/2, checked uniformly on every public strategy.

* ``query`` returns a 1-D integer ndarray of ``n`` distinct positions taken from the pool;
* an empty pool raises EmptyPoolException (checked first), ``n`` above the pool size
  PoolExhaustedException; both are QueryExceptions;
* a strategy restricted to single- or multi-label data raises a RuntimeError
  (ConstraintViolationError) for the other kind, before the pool is validated;
* a ScoringMixin has ``last_scores`` None before its first query and set after it, and its
  ``score`` returns a 1-D float array (SubsamplingQueryStrategy and SEALS raise
  NotImplementedError instead).
"""
import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

import small_text.query_strategies as query_strategies
from small_text.classifiers import SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.exceptions import ConstraintViolationError
from small_text.query_strategies import (
    BALD,
    SEALS,
    AdaptiveActiveLearning,
    AnchorSubsampling,
    BreakingTies,
    CategoryVectorInconsistencyAndRanking,
    ClassBalancer,
    ContrastiveActiveLearning,
    DiscriminativeActiveLearning,
    EmbeddingKMeans,
    EmptyPoolException,
    GreedyCoreset,
    LabelCardinalityInconsistency,
    LeastConfidence,
    LightweightCoreset,
    PoolExhaustedException,
    PredictionEntropy,
    ProbCover,
    QueryException,
    QueryStrategy,
    RandomSampling,
    ScoringMixin,
    SubsamplingQueryStrategy,
)
from small_text.vector_indexes import KNNIndex, VectorIndexFactory

from ._embedding_fakes import PositionClassifier

NUM_SAMPLES = 16
NUM_CLASSES = 2
LABELED = np.array([0, 1, 2, 3, 4, 5])
POOL = np.arange(6, NUM_SAMPLES)
KNN = VectorIndexFactory(KNNIndex)


def _position_classifier(multi_label):
    """A :class:`PositionClassifier` for the datasets of :func:`_dataset`."""
    rng = np.random.RandomState(0)
    proba = rng.dirichlet(np.ones(NUM_CLASSES), size=NUM_SAMPLES)
    if multi_label:
        proba = rng.rand(NUM_SAMPLES, NUM_CLASSES)
    proba_dropout = rng.dirichlet(np.ones(NUM_CLASSES), size=(NUM_SAMPLES, 2))
    return PositionClassifier(proba, rng.randn(NUM_SAMPLES, 3), proba_dropout,
                              multi_label=multi_label)


def _dataset(multi_label):
    rng = np.random.RandomState(1)
    x = np.hstack([np.arange(NUM_SAMPLES).reshape(-1, 1), rng.randn(NUM_SAMPLES, 2)])
    if multi_label:
        y = csr_matrix(np.array([[1, 0], [0, 1], [1, 1]] * 6)[:NUM_SAMPLES])
    else:
        y = np.arange(NUM_SAMPLES) % NUM_CLASSES
    return SklearnDataset(x, y, target_labels=np.arange(NUM_CLASSES))


def _seals():
    pytest.importorskip('hnswlib', reason='SEALS needs the hnswlib extra: '
                                          'pip install "small-text[hnswlib]"')
    return SEALS(LeastConfidence(), k=2, vector_index_factory=KNN)


SINGLE_LABEL = {
    'RandomSampling': RandomSampling,
    'LeastConfidence': LeastConfidence,
    'PredictionEntropy': PredictionEntropy,
    'BreakingTies': BreakingTies,
    'BALD': lambda: BALD(dropout_samples=2),
    'SubsamplingQueryStrategy': lambda: SubsamplingQueryStrategy(LeastConfidence(),
                                                                 subsample_size=6),
    'ClassBalancer': lambda: ClassBalancer(LeastConfidence()),
    'EmbeddingKMeans': EmbeddingKMeans,
    'GreedyCoreset': GreedyCoreset,
    'LightweightCoreset': LightweightCoreset,
    'ProbCover': lambda: ProbCover(vector_index_factory=KNN, k=3),
    'ContrastiveActiveLearning': lambda: ContrastiveActiveLearning(k=2),
    'DiscriminativeActiveLearning': lambda: DiscriminativeActiveLearning(
        SklearnClassifierFactory(LogisticRegression(), 2), 2),
    'AnchorSubsampling': lambda: AnchorSubsampling(LeastConfidence(), subsample_size=6,
                                                   vector_index_factory=KNN, num_anchors=2,
                                                   k=4),
    'SEALS': _seals,
}
MULTI_LABEL = {
    'LabelCardinalityInconsistency': LabelCardinalityInconsistency,
    'AdaptiveActiveLearning': AdaptiveActiveLearning,
    'CategoryVectorInconsistencyAndRanking': CategoryVectorInconsistencyAndRanking,
}
ALL = [(name, factory, False) for name, factory in SINGLE_LABEL.items()] + \
      [(name, factory, True) for name, factory in MULTI_LABEL.items()]
IDS = [name for name, _, _ in ALL]


def _query(strategy, multi_label, pool=POOL, n=3):
    dataset = _dataset(multi_label)
    return strategy.query(_position_classifier(multi_label), dataset, pool, LABELED,
                          dataset.y[LABELED], n=n)


def test_every_exported_strategy_is_covered():
    exported = {name for name in query_strategies.__all__
                if isinstance(getattr(query_strategies, name), type)
                and issubclass(getattr(query_strategies, name), QueryStrategy)}
    abstract = {'QueryStrategy', 'ConfidenceBasedQueryStrategy', 'EmbeddingBasedQueryStrategy'}
    assert exported - abstract == set(IDS)


@pytest.mark.parametrize('name, factory, multi_label', ALL, ids=IDS)
def test_query_returns_n_distinct_integer_pool_positions(name, factory, multi_label):
    np.random.seed(0)
    result = _query(factory(), multi_label)
    assert isinstance(result, np.ndarray)
    assert result.ndim == 1 and result.shape == (3,)
    assert np.issubdtype(result.dtype, np.integer)
    assert np.unique(result).shape == (3,)
    assert np.isin(result, POOL).all()


@pytest.mark.parametrize('n', [0, 3])
@pytest.mark.parametrize('name, factory, multi_label', ALL, ids=IDS)
def test_an_empty_pool_raises_empty_pool_exception(name, factory, multi_label, n):
    with pytest.raises(EmptyPoolException) as info:
        _query(factory(), multi_label, pool=np.array([], dtype=np.int64), n=n)
    assert isinstance(info.value, QueryException)


@pytest.mark.parametrize('name, factory, multi_label', ALL, ids=IDS)
def test_n_above_the_pool_size_raises_pool_exhausted_exception(name, factory, multi_label):
    with pytest.raises(PoolExhaustedException, match='Pool exhausted'):
        _query(factory(), multi_label, n=POOL.shape[0] + 1)


CONSTRAINED = [('ClassBalancer', SINGLE_LABEL['ClassBalancer'], False)] + \
    [(name, factory, True) for name, factory in MULTI_LABEL.items()]


@pytest.mark.parametrize('name, factory, multi_label', CONSTRAINED,
                         ids=[c[0] for c in CONSTRAINED])
def test_the_label_constraint_raises_a_runtime_error_before_pool_validation(name, factory,
                                                                           multi_label):
    """The other label type, with an empty pool: the constraint is checked first."""
    required = 'multi-label' if multi_label else 'single-label'
    with pytest.raises(RuntimeError, match=f'requires classification_type={required}') as info:
        _query(factory(), not multi_label, pool=np.array([], dtype=np.int64))
    assert isinstance(info.value, ConstraintViolationError)


SCORING = [(name, factory, multi_label) for name, factory, multi_label in ALL
           if issubclass(getattr(query_strategies, name), ScoringMixin)]


@pytest.mark.parametrize('name, factory, multi_label', SCORING, ids=[s[0] for s in SCORING])
def test_scoring_strategies_expose_their_scores(name, factory, multi_label):
    strategy = factory()
    assert strategy.last_scores is None
    np.random.seed(0)
    _query(strategy, multi_label)
    assert strategy.last_scores is not None
    dataset = _dataset(multi_label)
    args = (_position_classifier(multi_label), dataset, POOL, LABELED, dataset.y[LABELED])
    if name in ('SubsamplingQueryStrategy', 'SEALS'):
        with pytest.raises(NotImplementedError):
            strategy.score(*args)
        return
    scores = strategy.score(*args)
    assert isinstance(scores, np.ndarray) and scores.ndim == 1
    assert np.issubdtype(scores.dtype, np.floating)
    assert scores.shape[0] in (POOL.shape[0], NUM_SAMPLES)
