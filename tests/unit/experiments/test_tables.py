"""Data from memory and from Hugging Face folders: pandas DataFrames, ``datasets.Dataset``."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from small_text.experiments import ExperimentError, run_experiment
from small_text.experiments.cli import main
from small_text.experiments.data import read_table
from small_text.experiments.outputs import RESULTS_JSON

from ._helpers import TINY, TINY_ARGS, assert_bad_input, make_rows


def _frame(rows):
    pd = pytest.importorskip('pandas', reason='needs the extra pandas')
    return pd.DataFrame(rows)


def _dataset(rows, class_label=False):
    datasets = pytest.importorskip('datasets', reason='needs the extra datasets')
    dataset = datasets.Dataset.from_list(rows)
    if class_label:
        dataset = dataset.class_encode_column('label')
    return dataset


def test_run_experiment_on_dataframes(tmp_path):
    train, test = _frame(make_rows(30)), _frame(make_rows(10, seed=1))
    results = run_experiment(data=train, test=test, out=tmp_path / 'out', quiet=True, **TINY)
    assert [row['num_labels'] for row in results.rows[:3]] == [6, 11, 16]
    stored = json.loads((tmp_path / 'out' / RESULTS_JSON).read_text())
    assert stored['config']['data'] == '<DataFrame of 90 rows>'
    assert stored['dataset']['name'] == 'dataframe'
    assert stored['dataset']['classes'] == ['cooking', 'science', 'sports']
    # the same frames continue the finished experiment; other contents do not
    again = run_experiment(data=train, test=test, out=tmp_path / 'out', quiet=True, **TINY)
    assert again.rows == results.rows
    changed = train.copy()
    changed.loc[0, 'text'] = 'other words'
    with pytest.raises(ExperimentError, match='the contents of the data files'):
        run_experiment(data=changed, test=test, out=tmp_path / 'out', quiet=True, **TINY)


def test_run_experiment_on_hf_datasets_uses_class_label_names(tmp_path):
    train = _dataset(make_rows(30), class_label=True)
    test = _dataset(make_rows(10, seed=1), class_label=True)
    results = run_experiment(data=train, test=test, quiet=True, **TINY)
    assert len(results.rows) == 6 and results.out is None
    assert train.features['label'].names == ['cooking', 'science', 'sports']
    config = results.config.to_dict()
    assert config['data'] == '<Dataset of 90 rows>'


def test_dataframe_multi_label_and_test_fraction():
    frame = _frame(make_rows(30, multi_label=True))
    results = run_experiment(data=frame, test_fraction=0.2, quiet=True, **TINY)
    assert 'final micro-F1' in results.summary_table


@pytest.mark.parametrize('change, message', [
    (lambda f: f.rename(columns={'label': 'topic'}),
     "unknown column 'label' in the DataFrame given as data; its columns are text, topic"),
    (lambda f: f.assign(label=[None] + list(f['label'][1:])),
     "row 0 of the DataFrame given as data has no 'label' value"),
    (lambda f: f.assign(text=[''] + list(f['text'][1:])),
     "row 0 of the DataFrame given as data has an empty text"),
    (lambda f: f.assign(text=[float('nan')] + list(f['text'][1:])),
     "row 0 of the DataFrame given as data: the text in column 'text' is not a string"),
])
def test_bad_dataframes(change, message):
    frame = change(_frame(make_rows(10)))
    with pytest.raises(ExperimentError, match=message):
        run_experiment(data=frame, test_fraction=0.2, quiet=True, **TINY)


def test_bad_hf_dataset_row():
    dataset = _dataset([{'text': ' ', 'label': 'a'}, *make_rows(10)])
    with pytest.raises(ExperimentError, match='row 0 of the dataset given as data has an '
                                              'empty text'):
        run_experiment(data=dataset, test_fraction=0.2, quiet=True, **TINY)


def _invoke(args):
    result = CliRunner().invoke(main, [str(arg) for arg in args], prog_name='small-text')
    return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)


def test_data_folder_written_by_save_to_disk(tmp_path):
    datasets = pytest.importorskip('datasets', reason='needs the extra datasets')
    _dataset(make_rows(30), class_label=True).save_to_disk(str(tmp_path / 'train'))
    _dataset(make_rows(10, seed=1), class_label=True).save_to_disk(str(tmp_path / 'test'))
    result = _invoke(['experiment', '--data', tmp_path / 'train', '--test', tmp_path / 'test',
                      *TINY_ARGS, '--out', tmp_path / 'out'])
    assert result.returncode == 0, result.stderr
    stored = json.loads((tmp_path / 'out' / RESULTS_JSON).read_text())
    assert stored['dataset']['classes'] == ['cooking', 'science', 'sports']
    assert len(stored['dataset']['files']['train']['sha256']) == 64

    datasets.DatasetDict({'train': _dataset(make_rows(5))}).save_to_disk(str(tmp_path / 'dd'))
    assert_bad_input(_invoke(['experiment', '--data', tmp_path / 'dd']),
                     'holds a DatasetDict with the splits train; pass the folder of one split')


def test_saved_dataset_folder_without_datasets_names_the_extra(tmp_path, monkeypatch):
    (tmp_path / 'saved').mkdir()
    (tmp_path / 'saved' / 'dataset_info.json').write_text('{}')
    monkeypatch.setitem(sys.modules, 'datasets', None)
    with pytest.raises(ExperimentError, match=r'needs datasets, which is not installed: pip '
                                              r'install "small-text\[datasets\]"'):
        read_table(tmp_path / 'saved', 'text', 'label')


def test_pandas_and_datasets_are_extras_in_all():
    import tomllib
    from pathlib import Path
    pyproject = Path(__file__).resolve().parents[3] / 'pyproject.toml'
    extras = tomllib.loads(pyproject.read_text())['project']['optional-dependencies']
    assert extras['pandas'][0].startswith('pandas') and extras['datasets'][0].startswith(
        'datasets')
    assert 'pandas' in extras['all'][0] and 'datasets' in extras['all'][0]
