"""Top-n selection over a partitioned pool of texts with Dask.

Every partition of the pool is featurized and scored on a worker, in batches, and keeps only
its own ``n`` best texts; these candidates are merged in a tree of small tasks, so neither a
worker nor the driver ever holds more than one batch of texts plus a few times ``n``
candidates. The ranking is by score, then by id (both ascending, NaN scores last), which makes
the result independent of how the pool is partitioned.

Set-based strategies as candidate prefilter
-------------------------------------------
Strategies that judge a selection as a whole (coresets, contrastive or discriminative
active learning, clustering) cannot be split into independent partitions. Shrink the pool
with a cheap score-based strategy first, then run the set-based strategy in-process on the
candidates, which is what :class:`~small_text.query_strategies.SubsamplingQueryStrategy` does
for a pool in memory::

    import dask.dataframe as dd
    import numpy as np
    from small_text import (GreedyCoreset, LeastConfidence, SklearnDataset,
                            LABEL_UNLABELED)
    from small_text.distributed import select_top_n

    pool = dd.read_parquet('pool/*.parquet', columns=['id', 'text'])
    # 1) distributed: the 20 x n least confident texts of the whole pool
    candidate_ids = select_top_n(clf, pool, vectorizer, LeastConfidence(), n=20 * 100)
    # 2) only these texts travel to the driver
    candidates = pool[pool['id'].isin(candidate_ids)].compute()
    x = vectorizer.transform(candidates['text'].tolist())
    candidate_set = SklearnDataset(x, np.full(len(candidates), LABEL_UNLABELED),
                                   target_labels=np.arange(clf.num_classes))
    # 3) in-process: the set-based strategy picks n = 100 of the candidates
    positions = GreedyCoreset().query(clf, candidate_set, np.arange(len(candidates)),
                                      np.empty(0, dtype=np.int64),
                                      np.empty(0, dtype=np.int64), n=100)
    selected_ids = candidates['id'].to_numpy()[positions]

(GreedyCoreset needs ``clf.embed``; use any set-based strategy that fits your classifier.)
"""
import copy
import numbers
import operator
import warnings

import numpy as np

from small_text.base import LABEL_UNLABELED
from small_text.data.datasets import SklearnDataset
from small_text.distributed.exceptions import DaskNotFoundError
from small_text.query_strategies.exceptions import EmptyPoolException, PoolExhaustedException
from small_text.query_strategies.strategies import (
    BreakingTies,
    LeastConfidence,
    PredictionEntropy,
    RandomSampling,
)

SUPPORTED_STRATEGIES = (LeastConfidence, PredictionEntropy, BreakingTies, RandomSampling)
"""Query strategies that :func:`select_top_n` supports (and their subclasses)."""

_GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)


