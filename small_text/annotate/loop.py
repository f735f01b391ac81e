"""The active-learning loop behind the app: a background worker that retrains and rescores.

The worker (a child process, or a thread in tests) vectorizes the pool once, then serves
retrain jobs: each one reads the labels from the database, builds a
:class:`~small_text.active_learner.PoolBasedActiveLearner` with the project's classifier
factory and query strategy (from :mod:`small_text.experiments.registry`), initializes it with
the labelled texts (training the classifier), ignores the skipped texts with
``ignore_sample_at``, queries the strategy for the queue, cross-validates the classifier on
the labelled texts, asks the stopping criteria, stores the new model version with its queue
in one transaction, and then saves the learner (``models/v<version>``, loadable with
``PoolBasedActiveLearner.load``). The web app never waits for it.
"""
import json
import multiprocessing
import os
import queue
import shutil
import signal
import threading
import time
from pathlib import Path

import numpy as np

from small_text.annotate.storage import Store

MIN_QUEUE_SIZE = 1000
"""The queue holds the best ``max(MIN_QUEUE_SIZE, 20 * query_size)`` unanswered texts."""

KEEP_SNAPSHOTS = 2
"""Saved learners kept in the models folder (the newest ones)."""

CV_FOLDS = 5
"""Folds of the cross-validated accuracy (fewer if a class has fewer labelled texts)."""


def label_ids(value, labels):
    """Return the label ids of a stored JSON value: an int, or a list for multi-label."""
    value = json.loads(value)
    if isinstance(value, list):
        return [labels.index(name) for name in value]
    return labels.index(value)


def label_coverage(counts, labels, multi_label):
    """Return the labels that still lack an example (multi-label: a positive or a negative
    example), given ``counts`` (labelled texts per stored JSON value).

    A model is trained only once this is empty, so that no classifier sees a single class.
    """
    positives = dict.fromkeys(labels, 0)
    for value, count in counts.items():
        value = json.loads(value)
        for name in (value if multi_label else [value]):
            positives[name] += count
    if not multi_label:
        return [name for name, n in positives.items() if n == 0]
    labelled = sum(counts.values())
    return [name for name, n in positives.items() if n == 0 or n == labelled]


def stopping_criteria(multi_label):
    """Return the names of the stopping criteria the app reports: those that need no budget
    and support the project's data."""
    from small_text.experiments.stopping import STOPPING_CRITERIA
    return [name for name, spec in STOPPING_CRITERIA.items()
            if name != 'max-iterations' and not (multi_label and spec.single_label_only)]


class _Pool:
    """The vectorized pool, the classifier factory and the stopping tracker of one worker."""

    def __init__(self, store, settings):
        from small_text.experiments.registry import CLASSIFIERS, STRATEGIES, RunContext
        from small_text.experiments.stopping import StoppingTracker

        self.labels = settings['labels']
        self.multi_label = settings['multi_label']
        self.settings = settings
        spec = CLASSIFIERS[settings['classifier']]
        texts = store.all_texts()
        y = self.encode(len(texts), [], [])
        num_classes = len(self.labels)
        self.dataset, _ = spec.build_datasets(texts, y, texts[:1], y[:1], num_classes)
        self.context = RunContext(num_classes=num_classes, multi_label=self.multi_label,
                                  initial=0, query_size=settings['query_size'],
                                  needs_embeddings=STRATEGIES[settings['strategy']]
                                  .needs_embeddings)
        self.clf_factory = spec.build_factory(self.context, self.dataset)
        import skops.io  # noqa: F401  (slow to import: now rather than in the first retrain)
        self.tracker = StoppingTracker(stopping_criteria(self.multi_label), num_classes, 0,
                                       self.multi_label)

    def encode(self, size, positions, values):
        """Return pool labels: ``values`` (stored JSON) at ``positions``, unlabelled elsewhere."""
        from small_text.base import LABEL_UNLABELED
        from small_text.utils.labels import list_to_csr

        ids = [label_ids(value, self.labels) for value in values]
        if self.multi_label:
            rows = [[] for _ in range(size)]
            for pos, labels in zip(positions, ids):
                rows[pos] = labels
            return list_to_csr(rows, shape=(size, len(self.labels)))
        y = np.full(size, LABEL_UNLABELED, dtype=np.int64)
        y[np.asarray(positions, dtype=np.int64)] = ids
        return y


