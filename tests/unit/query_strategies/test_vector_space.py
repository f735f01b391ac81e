import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.query_strategies import PoolExhaustedException, ProbCover
from small_text.query_strategies.vector_space import probcover, probcover_graph
from small_text.vector_indexes import HNSWIndex, KNNIndex, VectorIndexFactory

from ._embedding_fakes import FixedEmbeddingClassifier, position_dataset

EMPTY = np.array([], dtype=int)


def _graph(num_nodes, edges):
    edges = np.asarray(edges)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    return csr_matrix((np.ones(rows.shape[0]), (rows, cols)), shape=(num_nodes, num_nodes))


PATH = _graph(4, [[0, 1], [1, 2], [2, 3]])


def test_probcover_covers_the_whole_ball_of_each_pick():
    # balls: 0:{0,1} 1:{0,1,2} 2:{1,2,3} 3:{2,3}; picking 1 covers 0, 1, 2, so only 3 stays
    # uncovered, which the balls of 2 and 3 both contain; 2 has the lower id.
    # (The reference rule, which only deletes the edges of the pick, would choose 3 second.)
    np.testing.assert_array_equal(probcover(PATH, np.arange(4), EMPTY, 2), [1, 2])


def test_probcover_fills_in_ascending_order_once_everything_is_covered():
    np.testing.assert_array_equal(probcover(PATH, np.arange(4), EMPTY, 4), [1, 2, 0, 3])


def test_probcover_star_and_isolated_points():
    # a star around 4 plus the edge 6-7 and the isolated point 5
    graph = _graph(8, [[4, 0], [4, 1], [4, 2], [4, 3], [6, 7]])
    np.testing.assert_array_equal(probcover(graph, np.arange(8), EMPTY, 3), [4, 6, 5])


def test_probcover_labeled_nodes_cover_their_balls_and_are_never_picked():
    graph = _graph(8, [[4, 0], [4, 1], [4, 2], [4, 3], [6, 7]])
    # labeled 0 covers 0 and 4, so 4's ball only holds 3 uncovered points (1, 2, 3),
    # which still beats the edge 6-7
    result = probcover(graph, np.array([1, 2, 3, 4, 5, 6, 7]), np.array([0]), 3)
    np.testing.assert_array_equal(result, [4, 6, 5])
    # with 4 labeled, the star is covered: 6 (ball {6, 7}) comes first
    result = probcover(graph, np.array([0, 1, 2, 3, 5, 6, 7]), np.array([4]), 3)
    np.testing.assert_array_equal(result, [6, 5, 0])


def test_probcover_returns_distinct_pool_nodes():
    rng = np.random.RandomState(0)
    edges = rng.randint(0, 50, size=(80, 2))
    edges = edges[edges[:, 0] != edges[:, 1]]
    indices_unlabeled, indices_labeled = np.arange(10, 50), np.arange(10)
    result = probcover(_graph(50, edges), indices_unlabeled, indices_labeled, 40)
    assert sorted(result.tolist()) == list(range(10, 50))
    assert result.dtype == np.int64


def test_probcover_n_larger_than_pool():
    with pytest.raises(ValueError, match=r'greater than the pool size \(3 unlabeled'):
        probcover(PATH, np.arange(3), np.array([3]), 4)


def test_probcover_graph_links_rows_within_the_radius():
    vectors = np.array([[0.0], [0.05], [0.5], [0.52], [2.0]])
    graph = probcover_graph(vectors, KNNIndex(), k=3, ball_radius=0.1)
    assert sorted(zip(*graph.nonzero())) == [(0, 1), (1, 0), (2, 3), (3, 2)]
    assert graph.data.tolist() == [1, 1, 1, 1]


def test_probcover_graph_only_considers_the_k_nearest_and_is_symmetric():
    # with k=2 each row only sees its nearest other row: 1 sees 0, 2 sees 1 (2 is nearer
    # to 1 than 3 is), 3 sees 2; the edge 1-2 exists because 2 sees 1
    vectors = np.array([[0.0], [0.01], [0.03], [0.06]])
    graph = probcover_graph(vectors, KNNIndex(), k=2, ball_radius=1.0)
    assert sorted(zip(*graph.nonzero())) == [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2)]


