"""One experiment per output folder, unique temporary files, and checked results on resume."""
import os
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from small_text.experiments import ExperimentError, run_experiment
from small_text.experiments import outputs
from small_text.experiments.cli import main
from small_text.experiments.outputs import (
    LOCK_FILE,
    OUTPUT_FILES,
    RESULTS_CSV,
    RESULTS_JSON,
    STOPPING_CSV,
    lock_output,
)

from ._helpers import TINY, TINY_ARGS, assert_bad_input, finish, read_csv_rows, run_cli, \
    start_cli

_HOLD_LOCK = ('import sys, time\n'
              'from small_text.experiments.outputs import lock_output\n'
              'with lock_output(sys.argv[1]):\n'
              '    print("locked", flush=True)\n'
              '    time.sleep(600)\n')


def _hold_lock(out):
    """Start a process that holds the lock on ``out``; return it once it holds it."""
    process = subprocess.Popen([sys.executable, '-c', _HOLD_LOCK, str(out)],
                               stdout=subprocess.PIPE, text=True,
                               env={**os.environ, 'PYTHONPATH': os.getcwd()})
    assert process.stdout.readline().strip() == 'locked'
    return process


def _experiment_args(tiny_files, out, *args):
    train, test = tiny_files
    return ['experiment', '--data', train, '--test', test, *TINY_ARGS, '--out', out, *args]


def _invoke(args):
    result = CliRunner().invoke(main, [str(arg) for arg in args], prog_name='small-text')
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_second_run_into_a_locked_out_exits_2_and_a_killed_holder_does_not_block(
        tiny_files, tmp_path):
    out = tmp_path / 'out'
    holder = _hold_lock(out)
    try:
        result = run_cli(*_experiment_args(tiny_files, out, '--quiet'))
        assert_bad_input(result, f'--out {out} is in use by another small-text experiment '
                                 f'(process {holder.pid})', 'choose another --out')
        assert not (out / RESULTS_CSV).exists()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert (out / LOCK_FILE).exists()  # left behind by the killed process: stale
    result = run_cli(*_experiment_args(tiny_files, out, '--quiet'))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)  # lock released


def test_concurrent_runs_into_the_same_out_never_write_both(tiny_files, tmp_path):
    out = tmp_path / 'out'
    processes = [start_cli(*_experiment_args(tiny_files, out, '--quiet')) for _ in range(2)]
    results = [finish(process) for process in processes]
    assert sorted(result.returncode for result in results)[0] == 0, results
    for result in results:
        assert 'Traceback' not in result.stderr
        if result.returncode != 0:
            assert_bad_input(result, 'is in use by another small-text experiment')
    rows = read_csv_rows(out / RESULTS_CSV)
    keys = [(row['strategy'], row['seed'], row['round']) for row in rows]
    assert len(keys) == len(set(keys)) == 6
    resumed = _invoke(_experiment_args(tiny_files, out, '--quiet', '--resume'))
    assert resumed.returncode == 0, resumed.stderr


def test_lock_in_process_names_the_folder_and_is_released(tmp_path):
    out = tmp_path / 'out'
    with lock_output(out):
        assert (out / LOCK_FILE).read_text().strip() == str(os.getpid())
        with pytest.raises(ExperimentError, match=f'--out {out} is in use'):
            with lock_output(out):
                pass  # pragma: no cover
    assert list(out.iterdir()) == []
    with lock_output(out):  # free again
        pass


def test_lock_removes_a_folder_it_created_when_the_run_fails(tmp_path):
    with pytest.raises(RuntimeError):
        with lock_output(tmp_path / 'new'):
            raise RuntimeError
    assert not (tmp_path / 'new').exists()


