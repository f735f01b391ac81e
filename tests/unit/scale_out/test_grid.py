"""Experiment grids on a Dask cluster: the same rows as in-process, also when a worker dies."""
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from small_text.experiments import ExperimentError, run_experiment
from small_text.experiments.outputs import RESULTS_CSV, STOPPING_CSV

from tests.unit.experiments._helpers import (
    TINY,
    assert_bad_input,
    make_rows,
    read_csv_rows,
    run_cli,
)

_NEEDS_DASK = 'needs the extra dask: pip install "small-text[dask]"'


@pytest.fixture
def grid_files(tmp_path):
    paths = []
    for name, seed in (('news', 0), ('blogs', 2)):
        (tmp_path / name).mkdir()
        path = tmp_path / name / 'train.jsonl'
        path.write_text(''.join(json.dumps(row) + '\n' for row in make_rows(20, seed=seed)))
        paths.append(path)
    return paths


def _sorted_rows(path):
    return sorted(read_csv_rows(path), key=lambda r: (r['dataset'], r['strategy'],
                                                      int(r['seed']), r.get('round', '')))


@pytest.mark.integration
def test_grid_rows_equal_in_process_rows(dask_client, grid_files, tmp_path):
    options = dict(data=grid_files, quiet=True, stopping='max-iterations',
                   **{**TINY, 'seeds': '0,5'})
    local = run_experiment(out=tmp_path / 'local', **options)
    remote = run_experiment(out=tmp_path / 'remote', scheduler=dask_client.scheduler.address,
                            **options)
    assert len(remote.rows) == 2 * 2 * 2 * 3
    assert _sorted_rows(remote.out / RESULTS_CSV) == _sorted_rows(local.out / RESULTS_CSV)
    assert _sorted_rows(remote.out / STOPPING_CSV) == _sorted_rows(local.out / STOPPING_CSV)
    assert remote.summary_table == local.summary_table
    assert (remote.out / 'summary.md').read_text() == (local.out / 'summary.md').read_text()


class _SpyClient:
    """Passes every call on to a client, recording what ``scatter`` and ``submit`` get."""

    def __init__(self, client):
        self.client, self.scattered, self.submitted = client, [], []

    def scatter(self, data, **kwargs):
        self.scattered.append((data, kwargs))
        return self.client.scatter(data, **kwargs)

    def submit(self, function, *args, **kwargs):
        self.submitted.append(args)
        return self.client.submit(function, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.mark.integration
def test_each_dataset_travels_once_and_tasks_carry_only_a_reference(dask_client, grid_files,
                                                                     tmp_path, monkeypatch):
    from distributed import Future

    from small_text.distributed import grid
    from small_text.experiments.runner import RunSetup

    spy = _SpyClient(dask_client)
    monkeypatch.setattr(grid, 'connect', lambda **kwargs: spy)
    monkeypatch.setattr(grid, 'disconnect', lambda client: None)
    run_experiment(data=grid_files, out=tmp_path / 'out', quiet=True, workers=2,
                   **{**TINY, 'seeds': 2})
    assert [data.dataset for data, _ in spy.scattered] == ['news', 'blogs']
    assert all(kwargs['broadcast'] for _, kwargs in spy.scattered)
    assert len(spy.submitted) == 2 * 2 * 2
    for setup, strategy, seed, topic in spy.submitted:
        assert isinstance(setup, Future) and not isinstance(setup, RunSetup)
        assert isinstance(strategy, str) and isinstance(seed, int) and isinstance(topic, str)


def test_resume_on_dask_runs_only_the_unfinished_runs(dask_client, grid_files, tmp_path):
    options = dict(data=grid_files[:1], out=tmp_path / 'out', quiet=True, **TINY)
    first = run_experiment(**options)
    results_csv = first.out / RESULTS_CSV
    lines = results_csv.read_text().splitlines()
    results_csv.write_text('\n'.join(lines[:-2]) + '\n')  # least-confidence unfinished
    again = run_experiment(resume=True, scheduler=dask_client.scheduler.address, **options)
    assert _sorted_rows(results_csv) == sorted(
        [{k: str(v) for k, v in row.items() if not k.endswith('_seconds')}
         for row in first.rows], key=lambda r: (r['strategy'], int(r['round'])))
    assert [row['fit_seconds'] for row in again.rows[:3]] == \
        [row['fit_seconds'] for row in first.rows[:3]]  # random's run was kept, not redone


def _kill_once_plugin(distributed, marker):
    """Return a worker plugin with which the second evaluation in a worker process (round
    1 of its first run) kills that process with SIGKILL, once on the whole cluster (a marker
    file remembers it)."""

    class KillOnce(distributed.WorkerPlugin):
        name = 'small-text-kill-once'

        def setup(self, worker):
            import os
            import signal

            from small_text.experiments import runner
            original = runner._evaluate
            calls = []

            def evaluate(*args, **kwargs):
                calls.append(1)
                if len(calls) == 2 and not os.path.exists(marker):
                    with open(marker, 'w') as f:
                        f.write(str(os.getpid()))
                    os.kill(os.getpid(), signal.SIGKILL)
                return original(*args, **kwargs)

            runner._evaluate = evaluate

    return KillOnce()


@pytest.mark.integration
def test_a_worker_killed_during_a_run_yields_complete_duplicate_free_results(grid_files,
                                                                              tmp_path):
    distributed = pytest.importorskip('distributed', reason=_NEEDS_DASK)
    options = dict(data=grid_files, quiet=True, **{**TINY, 'seeds': 2})
    marker = tmp_path / 'killed'
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=':0', silence_logs=50)
    client = distributed.Client(cluster)
    try:
        client.register_plugin(_kill_once_plugin(distributed, str(marker)))
        remote = run_experiment(out=tmp_path / 'remote', scheduler=cluster.scheduler_address,
                                **options)
    finally:
        client.close()
        cluster.close()
    assert marker.exists(), 'no worker was killed'
    local = run_experiment(out=tmp_path / 'local', **options)
    rows = _sorted_rows(remote.out / RESULTS_CSV)
    keys = [(r['dataset'], r['strategy'], r['seed'], r['round']) for r in rows]
    assert len(keys) == len(set(keys)) == 2 * 2 * 2 * 3
    assert rows == _sorted_rows(local.out / RESULTS_CSV)


