"""Scale-out on Dask: top-n over a pool larger than one process, and experiment grids.

1. Pool scoring: :func:`small_text.distributed.select_top_n` (least confidence, n=100) over a
   Parquet pool of ``--pool-size`` MR sentences repeated, with integer ids, written to
   ``--pool-dir`` (outside the repository) unless it is there already. TF-IDF +
   ConfidenceEnhancedLinearSVC fitted on the MR training set. Reports the seconds, the texts
   per second per worker, and the driver's peak memory (max RSS of this process; the pool's
   texts alone are printed for comparison). The baseline is the in-process strategy on
   ``--baseline-size`` texts of the same pool, in this process, in the same run.
2. A scaling model for 10**8 texts on M machines from the measured per-worker throughput.
3. With ``--grid`` (instead of 1 and 2): an experiment grid, KimCNN on the bundled TREC-6
   data set, 4 strategies x 4 seeds (16 runs of ``--rounds`` rounds of ``--query-size``
   after ``--initial`` labels), run by :func:`small_text.experiments.run_experiment` in this
   process (torch with its default number of threads; the baseline) and with ``workers=2``
   (a local Dask cluster of 2 worker processes, torch with one thread each, cluster start
   included), then in this process once more with torch limited to one thread (to show
   what the threads alone change). Prints the wall times, their ratio to the baseline, the
   torch threads, the load average before and after each, and whether each gave the
   baseline's rows (apart from the timing columns).

Usage::

    python benchmarks/bench_distributed.py
        [--pool-size 10000000] [--pool-dir /tmp/small-text-mr-pool] [--baseline-size 200000]
    python benchmarks/bench_distributed.py --grid [--rounds 10] [--query-size 25] [--initial 25]
"""
import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _data import read_split  # benchmarks/ is on sys.path when a script runs

DEFAULT_MR = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / 'mr'
ROWS_PER_FILE = 250_000


def _read_mr(folder):
    """Return the texts and labels of MR's training and test splits together."""
    (train_texts, train_labels), (test_texts, test_labels) = (read_split(folder, split)
                                                              for split in ('train', 'test'))
    return train_texts + test_texts, np.concatenate([train_labels, test_labels])


