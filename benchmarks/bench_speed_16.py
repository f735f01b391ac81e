"""Speed of EmbeddingKMeans, ProbCover with the exact KNNIndex and HNSWIndex, each next to
its baseline measured in the same run.

* **EmbeddingKMeans** against the small-text 2.0 release's procedure, rebuilt here from
  scikit-learn (the release itself need not be installed): L2-normalise, fit
  ``sklearn.cluster.KMeans(n_clusters=n)`` with its defaults, pick the row nearest to each
  centre. Both select ``n`` rows; the k-means objective (inertia, the sum of squared
  distances to the nearest centre, on the normalised rows) of both sets of centres is
  computed the same way and compared.
* **ProbCover** with ``VectorIndexFactory(KNNIndex)`` (the exact graph) against the floor of
  a plain float32 matrix product of the same total size (``n x d`` times ``d x n``, in
  blocks of 1,024 rows, into a reused output buffer).
* **ProbCover-search** (optional case): the same query through the index's kNN search
  (scikit-learn's ``NearestNeighbors``), the path every non-Euclidean ``KNNIndex`` still
  takes, against the same floor.
* **HNSWIndex** with the spec's defaults (``m=64, ef_construction=200, ef=200``) against
  hnswlib called directly with the same parameters: the build over ``n`` vectors, and a
  search of ``k=100`` neighbours for 2,000 of them.
* **hnsw-params** (optional case): hnswlib's own build time for other ``M``,
  ``ef_construction`` and thread counts, against the defaults, to show where the time goes.

The embeddings are random 384-dimensional float32 rows (``--data random``, no cluster
structure, the hardest case for k-means and nearest-neighbour indexes), or rows drawn around
200 random directions (``--data mixture``). The machine may be shared: every case runs
``--repeats`` times, the baseline and the candidate alternating (in swapped order on every
other repeat), and the table shows medians and the ratio candidate / baseline.

Usage::

    python benchmarks/bench_speed_16.py [--cases kmeans,probcover,hnsw,probcover-search,
        hnsw-params] [--sizes 40000]
        [--repeats 3] [--data random]
"""
import argparse
import statistics
import time

import numpy as np
from sklearn.cluster import KMeans

from small_text.query_strategies import EmbeddingKMeans, ProbCover, kmeans
from small_text.query_strategies._embeddings import normalize_rows
from small_text.vector_indexes import HNSWIndex, KNNIndex, VectorIndexFactory

DIM = 384
N = 100
NUM_LABELED = 100
HNSW_QUERIES = 2000
HNSW_K = 100
FLOOR_BLOCK_ROWS = 1024


def _embeddings(num_rows, data, seed=0):
    rng = np.random.default_rng(seed)
    if data == 'random':
        return rng.standard_normal((num_rows, DIM), dtype=np.float32)
    directions = rng.standard_normal((200, DIM), dtype=np.float32)
    spread = rng.uniform(0.5, 1.5, 200).astype(np.float32)
    labels = rng.integers(0, 200, num_rows)
    noise = rng.standard_normal((num_rows, DIM), dtype=np.float32)
    return directions[labels] + noise * spread[labels, np.newaxis]


def _seconds(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def _inertia(x, centers):
    """Sum of squared distances to the nearest centre, computed alike for both methods."""
    squared_norms = kmeans._squared_norms(x)
    _, closest = kmeans._assign(x, squared_norms, centers.astype(x.dtype))
    return float(closest.sum(dtype=np.float64))


def _kmeans_case(num_rows, data):
    """One repeat: returns {name: (seconds, inertia)} for the release's procedure and ours."""
    embeddings = _embeddings(num_rows, data)
    dataset = np.empty((num_rows, 0))
    pool = np.arange(num_rows)

    def release():
        x = normalize_rows(embeddings[pool])
        centers = KMeans(n_clusters=N).fit(x).cluster_centers_
        kmeans._nearest_distinct_rows(x, centers.astype(x.dtype), rows_normalized=True)
        return _inertia(x, centers)

    def ours():
        fitted = []
        original = kmeans._kmeans

        def recording(x, n_clusters):
            centers, inertia = original(x, n_clusters)
            fitted.append((x, centers))
            return centers, inertia

        kmeans._kmeans = recording
        try:
            seconds, _ = _seconds(lambda: EmbeddingKMeans().query(
                None, dataset, pool, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64),
                n=N, embeddings=embeddings))
        finally:
            kmeans._kmeans = original
        return seconds, _inertia(*fitted[0])

    return release, ours


class _SearchedKNNIndex(KNNIndex):
    """A KNNIndex whose ball graph goes through its kNN search."""

    def _measures_euclidean(self):
        return False


def _probcover_case(num_rows, data, index_class=KNNIndex):
    embeddings = _embeddings(num_rows, data)
    dataset = np.empty((num_rows, 0))
    pool, labeled = np.arange(num_rows - NUM_LABELED), np.arange(num_rows - NUM_LABELED,
                                                                 num_rows)
    y = np.random.default_rng(0).integers(0, 10, NUM_LABELED)

    def floor():
        x = normalize_rows(embeddings)
        out = np.empty((FLOOR_BLOCK_ROWS, num_rows), dtype=np.float32)
        for start in range(0, num_rows, FLOOR_BLOCK_ROWS):
            block = x[start:start + FLOOR_BLOCK_ROWS]
            np.matmul(block, x.T, out=out[:block.shape[0]])

    def ours():
        ProbCover(vector_index_factory=VectorIndexFactory(index_class)).query(
            None, dataset, pool, labeled, y, n=N, embeddings=embeddings)

    return floor, ours


