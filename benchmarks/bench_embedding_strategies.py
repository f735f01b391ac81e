"""Time and memory of the embedding-based query strategies on large pools.

Every case queries ``n`` samples from a pool of random 384-dimensional float32 embeddings
(10 classes, 10 labeled samples per class). The embeddings are generated before the
measurement and passed to the strategy (precomputed, or returned by a fake classifier), so
only the strategy's own work is measured. The peak memory is traced with ``tracemalloc``
(NumPy reports its allocations to it) from after the embeddings exist, i.e. it is the memory
*beyond* the embeddings. SEALS and AnchorSubsampling run 10 consecutive rounds, each moving
the queried samples from the pool to the labeled set; their time is per round.

Each case runs once, with tracemalloc active (which adds a little overhead).

Random embeddings are the hardest input for nearest-neighbour indexes (no cluster structure)
and give ProbCover's default ball (cosine >= 0.95) no edges at all.

Usage::

    python benchmarks/bench_embedding_strategies.py [--quick] [--cases greedy,lightweight,...]
"""
import argparse
import time
import tracemalloc

import numpy as np

from small_text.query_strategies import (
    SEALS,
    AnchorSubsampling,
    EmbeddingKMeans,
    GreedyCoreset,
    LightweightCoreset,
    ProbCover,
    RandomSampling,
)
from small_text.vector_indexes import HNSWIndex, KNNIndex, VectorIndexFactory
from small_text.vector_indexes.ivf import IVFIndex

DIM = 384
NUM_CLASSES = 10
LABELED_PER_CLASS = 10
N = 100


class _FixedEmbeddingClassifier:
    """Fake classifier: the dataset is a column of positions into fixed embeddings."""

    def __init__(self, embeddings):
        self.embeddings = embeddings

    def embed(self, dataset, **kwargs):
        return self.embeddings[np.asarray(dataset)[:, 0]]


def _embeddings(num_rows, seed=0):
    return np.random.default_rng(seed).standard_normal((num_rows, DIM), dtype=np.float32)


def _labels(num_labeled, seed=0):
    return np.random.default_rng(seed).integers(0, NUM_CLASSES, num_labeled)


def _measure(function):
    """Run ``function`` once; return (seconds, peak traced MiB, result)."""
    tracemalloc.start()
    try:
        start = time.perf_counter()
        result = function()
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return seconds, peak / 2 ** 20, result


def _one_query(strategy, pool_size):
    """Query ``N`` from a pool of ``pool_size`` with 100 labeled samples, embeddings given."""
    num_labeled = NUM_CLASSES * LABELED_PER_CLASS
    embeddings = _embeddings(pool_size + num_labeled)
    dataset = np.empty((pool_size + num_labeled, 0), dtype=np.float32)  # only len/indexing
    indices_unlabeled = np.arange(pool_size)
    indices_labeled = np.arange(pool_size, pool_size + num_labeled)
    y = _labels(num_labeled)

    np.random.seed(0)
    seconds, peak, _ = _measure(lambda: strategy.query(None, dataset, indices_unlabeled,
                                                       indices_labeled, y, n=N,
                                                       embeddings=embeddings))
    return seconds, peak


def _rounds(strategy, pool_size, num_rounds=10):
    """Run ``num_rounds`` queries of ``N``, moving the picks to the labeled set."""
    num_labeled = NUM_CLASSES * LABELED_PER_CLASS
    num_samples = pool_size + num_labeled
    clf = _FixedEmbeddingClassifier(_embeddings(num_samples))
    dataset = np.arange(num_samples).reshape(-1, 1)
    indices_labeled = np.arange(pool_size, num_samples)
    y = _labels(num_labeled)
    pool = np.ones(num_samples, dtype=bool)
    pool[indices_labeled] = False

    def run():
        nonlocal indices_labeled, y
        for _ in range(num_rounds):
            picked = strategy.query(clf, dataset, np.flatnonzero(pool), indices_labeled, y, n=N)
            assert picked.shape == (N,) and pool[picked].all()
            pool[picked] = False
            indices_labeled = np.concatenate([indices_labeled, picked])
            y = np.concatenate([y, _labels(N, seed=len(y))])

    np.random.seed(0)
    seconds, peak, _ = _measure(run)
    return seconds / num_rounds, peak


def _factory(name):
    if name == 'knn':
        return VectorIndexFactory(KNNIndex)
    if name == 'ivf':
        return VectorIndexFactory(IVFIndex, {'random_state': 0})
    if name == 'hnsw-fast':
        return VectorIndexFactory(HNSWIndex, {'m': 16, 'ef_construction': 64, 'ef': 100})
    return VectorIndexFactory(HNSWIndex)


def _cases(quick, index):
    scale = 10 if quick else 1
    return {
        'greedy': [('GreedyCoreset', size // scale, target, lambda: GreedyCoreset(), _one_query)
                   for size, target in [(100_000, '<= 5 s'), (1_000_000, '<= 60 s, < 1 GiB')]],
        'lightweight': [('LightweightCoreset', 1_000_000 // scale, '<= 5 s',
                         lambda: LightweightCoreset(), _one_query)],
        'kmeans': [('EmbeddingKMeans', 100_000 // scale, '<= 10 s', lambda: EmbeddingKMeans(),
                    _one_query),
                   ('EmbeddingKMeans[mini_batch]', 100_000 // scale, '<= 10 s',
                    lambda: EmbeddingKMeans(mini_batch=True), _one_query)],
        'probcover': [(f'ProbCover[{name}]', 100_000 // scale, '<= 30 s',
                       lambda name=name: ProbCover(vector_index_factory=_factory(name)),
                       _one_query)
                      for name in index.split('+')],
        'seals': [(f'SEALS[{name}] per round', 200_000 // scale, '-',
                   lambda name=name: SEALS(RandomSampling(), vector_index_factory=_factory(name)),
                   _rounds)
                  for name in index.split('+')],
        'anchor': [(f'AnchorSubsampling[{name}] per round', 200_000 // scale, '-',
                    lambda name=name: AnchorSubsampling(RandomSampling(),
                                                        vector_index_factory=_factory(name)),
                    _rounds)
                   for name in index.split('+')],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true', help='pools 10 times smaller')
    parser.add_argument('--cases', default='greedy,lightweight,kmeans,probcover,seals,anchor',
                        help='comma-separated subset of the cases')
    parser.add_argument('--index', default='knn',
                        help='vector indexes for ProbCover, SEALS and AnchorSubsampling, joined '
                             'by "+": knn (exact), hnsw (the default HNSWIndex), hnsw-fast '
                             '(m=16, ef_construction=64, ef=100), ivf (IVFIndex, approximate)')
    args = parser.parse_args()

    cases = _cases(args.quick, args.index)
    print(f'{"strategy":<36} {"pool size":>10} {"seconds":>9} {"peak MiB":>9}  target')
    for case in args.cases.split(','):
        for name, pool_size, target, new_strategy, run in cases[case]:
            seconds, peak = run(new_strategy(), pool_size)
            print(f'{name:<36} {pool_size:>10,} {seconds:>9.2f} {peak:>9.1f}  {target}',
                  flush=True)


if __name__ == '__main__':
    main()
