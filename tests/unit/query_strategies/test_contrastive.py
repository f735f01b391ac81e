import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.special import rel_entr

from small_text.query_strategies.contrastive import contrastive_scores
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.strategies import ContrastiveActiveLearning
from small_text.vector_indexes import KNNIndex, VectorIndexFactory


class EmbeddingClassifier:
    """Fake classifier: dataset rows are ``[embedding (2 values), class probabilities]``."""

    def __init__(self, return_proba=True):
        self.return_proba = return_proba
        self.embed_calls = []

    def embed(self, dataset, **kwargs):
        self.embed_calls.append(kwargs)
        dataset = np.asarray(dataset)
        if not self.return_proba:
            if 'return_proba' in kwargs:
                raise TypeError("embed() got an unexpected keyword argument 'return_proba'")
            return dataset[:, :2]
        if kwargs.get('return_proba'):
            return dataset[:, :2], dataset[:, 2:]
        return dataset[:, :2]


class RecordingFactory(VectorIndexFactory):
    def __init__(self):
        super().__init__(KNNIndex)
        self.built = []

    def new(self):
        factory = self

        class RecordingIndex(KNNIndex):
            def build(self, vectors, ids=None):
                factory.built.append(np.array(vectors))
                super().build(vectors, ids)

        return RecordingIndex()


def _rows(embeddings, proba):
    return np.hstack([np.asarray(embeddings, dtype=float), np.asarray(proba, dtype=float)])


# A tiny graph (2-D embeddings, two classes):
#   labeled 4 at (0, 1) predicts [0.9, 0.1]; labeled 5 at (1, 0) predicts [0.1, 0.9]
#   pool 0 at (0, 1.1) agrees with its labeled neighbour 4           -> KL 0
#   pool 1 at (1.1, 0) agrees with its labeled neighbour 5           -> KL 0
#   pool 2 at (0.1, 1) predicts [0.2, 0.8], unlike its neighbour 4    -> KL 1.145725
#   pool 3 at (1, 0.1) predicts [0.5, 0.5]                            -> KL 0.368064
GRAPH = _rows([[0, 1.1], [1.1, 0], [0.1, 1], [1, 0.1], [0, 1], [1, 0]],
              [[0.9, 0.1], [0.1, 0.9], [0.2, 0.8], [0.5, 0.5], [0.9, 0.1], [0.1, 0.9]])
POOL = np.array([0, 1, 2, 3])
LABELED = np.array([4, 5])
Y = np.array([0, 1])
KL_POOL_2 = 0.9 * np.log(0.9 / 0.2) + 0.1 * np.log(0.1 / 0.8)
KL_POOL_3 = 0.1 * np.log(0.1 / 0.5) + 0.9 * np.log(0.9 / 0.5)


# --- contrastive_scores --------------------------------------------------------------------

def test_contrastive_scores_hand_checked():
    proba_unlabeled = GRAPH[:4, 2:]
    proba_labeled = GRAPH[4:, 2:]
    neighbours = np.array([[0], [1], [0], [1]])
    np.testing.assert_allclose(contrastive_scores(proba_unlabeled, proba_labeled, neighbours),
                               [0, 0, KL_POOL_2, KL_POOL_3], atol=1e-12)


def test_contrastive_scores_average_over_k():
    proba_labeled = np.array([[0.5, 0.5], [1.0, 0.0]])
    scores = contrastive_scores(np.array([[0.5, 0.5]]), proba_labeled, np.array([[0, 1]]))
    np.testing.assert_allclose(scores, [np.log(2) / 2])


def test_contrastive_scores_infinite_and_zero_terms():
    # p_l > 0 where p_x = 0 -> +inf; p_l = 0 contributes nothing
    proba_unlabeled = np.array([[1.0, 0.0], [0.5, 0.5]])
    proba_labeled = np.array([[0.5, 0.5], [1.0, 0.0]])
    scores = contrastive_scores(proba_unlabeled, proba_labeled, np.array([[0], [1]]))
    assert scores[0] == np.inf
    np.testing.assert_allclose(scores[1], np.log(2))


def test_contrastive_scores_match_the_definition(monkeypatch):
    import small_text.query_strategies.contrastive as contrastive
    rng = np.random.default_rng(0)
    proba_unlabeled = rng.dirichlet(np.ones(3), size=25)
    proba_labeled = rng.dirichlet(np.ones(3), size=7)
    neighbours = rng.integers(0, 7, size=(25, 4))
    expected = [np.mean([rel_entr(proba_labeled[j], proba_unlabeled[i]).sum() for j in row])
                for i, row in enumerate(neighbours)]
    np.testing.assert_allclose(contrastive_scores(proba_unlabeled, proba_labeled, neighbours),
                               expected)
    monkeypatch.setattr(contrastive, '_CHUNK_ELEMENTS', 5)  # one row per chunk
    np.testing.assert_allclose(contrastive_scores(proba_unlabeled, proba_labeled, neighbours),
                               expected)
    for batch_size in [1, 4, 100]:
        np.testing.assert_allclose(
            contrastive_scores(proba_unlabeled, proba_labeled, neighbours, batch_size=batch_size),
            expected)


