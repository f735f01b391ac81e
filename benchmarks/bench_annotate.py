"""Speed of ``small-text annotate``: importing a pool, answering under load, retraining.

Three measurements, each with a baseline from the same run:

1. **Import** of a 1,000,000-text pool (JSON lines) into a new project: wall time and peak
   memory (max RSS of a subprocess). Baseline: reading the same file with the experiment
   runner's reader alone (``read_columns``), also in a subprocess.
2. **Retrain + rescore** on 100,000 texts with TF-IDF + ``ConfidenceEnhancedLinearSVC``
   (breaking ties) and 500 labels: the app's job until the new queue is in use (fit, query
   of the queue, 5-fold cross-validation, stopping criteria, database write), and with the
   snapshot of the learner that follows. Baseline: the bare
   ``PoolBasedActiveLearner.initialize`` + ``query`` on the same pool. The one-off
   vectorization of the pool (done when the worker starts) is reported separately.
3. **Latency** of ``GET /api/next`` + ``POST /api/label`` from 8 concurrent clients over
   loopback (keep-alive connections) against ``small-text annotate`` on a 100,000-text pool,
   while retrains run in the background (``--query-size 40``: one starts every 40 labels and
   the next waits for it, so the worker is busy most of the time; the table gives the share).
   Baseline: the same clients after a restart with no retrain (``--query-size`` larger than
   the run), once the worker has vectorized the pool. Afterwards the export must hold every
   acknowledged label. A last row gives the disk's floor: one-row SQLite commits with
   ``synchronous=FULL``, as every label needs one.

The texts are synthetic: 6 to 20 words drawn from a 20,000-word Zipf vocabulary, with one
of four topic words per text that decides its label.

Usage::

    python benchmarks/bench_annotate.py [--quick]
"""
import argparse
import http.client
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

LABELS = ['alpha', 'beta', 'gamma', 'delta']
CLIENTS = 8


def write_pool(path, size, seed=0):
    """Write ``size`` synthetic texts with a hidden label column ``gold``."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f'w{i}' for i in range(20_000)])
    lengths = rng.integers(6, 21, size)
    words = vocabulary[np.minimum(rng.zipf(1.3, lengths.sum()) - 1, len(vocabulary) - 1)]
    gold = rng.integers(0, len(LABELS), size)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    with open(path, 'w', encoding='utf-8') as f:
        for i in range(size):
            text = ' '.join(words[offsets[i]:offsets[i + 1]]) + f' topic{gold[i]}'
            f.write(json.dumps({'text': text, 'gold': LABELS[gold[i]]}) + '\n')
    return path


def _in_subprocess(code):
    start = time.perf_counter()
    subprocess.run([sys.executable, '-c', code], check=True)
    seconds = time.perf_counter() - start
    return seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def bench_import(folder, size):
    pool = write_pool(folder / 'import.jsonl', size)
    read = (f'from small_text.experiments.data import read_columns; '
            f'read_columns({str(pool)!r}, "text", {{}})')
    create = (f'from small_text.annotate.project import open_project; '
              f'open_project({str(folder / "import-project")!r}, data={str(pool)!r}, '
              f'labels={",".join(LABELS)!r})')
    # ru_maxrss of children is the maximum over all children so far: the smaller job first
    baseline = _in_subprocess(read)
    measured = _in_subprocess(create)
    return [('read_columns (baseline)', *baseline), ('import into a new project', *measured)]


class _Client(threading.Thread):
    def __init__(self, port, number, count, latencies, acknowledged):
        super().__init__()
        self.port, self.number, self.count = port, number, count
        self.latencies, self.acknowledged = latencies, acknowledged

    def run(self):
        connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=60)
        for _ in range(self.count):
            start = time.perf_counter()
            connection.request('GET', f'/api/next?annotator=c{self.number}')
            response = connection.getresponse()
            text = json.loads(response.read())
            self.latencies['next'].append(time.perf_counter() - start)
            label = LABELS[int(text['text'].rsplit('topic', 1)[1])]
            body = json.dumps({'id': text['id'], 'label': label,
                               'annotator': f'c{self.number}'})
            start = time.perf_counter()
            connection.request('POST', '/api/label', body,
                               {'Content-Type': 'application/json'})
            response = connection.getresponse()
            response.read()
            self.latencies['label'].append(time.perf_counter() - start)
            if response.status == 200:
                self.acknowledged.append(text['id'])
        connection.close()


def _serve(args):
    process = subprocess.Popen([sys.executable, '-m', 'small_text.experiments', 'annotate',
                                *map(str, args), '--port', '0'], stdout=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline()
    return process, int(line.split(' at ')[1].split(':')[2].split('/')[0])


def _status(port):
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    connection.request('GET', '/api/status')
    status = json.loads(connection.getresponse().read())
    connection.close()
    return status


def _load(port, per_client, acknowledged):
    latencies = {'next': [], 'label': []}
    training_seen = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            training_seen.append(_status(port)['model']['state'] == 'training')
            time.sleep(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    clients = [_Client(port, i, per_client, latencies, acknowledged) for i in range(CLIENTS)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    stop.set()
    watcher.join()
    return latencies, (np.mean(training_seen) if training_seen else 0.0)


def commit_latencies(folder, count=200):
    """Return the seconds of ``count`` one-row SQLite commits in WAL mode with
    ``synchronous=FULL``: the disk's floor for an acknowledged label."""
    import sqlite3
    db = sqlite3.connect(folder / 'floor.sqlite3', isolation_level=None)
    db.execute('PRAGMA journal_mode=WAL')
    db.execute('PRAGMA synchronous=FULL')
    db.execute('CREATE TABLE t (x)')
    seconds = []
    for i in range(count):
        start = time.perf_counter()
        db.execute('BEGIN IMMEDIATE')
        db.execute('INSERT INTO t VALUES (?)', (i,))
        db.execute('COMMIT')
        seconds.append(time.perf_counter() - start)
    db.close()
    return seconds