def test_probcover_graph_has_no_self_edges_for_duplicates():
    vectors = np.array([[0.0], [0.0], [0.0], [5.0]])
    graph = probcover_graph(vectors, KNNIndex(), k=3, ball_radius=0.1)
    assert graph.diagonal().sum() == 0
    assert sorted(zip(*graph.nonzero())) == [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]


def test_probcover_graph_clamps_k_to_the_number_of_rows():
    graph = probcover_graph(np.array([[0.0], [0.05]]), KNNIndex(), k=100, ball_radius=0.1)
    assert graph.nnz == 2


def _cluster_embeddings():
    """Directions: a dense cluster of 5 rows (0-4), a pair (5, 6) and a single row 7."""
    angles = np.deg2rad([0, 1, 2, 3, 4, 90, 91, 200])
    return np.column_stack([np.cos(angles), np.sin(angles)]) * np.arange(1, 9)[:, np.newaxis]


@pytest.mark.parametrize('multi_label', [False, True])
def test_probcover_query_prefers_dense_regions(multi_label):
    embeddings = _cluster_embeddings()
    strategy = ProbCover(vector_index_factory=VectorIndexFactory(KNNIndex), k=8,
                         ball_radius=0.1)
    y = csr_matrix(np.ones((0, 2), dtype=int)) if multi_label else EMPTY
    result = strategy.query(FixedEmbeddingClassifier(embeddings), position_dataset(8),
                            np.arange(8), EMPTY, y, n=3)
    # unit vectors 1 degree apart are 0.017 apart: rows 0-4 form a clique, whose balls all
    # hold 5 points, so the lowest id (0) wins; then the pair 5-6, then the single row 7
    np.testing.assert_array_equal(result, [0, 5, 7])


def test_probcover_query_maps_subset_positions_and_skips_labeled():
    embeddings = _cluster_embeddings()[::-1].copy()  # dataset position 7 - i holds row i
    strategy = ProbCover(vector_index_factory=VectorIndexFactory(KNNIndex), k=8,
                         ball_radius=0.1)
    # labeled: position 7 (row 0) covers the dense cluster
    result = strategy.query(FixedEmbeddingClassifier(embeddings), position_dataset(8),
                            np.arange(7), np.array([7]), np.array([0]), n=2)
    # the pair (rows 5, 6) sits at positions 2 and 1, so 1 comes first; then position 0
    # (row 7), the only other point with an uncovered ball
    np.testing.assert_array_equal(result, [1, 0])


@pytest.mark.parametrize('factory', [VectorIndexFactory(KNNIndex), None])
def test_probcover_query_is_deterministic_and_valid(factory):
    if factory is None:
        pytest.importorskip('hnswlib', reason='needs the hnswlib extra: pip install "small-text[hnswlib]"')
        factory = VectorIndexFactory(HNSWIndex)
    embeddings = np.random.RandomState(0).randn(300, 8)
    strategy = ProbCover(vector_index_factory=factory, k=20, ball_radius=1.0)
    clf = FixedEmbeddingClassifier(embeddings)
    indices_unlabeled, indices_labeled = np.arange(20, 300), np.arange(20)
    first = strategy.query(clf, position_dataset(300), indices_unlabeled, indices_labeled,
                           np.zeros(20, dtype=int), n=25)
    second = strategy.query(clf, position_dataset(300), indices_unlabeled, indices_labeled,
                            np.zeros(20, dtype=int), n=25)
    np.testing.assert_array_equal(first, second)
    assert np.unique(first).shape == (25,) and np.isin(first, indices_unlabeled).all()


def test_probcover_query_n_larger_than_pool():
    with pytest.raises(PoolExhaustedException):
        ProbCover().query(FixedEmbeddingClassifier(np.ones((4, 2))), position_dataset(4),
                          np.arange(3), np.array([3]), np.array([0]), n=4)


def test_probcover_query_nan_raises():
    embeddings = np.ones((5, 2))
    embeddings[0, 0] = np.nan
    with pytest.raises(ValueError, match='NaN'):
        ProbCover(vector_index_factory=VectorIndexFactory(KNNIndex)).query(
            FixedEmbeddingClassifier(embeddings), position_dataset(5), np.arange(4),
            np.array([4]), np.array([0]), n=2)


