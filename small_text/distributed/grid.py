"""Experiment grids on Dask: every (dataset, strategy, seed) run of ``small-text experiment``
is one task on a ``distributed`` cluster.

Used by :func:`small_text.experiments.run_experiment` when it gets ``workers`` (a local
cluster of worker processes) or ``scheduler`` (the address of a running cluster):

* The driver (the process that runs the experiment) reads each data set, vectorizes or
  tokenizes it and builds its classifier factory once, then scatters this
  :class:`~small_text.experiments.runner.RunSetup` to every worker once (a broadcast, so a
  worker that dies takes no data set with it). The tasks carry only a reference to it, the
  strategy's name and the seed. Only a ``--model`` folder (of the classifiers
  ``transformer`` and ``setfit``) is read by the workers, so it must exist there.
* A run reports each finished round to the driver (a Dask event topic), which shows it in the
  progress bar, and returns the run's rows when it ends. The driver, the only writer of the
  results folder, appends a run's rows to results.csv when the run is complete. A run whose
  worker dies is run again by Dask on another worker; the rows of the lost attempt never
  reach results.csv, so the file gets neither partial nor duplicate rows.
* A run seeds its random number generators itself, so it gives the same rows as in-process.
  Those generators are global to a process, so a worker process runs one run at a time.

Importing this module does not import Dask.
"""
import asyncio
import contextlib
import logging
import socket
import threading
import time
import uuid

from small_text.experiments.exceptions import ExperimentError

CONNECT_TIMEOUT = 2
"""Seconds to wait for the scheduler given with ``--scheduler``."""

_RUN_LOCK = threading.Lock()
"""Held by the run under way in this (worker) process: runs seed process-global generators."""


def connect(workers=None, scheduler=None):
    """Return a Dask client: on a new local cluster of ``workers`` worker processes (one
    thread each, without Dask's profiler and without the nanny's ``MALLOC_TRIM_THRESHOLD_``),
    or connected to the scheduler at the address
    ``scheduler``.

    Parameters
    ----------
    workers : int, default=None
        Number of worker processes of a new local cluster (validated by the caller).
    scheduler : str, default=None
        Address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``; used if ``workers``
        is None.

    Returns
    -------
    distributed.Client
        Close it with :func:`disconnect`.

    Raises
    ------
    ExperimentError
        If the scheduler cannot be reached within :data:`CONNECT_TIMEOUT` seconds, or what
        answers there is not a Dask scheduler.
    """
    import dask
    import distributed

    with _quiet_logs():
        if workers is not None:
            # the workers' statistical profiler samples the run's thread every 10 ms, which
            # costs a CPU-bound run about a sixth of its time; the nanny's default
            # MALLOC_TRIM_THRESHOLD_=65536 makes glibc hand freed memory back to the system
            # at once, which made KimCNN training about a quarter slower
            with dask.config.set({'distributed.worker.profile.enabled': False,
                                  'distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_':
                                  None}):
                cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                                   processes=True, dashboard_address=':0',
                                                   silence_logs=logging.ERROR)
            return distributed.Client(cluster, set_as_default=False)
        problem = _probe_scheduler(scheduler)
        if problem is None:
            try:
                return distributed.Client(scheduler, timeout=CONNECT_TIMEOUT,
                                          set_as_default=False)
            except (OSError, ValueError, TypeError) as e:  # TimeoutError is an OSError
                problem = ' '.join(str(e).split()) or type(e).__name__
    raise ExperimentError(f'--scheduler {scheduler}: no Dask scheduler reachable there '
                          f'({problem[:200]}); check the address and that "dask scheduler" '
                          'runs there')


