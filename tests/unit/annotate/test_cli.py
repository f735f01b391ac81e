"""``small-text annotate`` and ``small-text export`` on the command line."""
import importlib.util
import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest
from click.testing import CliRunner

import small_text.annotate.cli as annotate_cli
from small_text.annotate.project import open_project
from small_text.experiments.cli import main

from experiments._helpers import assert_bad_input
from .conftest import LABELS


needs_annotate = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ('starlette', 'uvicorn')),
    reason='needs the annotate extra: pip install "small-text[annotate]"')


def _invoke(*args):
    result = CliRunner().invoke(main, [str(arg) for arg in args], prog_name='small-text')
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def labelled_project(tmp_path, pool_file):
    store = open_project(tmp_path / 'p', data=pool_file, labels=LABELS)
    store.answer(store.position('2'), 'label', json.dumps('HUM'), 'ann')
    store.answer(store.position('1'), 'label', json.dumps('NUM'), 'ann')
    store.answer(store.position('3'), 'skip', None, 'ann')
    return tmp_path / 'p'


def test_export_jsonl_to_stdout(labelled_project):
    result = _invoke('export', labelled_project)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r['id'], r['label'], r['annotator']) for r in records] == [('1', 'NUM', 'ann'),
                                                                       ('2', 'HUM', 'ann')]


def test_export_csv_to_a_file(labelled_project, tmp_path):
    result = _invoke('export', labelled_project, '--format', 'csv', '--out', tmp_path / 'l.csv')
    assert result.returncode == 0 and result.stdout == ''
    lines = (tmp_path / 'l.csv').read_text(encoding='utf-8').splitlines()
    assert lines[0] == 'id,text,label,annotator,labelled_at' and len(lines) == 3


@pytest.mark.parametrize('args, fragments', [
    (('export', 'MISSING'), ['holds no annotation project']),
    (('export', 'PROJECT', '--format', 'xml'), ["'xml' is not one of 'jsonl', 'csv'"]),
    (('export', 'PROJECT', '--out', 'MISSING/x.jsonl'), ['cannot write --out']),
    (('annotate', 'NEW', '--labels', 'a,b'), ['a new project needs --data']),
    (('annotate', 'PROJECT', '--data', 'POOL'), ['existing project', 'drop --data']),
    (('annotate', 'PROJECT', '--query-size', '0'), ['--query-size must be a positive']),
    (('annotate', 'PROJECT', '--port', '99999'), ['99999 is not in the range']),
])
def test_bad_input(labelled_project, tmp_path, pool_file, args, fragments):
    if args[0] == 'annotate' and any(importlib.util.find_spec(m) is None
                                     for m in ('starlette', 'uvicorn')):
        pytest.skip('needs the annotate extra: pip install "small-text[annotate]"')
    paths = {'MISSING': tmp_path / 'missing', 'PROJECT': labelled_project,
             'NEW': tmp_path / 'new', 'POOL': pool_file,
             'MISSING/x.jsonl': tmp_path / 'missing' / 'x.jsonl'}
    assert_bad_input(_invoke(*(paths.get(arg, arg) for arg in args)), *fragments)


@needs_annotate
def test_bad_config_key(labelled_project, tmp_path):
    (tmp_path / 'c.toml').write_text('batch-size = 3\n', encoding='utf-8')
    assert_bad_input(_invoke('annotate', labelled_project, '--config', tmp_path / 'c.toml'),
                     "unknown key 'batch-size'", 'query-size')


@needs_annotate
def test_config_file_values_are_used(labelled_project, tmp_path):
    (tmp_path / 'c.toml').write_text('query-size = -3\n', encoding='utf-8')
    assert_bad_input(_invoke('annotate', labelled_project, '--config', tmp_path / 'c.toml'),
                     '--query-size must be a positive integer (got -3)')


def test_annotate_without_the_extra_says_what_to_install(labelled_project, monkeypatch):
    monkeypatch.setattr(annotate_cli, '_EXTRA_MODULES', ('starlette', 'no_such_module_x'))
    assert_bad_input(_invoke('annotate', labelled_project), 'no_such_module_x',
                     'pip install "small-text[annotate]"')


def test_the_experiment_command_does_not_import_the_web_framework():
    code = ('import sys; import small_text.experiments.cli; '
            'print(sorted(m for m in ("starlette", "uvicorn") if m in sys.modules))')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == '[]'


@pytest.mark.integration
def test_annotate_serves_until_ctrl_c(labelled_project):
    pytest.importorskip('uvicorn', reason='needs the annotate extra: '
                                          'pip install "small-text[annotate]"')
    process = subprocess.Popen([sys.executable, '-m', 'small_text.experiments', 'annotate',
                                str(labelled_project), '--port', '0'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, 'PYTHONUNBUFFERED': '1'})
    try:
        line = process.stdout.readline().rstrip('\n')
        prefix = 'small-text annotate: serving 300 texts at http://127.0.0.1:'
        assert line.startswith(prefix) and line.endswith('/ (Ctrl-C to stop)'), line
        url = line.split(' at ')[1].split(' ')[0]
        with urllib.request.urlopen(url + 'api/status', timeout=30) as response:
            assert json.load(response)['labelled'] == 2
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert stdout == '' and 'Traceback' not in stderr


@pytest.mark.integration
def test_annotate_on_another_host_prints_a_token_url(labelled_project):
    pytest.importorskip('uvicorn', reason='needs the annotate extra: '
                                          'pip install "small-text[annotate]"')
    process = subprocess.Popen([sys.executable, '-m', 'small_text.experiments', 'annotate',
                                str(labelled_project), '--port', '0', '--host', '0.0.0.0'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = line.split(' at ')[1].split(' ')[0]
        token = url.split('?token=')[1]
        port = url.split(':')[2].split('/')[0]
        base = f'http://127.0.0.1:{port}/api/status'
        with pytest.raises(urllib.error.HTTPError, match='401'):
            urllib.request.urlopen(base, timeout=30)
        request = urllib.request.Request(base, headers={'Authorization': f'Bearer {token}'})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)
    assert len(token) >= 20
