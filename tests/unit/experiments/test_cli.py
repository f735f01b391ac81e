"""The ``small-text`` console script, run in subprocesses as a user would run it.

Independent commands start together (two cores run them side by side) in module-scoped
fixtures; the tests then check each result.
"""
import os
import shutil
import subprocess
import sys
from importlib import metadata

import pytest
from click.testing import CliRunner

from small_text.experiments.cli import experiment, main
from small_text.experiments.config import ExperimentConfig
from small_text.experiments.outputs import OUTPUT_FILES, RESULTS_CSV

from ._helpers import (
    TINY_ARGS,
    assert_bad_input,
    finish,
    make_rows,
    read_csv_rows,
    run_cli,
    start_cli,
    write_jsonl,
)


@pytest.fixture(scope='module')
def workspace(tmp_path_factory):
    """A folder with tiny train and test files."""
    root = tmp_path_factory.mktemp('cli')
    write_jsonl(root / 'train.jsonl', make_rows(30))
    write_jsonl(root / 'test.jsonl', make_rows(10, seed=1))
    return root


def _experiment(root, out, *args):
    return ['experiment', '--data', root / 'train.jsonl', '--test', root / 'test.jsonl',
            *TINY_ARGS, '--out', root / out, *args]


@pytest.fixture(scope='module')
def two_runs(workspace):
    """The tiny experiment, run with --quiet (into 'quiet') and without (into 'verbose')."""
    processes = [start_cli(*_experiment(workspace, 'quiet', '--quiet')),
                 start_cli(*_experiment(workspace, 'verbose'))]
    return [finish(process) for process in processes]


@pytest.fixture(scope='module')
def follow_up_runs(workspace, two_runs):
    """Commands on copies of the finished 'quiet' run: resume, overwrite, TOML config."""
    for name in ('resumed', 'overwritten'):
        shutil.copytree(workspace / 'quiet', workspace / name)
    # the 'resumed' run crashed in the middle of its second (strategy, seed) run
    lines = (workspace / 'resumed' / RESULTS_CSV).read_text().splitlines(keepends=True)
    (workspace / 'resumed' / RESULTS_CSV).write_text(''.join(lines[:5]) + lines[5][:10])
    (workspace / 'experiment.toml').write_text(
        'data = "train.jsonl"\ntest = "test.jsonl"\nstrategies = ["random"]\nseeds = 1\n'
        'initial = 6\nrounds = 4\nquery-size = 5\n', encoding='utf-8')
    commands = {
        'resumed': _experiment(workspace, 'resumed', '--quiet', '--resume'),
        'overwritten': _experiment(workspace, 'overwritten', '--quiet', '--rounds', '1',
                                   '--overwrite'),
        'configured': ['experiment', '--config', workspace / 'experiment.toml', '--rounds', '1',
                       '--out', workspace / 'configured', '--quiet'],
    }
    processes = {name: start_cli(*args) for name, args in commands.items()}
    return {name: finish(process) for name, process in processes.items()}


def test_console_script_is_declared():
    (entry_point,) = metadata.entry_points(group='console_scripts', name='small-text')
    assert entry_point.value == 'small_text.experiments.cli:main'


def test_help_lists_every_option_with_its_default():
    result = run_cli('experiment', '--help')
    assert result.returncode == 0
    help_text = ' '.join(result.stdout.split()).replace('- ', '-')  # undo line wrapping
    options = [p for p in experiment.params if p.name != 'help']
    for option in options:
        assert option.opts[0] in help_text
    assert help_text.count('[default: ') == len(options)
    for expected in ['--seeds N|LIST Number of repetitions N (seeds 0 to N-1), or the seeds '
                     'as a comma-separated list such as 0,1,7. [default: 10]',
                     '[default: random,least-confidence,prediction-entropy,breaking-ties]',
                     '--query-size INTEGER Texts labelled per round. [default: 25]',
                     '[default: (./small-text-results/<dataset>-<timestamp>)]',
                     '[default: (the bundled TREC-6 data set)]',
                     '--quiet Print nothing but errors: no progress bar, no warnings, no '
                     'summary. [default: (off)]']:
        assert expected in help_text