def random_scores(ids, seed=0):
    """Return a reproducible pseudo-random score in [0, 1) for each id.

    The score of an id depends only on ``(seed, id)``: it is the SplitMix64 finaliser applied
    to ``id + mix(seed)`` (64-bit wrap-around), scaled to a 53-bit float. Selecting the ``n``
    ids with the smallest scores is therefore a uniformly random ``n``-subset of the pool that
    does not depend on the order or the partitioning of the pool, which is how
    :func:`select_top_n` implements :class:`~small_text.query_strategies.RandomSampling`.

    Parameters
    ----------
    ids : array-like of int
        Integer ids (negative values are taken modulo 2**64).
    seed : int, default=0
        Any integer; different seeds give independent orders.

    Returns
    -------
    scores : np.ndarray of float64 and shape (len(ids),)

    Raises
    ------
    TypeError
        If ``ids`` are not integers or ``seed`` is not an integer.

    Examples
    --------
    >>> import numpy as np
    >>> from small_text.distributed import random_scores
    >>> scores = random_scores(np.arange(5), seed=42)
    >>> bool(((scores >= 0) & (scores < 1)).all())
    True
    >>> bool((random_scores([3, 1], seed=42) == scores[[3, 1]]).all())
    True
    """
    ids = np.asarray(ids)
    if ids.size and not np.issubdtype(ids.dtype, np.integer):
        raise TypeError(f'ids must be integers, got dtype {ids.dtype}')
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f'seed must be an integer, got {seed!r}')
    seed_mix = _splitmix64(np.array([int(seed) % (1 << 64)], dtype=np.uint64))
    hashed = _splitmix64(ids.astype(np.uint64).ravel() + seed_mix)
    return (hashed >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def _splitmix64(z):
    """The SplitMix64 finaliser on a uint64 array (wrap-around arithmetic)."""
    z = z + _GOLDEN_GAMMA
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def select_top_n(clf, pool, featurizer, query_strategy, n, *, id_column='id',
                 text_column='text', random_seed=0, batch_size=50_000, split_every=8):
    """Return the ids of the ``n`` texts of a partitioned pool that ``query_strategy`` selects.

    Runs on the current Dask scheduler: the ``distributed`` client if one is active (e.g.
    ``Client(LocalCluster(n_workers=2))`` or ``Client('tcp://scheduler:8786')``), otherwise
    Dask's local default. The classifier, the featurizer and the strategy are sent to the
    workers once (scattered when a client is active), not once per partition. Each partition
    is featurized and scored in batches of ``batch_size`` texts with the strategy's own
    scoring (``query_strategy.score``), keeps its best ``n``, and the candidates are merged in
    a tree with fan-in ``split_every``.

    Ranking: smaller scores first (for :class:`~small_text.query_strategies.LeastConfidence`
    the confidence, for :class:`~small_text.query_strategies.PredictionEntropy` the negative
    entropy, for :class:`~small_text.query_strategies.BreakingTies` the margin), ties broken
    by ascending id, NaN last. With ids ``0..N-1`` in pool order, this equals the in-process
    ``query_strategy.query(clf, dataset, np.arange(N), ...)``, provided that the classifier's
    probabilities of a text do not depend on the batch it is predicted in.
    :class:`~small_text.query_strategies.RandomSampling` is implemented as the ``n`` ids with
    the smallest :func:`random_scores` for ``random_seed``; it is reproducible and
    independent of the partitioning, but not the same draw as the in-process
    ``np.random.choice``.

    Parameters
    ----------
    clf : Classifier
        A fitted classifier with ``predict_proba(dataset)``. Not used for RandomSampling
        (may be None).
    pool : dask.dataframe.DataFrame or dask.bag.Bag
        The pool: a DataFrame with an integer id column and a text column, or a Bag of
        ``(id, text)`` pairs. Ids must be unique.
    featurizer : object with ``transform`` or callable
        Turns a list of texts into the classifier's input: a fitted vectorizer (e.g.
        :class:`~sklearn.feature_extraction.text.TfidfVectorizer`), whose output is wrapped
        in an unlabeled :class:`~small_text.data.SklearnDataset`, or a callable
        ``texts -> dataset`` (e.g. one that tokenizes into a
        :class:`~small_text.integrations.transformers.TransformersDataset`). Not used for
        RandomSampling (may be None).
    query_strategy : LeastConfidence, PredictionEntropy, BreakingTies or RandomSampling
        The score-based strategy (see :data:`SUPPORTED_STRATEGIES`). For set-based strategies
        use this function as a candidate prefilter (see the module documentation).
    n : int
        Number of ids to select.
    id_column : str, default='id'
        DataFrame pools: the id column.
    text_column : str, default='text'
        DataFrame pools: the text column.
    random_seed : int, default=0
        RandomSampling only: the seed of :func:`random_scores`.
    batch_size : int, default=50000
        Texts featurized and scored at a time on a worker (bounds the worker's memory).
    split_every : int, default=8
        Fan-in of the merge tree (at least 2).

    Returns
    -------
    ids : np.ndarray of shape (n,)
        The selected ids, best first.

    Raises
    ------
    DaskNotFoundError
        If Dask is not installed.
    TypeError
        If ``pool``, ``featurizer`` or ``query_strategy`` is of an unsupported type, or the
        ids are not integers.
    ValueError
        If ``n``, ``batch_size`` or ``split_every`` is out of range, a DataFrame pool lacks a
        column, the classifier does not return one probability row per text, or the
        selection holds a duplicate id.
    EmptyPoolException
        If the pool has no texts.
    PoolExhaustedException
        If the pool has fewer than ``n`` texts.

    Examples
    --------
    >>> import dask.dataframe as dd  # doctest: +SKIP
    >>> pool = dd.read_parquet('pool/*.parquet', columns=['id', 'text'])  # doctest: +SKIP
    >>> select_top_n(clf, pool, vectorizer, BreakingTies(), n=100)  # doctest: +SKIP
    """
    dask = _import_dask()
    n = _check_positive_int(n, 'n', minimum=0)
    batch_size = _check_positive_int(batch_size, 'batch_size', minimum=1)
    split_every = _check_positive_int(split_every, 'split_every', minimum=2)
    if not isinstance(query_strategy, SUPPORTED_STRATEGIES):
        raise TypeError(f'query_strategy must be one of '
                        f'{", ".join(c.__name__ for c in SUPPORTED_STRATEGIES)}, got '
                        f'{type(query_strategy).__name__}. For set-based strategies, select '
                        f'candidates with a score-based strategy first (see the '
                        f'small_text.distributed.scoring documentation).')
    if not isinstance(query_strategy, RandomSampling) and \
            not (hasattr(featurizer, 'transform') or callable(featurizer)):
        raise TypeError(f'featurizer must have a transform() method or be callable, got '
                        f'{type(featurizer).__name__}')
    if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral):
        raise TypeError(f'random_seed must be an integer, got {random_seed!r}')
    partitions, frames = _partitions(dask, pool, id_column, text_column)
    columns = (id_column, text_column) if frames else None
    scorer = _share(dask, _PartitionScorer(clf, featurizer, query_strategy, int(random_seed),
                                           batch_size, columns))
    level = [dask.delayed(_score_partition, pure=True)(scorer, partition, n)
             for partition in partitions]
    while len(level) > 1:
        level = [dask.delayed(_merge_candidates, pure=True)(level[i:i + split_every], n)
                 for i in range(0, len(level), split_every)]
    if not level:
        raise EmptyPoolException('No unlabeled indices available. Cannot query an empty pool.')
    (ids, _), num_texts = dask.compute(level[0])[0]
    if num_texts == 0:
        raise EmptyPoolException('No unlabeled indices available. Cannot query an empty pool.')
    if ids.shape[0] < n:
        raise PoolExhaustedException(f'Pool exhausted: {num_texts} available / {n} requested')
    if np.unique(ids).shape[0] != ids.shape[0]:
        raise ValueError('The selection holds a duplicate id: the ids of the pool must be '
                         'unique.')
    return ids


