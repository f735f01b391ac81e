import numpy as np
import pytest

from small_text.query_strategies import (
    EmbeddingBasedQueryStrategy,
    EmptyPoolException,
    PoolExhaustedException,
)

from ._embedding_fakes import FixedEmbeddingClassifier, position_dataset


class RecordingStrategy(EmbeddingBasedQueryStrategy):
    """Selects the first ``n`` pool positions and records the arguments of ``sample``."""

    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        self.sample_args = dict(dataset=dataset, indices_unlabeled=indices_unlabeled,
                                indices_labeled=indices_labeled, y=y, n=n,
                                embeddings=embeddings, embeddings_proba=embeddings_proba)
        return np.arange(n)[::-1]


class EmbedWithoutProba:
    def __init__(self, embeddings):
        self.embeddings = embeddings

    def embed(self, dataset, scale=1.0):
        return self.embeddings[np.asarray(dataset)[:, 0]] * scale


def _embeddings(num_samples=10, dim=3):
    return np.arange(num_samples * dim, dtype=np.float64).reshape(num_samples, dim)


def test_query_embeds_pool_then_labeled_and_maps_positions_back():
    embeddings = _embeddings()
    proba = np.linspace(0, 1, 20).reshape(10, 2)
    clf = FixedEmbeddingClassifier(embeddings, proba)
    strategy = RecordingStrategy()
    indices_unlabeled, indices_labeled = np.array([7, 2, 5, 9]), np.array([4, 0])
    y = np.array([1, 0])

    result = strategy.query(clf, position_dataset(10), indices_unlabeled, indices_labeled, y,
                            n=2)

    np.testing.assert_array_equal(result, [2, 7])
    assert result.dtype == np.int64
    np.testing.assert_array_equal(clf.embedded[0], [7, 2, 5, 9, 4, 0])
    args = strategy.sample_args
    np.testing.assert_array_equal(args['dataset'][:, 0], [7, 2, 5, 9, 4, 0])
    np.testing.assert_array_equal(args['indices_unlabeled'], np.arange(4))
    np.testing.assert_array_equal(args['indices_labeled'], [4, 5])
    np.testing.assert_array_equal(args['embeddings'], embeddings[[7, 2, 5, 9, 4, 0]])
    np.testing.assert_array_equal(args['embeddings_proba'], proba[[7, 2, 5, 9, 4, 0]])
    assert args['y'] is y and args['n'] == 2


def test_query_retries_without_return_proba():
    embeddings = _embeddings()
    strategy = RecordingStrategy()
    strategy.query(EmbedWithoutProba(embeddings), position_dataset(10), np.arange(5),
                   np.arange(5, 7), np.zeros(2, dtype=int), n=1, embed_kwargs={'scale': 2.0})
    assert strategy.sample_args['embeddings_proba'] is None
    np.testing.assert_array_equal(strategy.sample_args['embeddings'], 2 * embeddings[:7])


def test_query_propagates_other_type_errors():
    with pytest.raises(TypeError, match='unexpected keyword argument'):
        RecordingStrategy().query(EmbedWithoutProba(_embeddings()), position_dataset(10),
                                  np.arange(5), np.arange(5, 7), np.zeros(2, dtype=int), n=1,
                                  embed_kwargs={'unknown': 1})


def test_precomputed_embeddings_in_subset_order():
    embeddings = _embeddings(6)
    strategy = RecordingStrategy()
    strategy.query(None, position_dataset(10), np.array([3, 1, 8]), np.array([0, 9, 4]),
                   np.zeros(3, dtype=int), n=1, embeddings=embeddings)
    assert strategy.sample_args['embeddings'] is embeddings
    assert strategy.sample_args['embeddings_proba'] is None


def test_precomputed_embeddings_of_the_whole_dataset_are_read_by_position():
    embeddings = _embeddings(10)
    strategy = RecordingStrategy()
    strategy.query(None, position_dataset(10), np.array([3, 1, 8]), np.array([0]),
                   np.zeros(1, dtype=int), n=1, embeddings=embeddings)
    np.testing.assert_array_equal(strategy.sample_args['embeddings'], embeddings[[3, 1, 8, 0]])


def test_precomputed_embeddings_with_wrong_row_count():
    with pytest.raises(ValueError, match=r'one row per pool and labeled sample \(4 rows\)'):
        RecordingStrategy().query(None, position_dataset(10), np.array([3, 1, 8]),
                                  np.array([0]), np.zeros(1, dtype=int), n=1,
                                  embeddings=_embeddings(7))


def test_nan_embeddings_raise():
    embeddings = _embeddings()
    embeddings[3, 1] = np.nan
    with pytest.raises(ValueError, match='contains NaN'):
        RecordingStrategy().query(FixedEmbeddingClassifier(embeddings), position_dataset(10),
                                  np.arange(6), np.arange(6, 8), np.zeros(2, dtype=int), n=2)


def test_one_dimensional_embeddings_raise():
    with pytest.raises(ValueError, match='must be a 2-D array'):
        RecordingStrategy().query(None, position_dataset(10), np.arange(6), np.arange(6, 8),
                                  np.zeros(2, dtype=int), n=2, embeddings=np.zeros(8))


def test_full_pool_is_returned_without_embedding():
    indices_unlabeled = np.array([5, 1, 3])
    result = RecordingStrategy().query(None, position_dataset(10), indices_unlabeled,
                                       np.array([0]), np.zeros(1, dtype=int), n=3)
    np.testing.assert_array_equal(result, indices_unlabeled)


def test_n_zero_returns_an_empty_array():
    result = RecordingStrategy().query(None, position_dataset(10), np.arange(4), np.arange(4, 6),
                                       np.zeros(2, dtype=int), n=0)
    assert result.shape == (0,) and result.dtype == np.int64


def test_empty_pool_raises():
    with pytest.raises(EmptyPoolException):
        RecordingStrategy().query(None, position_dataset(10), np.array([], dtype=int),
                                  np.arange(3), np.zeros(3, dtype=int), n=1)


def test_n_larger_than_pool_raises():
    with pytest.raises(PoolExhaustedException, match='3 available / 4 requested'):
        RecordingStrategy().query(None, position_dataset(10), np.arange(3), np.arange(3, 5),
                                  np.zeros(2, dtype=int), n=4)


def test_out_of_range_indices_raise():
    with pytest.raises(ValueError, match=r'must lie in \[0, 10\)'):
        RecordingStrategy().query(None, position_dataset(10), np.array([1, 12]),
                                  np.array([0]), np.zeros(1, dtype=int), n=1)


def test_abstract_and_str():
    with pytest.raises(TypeError):
        EmbeddingBasedQueryStrategy()
    assert str(RecordingStrategy()) == 'EmbeddingBasedQueryStrategy()'