def test_options_match_the_configuration_keys():
    names = {p.name for p in experiment.params} - {'config_file', 'resume', 'overwrite', 'quiet',
                                                      'workers', 'scheduler'}
    assert names == set(ExperimentConfig.__dataclass_fields__)


def test_python_module_entry_point():
    result = subprocess.run([sys.executable, '-m', 'small_text.experiments', 'experiment',
                             '--help'], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and 'Usage: small-text experiment' in result.stdout


def test_version_and_group_help():
    runner = CliRunner()
    assert runner.invoke(main, ['--version']).output.startswith('small-text, version ')
    result = runner.invoke(main, [])
    assert result.exit_code == 0 and 'experiment' in result.output


def test_run_prints_the_summary_and_writes_the_outputs(workspace, two_runs):
    result = two_runs[1]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == ('| strategy | final accuracy | final macro-F1 | AUC (accuracy) '
                        '| seeds |')
    assert lines[2].startswith('| random | ') and lines[3].startswith('| least-confidence | ')
    assert lines[-1] == f'Results written to {workspace / "verbose"}'
    assert sorted(p.name for p in (workspace / 'quiet').iterdir()) == sorted(OUTPUT_FILES)
    assert len(read_csv_rows(workspace / 'quiet' / RESULTS_CSV)) == 6


def test_progress_bar_shows_the_current_accuracy_unless_quiet(two_runs):
    quiet, verbose = two_runs
    assert quiet.returncode == 0
    assert quiet.stderr == '' and quiet.stdout == ''  # --quiet: nothing but errors
    assert verbose.returncode == 0
    assert 'small-text experiment' in verbose.stderr and '6/6' in verbose.stderr
    assert 'least-confidence, seed 0, accuracy ' in verbose.stderr


def test_same_seeds_give_the_same_csv(workspace, two_runs):
    assert all(result.returncode == 0 for result in two_runs)
    assert (read_csv_rows(workspace / 'quiet' / RESULTS_CSV)
            == read_csv_rows(workspace / 'verbose' / RESULTS_CSV))


def test_resume_continues_unfinished_runs(workspace, follow_up_runs):
    result = follow_up_runs['resumed']
    assert result.returncode == 0, result.stderr
    assert (read_csv_rows(workspace / 'resumed' / RESULTS_CSV)
            == read_csv_rows(workspace / 'quiet' / RESULTS_CSV))


def test_overwrite_replaces_another_configuration(workspace, follow_up_runs):
    assert follow_up_runs['overwritten'].returncode == 0
    assert len(read_csv_rows(workspace / 'overwritten' / RESULTS_CSV)) == 4


def test_command_line_overrides_the_config_file(workspace, follow_up_runs):
    result = follow_up_runs['configured']
    assert result.returncode == 0, result.stderr
    rows = read_csv_rows(workspace / 'configured' / RESULTS_CSV)
    assert [row['num_labels'] for row in rows] == ['6', '11']


# --- bad input: exit status 2, one line on stderr, no traceback ---------------------------

def _prepare_bad_inputs(root):
    (root / 'corrupt.jsonl.gz').write_bytes(b'not gzip')
    write_jsonl(root / 'one.jsonl', [{'text': f'text {i}', 'label': 'spam'} for i in range(400)])
    write_jsonl(root / 'unseen.jsonl', make_rows(3) + [{'text': 'x', 'label': 'art'}])
    (root / 'foreign').mkdir()
    (root / 'foreign' / 'thesis.tex').write_text('precious')
    shutil.copytree(root / 'quiet', root / 'other-config')


BAD_INPUTS = {
    'missing file': (
        lambda root: ['experiment', '--data', root / 'missing.jsonl'],
        ['missing.jsonl does not exist; check the path']),
    'unreadable file': (
        lambda root: ['experiment', '--data', root / 'corrupt.jsonl.gz'],
        ['corrupt.jsonl.gz cannot be read']),
    'unknown column': (
        lambda root: ['experiment', '--data', root / 'train.jsonl', '--label-column', 'topic'],
        ["unknown column 'topic'", 'its columns are text, label', 'choose one with '
                                                                  '--label-column']),
    'unknown strategy': (
        lambda root: ['experiment', '--strategies', 'random,best'],
        ["unknown strategy 'best'",
         'valid names: random, least-confidence, prediction-entropy, breaking-ties']),
    'unknown classifier': (
        lambda root: ['experiment', '--classifier', 'bert'],
        ["unknown classifier 'bert'", 'valid names: svm, logreg']),
    'one class': (
        lambda root: ['experiment', '--data', root / 'one.jsonl'],
        ["only one class ('spam')", 'at least two classes']),
    'test labels unseen in training': (
        lambda root: ['experiment', '--data', root / 'train.jsonl', '--test',
                      root / 'unseen.jsonl', *TINY_ARGS],
        ["labels the training set lacks ('art')"]),
    'fewer texts than the budget': (
        lambda root: ['experiment', '--data', root / 'train.jsonl', '--test',
                      root / 'test.jsonl'],
        ['fewer than --initial + --rounds x --query-size = 25 + 20 x 25 = 525']),
    'zero seeds': (
        lambda root: ['experiment', '--seeds', '0'],
        ['--seeds must be a positive number of seeds (got 0)']),
    'out is not a previous run': (
        lambda root: _experiment(root, 'foreign'),
        ['exists and holds no previous run', '--overwrite']),
    'out of another configuration': (
        lambda root: _experiment(root, 'other-config', '--query-size', '4'),
        ['another configuration (it differs in --query-size)', '--overwrite']),
}


@pytest.fixture(scope='module')
def bad_input_results(workspace, two_runs):
    _prepare_bad_inputs(workspace)
    processes = {name: start_cli(*args(workspace)) for name, (args, _) in BAD_INPUTS.items()}
    return {name: finish(process) for name, process in processes.items()}


@pytest.mark.parametrize('case', list(BAD_INPUTS))
def test_bad_input(bad_input_results, case):
    assert_bad_input(bad_input_results[case], *BAD_INPUTS[case][1])


def test_bad_input_leaves_a_foreign_out_folder_alone(workspace, bad_input_results):
    assert [p.name for p in (workspace / 'foreign').iterdir()] == ['thesis.tex']


IN_PROCESS_BAD_INPUTS = {
    'negative query size': (
        lambda root: ['experiment', '--query-size', '-1'],
        ['--query-size must be a positive integer (got -1)']),
    'test fraction out of range': (
        lambda root: ['experiment', '--data', root / 'train.jsonl', '--test-fraction', '1.5'],
        ['--test-fraction must be a number between 0 and 1']),
    'not a number': (
        lambda root: ['experiment', '--rounds', 'many'],
        ["Invalid value for '--rounds': 'many' is not a valid integer",
         'small-text experiment --help']),
    'resume without a previous run': (
        lambda root: _experiment(root, 'new', '--resume'),
        ['--resume:', 'holds no previous run']),
    'csv with an unterminated quote': (
        lambda root: ['experiment', '--data', _write(root / 'quote.csv',
                                                     'text,label\nok,a\n"open,b\nx,a\n')],
        ['line 3 of --data file', 'quote.csv is not valid CSV']),
    'csv row with too many fields': (
        lambda root: ['experiment', '--data', _write(root / 'fields.csv',
                                                     'text,label\nok,a\nx,y,b\n')],
        ['line 3 of --data file', 'has 3 field(s), but the header has 2']),
    'csv row with an empty text': (
        lambda root: ['experiment', '--data', _write(root / 'empty.csv',
                                                     'text,label\nok,a\n ,b\n')],
        ['line 3 of --data file', "has an empty text in column 'text'"]),
    'jsonl row with an empty text': (
        lambda root: ['experiment', '--data', root / 'train.jsonl', '--test',
                      _write(root / 'empty.jsonl', '{"text": "", "label": "sports"}\n')],
        ['line 1 of --test file', "has an empty text in column 'text'"]),
    'unknown plot format': (
        lambda root: ['experiment', '--plot-format', 'gif'],
        ["--plot-format must be one of png, svg, pdf (got 'gif')"]),
    'unknown stop-on criterion': (
        lambda root: ['experiment', '--stop-on', 'never'],
        ["--stop-on must name one stopping criterion (got 'never')", 'kappa-average']),
    'bad seed list': (
        lambda root: ['experiment', '--seeds', '0,x'],
        ["--seeds must be a number of seeds (e.g. 5) or a comma-separated list"]),
    'missing label names file': (
        lambda root: ['experiment', '--data', root / 'train.jsonl', '--label-names',
                      root / 'nope.json', *TINY_ARGS],
        ['--label-names file', 'nope.json does not exist']),
    'resume of a results file edited out of range': (
        lambda root: _experiment(_edited_run(root), 'edited', '--resume'),
        ['line 2 of results.csv has accuracy 7.5, outside the score range 0 to 1']),
}


def _write(path, text):
    path.write_text(text, encoding='utf-8')
    return path


def _edited_run(root):
    if not (root / 'edited').exists():
        shutil.copytree(root / 'quiet', root / 'edited')
        lines = (root / 'edited' / RESULTS_CSV).read_text().splitlines(keepends=True)
        fields = lines[1].split(',')
        lines[1] = ','.join(fields[:5] + ['7.5'] + fields[6:])  # accuracy
        (root / 'edited' / RESULTS_CSV).write_text(''.join(lines))
    return root
"""Further bad input, checked in-process through the same ``main`` (a subprocess costs a second)."""


@pytest.mark.parametrize('case', list(IN_PROCESS_BAD_INPUTS))
def test_bad_input_in_process(workspace, two_runs, case):
    args, fragments = IN_PROCESS_BAD_INPUTS[case]
    result = CliRunner().invoke(main, [str(arg) for arg in args(workspace)],
                                prog_name='small-text')
    assert_bad_input(subprocess.CompletedProcess(args, result.exit_code, result.stdout,
                                                 result.stderr), *fragments)


@pytest.mark.skipif(not hasattr(os, 'geteuid') or os.geteuid() == 0,
                    reason='file permissions do not stop root')
def test_data_file_without_read_permission(tmp_path):
    path = write_jsonl(tmp_path / 'train.jsonl', make_rows(3))
    path.chmod(0)
    assert_bad_input(run_cli('experiment', '--data', path), 'permission denied')


@pytest.mark.parametrize('content, message', [('rounds = = 1', 'is not valid TOML'),
                                              ('batch-size = 3', "unknown key 'batch-size'")])
def test_bad_config_file(tmp_path, content, message):
    (tmp_path / 'c.toml').write_text(content, encoding='utf-8')
    args = ['experiment', '--config', str(tmp_path / 'c.toml')]
    result = CliRunner().invoke(main, args)
    assert_bad_input(subprocess.CompletedProcess(args, result.exit_code, result.stdout,
                                                 result.stderr), message)


def _rare_label_files(root):
    """Multi-label data with a label ('art') too rare to be in the initial labelled set."""
    rows = make_rows(30, multi_label=True)
    for row in rows[-3:]:
        row['label'] = row['label'] + ['art']
    write_jsonl(root / 'rare.jsonl', rows)
    write_jsonl(root / 'rare-test.jsonl', make_rows(10, seed=1, multi_label=True))
    return ['--data', root / 'rare.jsonl', '--test', root / 'rare-test.jsonl', *TINY_ARGS]


def test_quiet_multi_label_run_prints_nothing_and_constant_labels_do_not_warn(tmp_path):
    args = _rare_label_files(tmp_path)
    processes = [start_cli('experiment', *args, '--out', tmp_path / 'quiet', '--quiet'),
                 start_cli('experiment', *args, '--out', tmp_path / 'verbose')]
    quiet, verbose = [finish(process) for process in processes]
    assert quiet.returncode == 0 and verbose.returncode == 0, verbose.stderr
    assert quiet.stdout == '' and quiet.stderr == ''
    assert 'present in all training examples' not in verbose.stderr
    assert 'Warning' not in verbose.stderr
    assert '| strategy | final micro-F1 |' in verbose.stdout