def _hnsw_build_direct(x, m=64, ef_construction=200, num_threads=-1):
    import hnswlib
    index = hnswlib.Index(space='l2', dim=x.shape[1])
    index.init_index(max_elements=x.shape[0], ef_construction=ef_construction, M=m,
                     random_seed=100)
    index.add_items(x, np.arange(x.shape[0]), num_threads=num_threads)
    index.set_ef(200)
    return index


def _hnsw_build_ours(x):
    index = HNSWIndex()
    index.build(x, ids=np.arange(x.shape[0]))
    return index


def _interleaved(baseline, candidate, repeats):
    """Run both ``repeats`` times, alternating which goes first; return the two lists of
    results."""
    base_results, candidate_results = [], []
    for repeat in range(repeats):
        order = [(baseline, base_results), (candidate, candidate_results)]
        for function, results in (order if repeat % 2 == 0 else order[::-1]):
            np.random.seed(repeat)
            results.append(function())
    return base_results, candidate_results


def _row(case, size, baseline_name, baseline_seconds, seconds, extra=''):
    base, ours = statistics.median(baseline_seconds), statistics.median(seconds)
    print(f'{case:<30} {size:>8,} {baseline_name:<28} {base:>9.2f} {ours:>9.2f} '
          f'{ours / base:>7.3f}  {extra}', flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cases', default='kmeans,probcover,hnsw')
    parser.add_argument('--sizes', default='40000', help='comma-separated numbers of rows')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--data', default='random', choices=['random', 'mixture'])
    args = parser.parse_args()

    print(f'data={args.data}, repeats={args.repeats}, times are medians in seconds')
    print(f'{"case":<30} {"rows":>8} {"baseline":<28} {"base s":>9} {"ours s":>9} '
          f'{"ratio":>7}  notes')
    for size in map(int, args.sizes.split(',')):
        for case in args.cases.split(','):
            if case == 'kmeans':
                release, ours = _kmeans_case(size, args.data)
                base, mine = _interleaved(lambda: _seconds(release), ours, args.repeats)
                base_inertia = [inertia for _, (inertia) in base]
                inertia_ratio = statistics.median(
                    mine_inertia / base_inertia
                    for (_, mine_inertia), (_, base_inertia) in zip(mine, base))
                _row('EmbeddingKMeans', size, 'sklearn KMeans (release)',
                     [seconds for seconds, _ in base], [seconds for seconds, _ in mine],
                     f'inertia ours/sklearn {inertia_ratio:.4f} '
                     f'(sklearn {statistics.median(base_inertia):.1f})')
            elif case in ('probcover', 'probcover-search'):
                searched = case == 'probcover-search'
                floor, ours = _probcover_case(size, args.data,
                                              _SearchedKNNIndex if searched else KNNIndex)
                base, mine = _interleaved(lambda: _seconds(floor)[0],
                                          lambda: _seconds(ours)[0], args.repeats)
                flops = 2.0 * size * size * DIM
                _row('ProbCover[KNNIndex' + (', search]' if searched else ']'), size,
                     'float32 GEMM n*d x d*n', base, mine,
                     f'GEMM {flops / statistics.median(base) / 1e9:.1f} GFLOP/s')
            elif case == 'hnsw-params':
                x = normalize_rows(_embeddings(size, args.data))
                for m, ef_construction, num_threads in [(16, 200, -1), (64, 64, -1),
                                                        (64, 200, 1)]:
                    base, mine = _interleaved(
                        lambda: _seconds(lambda: _hnsw_build_direct(x))[0],
                        lambda: _seconds(lambda: _hnsw_build_direct(
                            x, m, ef_construction, num_threads))[0], args.repeats)
                    _row('hnswlib build', size, 'm=64, ef_c=200, all threads', base, mine,
                         f'm={m}, ef_construction={ef_construction}, threads={num_threads}')
            elif case == 'hnsw':
                x = normalize_rows(_embeddings(size, args.data))
                base, mine = _interleaved(lambda: _seconds(lambda: _hnsw_build_direct(x)),
                                          lambda: _seconds(lambda: _hnsw_build_ours(x)),
                                          args.repeats)
                _row('HNSWIndex build', size, 'hnswlib direct',
                     [seconds for seconds, _ in base], [seconds for seconds, _ in mine],
                     'm=64, ef_construction=200')
                direct, wrapped = base[-1][1], mine[-1][1]
                queries = x[:HNSW_QUERIES]
                query_base, query_mine = _interleaved(
                    lambda: _seconds(lambda: direct.knn_query(queries, k=HNSW_K))[0],
                    lambda: _seconds(lambda: wrapped.search(queries, k=HNSW_K,
                                                            return_distance=True))[0],
                    args.repeats)
                _row('HNSWIndex search', size, 'hnswlib direct', query_base, query_mine,
                     f'{HNSW_QUERIES} queries, k={HNSW_K}, ef=200')
            else:
                raise ValueError(f'unknown case {case!r}')


if __name__ == '__main__':
    main()
