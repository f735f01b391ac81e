"""Time and memory of the model-based query strategies on large pools.

Fake classifiers return precomputed arrays (random float32 embeddings, Dirichlet class
probabilities, dropout samples), so only each strategy's own work is measured. Times are the
median wall time over ``--repeats`` queries; the peak memory is the largest extra allocation
that ``tracemalloc`` saw during one more query (NumPy reports its allocations to it).

Rows:

* ContrastiveActiveLearning (384-dim float32 embeddings, 10 classes, ``--labeled`` labeled
  samples, n=50) on pools of 20,000 and 200,000;
* BALD on 100,000 samples x 10 classes x 20 dropout samples;
* the multi-label strategies and ClassBalancer on a pool of 100,000 (for reference).

Usage::

    python benchmarks/bench_model_strategies.py [--repeats 3] [--labeled 1000]
                                                [--cal-pools 20000 200000]
"""
import argparse
import statistics
import time
import tracemalloc

import numpy as np
from scipy.sparse import csr_matrix

from small_text.query_strategies import (
    BALD,
    AdaptiveActiveLearning,
    CategoryVectorInconsistencyAndRanking,
    ClassBalancer,
    ContrastiveActiveLearning,
    LabelCardinalityInconsistency,
    PredictionEntropy,
)


class _EmbeddingClassifier:
    """``embed`` returns precomputed embeddings and probabilities of all subset rows (the
    benchmark passes the pool and the labeled samples in dataset order)."""

    def __init__(self, embeddings, proba):
        self.embeddings = embeddings
        self.proba = proba

    def embed(self, dataset, return_proba=False):
        assert len(dataset) == self.embeddings.shape[0]
        return (self.embeddings, self.proba) if return_proba else self.embeddings


class _DropoutClassifier:
    def __init__(self, proba_dropout):
        self.proba_dropout = proba_dropout

    def predict_proba(self, dataset, dropout_sampling=1):
        return self.proba_dropout


class _RowProbaClassifier:
    """``predict_proba``/``predict`` of the selected rows of a precomputed matrix; the
    dataset holds row positions."""

    def __init__(self, proba):
        self.proba = proba
        self.num_classes = proba.shape[1]
        self.multi_label = True

    def predict_proba(self, dataset):
        return self.proba[np.asarray(dataset).ravel()]

    def predict(self, dataset):
        return self.predict_proba(dataset).argmax(axis=1)


def _measure(query, repeats):
    """Return the median seconds of ``query()`` and the peak traced bytes of one more call."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        query()
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    try:
        query()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statistics.median(seconds), peak


def _proba(rng, num_samples, num_classes, dtype=np.float32):
    return rng.dirichlet(np.full(num_classes, 0.3), size=num_samples).astype(dtype)


def _cal_row(rng, pool_size, num_labeled, repeats):
    num_samples = pool_size + num_labeled
    embeddings = rng.standard_normal((num_samples, 384), dtype=np.float32)
    clf = _EmbeddingClassifier(embeddings, _proba(rng, num_samples, 10))
    dataset = np.empty((num_samples, 0))
    pool = np.arange(pool_size)
    labeled = np.arange(pool_size, num_samples)
    y = np.zeros(num_labeled, dtype=np.int64)
    strategy = ContrastiveActiveLearning()
    seconds, peak = _measure(lambda: strategy.query(clf, dataset, pool, labeled, y, n=50),
                             repeats)
    return f'ContrastiveActiveLearning (k=10, n=50, |L|={num_labeled})', pool_size, seconds, peak


def _bald_row(rng, num_samples, repeats):
    proba_dropout = rng.dirichlet(np.full(10, 0.3), size=(num_samples, 20))
    clf = _DropoutClassifier(proba_dropout)
    dataset = np.empty((num_samples, 0))
    pool = np.arange(num_samples)
    labeled, y = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    strategy = BALD(dropout_samples=20)
    seconds, peak = _measure(lambda: strategy.query(clf, dataset, pool, labeled, y, n=100),
                             repeats)
    return 'BALD (10 classes x 20 dropout samples, float64, n=100)', num_samples, seconds, peak


def _multi_label_rows(rng, pool_size, repeats):
    num_labeled, num_labels = 1000, 10
    proba = rng.random((pool_size + num_labeled, num_labels))
    clf = _RowProbaClassifier(proba)
    dataset = np.arange(pool_size + num_labeled).reshape(-1, 1)
    pool = np.arange(pool_size)
    labeled = np.arange(pool_size, pool_size + num_labeled)
    y = csr_matrix((rng.random((num_labeled, num_labels)) < 0.2).astype(np.int64))
    for strategy in (LabelCardinalityInconsistency(), AdaptiveActiveLearning(),
                     CategoryVectorInconsistencyAndRanking()):
        seconds, peak = _measure(lambda: strategy.query(clf, dataset, pool, labeled, y, n=100),
                                 repeats)
        yield type(strategy).__name__ + f' ({num_labels} labels, n=100)', pool_size, seconds, peak


def _class_balancer_row(rng, pool_size, repeats):
    num_labeled, num_classes = 1000, 10
    proba = _proba(rng, pool_size + num_labeled, num_classes)
    clf = _RowProbaClassifier(proba)
    dataset = np.arange(pool_size + num_labeled).reshape(-1, 1)
    pool = np.arange(pool_size)
    labeled = np.arange(pool_size, pool_size + num_labeled)
    y = rng.integers(0, num_classes, size=num_labeled)
    strategy = ClassBalancer(PredictionEntropy())
    seconds, peak = _measure(lambda: strategy.query(clf, dataset, pool, labeled, y, n=100),
                             repeats)
    return 'ClassBalancer(PredictionEntropy) (10 classes, n=100)', pool_size, seconds, peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--labeled', type=int, default=1000)
    parser.add_argument('--cal-pools', type=int, nargs='+', default=[20_000, 200_000])
    parser.add_argument('--bald-size', type=int, default=100_000)
    parser.add_argument('--other-pool', type=int, default=100_000)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)

    rng = np.random.default_rng(args.seed)
    rows = [_cal_row(rng, pool_size, args.labeled, args.repeats) for pool_size in args.cal_pools]
    rows.append(_bald_row(rng, args.bald_size, args.repeats))
    rows.extend(_multi_label_rows(rng, args.other_pool, args.repeats))
    rows.append(_class_balancer_row(rng, args.other_pool, args.repeats))

    print(f'repeats={args.repeats} (median seconds), peak = extra traced memory of one query\n')
    print('| strategy | pool size | seconds | peak MB |')
    print('|---|---:|---:|---:|')
    for name, pool_size, seconds, peak in rows:
        print(f'| {name} | {pool_size:,} | {seconds:.3f} | {peak / 2**20:.1f} |')


if __name__ == '__main__':
    main()