@pytest.mark.parametrize('batch_size', [0, -1, 1.5, True])
def test_contrastive_scores_reject_bad_batch_size(batch_size):
    with pytest.raises(ValueError, match='batch_size must be a positive integer or None'):
        contrastive_scores(np.array([[0.5, 0.5]]), np.array([[0.5, 0.5]]), np.array([[0]]),
                           batch_size=batch_size)


def test_contrastive_scores_reject_nan():
    with pytest.raises(ValueError, match='proba_labeled contains NaN'):
        contrastive_scores(np.array([[0.5, 0.5]]), np.array([[np.nan, 0.5]]), np.array([[0]]))


@pytest.mark.parametrize('neighbours, match', [
    (np.array([0]), r'neighbours must have shape \(n_unlabeled, k\)'),
    (np.array([[0], [0]]), r'neighbours must have shape \(n_unlabeled, k\)'),
    (np.array([[1]]), r'neighbours must hold integer rows of proba_labeled in \[0, 1\)'),
    (np.array([[-1]]), 'neighbours must hold integer rows'),
    (np.array([[0.0]]), 'neighbours must hold integer rows'),
])
def test_contrastive_scores_reject_bad_neighbours(neighbours, match):
    with pytest.raises(ValueError, match=match):
        contrastive_scores(np.array([[0.5, 0.5]]), np.array([[0.5, 0.5]]), neighbours)


def test_contrastive_scores_reject_class_mismatch():
    with pytest.raises(ValueError, match='same number of classes'):
        contrastive_scores(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0, 0.0]]),
                           np.array([[0]]))


# --- ContrastiveActiveLearning -------------------------------------------------------------

def test_query_selects_the_most_contrastive_pool_items():
    strategy = ContrastiveActiveLearning(k=1, normalize=False)
    result = strategy.query(EmbeddingClassifier(), GRAPH, POOL, LABELED, Y, n=2)
    np.testing.assert_array_equal(result, [2, 3])


def test_neighbours_come_from_the_labeled_set_never_the_item_itself():
    # With all rows as candidates (the reference), k=1 picks each item itself, every score is
    # 0 and the first pool positions win. The paper compares with labeled neighbours only.
    strategy = ContrastiveActiveLearning(k=1, normalize=False)
    result = strategy.query(EmbeddingClassifier(), GRAPH, POOL, LABELED, Y, n=1)
    np.testing.assert_array_equal(result, [2])


def test_only_labeled_embeddings_are_indexed():
    factory = RecordingFactory()
    strategy = ContrastiveActiveLearning(k=1, normalize=False, vector_index_factory=factory)
    strategy.query(EmbeddingClassifier(), GRAPH, POOL, LABELED, Y, n=1)
    assert len(factory.built) == 1
    np.testing.assert_array_equal(factory.built[0], GRAPH[LABELED, :2])


def test_k_two_averages_over_both_labeled_neighbours():
    # with k=2 every pool item sees both labeled items; pool item 3 ([0.5, 0.5]) is then the
    # most contrastive: mean(KL(l4 || p3), KL(l5 || p3)) = KL_POOL_3
    strategy = ContrastiveActiveLearning(k=2, normalize=False)
    result = strategy.query(EmbeddingClassifier(), GRAPH, POOL, LABELED, Y, n=4 - 1)
    kl_0 = (rel_entr([0.9, 0.1], [0.9, 0.1]).sum() + rel_entr([0.1, 0.9], [0.9, 0.1]).sum()) / 2
    kl_2 = (rel_entr([0.9, 0.1], [0.2, 0.8]).sum() + rel_entr([0.1, 0.9], [0.2, 0.8]).sum()) / 2
    assert kl_0 > kl_2 > KL_POOL_3
    np.testing.assert_array_equal(result, [0, 1, 2])


def test_normalize_changes_the_neighbourhood():
    # labeled 2 at (1, 1) predicts [0.9, 0.1], labeled 3 at (0.1, 0) predicts [0.1, 0.9]
    # pool 0 at (10, 0) predicts [0.9, 0.1]: Euclidean neighbour 2 (KL 0), but after
    #   normalisation it coincides with labeled 3 (KL 0.8 ln 9)
    # pool 1 at (2, 2) predicts [0.5, 0.5]: neighbour 2 either way (KL 0.368064)
    rows = _rows([[10, 0], [2, 2], [1, 1], [0.1, 0]],
                 [[0.9, 0.1], [0.5, 0.5], [0.9, 0.1], [0.1, 0.9]])
    pool, labeled, y = np.array([0, 1]), np.array([2, 3]), np.array([0, 1])
    raw = ContrastiveActiveLearning(k=1, normalize=False)
    unit = ContrastiveActiveLearning(k=1, normalize=True)
    np.testing.assert_array_equal(raw.query(EmbeddingClassifier(), rows, pool, labeled, y, n=1),
                                  [1])
    np.testing.assert_array_equal(unit.query(EmbeddingClassifier(), rows, pool, labeled, y, n=1),
                                  [0])


