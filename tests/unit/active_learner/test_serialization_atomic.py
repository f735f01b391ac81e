"""Saving is atomic: a crash at any moment leaves no folder or the previous complete save, and
repeating the save succeeds."""
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import small_text
from small_text import serialization
from small_text.active_learner import PoolBasedActiveLearner
from small_text.exceptions import SerializationException
from small_text.serialization import MANIFEST_FILE, OBJECTS_FILE

_BUILD = '''
import numpy as np
from sklearn.dummy import DummyClassifier
from small_text.active_learner import PoolBasedActiveLearner
from small_text.classifiers import SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.query_strategies import RandomSampling


def build(num_labeled):
    y = np.arange(40) % 3
    dataset = SklearnDataset(np.random.RandomState(0).rand(40, 4), y,
                             target_labels=np.arange(3))
    learner = PoolBasedActiveLearner(SklearnClassifierFactory(DummyClassifier(), 3),
                                     RandomSampling(), dataset)
    learner.initialize(np.arange(num_labeled))
    return learner
'''

_CRASH = _BUILD + '''
import os
import signal
import sys
from pathlib import Path

from small_text import serialization

folder, point = Path(sys.argv[1]), sys.argv[2]
calls = {'write': 0, 'fsync_dir': 0}


def die():
    os.kill(os.getpid(), signal.SIGKILL)


real_write, real_fsync_dir, real_move = (serialization._write_file, serialization._fsync_dir,
                                         serialization._move_into_place)


def write(path, data):
    calls['write'] += 1
    number = calls['write']
    if point == f'before-write-{number}':
        die()
    if point == f'mid-write-{number}':
        with open(path, 'xb') as f:
            f.write(data[:len(data) // 2])
            f.flush()
        die()
    real_write(path, data)


def fsync_dir(path):
    calls['fsync_dir'] += 1
    if point == f'before-fsync-dir-{calls["fsync_dir"]}':
        die()
    real_fsync_dir(path)


def move(tmp, target, replace):
    if point == 'before-move':
        die()
    real_move(tmp, target, replace)
    if point == 'after-move':
        die()


def rename(src, dst):
    real_rename(src, dst)
    if point == 'between-renames':
        die()


real_rename = os.rename
if point == 'between-renames':
    serialization._exchange = lambda a, b: False
    serialization.os.rename = rename
serialization._write_file, serialization._fsync_dir = write, fsync_dir
serialization._move_into_place = move
build(9).save(folder, create_folder=True)
print('completed')
'''

_POINTS = ['before-write-1', 'mid-write-1', 'before-write-2', 'mid-write-2',
           'before-fsync-dir-1', 'before-move', 'after-move', 'before-fsync-dir-2']


def _build(num_labeled):
    namespace = {}
    exec(_BUILD, namespace)  # the same code the crashing subprocess runs
    return namespace['build'](num_labeled)


def _crash_while_saving(tmp_path, folder, point):
    script = tmp_path / 'crash.py'
    script.write_text(_CRASH, encoding='utf-8')
    env = dict(os.environ, PYTHONPATH=str(Path(small_text.__file__).parents[1]))
    result = subprocess.run([sys.executable, str(script), str(folder), point], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert 'completed' not in result.stdout


def _check_crash_and_retry(tmp_path, point, previous):
    folder = tmp_path / 'out' / 'learner'
    if previous:
        _build(6).save(folder, create_folder=True)
    _crash_while_saving(tmp_path, folder, point)

    new_save_in_place = point in ('after-move', 'before-fsync-dir-2')
    if folder.exists():
        assert sorted(p.name for p in folder.iterdir()) == [MANIFEST_FILE, OBJECTS_FILE]
        num_labeled = PoolBasedActiveLearner.load(folder).indices_labeled.shape[0]
        assert num_labeled == (9 if new_save_in_place else 6)
    else:
        assert not previous or point == 'between-renames'
        assert not new_save_in_place

    # only hidden temporary folders are left beside it, and a retry succeeds
    leftovers = [p.name for p in folder.parent.iterdir() if p != folder]
    assert all(name.startswith('.learner.') and '.tmp' in name for name in leftovers)
    _build(9).save(folder, create_folder=True)
    assert PoolBasedActiveLearner.load(folder).indices_labeled.shape == (9,)


def test_sigkill_while_writing_over_a_previous_save(tmp_path):
    _check_crash_and_retry(tmp_path, 'mid-write-1', previous=True)


@pytest.mark.integration
@pytest.mark.parametrize('previous', [False, True])
@pytest.mark.parametrize('point', _POINTS)
def test_sigkill_during_save_at_every_step(tmp_path, point, previous):
    _check_crash_and_retry(tmp_path, point, previous)


@pytest.mark.integration
def test_sigkill_between_the_renames_of_the_portable_replacement(tmp_path):
    _check_crash_and_retry(tmp_path, 'between-renames', previous=True)


def test_save_replaces_a_previous_save(tmp_path):
    _build(6).save(tmp_path)
    _build(9).save(tmp_path)
    assert PoolBasedActiveLearner.load(tmp_path).indices_labeled.shape == (9,)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_FILE, OBJECTS_FILE]