def bench_latency(folder, size, per_client, settle):
    pool = write_pool(folder / 'latency.jsonl', size, seed=1)
    project = folder / 'latency-project'
    rows = []
    acknowledged = []
    for name, query_size in (('retrains running', 40), ('no retrain (baseline)', 10**9)):
        if not project.exists():
            args = [project, '--data', pool, '--labels', ','.join(LABELS),
                    '--query-size', query_size]
        else:
            args = [project, '--query-size', query_size]
        process, port = _serve(args)
        try:
            if query_size == 40:  # label until the first model, then start the load
                client = _Client(port, 99, 1, {'next': [], 'label': []}, acknowledged)
                while _status(port)['model']['version'] == 0:
                    client.run()
                    time.sleep(0.2)
            else:  # let the worker vectorize the pool first
                time.sleep(settle)
            latencies, busy = _load(port, per_client, acknowledged)
        finally:
            process.terminate()
            process.wait()
        for endpoint in ('next', 'label'):
            rows.append(_row(name, endpoint, latencies[endpoint], busy))
    rows.append(_row('one SQLite commit, synchronous=FULL (disk floor)', '-',
                     commit_latencies(folder), 0.0))
    export = subprocess.run([sys.executable, '-m', 'small_text.experiments', 'export',
                             str(project)], capture_output=True, text=True, check=True)
    exported = {json.loads(line)['id'] for line in export.stdout.splitlines()}
    lost = len(set(acknowledged) - exported)
    return rows, len(acknowledged), lost


def _row(name, endpoint, seconds, busy):
    values = np.array(seconds) * 1000
    return (name, endpoint, len(values), np.percentile(values, 50), np.percentile(values, 95),
            values.max(), busy)