def test_probcover_defaults_and_str():
    strategy = ProbCover()
    assert strategy.k == 100 and strategy.ball_radius == 0.1
    assert strategy.vector_index_factory.vector_index_class is HNSWIndex
    assert str(strategy) == 'ProbCover(vector_index_factory=VectorIndexFactory, ' \
                            'ball_radius=0.1, k=100)'


def test_probcover_with_an_exhaustive_ivf_index_equals_knn():
    from small_text.vector_indexes.ivf import IVFIndex
    embeddings = np.random.RandomState(0).randn(200, 6)
    clf = FixedEmbeddingClassifier(embeddings)
    args = (clf, position_dataset(200), np.arange(20, 200), np.arange(20),
            np.zeros(20, dtype=int))
    exact = ProbCover(vector_index_factory=VectorIndexFactory(KNNIndex), k=15,
                      ball_radius=1.0).query(*args, n=10)
    ivf = ProbCover(vector_index_factory=VectorIndexFactory(
        IVFIndex, {'num_lists': 5, 'num_probes': 5, 'random_state': 0}), k=15,
        ball_radius=1.0).query(*args, n=10)
    np.testing.assert_array_equal(ivf, exact)


def _brute_force_ball_graph(vectors, k, ball_radius):
    """Row i links to its min(k - 1, |C_i|) nearest rows of C_i, the rows within the radius."""
    distances = np.sqrt(((vectors[:, np.newaxis] - vectors[np.newaxis]) ** 2).sum(axis=2))
    edges = set()
    for i in range(vectors.shape[0]):
        within = [j for j in np.argsort(distances[i], kind='stable')
                  if j != i and distances[i, j] <= ball_radius]
        for j in within[:min(k, vectors.shape[0]) - 1]:
            edges |= {(i, int(j)), (int(j), i)}
    return sorted(edges)


@pytest.mark.parametrize('dtype', [np.float32, np.float64])
@pytest.mark.parametrize('k, ball_radius', [(5, 3.0), (100, 3.0), (3, 10.0), (1, 3.0),
                                            (50, -1.0)])
def test_euclidean_ball_graph_equals_brute_force(monkeypatch, dtype, k, ball_radius):
    from small_text.query_strategies import vector_space
    # small blocks and a small pair budget, so that rows span blocks and pairs get pruned
    monkeypatch.setattr(vector_space, '_TILE_ROWS', 7)
    monkeypatch.setattr(vector_space, '_TILE_COLUMNS', 11)
    vectors = np.random.RandomState(0).randn(150, 8).astype(dtype)
    graph = probcover_graph(vectors, KNNIndex(), k=k, ball_radius=ball_radius)
    assert graph.format == 'csr' and graph.dtype == np.int8
    assert sorted(zip(*map(np.ndarray.tolist, graph.nonzero()))) == \
        _brute_force_ball_graph(vectors.astype(np.float64), k, ball_radius)


@pytest.mark.parametrize('k, ball_radius', [(10, 3.0), (150, 4.0)])
def test_euclidean_ball_graph_equals_the_index_search(monkeypatch, k, ball_radius):
    vectors = np.random.RandomState(1).randn(300, 8).astype(np.float32)
    fast = probcover_graph(vectors, KNNIndex(), k=k, ball_radius=ball_radius)
    monkeypatch.setattr(KNNIndex, '_measures_euclidean', lambda self: False)
    searched = probcover_graph(vectors, KNNIndex(), k=k, ball_radius=ball_radius)
    assert fast.nnz > 0
    assert (fast != searched).nnz == 0


@pytest.mark.parametrize('kwargs, expected', [
    ({}, True), ({'metric': 'euclidean'}, True), ({'metric': 'l2'}, True),
    ({'metric': 'minkowski', 'p': 1}, False), ({'metric': 'cosine'}, False),
    ({'metric_params': {'w': np.ones(2)}}, False)])
def test_only_euclidean_knn_indexes_take_the_blocked_path(kwargs, expected):
    assert KNNIndex(**kwargs)._measures_euclidean() is expected


def test_a_non_euclidean_knn_index_is_searched():
    # cosine distances: the rows 0 and 1 point the same way, far apart in Euclidean terms
    vectors = np.array([[1.0, 0.0], [5.0, 0.0], [0.0, 1.0]])
    graph = probcover_graph(vectors, KNNIndex(metric='cosine'), k=3, ball_radius=0.01)
    assert sorted(zip(*graph.nonzero())) == [(0, 1), (1, 0)]
