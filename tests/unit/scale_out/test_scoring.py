"""Distributed top-n pool scoring: equal to the in-process strategies, and its errors."""
import numpy as np
import pytest

from small_text import (
    BreakingTies,
    ConfidenceEnhancedLinearSVC,
    EmptyPoolException,
    GreedyCoreset,
    LeastConfidence,
    PoolExhaustedException,
    PredictionEntropy,
    RandomSampling,
    SklearnClassifier,
    SklearnDataset,
)
from small_text.distributed import random_scores

_NEEDS_DASK = 'needs the extra dask: pip install "small-text[dask]"'
pd = pytest.importorskip('pandas', reason=_NEEDS_DASK)
dd = pytest.importorskip('dask.dataframe', reason=_NEEDS_DASK)
db = pytest.importorskip('dask.bag', reason=_NEEDS_DASK)
TfidfVectorizer = pytest.importorskip('sklearn.feature_extraction.text').TfidfVectorizer

from small_text.distributed import select_top_n  # noqa: E402  (after the extra check)

NUM_CLASSES = 3
_EMPTY = np.empty(0, dtype=np.int64)


def _texts(num_texts, num_unique, seed):
    """Texts over a 300-word vocabulary; drawn from ``num_unique`` distinct texts, so the pool
    holds many exact ties. The label is the vocabulary third that most words come from."""
    rng = np.random.default_rng(seed)
    words = rng.integers(0, 300, size=(num_unique, 8))
    unique = np.array([' '.join(f'w{w}' for w in row) for row in words], dtype=object)
    labels = np.array([np.bincount(row // 100, minlength=3).argmax() for row in words])
    picks = rng.integers(0, num_unique, size=num_texts)
    return unique[picks].tolist(), labels[picks]


@pytest.fixture(scope='module')
def model():
    texts, labels = _texts(600, 600, seed=1)
    vectorizer = TfidfVectorizer().fit(texts)
    clf = SklearnClassifier(ConfidenceEnhancedLinearSVC(), NUM_CLASSES)
    clf.fit(SklearnDataset(vectorizer.transform(texts), labels,
                           target_labels=np.arange(NUM_CLASSES)))
    return clf, vectorizer


def _in_process(clf, vectorizer, texts, strategy, n):
    dataset = SklearnDataset(vectorizer.transform(texts), np.full(len(texts), -1),
                             target_labels=np.arange(NUM_CLASSES))
    return strategy.query(clf, dataset, np.arange(len(texts)), _EMPTY, _EMPTY, n=n)


@pytest.fixture(scope='module')
def parquet_pool(tmp_path_factory):
    texts, _ = _texts(100_000, 20_000, seed=2)
    folder = tmp_path_factory.mktemp('pool')
    frame = pd.DataFrame({'id': np.arange(len(texts)), 'text': texts})
    for i, start in enumerate(range(0, len(texts), 30_000)):  # 4 files of unequal size
        frame.iloc[start:start + 30_000].to_parquet(folder / f'part-{i}.parquet')
    return folder, texts


@pytest.mark.integration
@pytest.mark.parametrize('strategy', [LeastConfidence(), PredictionEntropy(), BreakingTies()],
                         ids=str)
def test_top_n_equals_in_process_selection_on_100000_texts(dask_client, model, parquet_pool,
                                                          strategy):
    clf, vectorizer = model
    folder, texts = parquet_pool
    pool = dd.read_parquet(str(folder))
    selected = select_top_n(clf, pool, vectorizer, strategy, 500, batch_size=20_000)
    expected = _in_process(clf, vectorizer, texts, strategy, 500)
    assert selected.tolist() == expected.tolist()


@pytest.mark.integration
def test_random_top_n_equals_smallest_random_scores_on_100000_texts(dask_client, parquet_pool):
    folder, texts = parquet_pool
    pool = dd.read_parquet(str(folder))
    selected = select_top_n(None, pool, None, RandomSampling(), 500, random_seed=7)
    # the in-process definition: the 500 positions with the smallest random_scores
    expected = np.argsort(random_scores(np.arange(len(texts)), seed=7), kind='stable')[:500]
    assert selected.tolist() == expected.tolist()


def _small_frame(num_texts=2_000, npartitions=5, seed=3):
    texts, _ = _texts(num_texts, num_texts // 4, seed=seed)
    frame = pd.DataFrame({'doc': np.arange(num_texts) * 3 + 11, 'body': texts})
    return dd.from_pandas(frame, npartitions=npartitions), frame


def test_ties_are_broken_by_id_regardless_of_partitioning(model):
    clf, vectorizer = model
    _, frame = _small_frame()
    shuffled = frame.sample(frac=1.0, random_state=0)  # ids no longer in pool order
    results = [select_top_n(clf, dd.from_pandas(shuffled, npartitions=p), vectorizer,
                            LeastConfidence(), 50, id_column='doc', text_column='body',
                            split_every=2)
               for p in (1, 3, 8)]
    assert results[0].tolist() == results[1].tolist() == results[2].tolist()
    confidence = clf.predict_proba(SklearnDataset(
        vectorizer.transform(frame['body'].tolist()), np.full(len(frame), -1),
        target_labels=np.arange(NUM_CLASSES))).max(axis=1)
    order = np.lexsort((frame['doc'].to_numpy(), confidence))[:50]
    assert results[0].tolist() == frame['doc'].to_numpy()[order].tolist()


def test_bag_of_id_text_pairs(model):
    clf, vectorizer = model
    pool, frame = _small_frame()
    pairs = list(zip(frame['doc'].tolist(), frame['body'].tolist()))
    from_bag = select_top_n(clf, db.from_sequence(pairs, npartitions=4), vectorizer,
                            BreakingTies(), 20)
    from_frame = select_top_n(clf, pool, vectorizer, BreakingTies(), 20, id_column='doc',
                              text_column='body')
    assert from_bag.tolist() == from_frame.tolist()


def test_callable_featurizer_returning_a_dataset(model):
    clf, vectorizer = model
    pool, frame = _small_frame()

    def featurize(texts):
        return SklearnDataset(vectorizer.transform(texts), np.full(len(texts), -1),
                              target_labels=np.arange(NUM_CLASSES))

    by_callable = select_top_n(clf, pool, featurize, PredictionEntropy(), 15,
                               id_column='doc', text_column='body')
    by_vectorizer = select_top_n(clf, pool, vectorizer, PredictionEntropy(), 15,
                                 id_column='doc', text_column='body')
    assert by_callable.tolist() == by_vectorizer.tolist()


def test_random_selection_depends_on_the_seed_only():
    pool, frame = _small_frame()
    first = select_top_n(None, pool, None, RandomSampling(), 30, id_column='doc',
                         text_column='body', random_seed=1)
    again = select_top_n(None, dd.from_pandas(frame.iloc[::-1], npartitions=2), None,
                         RandomSampling(), 30, id_column='doc', text_column='body',
                         random_seed=1)
    other = select_top_n(None, pool, None, RandomSampling(), 30, id_column='doc',
                         text_column='body', random_seed=2)
    assert first.tolist() == again.tolist()
    assert first.tolist() != other.tolist()
    assert set(first) <= set(frame['doc'])


def test_random_scores_are_uniform_and_reproducible():
    scores = random_scores(np.arange(100_000), seed=0)
    assert scores.min() >= 0 and scores.max() < 1
    assert abs(scores.mean() - 0.5) < 0.01
    assert np.histogram(scores, bins=10, range=(0, 1))[0].min() > 9_500
    assert random_scores([5, -1], seed=0).tolist() == random_scores([5, -1], seed=0).tolist()
    assert random_scores([5], seed=0)[0] != random_scores([5], seed=1)[0]


def test_random_scores_reject_non_integers():
    with pytest.raises(TypeError, match='ids must be integers'):
        random_scores(np.array([0.5]))
    with pytest.raises(TypeError, match='seed must be an integer'):
        random_scores([1], seed=1.5)


def test_n_zero_selects_nothing(model):
    clf, vectorizer = model
    pool, _ = _small_frame()
    assert select_top_n(clf, pool, vectorizer, LeastConfidence(), 0, id_column='doc',
                        text_column='body').shape == (0,)


def test_more_than_the_pool_raises_pool_exhausted(model):
    clf, vectorizer = model
    pool, _ = _small_frame(num_texts=40, npartitions=3)
    with pytest.raises(PoolExhaustedException, match='40 available / 41 requested'):
        select_top_n(clf, pool, vectorizer, LeastConfidence(), 41, id_column='doc',
                     text_column='body')


def test_empty_pool_raises(model):
    clf, vectorizer = model
    empty = dd.from_pandas(pd.DataFrame({'id': np.array([], dtype=np.int64),
                                         'text': np.array([], dtype=object)}), npartitions=1)
    with pytest.raises(EmptyPoolException):
        select_top_n(clf, empty, vectorizer, LeastConfidence(), 1)


@pytest.mark.parametrize('kwargs, error, message', [
    ({'query_strategy': GreedyCoreset()}, TypeError, 'candidates with a score-based'),
    ({'featurizer': 42}, TypeError, 'featurizer must have a transform'),
    ({'pool': [(0, 'a')]}, TypeError, 'dask.dataframe.DataFrame or a dask.bag.Bag'),
    ({'n': -1}, ValueError, 'n must be at least 0'),
    ({'n': 2.0}, TypeError, 'n must be an integer'),
    ({'batch_size': 0}, ValueError, 'batch_size must be at least 1'),
    ({'split_every': 1}, ValueError, 'split_every must be at least 2'),
    ({'random_seed': None}, TypeError, 'random_seed must be an integer'),
    ({'id_column': 'missing'}, ValueError, "no column 'missing'"),
])
def test_invalid_arguments(model, kwargs, error, message):
    clf, vectorizer = model
    pool, _ = _small_frame(num_texts=40, npartitions=2)
    arguments = dict(clf=clf, pool=pool, featurizer=vectorizer,
                     query_strategy=LeastConfidence(), n=3, id_column='doc', text_column='body')
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        select_top_n(**arguments)


def test_non_integer_and_duplicate_ids_raise(model):
    clf, vectorizer = model
    frame = pd.DataFrame({'id': ['a', 'b'], 'text': ['w1 w2', 'w3']})
    with pytest.raises(TypeError, match='ids must be integers'):
        select_top_n(clf, dd.from_pandas(frame, npartitions=1), vectorizer, LeastConfidence(), 1)
    frame = pd.DataFrame({'id': [4, 4], 'text': ['w1 w2', 'w1 w2']})
    with pytest.raises(ValueError, match='duplicate id'):
        select_top_n(clf, dd.from_pandas(frame, npartitions=2), vectorizer, LeastConfidence(), 2)