def _probe_scheduler(address):
    """Return None if a Dask scheduler answers at ``address`` within :data:`CONNECT_TIMEOUT`
    seconds, else what went wrong.

    A bare connection, without a client: a client that fails to connect keeps its event loop
    and delays the interpreter's exit by seconds. A TCP address is first tried with a plain
    socket, so that a refused connection or an unknown host fails at once (Dask's own
    connect retries until its timeout).
    """
    from distributed.comm import connect as comm_connect
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme in ('tcp', 'tls'):
            socket.create_connection(parse_host_port(location), timeout=CONNECT_TIMEOUT).close()
    except (OSError, ValueError, TypeError) as e:
        return ' '.join(str(e).split()) or type(e).__name__

    async def identity():
        try:
            comm = await comm_connect(address, timeout=CONNECT_TIMEOUT)
        except (OSError, ValueError, TypeError) as e:  # TimeoutError is an OSError
            return ' '.join(str(e).split()) or type(e).__name__
        except Exception:  # the handshake failed: the server does not speak Dask's protocol
            return 'the server there is not a Dask scheduler'
        try:
            await comm.write({'op': 'identity'})
            answer = await comm.read()
        except Exception:  # connected, but the server does not speak Dask's protocol
            answer = None
        finally:
            await comm.close()
        if not isinstance(answer, dict) or answer.get('type') != 'Scheduler':
            return 'the server there is not a Dask scheduler'
        return None

    try:
        return asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT + 0.5))
    except TimeoutError:
        return f'no answer within {CONNECT_TIMEOUT + 0.5:g} s'


def disconnect(client):
    """Close ``client``, and the local cluster that :func:`connect` started for it, if any."""
    with _quiet_logs():
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


def worker_count(client):
    """Return the number of worker processes of ``client``'s cluster (at least 1)."""
    return max(1, len(client.scheduler_info()['workers']))


@contextlib.contextmanager
def _quiet_logs():
    """Keep Dask's connection and shutdown messages off stderr while the block runs."""
    loggers = [logging.getLogger(name) for name in ('distributed', 'tornado', 'asyncio')]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


def run_on_dask(client, runs, setups, writer, progress):
    """Run ``runs`` on the cluster of ``client`` and write each run's rows when it completes.

    Parameters
    ----------
    client : distributed.Client
        The cluster's client.
    runs : list of (str, str, int)
        The (dataset, strategy, seed) runs to do.
    setups : dict
        Maps the name of each data set in ``runs`` to its
        :class:`~small_text.experiments.runner.RunSetup`.
    writer : ResultsWriter
        Where the rows go (only this process writes).
    progress : small_text.experiments.runner.Progress
        The progress bar, told about every round and every finished run.

    Raises
    ------
    Exception
        The error of a failed run (after Dask gave up on it, e.g. ``KilledWorker`` when its
        workers died too often); the other runs are cancelled.
    """
    from distributed import as_completed

    topic = f'small-text-rounds-{uuid.uuid4().hex}'
    client.subscribe_topic(topic, lambda event: _on_round(progress, event[1]))
    shared, futures = {}, {}
    try:
        for name, setup in setups.items():
            shared[name] = client.scatter(setup, broadcast=True, hash=False)
        for run in runs:
            dataset, strategy, seed = run
            future = client.submit(_run_remote, shared[dataset], strategy, seed, topic,
                                   key=f'small-text-run-{uuid.uuid4().hex}', pure=False)
            futures[future.key] = (future, run)
        for future in as_completed([future for future, _ in futures.values()],
                                   loop=client.loop):
            results = future.result()
            for row, stopping in results:
                if stopping:
                    writer.append_stopping(stopping)  # before the last row: see open_results
                writer.append(row)
            progress.run_done(futures[future.key][1], len(results))
    finally:
        client.cancel([future for future, _ in futures.values()] + list(shared.values()))
        client.unsubscribe_topic(topic)


def _on_round(progress, message):
    progress.round_done(tuple(message['run']), message['row'], message['seconds'])


def _run_remote(setup, strategy, seed, topic):
    """One run on a worker: report every round on ``topic``, return all rows at the end."""
    from distributed import get_worker

    from small_text.experiments.runner import run_active_learning

    worker = get_worker()
    results = []
    with _RUN_LOCK:
        start = time.perf_counter()
        for row, stopping in run_active_learning(setup, strategy, seed):
            results.append((row, stopping))
            worker.log_event(topic, {'run': [setup.dataset, strategy, seed], 'row': row,
                                     'seconds': time.perf_counter() - start})
            start = time.perf_counter()
    return results