def _import_dask():
    try:
        import dask
        import dask.bag  # noqa: F401  (registers dask.bag for the type checks)
        import dask.dataframe  # noqa: F401
    except ImportError as e:
        raise DaskNotFoundError('select_top_n needs dask[distributed], which is not '
                                'installed: pip install "small-text[dask]"') from e
    return dask


def _check_positive_int(value, name, minimum):
    try:
        value = operator.index(value)
    except TypeError:
        raise TypeError(f'{name} must be an integer, got {value!r}') from None
    if value < minimum:
        raise ValueError(f'{name} must be at least {minimum}, got {value}')
    return value


def _partitions(dask, pool, id_column, text_column):
    """Return the pool's partitions as delayed objects and whether they are DataFrames."""
    if isinstance(pool, dask.dataframe.DataFrame):
        missing = [c for c in (id_column, text_column) if c not in pool.columns]
        if missing:
            raise ValueError(f'The pool has no column {", ".join(map(repr, missing))}; its '
                             f'columns are {list(pool.columns)}. Pass id_column= and '
                             f'text_column=.')
        return pool[[id_column, text_column]].to_delayed(), True
    if isinstance(pool, dask.bag.Bag):
        return pool.to_delayed(), False
    raise TypeError(f'pool must be a dask.dataframe.DataFrame or a dask.bag.Bag, got '
                    f'{type(pool).__name__}')