@pytest.mark.integration
def test_workers_option_runs_the_grid_on_a_local_cluster(grid_files, tmp_path):
    pytest.importorskip('distributed', reason=_NEEDS_DASK)
    result = run_cli('experiment', '--data', str(grid_files[0]), '--data', str(grid_files[1]),
                     '--workers', '2', '--out', str(tmp_path / 'out'), '--quiet', '--seeds',
                     '1', '--initial', '6', '--rounds', '1', '--query-size', '5',
                     '--strategies', 'random')
    assert result.returncode == 0, result.stderr
    assert result.stderr == ''
    assert len(read_csv_rows(tmp_path / 'out' / RESULTS_CSV)) == 2 * 2


def test_local_workers_run_without_profiler_and_malloc_trimming(monkeypatch):
    pytest.importorskip('distributed', reason=_NEEDS_DASK)
    import os

    from small_text.distributed.grid import connect, disconnect

    # an earlier cluster in this process may have set it here; the workers inherit this
    # process's environment
    monkeypatch.delenv('MALLOC_TRIM_THRESHOLD_', raising=False)
    client = connect(workers=1)
    try:
        settings = client.run(lambda: (os.environ.get('MALLOC_TRIM_THRESHOLD_'),
                                       __import__('dask').config.get(
                                           'distributed.worker.profile.enabled')))
    finally:
        disconnect(client)
    assert list(settings.values()) == [(None, False)]


@pytest.fixture
def silent_server():
    """The address of a TCP server that accepts connections and never answers."""
    server = socket.create_server(('127.0.0.1', 0))
    yield f'tcp://127.0.0.1:{server.getsockname()[1]}'
    server.close()


@pytest.mark.parametrize('address, fragment', [
    ('tcp://127.0.0.1:9', 'Connection refused'),
    ('tcp://no-such-host.invalid:8786', 'no Dask scheduler reachable there'),
    ('nonsense://x', "unknown address scheme 'nonsense'"),
    ('silent', 'no answer within 2.5 s'),
])
def test_bad_scheduler_address_exits_2_with_one_line_within_10_s(address, fragment, tmp_path,
                                                                  silent_server):
    pytest.importorskip('distributed', reason=_NEEDS_DASK)
    address = silent_server if address == 'silent' else address
    start = time.monotonic()
    result = run_cli('experiment', '--scheduler', address, '--out', str(tmp_path / 'out'))
    elapsed = time.monotonic() - start
    assert_bad_input(result, f'--scheduler {address}', fragment)
    # the 10 s are the command's own; on a busy test machine starting Python and importing
    # the CLI and Dask can take seconds by itself, so that start-up, measured now, is not
    # charged to the command
    assert elapsed - _startup_seconds() < 10, elapsed


def _startup_seconds():
    """Seconds a new interpreter needs to import the CLI and Dask's client, as the command
    does before it contacts a scheduler."""
    start = time.monotonic()
    subprocess.run([sys.executable, '-c',
                    'import small_text.experiments.cli, dask, distributed'], check=True)
    return time.monotonic() - start
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('options, message', [
    ({'workers': 0}, '--workers must be a positive number of worker processes (got 0)'),
    ({'workers': 1.5}, '--workers must be a positive number'),
    ({'workers': True}, '--workers must be a positive number'),
    ({'scheduler': ''}, '--scheduler must be a scheduler address'),
    ({'scheduler': 8786}, '--scheduler must be a scheduler address'),
    ({'workers': 1, 'scheduler': 'tcp://h:1'}, 'give either --workers or --scheduler'),
])
def test_bad_scale_out_options(options, message, tmp_path):
    with pytest.raises(ExperimentError, match=re.escape(message)):
        run_experiment(out=tmp_path / 'o', **options)


def test_in_process_experiment_does_not_import_dask(grid_files, tmp_path):
    code = ('import sys\nfrom small_text.experiments.cli import main\n'
            'try:\n'
            f'    main(["experiment", "--data", {str(grid_files[0])!r}, "--out", '
            f'{str(tmp_path / "o")!r}, "--quiet", "--rounds", "1", "--seeds", "1", '
            '"--initial", "6", "--query-size", "5"])\n'
            'except SystemExit as e:\n'
            '    assert e.code == 0, e.code\n'
            'print(sorted(m for m in ("dask", "distributed") if m in sys.modules))')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == '[]'
    assert (tmp_path / 'o' / RESULTS_CSV).exists()