def test_lock_on_a_file_is_rejected(tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(ExperimentError, match='is a file; pass a folder'):
        with lock_output(tmp_path / 'file'):
            pass  # pragma: no cover


def test_temporary_files_are_unique_and_leftovers_are_removed(tmp_path, monkeypatch):
    (tmp_path / f'{RESULTS_JSON}.abc.tmp').write_text('left by a killed run')
    (tmp_path / 'notes.tmp').write_text('mine')
    replaced = []
    original = os.replace
    monkeypatch.setattr(outputs.os, 'replace',
                        lambda src, dst: replaced.append(src) or original(src, dst))
    with lock_output(tmp_path):
        assert not (tmp_path / f'{RESULTS_JSON}.abc.tmp').exists()
        outputs._replace(tmp_path / RESULTS_JSON, 'a')
        outputs._replace(tmp_path / RESULTS_JSON, 'b')
    assert len(set(replaced)) == 2 and all(str(tmp_path) in str(p) for p in replaced)
    assert sorted(p.name for p in tmp_path.iterdir()) == ['notes.tmp', RESULTS_JSON]


# --- --resume reads only valid rows -------------------------------------------------------

@pytest.fixture(scope='module')
def finished_run(tmp_path_factory):
    """A finished tiny experiment with stopping criteria, and its data files."""
    from ._helpers import make_rows, write_jsonl
    root = tmp_path_factory.mktemp('finished')
    train = write_jsonl(root / 'train.jsonl', make_rows(30))
    test = write_jsonl(root / 'test.jsonl', make_rows(10, seed=1))
    run_experiment(data=train, test=test, out=root / 'run', quiet=True,
                   stopping='max-iterations', **TINY)
    return (train, test), root / 'run'


def _edit(path, line, change):
    lines = path.read_text().splitlines(keepends=True)
    lines[line - 1] = change(lines[line - 1])
    path.write_text(''.join(lines))


def _set_field(index, value):
    def change(line):
        fields = line.rstrip('\n').split(',')
        fields[index] = value
        return ','.join(fields) + '\n'
    return change


BAD_RESULTS = {
    'score out of range': (RESULTS_CSV, 3, _set_field(5, '7.5'),
                           'line 3 of results.csv has accuracy 7.5, outside the score range'),
    'nan score': (RESULTS_CSV, 2, _set_field(6, 'nan'), 'has macro_f1 nan, outside'),
    'negative time': (RESULTS_CSV, 2, _set_field(7, '-1'), 'fit_seconds -1.0, which is not'),
    'not a number': (RESULTS_CSV, 2, _set_field(3, 'x'), 'line 2 of results.csv holds a value '
                                                         'that is not a number'),
    'unknown strategy': (RESULTS_CSV, 2, _set_field(1, 'magic'),
                         "names the strategy 'magic', which this experiment does not run"),
    'unknown data set': (RESULTS_CSV, 2, _set_field(0, 'other'),
                         "names the data set 'other', which this experiment does not run"),
    'unknown seed': (RESULTS_CSV, 2, _set_field(2, '4'),
                     'has the seed 4, which this experiment does not use'),
    'round out of range': (RESULTS_CSV, 2, _set_field(3, '9'), 'has round 9, outside 0 to 2'),
    'labels do not fit the round': (RESULTS_CSV, 3, _set_field(4, '12'),
                                    'has num_labels 12 in round 1, but the experiment has 11'),
    'duplicate row': (RESULTS_CSV, 4, lambda line: line + line, 'line 5 of results.csv '
                                                                'repeats line 4'),
    'extra field': (RESULTS_CSV, 2, lambda line: line.rstrip('\n') + ',1\n',
                    'has 11 field(s) instead of 10'),
    'unterminated quote': (RESULTS_CSV, 2, lambda line: '"' + line,
                           'line 2 of results.csv is not valid CSV'),
    'wrong columns': (RESULTS_CSV, 1, lambda line: line.replace('accuracy', 'acc'),
                      'results.csv has the columns dataset,strategy,seed,round,num_labels,acc,'),
    'stopping: unknown criterion': (STOPPING_CSV, 2, _set_field(3, 'kappa-average'),
                                    "names the stopping criterion 'kappa-average'"),
    'stopping: round out of range': (STOPPING_CSV, 2, _set_field(4, '-1'),
                                      'has stop_round -1, outside 0 to 2'),
    'stopping: duplicate': (STOPPING_CSV, 2, lambda line: line + line,
                            'line 3 of stopping.csv repeats line 2'),
    'missing results.csv': (RESULTS_CSV, None, None, 'results.csv is missing'),
}


@pytest.mark.parametrize('case', list(BAD_RESULTS))
def test_resume_rejects_a_bad_results_file(finished_run, tmp_path, case):
    files, run = finished_run
    out = tmp_path / 'run'
    shutil.copytree(run, out)
    name, line, change, message = BAD_RESULTS[case]
    if change is None:
        (out / name).unlink()
    else:
        _edit(out / name, line, change)
    before = (out / name).read_bytes() if (out / name).exists() else None
    result = _invoke([*_experiment_args(files, out, '--quiet', '--resume', '--stopping',
                                        'max-iterations')])
    assert_bad_input(result, f'--out {out}', message)
    after = (out / name).read_bytes() if (out / name).exists() else None
    assert after == before  # the bad file is left for the user to inspect
    assert not (out / LOCK_FILE).exists()


def test_resume_drops_only_a_last_line_cut_short(finished_run, tmp_path):
    files, run = finished_run
    out = tmp_path / 'run'
    shutil.copytree(run, out)
    text = (out / RESULTS_CSV).read_text()
    (out / RESULTS_CSV).write_text(text[:-5])  # the last row lost its end (and newline)
    result = _invoke(_experiment_args(files, out, '--quiet', '--resume', '--stopping',
                                      'max-iterations'))
    assert result.returncode == 0, result.stderr
    assert read_csv_rows(out / RESULTS_CSV) == read_csv_rows(run / RESULTS_CSV)
