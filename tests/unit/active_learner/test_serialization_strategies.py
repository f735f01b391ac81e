"""Learners whose query strategies keep state (vector indexes over the pool) are saved and
loaded with nothing trusted beyond the test's own classifier types, and continue the loop."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.active_learner import PoolBasedActiveLearner
from small_text.classifiers import SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.query_strategies import (
    SEALS,
    AnchorSubsampling,
    BreakingTies,
    ClassBalancer,
    ContrastiveActiveLearning,
    DiscriminativeActiveLearning,
    EmbeddingKMeans,
    GreedyCoreset,
    LeastConfidence,
    LightweightCoreset,
    ProbCover,
    RandomSampling,
    SubsamplingQueryStrategy,
)
from small_text.vector_indexes import HNSWIndex, KNNIndex, VectorIndexFactory

from tests.unit.query_strategies._embedding_fakes import (
    EmbeddingLogisticRegression,
    EmbeddingLogisticRegressionFactory,
)

_FAKES = [EmbeddingLogisticRegression, EmbeddingLogisticRegressionFactory]


def _hnsw():
    pytest.importorskip('hnswlib', reason='needs the hnswlib extra: '
                                          'pip install "small-text[hnswlib]"')
    return VectorIndexFactory(HNSWIndex)


def _seals_knn():
    _hnsw()  # SEALS checks for hnswlib whatever its index
    return SEALS(LeastConfidence(), k=5, vector_index_factory=VectorIndexFactory(KNNIndex))


_STRATEGIES = {
    'seals-knn': _seals_knn,
    'seals-hnsw': lambda: SEALS(LeastConfidence(), k=5, vector_index_factory=_hnsw()),
    'anchor-knn': lambda: AnchorSubsampling(LeastConfidence(), subsample_size=20,
                                            vector_index_factory=VectorIndexFactory(KNNIndex),
                                            k=5),
    'anchor-hnsw': lambda: AnchorSubsampling(LeastConfidence(), subsample_size=20,
                                             vector_index_factory=_hnsw(), k=5),
    'probcover-knn': lambda: ProbCover(vector_index_factory=VectorIndexFactory(KNNIndex), k=5),
    'class-balancer': lambda: ClassBalancer(RandomSampling()),
    'subsampling': lambda: SubsamplingQueryStrategy(BreakingTies(), subsample_size=20),
    'greedy-coreset': GreedyCoreset,
    'lightweight-coreset': LightweightCoreset,
    'embedding-kmeans': EmbeddingKMeans,
    'contrastive': lambda: ContrastiveActiveLearning(k=5),
    'discriminative': lambda: DiscriminativeActiveLearning(
        SklearnClassifierFactory(__import__('sklearn.linear_model').linear_model
                                 .LogisticRegression(), 2), 2),
}


@pytest.mark.parametrize('name', sorted(_STRATEGIES))
def test_round_trip_after_queries(tmp_path, name):
    np.random.seed(0)
    rng = np.random.RandomState(0)
    y = np.arange(45) % 3
    dataset = SklearnDataset(rng.rand(45, 4) + y[:, None], y, target_labels=np.arange(3))
    learner = PoolBasedActiveLearner(EmbeddingLogisticRegressionFactory(3), _STRATEGIES[name](),
                                     dataset)
    learner.initialize(np.arange(9))
    for _ in range(2):
        indices = learner.query(num_samples=3)
        learner.update(dataset.y[indices])
    learner.save(tmp_path)

    loaded = PoolBasedActiveLearner.load(tmp_path, trusted=_FAKES)
    np.testing.assert_array_equal(loaded.indices_labeled, learner.indices_labeled)
    indices = loaded.query(num_samples=3)
    assert np.isin(indices, loaded.indices_unlabeled).all()
    loaded.update(dataset.y[indices])


def test_hnsw_index_round_trip_keeps_removals(tmp_path):
    pytest.importorskip('hnswlib', reason='needs hnswlib (pip install "small-text[hnswlib]")')
    import skops.io
    vectors = np.random.RandomState(0).rand(30, 4).astype(np.float32)
    index = HNSWIndex()
    index.build(vectors, ids=np.arange(100, 130))
    index.remove([100, 105])
    loaded = skops.io.loads(skops.io.dumps(index),
                            trusted=['small_text.vector_indexes.hnsw.HNSWIndex'])
    ids = loaded.search(vectors[:3], k=5)
    assert not np.isin(ids, [100, 105]).any()
    np.testing.assert_array_equal(ids[1:, 0], [101, 102])
    with pytest.raises(RuntimeError):
        loaded.remove([100])


def test_knn_index_round_trip_keeps_removals():
    import skops.io
    vectors = np.random.RandomState(0).rand(30, 4)
    index = KNNIndex()
    index.build(vectors, ids=np.arange(100, 130))
    index.remove([100, 105])
    loaded = skops.io.loads(skops.io.dumps(index),
                            trusted=['small_text.vector_indexes.knn.KNNIndex'])
    assert loaded.index is not None
    np.testing.assert_array_equal(loaded.search(vectors[:3], k=4), index.search(vectors[:3], k=4))


def test_multi_label_round_trip(tmp_path):
    from sklearn.linear_model import LogisticRegression
    dense = np.zeros((30, 3), dtype=np.int64)
    dense[np.arange(30), np.arange(30) % 3] = 1
    dataset = SklearnDataset(np.random.RandomState(0).rand(30, 4) + dense @ np.arange(3)[:, None],
                             csr_matrix(dense), target_labels=np.arange(3))
    factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs={'multi_label': True})
    learner = PoolBasedActiveLearner(factory, RandomSampling(), dataset)
    learner.initialize(np.arange(9))
    learner.query(num_samples=2)
    learner.save(tmp_path)
    loaded = PoolBasedActiveLearner.load(tmp_path)
    loaded.update(dataset.y[loaded.indices_queried])
    assert loaded.y.shape == (11, 3)