def retrain(store, pool, models_dir, parent_pid=None):
    """Train a new model on the labels in ``store``, rescore the queue and store both.

    Returns
    -------
    dict or None
        The new model (as :meth:`Store.models` gives it), or None if the labels do not cover
        every class yet (or the app that started the worker is gone).
    """
    from small_text.active_learner import PoolBasedActiveLearner
    from small_text.experiments.registry import STRATEGIES

    start = time.perf_counter()
    event_seq, labels, skipped = store.snapshot()
    counts = {}
    for _, value in labels:
        counts[value] = counts.get(value, 0) + 1
    if label_coverage(counts, pool.labels, pool.multi_label):
        return None
    positions = np.array([pos for pos, _ in labels], dtype=np.int64)
    pool.dataset.y = pool.encode(len(pool.dataset), positions, [value for _, value in labels])

    np.random.seed(event_seq % 2**32)
    strategy = STRATEGIES[pool.settings['strategy']].build(pool.context)
    learner = PoolBasedActiveLearner(pool.clf_factory, strategy, pool.dataset)
    learner.initialize(positions)
    for pos in skipped:
        learner.ignore_sample_at(pos)

    num_unlabeled = learner.indices_unlabeled.shape[0]
    ranked = []
    if num_unlabeled > 0:
        size = min(num_unlabeled, max(MIN_QUEUE_SIZE, 20 * pool.settings['query_size']))
        indices = learner.query(num_samples=size)
        scores = getattr(strategy, 'scores_', None)
        aligned = isinstance(scores, np.ndarray) and scores.shape == (len(pool.dataset),)
        ranked = [(int(pos), float(scores[pos]) if aligned else None) for pos in indices]

    accuracy = cross_validated_accuracy(pool.clf_factory, pool.dataset, positions,
                                        pool.multi_label)
    pool.tracker.update(0, learner, pool.dataset)
    stopping = {name: round_ is not None for name, round_ in pool.tracker.stop_rounds.items()}

    if parent_pid is not None and os.getppid() != parent_pid:
        return None  # the app is gone: a newer one may be running on the same database
    version = store.save_model(len(labels), event_seq, accuracy, stopping,
                               time.perf_counter() - start, ranked)
    # the snapshot comes after the new queue is in use: writing the pool takes a while
    staging = Path(models_dir) / f'.new-{os.getpid()}'
    shutil.rmtree(staging, ignore_errors=True)
    learner.save(staging, create_folder=True)
    os.replace(staging, Path(models_dir) / f'v{version}')
    _prune_snapshots(Path(models_dir), version)
    return store.models()[-1]


