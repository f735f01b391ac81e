"""Time and memory of the uncertainty query strategies on a large pool.

For each strategy, ``query(n)`` is timed on a pool of ``--pool-size`` samples whose class
probabilities are a fixed float32 matrix (a fake classifier returns it, so only the strategy's
own work is measured). The extra peak memory is measured with ``tracemalloc`` (NumPy reports its
allocations to it) and related to the size of the probability matrix.

Usage::

    python benchmarks/bench_uncertainty.py [--pool-size 1000000] [--classes 10] [--n 100]
                                           [--repeats 5]
"""
import argparse
import statistics
import time
import tracemalloc

import numpy as np

from small_text.query_strategies import (
    BreakingTies,
    LeastConfidence,
    PredictionEntropy,
    RandomSampling,
)


class _FixedProbaClassifier:
    """Fake classifier whose ``predict_proba`` returns a precomputed matrix."""

    def __init__(self, proba):
        self.proba = proba

    def predict_proba(self, dataset):
        return self.proba


def _random_proba(num_samples, num_classes, seed):
    rng = np.random.default_rng(seed)
    proba = rng.random((num_samples, num_classes), dtype=np.float32)
    proba /= proba.sum(axis=1, keepdims=True)
    return proba


def _measure(strategy, clf, dataset, indices_unlabeled, n, repeats):
    """Return the median wall time over ``repeats`` queries and the peak traced bytes."""
    indices_labeled = np.empty(0, dtype=np.int64)
    y = np.empty(0, dtype=np.int64)

    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n)
        seconds.append(time.perf_counter() - start)

    tracemalloc.start()
    try:
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return statistics.median(seconds), peak


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--pool-size', type=int, default=1_000_000)
    parser.add_argument('--classes', type=int, default=10)
    parser.add_argument('--n', type=int, default=100)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)

    proba = _random_proba(args.pool_size, args.classes, args.seed)
    clf = _FixedProbaClassifier(proba)
    # the strategies only need len() and int-array indexing of the dataset
    dataset = np.empty((args.pool_size, 0), dtype=np.float32)
    indices_unlabeled = np.arange(args.pool_size)
    proba_mb = proba.nbytes / 2**20

    print(f'probability matrix: {args.pool_size} x {args.classes} float32 = {proba_mb:.1f} MB, '
          f'n={args.n}, repeats={args.repeats}\n')
    print('| strategy | pool | seconds (median) | extra peak MB | x proba size |')
    print('|---|---:|---:|---:|---:|')
    for strategy in (LeastConfidence(), PredictionEntropy(), BreakingTies(), RandomSampling()):
        np.random.seed(args.seed)
        seconds, peak = _measure(strategy, clf, dataset, indices_unlabeled, args.n, args.repeats)
        peak_mb = peak / 2**20
        print(f'| {strategy} | {args.pool_size} | {seconds:.3f} | {peak_mb:.1f} | '
              f'{peak_mb / proba_mb:.2f} |')


if __name__ == '__main__':
    main()