def _share(dask, obj):
    """Put ``obj`` into the graph once: scattered to the cluster if a client is active."""
    try:
        from distributed import get_client
        client = get_client()
    except (ImportError, ValueError):
        return dask.delayed(obj, pure=True, traverse=False)
    return client.scatter([obj], hash=False)[0]


class _PartitionScorer:
    """Scores the texts of one partition; pickled once and shared by all partition tasks."""

    def __init__(self, clf, featurizer, query_strategy, random_seed, batch_size, columns):
        self.clf = clf
        self.featurizer = featurizer
        self.query_strategy = query_strategy
        self.random_seed = random_seed
        self.batch_size = batch_size
        self.columns = columns  # (id column, text column) of DataFrame partitions, else None

    def ids_and_texts(self, partition):
        if self.columns is not None:
            id_column, text_column = self.columns
            return partition[id_column].to_numpy(), partition[text_column].tolist()
        pairs = list(partition)
        ids = np.array([pair[0] for pair in pairs])
        return ids, [pair[1] for pair in pairs]

    def scores(self, ids, texts):
        if isinstance(self.query_strategy, RandomSampling):
            return random_scores(ids, self.random_seed)
        dataset = self._featurize(texts)
        # a copy per call: the strategy stores its last scores, and threads share it
        strategy = copy.copy(self.query_strategy)
        positions = np.arange(len(texts))
        empty = np.empty(0, dtype=np.int64)
        return np.asarray(strategy.score(self.clf, dataset, positions, empty, empty))

    def _featurize(self, texts):
        if not hasattr(self.featurizer, 'transform'):
            return self.featurizer(texts)
        x = self.featurizer.transform(texts)
        num_classes = getattr(self.clf, 'num_classes', None)
        y = np.full(len(texts), LABEL_UNLABELED, dtype=np.int64)
        if num_classes is not None:
            return SklearnDataset(x, y, target_labels=np.arange(num_classes))
        with warnings.catch_warnings():
            warnings.simplefilter('ignore', UserWarning)
            return SklearnDataset(x, y)


def _score_partition(scorer, partition, n):
    """Return ``((ids, scores), num_texts)``: the partition's best ``n`` and its size."""
    all_ids, texts = scorer.ids_and_texts(partition)
    if all_ids.size and not np.issubdtype(all_ids.dtype, np.integer):
        raise TypeError(f'The pool ids must be integers, got dtype {all_ids.dtype}')
    best = (all_ids[:0].astype(np.int64), np.empty(0, dtype=np.float64))
    for start in range(0, len(texts), scorer.batch_size):
        stop = start + scorer.batch_size
        ids = all_ids[start:stop]
        scores = scorer.scores(ids, texts[start:stop])
        best = _top_n([best, (ids, scores)], n)
    return best, len(texts)


def _merge_candidates(results, n):
    """Merge ``((ids, scores), num_texts)`` results into the best ``n`` of their union."""
    return _top_n([candidates for candidates, _ in results], n), sum(c for _, c in results)


def _top_n(candidates, n):
    """Return the ``n`` smallest ``(score, id)`` pairs of several ``(ids, scores)`` arrays,
    ordered, with NaN scores after every number."""
    ids = np.concatenate([c[0] for c in candidates]).astype(np.int64, copy=False)
    scores = np.concatenate([np.asarray(c[1], dtype=np.float64) for c in candidates])
    if scores.shape[0] > n:
        # a linear-time prefilter: every pair that can be among the best n has a score at most
        # the n-th smallest (np.partition orders NaN last)
        threshold = np.partition(scores, n - 1)[n - 1] if n > 0 else -np.inf
        keep = np.isnan(scores) | (scores <= threshold) if threshold != threshold \
            else scores <= threshold
        ids, scores = ids[keep], scores[keep]
    is_nan = np.isnan(scores)
    order = np.lexsort((ids, np.where(is_nan, 0.0, scores), is_nan))[:n]
    return ids[order], scores[order]