def bench_retrain(folder, size, num_labels=500):
    from small_text.active_learner import PoolBasedActiveLearner
    from small_text.annotate.loop import _Pool, retrain
    from small_text.annotate.project import MODELS_DIR, open_project
    from small_text.experiments.registry import STRATEGIES

    pool_file = write_pool(folder / 'retrain.jsonl', size, seed=2)
    store = open_project(folder / 'retrain-project', data=pool_file, labels=LABELS)
    gold = [json.loads(line)['gold'] for line in open(pool_file, encoding='utf-8')]
    positions = np.random.default_rng(0).choice(size, num_labels, replace=False)
    for pos in positions:
        store.answer(int(pos), 'label', json.dumps(gold[pos]), 'bench')

    start = time.perf_counter()
    pool = _Pool(store, store.settings())
    vectorize = time.perf_counter() - start

    start = time.perf_counter()
    np.random.seed(0)
    pool.dataset.y = pool.encode(size, positions, [json.dumps(gold[p]) for p in positions])
    learner = PoolBasedActiveLearner(pool.clf_factory,
                                     STRATEGIES['breaking-ties'].build(pool.context),
                                     pool.dataset)
    learner.initialize(np.sort(positions))
    learner.query(num_samples=1000)
    bare = time.perf_counter() - start

    retrain(store, pool, folder / 'retrain-project' / MODELS_DIR)  # warm (imports skops)
    start = time.perf_counter()
    model = retrain(store, pool, folder / 'retrain-project' / MODELS_DIR)
    job = time.perf_counter() - start
    return vectorize, bare, model['seconds'], job, model['cv_accuracy']


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='1/10 of the sizes, for a smoke test')
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    folder = Path(tempfile.mkdtemp(prefix='bench-annotate-'))
    try:
        print(f'## Import of a {1_000_000 // scale:,}-text pool (goal: <= 60 s, <= 1.5 GB)\n')
        print('| step | seconds | peak memory (MB) |\n|---|---:|---:|')
        imports = bench_import(folder, 1_000_000 // scale)
        for name, seconds, memory in imports:
            print(f'| {name} | {seconds:.1f} | {memory:.0f} |')
        print(f'\nimport / read: {imports[1][1] / imports[0][1]:.2f}x time, '
              f'{imports[1][2] / imports[0][2]:.2f}x memory\n')

        size = 100_000 // scale
        print(f'## Retrain + rescore, {size:,} texts, TF-IDF + ConfidenceEnhancedLinearSVC, '
              '500 labels (goal: <= 15 s)\n')
        vectorize, bare, rescore, job, accuracy = bench_retrain(folder, size)
        print('| step | seconds |\n|---|---:|')
        print(f'| vectorize the pool (once per worker) | {vectorize:.1f} |')
        print(f'| PoolBasedActiveLearner initialize + query (baseline) | {bare:.1f} |')
        print(f'| retrain + rescore: fit, queue, 5-fold CV, stopping, stored | {rescore:.1f} |')
        print(f'| ... then the snapshot of the learner (whole job) | {job:.1f} |')
        print(f'\nretrain + rescore / baseline: {rescore / bare:.2f}x (CV accuracy '
              f'{accuracy:.3f})\n')

        print(f'## /api/next and /api/label, {CLIENTS} clients, {size:,}-text pool '
              '(goal: p95 < 50 ms, no label lost)\n')
        print('| phase | endpoint | requests | p50 ms | p95 ms | max ms | share of time '
              'training |\n|---|---|---:|---:|---:|---:|---:|')
        rows, acknowledged, lost = bench_latency(folder, size, per_client=60 // max(1, scale // 5),
                                                 settle=2 * vectorize + 5)
        for name, endpoint, count, p50, p95, worst, busy in rows:
            print(f'| {name} | {endpoint} | {count} | {p50:.1f} | {p95:.1f} | {worst:.1f} | '
                  f'{busy:.0%} |')
        print(f'\n{acknowledged} labels acknowledged, {lost} missing from the export; '
              f'p95 under retrains / baseline: next {rows[0][4] / rows[2][4]:.2f}x, '
              f'label {rows[1][4] / rows[3][4]:.2f}x')
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == '__main__':
    main()