def _write_pool(pool_dir, size, texts):
    """Write ``size`` rows (id, text) cycling through ``texts`` into Parquet files."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    marker = pool_dir / f'_complete_{size}'
    if marker.exists():
        return
    pool_dir.mkdir(parents=True, exist_ok=True)
    for old in pool_dir.glob('*.parquet'):
        old.unlink()
    unique = pa.array(texts, type=pa.string())
    for number, start in enumerate(range(0, size, ROWS_PER_FILE)):
        ids = np.arange(start, min(start + ROWS_PER_FILE, size), dtype=np.int64)
        table = pa.table({'id': ids, 'text': unique.take(pa.array(ids % len(texts)))})
        pq.write_table(table, pool_dir / f'part-{number:05d}.parquet', use_dictionary=False)
    marker.touch()


def _pool(args):
    import dask.dataframe as dd
    from distributed import Client, LocalCluster
    from sklearn.feature_extraction.text import TfidfVectorizer

    from small_text import (
        ConfidenceEnhancedLinearSVC,
        LeastConfidence,
        SklearnClassifier,
        SklearnDataset,
    )
    from small_text.distributed import select_top_n

    texts, labels = _read_mr(args.mr)
    vectorizer = TfidfVectorizer().fit(texts)
    clf = SklearnClassifier(ConfidenceEnhancedLinearSVC(), 2)
    clf.fit(SklearnDataset(vectorizer.transform(texts), labels, target_labels=np.arange(2)))
    _write_pool(args.pool_dir, args.pool_size, texts)
    pool_text_bytes = sum(len(texts[i % len(texts)].encode()) for i in range(len(texts))) \
        * args.pool_size / len(texts)

    # baseline: the in-process strategy on a pool that fits in memory
    base_texts = [texts[i % len(texts)] for i in range(args.baseline_size)]
    start = time.perf_counter()
    dataset = SklearnDataset(vectorizer.transform(base_texts), np.full(len(base_texts), -1),
                             target_labels=np.arange(2))
    LeastConfidence().query(clf, dataset, np.arange(len(base_texts)), np.empty(0, int),
                            np.empty(0, int), n=100)
    base_seconds = time.perf_counter() - start
    del dataset, base_texts

    peak_before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=50)
    client = Client(cluster)
    try:
        pool = dd.read_parquet(str(args.pool_dir), columns=['id', 'text'])
        start = time.perf_counter()
        ids = select_top_n(clf, pool, vectorizer, LeastConfidence(), 100)
        seconds = time.perf_counter() - start
    finally:
        client.close()
        cluster.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    per_worker = args.pool_size / seconds / 2
    base_rate = args.baseline_size / base_seconds
    print(f'\n## Top-n over a Parquet pool of {args.pool_size:,} MR sentences '
          f'(TF-IDF + ConfidenceEnhancedLinearSVC, least confidence, n=100)\n')
    print('| run | texts | seconds | texts/s per worker (process) | driver peak RSS (MB) |')
    print('|---|---:|---:|---:|---:|')
    print(f'| in-process baseline (1 process) | {args.baseline_size:,} | {base_seconds:.1f} | '
          f'{base_rate:,.0f} | – |')
    print(f'| select_top_n, 2 workers | {args.pool_size:,} | {seconds:.1f} | '
          f'{per_worker:,.0f} | {peak_mb:,.0f} |')
    print(f'\nper-worker throughput / in-process throughput: {per_worker / base_rate:.2f}; '
          f'the pool\'s texts alone: {pool_text_bytes / 2 ** 20:,.0f} MB (UTF-8); '
          f'{len(ids)} ids selected, best {ids[:3].tolist()}; the driver\'s peak RSS was '
          f'{peak_before_mb:,.0f} MB before select_top_n started (imports, model fitting, the '
          f'in-process baseline), so select_top_n added '
          f'{max(0.0, peak_mb - peak_before_mb):,.0f} MB to it')
    _scaling_model(per_worker)


def _scaling_model(per_worker):
    print('\n## Scaling model: 10^8 texts\n')
    print('time(M machines, c worker processes each) ~= 10^8 / (M * c * r) + t_merge, with the '
          f'measured r = {per_worker:,.0f} texts/s per worker process on this machine. '
          't_merge is the tree merge of (partitions x n) candidates: milliseconds for n=100. '
          'This assumes the Parquet files are read from storage each worker can reach at '
          'r x (average text bytes) per worker, and one worker process per core.\n')
    print('| machines M | cores per machine c | expected seconds |')
    print('|---:|---:|---:|')
    for machines in (1, 4, 16, 64):
        for cores in (2, 16):
            print(f'| {machines} | {cores} | {1e8 / (machines * cores * per_worker):,.0f} |')


GRID_STRATEGIES = ('random', 'least-confidence', 'prediction-entropy', 'breaking-ties')
GRID_SEEDS = 4


def _grid(args):
    import torch

    from small_text.distributed.grid import connect, disconnect
    from small_text.experiments import run_experiment

    options = dict(classifier='kimcnn', strategies=GRID_STRATEGIES, seeds=GRID_SEEDS,
                   rounds=args.rounds, query_size=args.query_size, initial=args.initial,
                   quiet=True)
    default_threads = torch.get_num_threads()
    start = time.perf_counter()
    client = connect(workers=2)
    try:
        worker_threads = sorted(client.run(torch.get_num_threads).values())
    finally:
        disconnect(client)
    cluster_seconds = time.perf_counter() - start
    runs = [('in-process (baseline)', default_threads, {}),
            ('`--workers 2` (cluster start included)', ', '.join(map(str, worker_threads)),
             {'workers': 2}),
            ('in-process, torch limited to 1 thread', 1, {})]
    measured = []
    with tempfile.TemporaryDirectory() as folder:
        for number, (label, threads, extra) in enumerate(runs):
            torch.set_num_threads(threads if isinstance(threads, int) else default_threads)
            load = os.getloadavg()[0]
            start = time.perf_counter()
            results = run_experiment(out=Path(folder) / str(number), **options, **extra)
            seconds = time.perf_counter() - start
            print(f'{label}: {seconds:.1f} s', file=sys.stderr, flush=True)
            rows = {(row['strategy'], row['seed'], row['round']): row for row in results.rows}
            measured.append((label, threads, seconds, load, os.getloadavg()[0], rows))
    torch.set_num_threads(default_threads)
    print(f'\n## Grid: KimCNN on TREC-6, {len(GRID_STRATEGIES)} strategies x {GRID_SEEDS} '
          f'seeds, {args.rounds} rounds of {args.query_size} after {args.initial} labels\n')
    print('| run | torch threads per process | wall seconds | ratio to baseline | '
          'load average (1 min) before, after | same rows as baseline |')
    print('|---|---:|---:|---:|---|---|')
    baseline_seconds, baseline_rows = measured[0][2], measured[0][5]
    for label, threads, seconds, before, after, rows in measured:
        print(f'| {label} | {threads} | {seconds:.1f} | {seconds / baseline_seconds:.2f} | '
              f'{before:.1f}, {after:.1f} | {_same_rows(rows, baseline_rows)} |')
    print(f'\n`--workers 2` against in-process with torch limited to 1 thread (the same '
          f'arithmetic): same rows: {_same_rows(measured[1][5], measured[2][5])}.')
    print(f'\n{os.cpu_count()} CPU cores, shared with other processes (see the load). Starting '
          f'and stopping the local cluster alone (2 worker processes that import torch): '
          f'{cluster_seconds:.1f} s.')


def _same_rows(rows, baseline):
    """Return whether two grids gave the same rows apart from timings, or their largest
    accuracy difference."""
    if rows.keys() != baseline.keys():
        return 'no (other runs)'
    if all({k: v for k, v in rows[key].items() if not k.endswith('_seconds')}
           == {k: v for k, v in baseline[key].items() if not k.endswith('_seconds')}
           for key in rows):
        return 'yes'
    largest = max(abs(rows[key]['accuracy'] - baseline[key]['accuracy']) for key in rows)
    return f'no (accuracy differs by up to {largest:.4f})'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--pool-size', type=int, default=10_000_000)
    parser.add_argument('--pool-dir', type=Path, default=Path('/tmp/small-text-mr-pool'))
    parser.add_argument('--baseline-size', type=int, default=200_000)
    parser.add_argument('--mr', type=Path, default=DEFAULT_MR)
    parser.add_argument('--grid', action='store_true',
                        help='benchmark an experiment grid instead of pool scoring')
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--query-size', type=int, default=25)
    parser.add_argument('--initial', type=int, default=25)
    args = parser.parse_args()
    if args.grid:
        _grid(args)
        return
    if not (args.mr / 'train.jsonl').exists():
        sys.exit(f'MR data not found in {args.mr}; pass --mr')
    _pool(args)


if __name__ == '__main__':
    main()