@pytest.mark.parametrize('batch_size', [1, 3, 100])
def test_batch_size_does_not_change_the_result(batch_size):
    rng = np.random.default_rng(0)
    rows = _rows(rng.normal(size=(40, 2)), rng.dirichlet(np.ones(3), size=40))
    pool, labeled = np.arange(30), np.arange(30, 40)
    expected = ContrastiveActiveLearning(k=3).query(EmbeddingClassifier(), rows, pool, labeled,
                                                    np.zeros(10, dtype=int), n=5)
    result = ContrastiveActiveLearning(k=3, batch_size=batch_size).query(
        EmbeddingClassifier(), rows, pool, labeled, np.zeros(10, dtype=int), n=5)
    np.testing.assert_array_equal(result, expected)


def test_query_uses_own_embed_kwargs_and_ignores_caller_embeddings():
    clf = EmbeddingClassifier()
    strategy = ContrastiveActiveLearning(k=1, normalize=False, embed_kwargs={'layer': 3})
    result = strategy.query(clf, GRAPH, POOL, LABELED, Y, n=1,
                            embeddings=np.zeros((6, 2)), embed_kwargs={'layer': 7})
    np.testing.assert_array_equal(result, [2])
    assert clf.embed_calls == [{'return_proba': True, 'layer': 3}]


def test_embed_kwargs_are_copied():
    embed_kwargs = {'layer': 3}
    strategy = ContrastiveActiveLearning(embed_kwargs=embed_kwargs)
    embed_kwargs['layer'] = 4
    assert strategy.embed_kwargs == {'layer': 3}
    assert ContrastiveActiveLearning().embed_kwargs is not ContrastiveActiveLearning().embed_kwargs


def test_query_accepts_multi_label_data():
    y = csr_matrix(np.array([[1, 0], [0, 1]]))
    result = ContrastiveActiveLearning(k=1, normalize=False).query(
        EmbeddingClassifier(), GRAPH, POOL, LABELED, y, n=1)
    np.testing.assert_array_equal(result, [2])


def test_classifier_without_return_proba():
    with pytest.raises(ValueError, match='embeddings_proba is None'):
        ContrastiveActiveLearning(k=1).query(EmbeddingClassifier(return_proba=False), GRAPH,
                                             POOL, LABELED, Y, n=1)


def test_fewer_labeled_samples_than_k():
    with pytest.raises(ValueError, match='only 2 are labeled; label more samples or lower k'):
        ContrastiveActiveLearning(k=3).query(EmbeddingClassifier(), GRAPH, POOL, LABELED, Y,
                                             n=1)


def test_empty_labeled_set():
    with pytest.raises(ValueError, match='only 0 are labeled'):
        ContrastiveActiveLearning(k=1).query(EmbeddingClassifier(), GRAPH, np.arange(6),
                                             np.array([], dtype=int), np.array([], dtype=int),
                                             n=1)


def test_nan_probabilities():
    rows = GRAPH.copy()
    rows[4, 2] = np.nan
    with pytest.raises(ValueError, match='embeddings_proba contains NaN'):
        ContrastiveActiveLearning(k=1).query(EmbeddingClassifier(), rows, POOL, LABELED, Y, n=1)


def test_nan_embeddings():
    rows = GRAPH.copy()
    rows[0, 0] = np.nan
    with pytest.raises(ValueError, match='contains NaN'):
        ContrastiveActiveLearning(k=1).query(EmbeddingClassifier(), rows, POOL, LABELED, Y, n=1)


def test_full_pool_shortcut_does_not_embed():
    clf = EmbeddingClassifier()
    result = ContrastiveActiveLearning().query(clf, GRAPH, np.array([3, 1, 0, 2]), LABELED, Y,
                                               n=4)
    np.testing.assert_array_equal(result, [3, 1, 0, 2])
    assert clf.embed_calls == []


def test_empty_pool():
    with pytest.raises(EmptyPoolException, match='Cannot query an empty pool'):
        ContrastiveActiveLearning().query(EmbeddingClassifier(), GRAPH, np.array([], dtype=int),
                                          LABELED, Y, n=1)


def test_pool_exhausted():
    with pytest.raises(PoolExhaustedException, match='4 available / 5 requested'):
        ContrastiveActiveLearning().query(EmbeddingClassifier(), GRAPH, POOL, LABELED, Y, n=5)


def test_default_vector_index_factory_is_knn():
    assert ContrastiveActiveLearning().vector_index_factory.vector_index_class is KNNIndex


def test_str():
    assert str(ContrastiveActiveLearning()) == \
        'ContrastiveActiveLearning(k=10, embed_kwargs={}, normalize=True)'
    assert str(ContrastiveActiveLearning(k=3, embed_kwargs={'a': 1}, normalize=False)) == \
        "ContrastiveActiveLearning(k=3, embed_kwargs={'a': 1}, normalize=False)"