def test_save_replaces_a_previous_save_without_atomic_exchange(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, '_exchange', lambda a, b: False)
    folder = tmp_path / 'learner'
    _build(6).save(folder, create_folder=True)
    _build(9).save(folder)
    assert PoolBasedActiveLearner.load(folder).indices_labeled.shape == (9,)
    assert [p.name for p in tmp_path.iterdir()] == ['learner']


def test_failed_portable_replacement_restores_the_previous_save(tmp_path, monkeypatch):
    monkeypatch.setattr(serialization, '_exchange', lambda a, b: False)
    folder = tmp_path / 'learner'
    _build(6).save(folder, create_folder=True)
    real_rename = os.rename
    failures = []

    def failing_second_rename(src, dst):
        if Path(dst) == folder and not failures:
            failures.append(src)
            raise OSError('disk gone')
        real_rename(src, dst)

    monkeypatch.setattr(serialization.os, 'rename', failing_second_rename)
    with pytest.raises(SerializationException, match='disk gone'):
        _build(9).save(folder)
    monkeypatch.setattr(serialization.os, 'rename', real_rename)
    assert PoolBasedActiveLearner.load(folder).indices_labeled.shape == (6,)
    assert [p.name for p in tmp_path.iterdir()] == ['learner']


@pytest.mark.parametrize('extra', ['notes.txt', '.hidden'])
def test_save_refuses_a_folder_with_other_content(tmp_path, extra):
    _build(6).save(tmp_path)
    (tmp_path / extra).write_text('mine')
    with pytest.raises(ValueError, match='is not empty'):
        _build(9).save(tmp_path)
    assert (tmp_path / extra).read_text() == 'mine'
    os.remove(tmp_path / extra)
    assert PoolBasedActiveLearner.load(tmp_path).indices_labeled.shape == (6,)


def test_save_refuses_a_file(tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(ValueError, match='is not a folder'):
        _build(6).save(tmp_path / 'file')


def test_failed_save_leaves_the_previous_save_and_no_debris(tmp_path):
    folder = tmp_path / 'learner'
    _build(6).save(folder, create_folder=True)
    learner = _build(9)
    learner.fit_kwargs = {'stream': (i for i in range(3))}  # skops cannot store a generator
    with pytest.raises(SerializationException, match='Failed to save active learner folder'):
        learner.save(folder)
    assert PoolBasedActiveLearner.load(folder).indices_labeled.shape == (6,)
    assert [p.name for p in tmp_path.iterdir()] == ['learner']


def test_failed_write_removes_the_temporary_folder(tmp_path, monkeypatch):
    def failing_write(path, data):
        raise OSError('disk full')

    monkeypatch.setattr(serialization, '_write_file', failing_write)
    with pytest.raises(SerializationException, match='disk full'):
        _build(6).save(tmp_path / 'learner', create_folder=True)
    assert list(tmp_path.iterdir()) == []


def test_saved_folder_has_default_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        _build(6).save(tmp_path / 'learner', create_folder=True)
    finally:
        os.umask(umask)
    assert (tmp_path / 'learner').stat().st_mode & 0o777 == 0o755


def test_save_into_existing_empty_folder_keeps_the_path(tmp_path):
    folder = tmp_path / 'learner'
    folder.mkdir()
    _build(6).save(folder)
    assert PoolBasedActiveLearner.load(folder).indices_labeled.shape == (6,)


def test_exchange_swaps_two_folders(tmp_path):
    a, b = tmp_path / 'a', tmp_path / 'b'
    a.mkdir()
    b.mkdir()
    (a / 'x').write_text('a')
    (b / 'x').write_text('b')
    if not serialization._exchange(a, b):
        pytest.skip('renameat2(RENAME_EXCHANGE) is not available on this platform')
    assert (a / 'x').read_text() == 'b' and (b / 'x').read_text() == 'a'
    np.testing.assert_array_equal(sorted(p.name for p in tmp_path.iterdir()), ['a', 'b'])