def cross_validated_accuracy(clf_factory, dataset, positions, multi_label, folds=CV_FOLDS):
    """Return the k-fold cross-validated accuracy of new classifiers on the labelled texts.

    ``dataset.y`` holds the labels at ``positions``. Single-label data is split into
    stratified folds, ``k = min(folds, size of the smallest class)``; multi-label data into
    plain folds (accuracy means exact match), leaving out folds whose training part lacks a
    positive or negative example of a label. Returns None when fewer than two folds are
    possible.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    y = dataset.y[positions]
    if multi_label:
        dense = y.toarray()
        k = min(folds, positions.shape[0])
        splits = [] if k < 2 else [(train, test) for train, test in
                                   KFold(k, shuffle=True, random_state=0).split(dense)
                                   if np.all(np.ptp(dense[train], axis=0) > 0)]
    else:
        sizes = np.bincount(y)
        k = min(folds, int(sizes[sizes > 0].min()))
        splits = [] if k < 2 else list(StratifiedKFold(k, shuffle=True, random_state=0)
                                       .split(positions, y))
    if not splits:
        return None
    correct = 0
    tested = 0
    for train, test in splits:
        clf = clf_factory.new()
        clf.fit(dataset[positions[train]].clone())
        predictions = clf.predict(dataset[positions[test]])
        if multi_label:
            correct += int(np.sum(np.all(predictions.toarray() == dense[test], axis=1)))
        else:
            correct += int(np.sum(predictions == y[test]))
        tested += test.shape[0]
    return correct / tested


def _prune_snapshots(models_dir, version):
    for folder in models_dir.glob('v*'):
        number = folder.name[1:]
        if number.isdigit() and int(number) <= version - KEEP_SNAPSHOTS:
            shutil.rmtree(folder, ignore_errors=True)


def serve_jobs(receive, send, database, models_dir, parent_pid=None):
    """Run the worker: vectorize the pool, then run jobs until ``receive()`` gives None.

    Every job (any value but None) retrains; the worker sends ``('model', dict or None)``
    after each, or ``('error', message)`` if it failed. Stale staging folders of crashed
    workers are removed first.
    """
    for staging in Path(models_dir).glob('.new-*'):
        shutil.rmtree(staging, ignore_errors=True)
    store = Store(database)
    pool = None
    job = 'vectorize'
    while job is not None:
        try:
            if pool is None:
                pool = _Pool(store, store.settings())
            if job != 'vectorize':
                send(('model', retrain(store, pool, models_dir, parent_pid)))
        except Exception as e:  # reported to the app, which shows it and carries on
            send(('error', f'{type(e).__name__}: {e}'))
        job = receive()


def _process_main(connection, database, models_dir, parent_pid):
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the app, which stops us
    os.nice(10)  # requests first: training may wait, the annotator should not
    try:
        serve_jobs(connection.recv, connection.send, database, models_dir, parent_pid)
    except (EOFError, OSError, KeyboardInterrupt):
        pass  # the app is gone or stopping


class Trainer:
    """Runs :func:`serve_jobs` in a child process (or a thread) and reports its results.

    Parameters
    ----------
    database, models_dir : Path
        The project database and the snapshot folder.
    on_message : callable
        Called (from a helper thread) with each message of the worker.
    background : {'process', 'thread'}, default='process'
        Where the worker runs. A process keeps the app responsive while it trains (no shared
        interpreter lock); a thread starts faster and suits tests.
    """

    def __init__(self, database, models_dir, on_message, background='process'):
        if background not in ('process', 'thread'):
            raise ValueError(f"background must be 'process' or 'thread', got {background!r}")
        self.background = background
        self._on_message = on_message
        self._closing = False
        args = (str(database), str(models_dir))
        if background == 'thread':
            self._jobs = queue.Queue()
            self._worker = threading.Thread(target=serve_jobs, daemon=True,
                                            args=(self._jobs.get, on_message, *args))
            self._send = self._jobs.put
        else:
            context = multiprocessing.get_context('spawn')
            self._connection, child = context.Pipe()
            self._worker = context.Process(target=_process_main, daemon=True,
                                           args=(child, *args, os.getpid()))
            self._send = self._connection.send
            self._listener = threading.Thread(target=self._listen, daemon=True)

    def start(self):
        """Start the worker."""
        self._worker.start()
        if self.background == 'process':
            self._listener.start()

    def submit(self):
        """Ask the worker for a retrain (it runs one job at a time, in order)."""
        self._send('retrain')

    def _listen(self):
        while True:
            try:
                message = self._connection.recv()
            except (EOFError, OSError):
                if not self._closing:
                    self._on_message(('error', 'the training process stopped'))
                return
            self._on_message(message)

    def close(self):
        """Stop the worker; a retrain in progress is abandoned."""
        self._closing = True
        if self.background == 'thread':
            self._jobs.put(None)
            self._worker.join(timeout=30)
            return
        self._worker.terminate()
        self._worker.join(timeout=10)
        self._connection.close()

