"""Annotation pools from memory and from Hugging Face folders: pandas DataFrames and
``datasets.Dataset``, read by the experiment runner's reader."""
import json
import sys

import pytest
from click.testing import CliRunner

from small_text.annotate.export import export_lines
from small_text.annotate.project import DATABASE_FILE, open_project
from small_text.experiments import ExperimentError
from small_text.experiments.cli import main

from .conftest import LABELS

ROWS = [{'text': 'How far is the moon?', 'label': 'NUM', 'key': 'q7'},
        {'text': 'Who wrote Hamlet?', 'label': None, 'key': 'q8'},
        {'text': 'What is a kiwi?', 'label': 'ENTY', 'key': 'q9'}]


def _frame(rows):
    pd = pytest.importorskip('pandas', reason='needs the extra pandas')
    return pd.DataFrame(rows)


def _datasets():
    return pytest.importorskip('datasets', reason='needs the extra datasets')


def _labelled(store):
    return [(record['id'], record['label']) for record in map(json.loads, export_lines(store))]


def test_dataframe_pool_with_ids_and_labels(tmp_path):
    store = open_project(tmp_path / 'p', data=_frame(ROWS), labels=LABELS, id_column='key')
    assert store.num_texts() == 3 and store.text(1) == ('q8', 'Who wrote Hamlet?')
    assert _labelled(store) == [('q7', 'NUM'), ('q9', 'ENTY')]  # the None label is unlabelled
    assert store.settings()['data'] == '<DataFrame of 3 rows>'
    # a reopened project no longer needs the DataFrame
    assert open_project(tmp_path / 'p').num_texts() == 3


def test_dataframe_pool_of_texts_only_with_nan_labels(tmp_path):
    frame = _frame([{'body': row['text'], 'label': float('nan')} for row in ROWS])
    store = open_project(tmp_path / 'p', data=frame, labels='a,b', text_column='body')
    assert store.num_texts() == 3 and store.text(0) == ('1', 'How far is the moon?')
    assert _labelled(store) == []


def test_hf_dataset_pool_reads_class_label_names(tmp_path):
    datasets = _datasets()
    rows = [{'text': row['text'], 'label': row['label'] or 'HUM'} for row in ROWS]
    dataset = datasets.Dataset.from_list(rows).class_encode_column('label')
    assert dataset.features['label'].names == ['ENTY', 'HUM', 'NUM']
    store = open_project(tmp_path / 'p', data=dataset, labels=LABELS)
    assert _labelled(store) == [('1', 'NUM'), ('2', 'HUM'), ('3', 'ENTY')]
    assert store.settings()['data'] == '<Dataset of 3 rows>'


def test_hf_dataset_pool_multi_label_and_unlabelled_class_label(tmp_path):
    datasets = _datasets()
    features = datasets.Features({'text': datasets.Value('string'),
                                  'tags': datasets.Sequence(datasets.ClassLabel(names=['x', 'y'])),
                                  'topic': datasets.ClassLabel(names=['a', 'b'])})
    dataset = datasets.Dataset.from_dict({'text': ['one', 'two'], 'tags': [[1, 0], []],
                                          'topic': [1, -1]}, features=features)
    store = open_project(tmp_path / 'm', data=dataset, labels='x,y', multi_label=True,
                         label_column='tags')
    records = [json.loads(line) for line in export_lines(store)]
    assert [(r['id'], r['labels']) for r in records] == [('1', ['x', 'y']), ('2', [])]
    # ClassLabel -1 means "no label": the text arrives unlabelled
    store = open_project(tmp_path / 's', data=dataset, labels='a,b', label_column='topic')
    assert _labelled(store) == [('1', 'b')]


def test_pool_folder_written_by_save_to_disk(tmp_path):
    datasets = _datasets()
    datasets.Dataset.from_list(ROWS).save_to_disk(str(tmp_path / 'saved'))
    store = open_project(tmp_path / 'p', data=str(tmp_path / 'saved'), labels=LABELS,
                         id_column='key')
    assert _labelled(store) == [('q7', 'NUM'), ('q9', 'ENTY')]
    assert store.settings()['data'] == str((tmp_path / 'saved').resolve())


@pytest.mark.parametrize('options, message', [
    ({'text_column': 'body'},
     "unknown column 'body' in the DataFrame given as data; its columns are text, label, key; "
     'choose one with --text-column'),
    ({'id_column': 'id'}, "unknown column 'id' in the DataFrame.*choose one with --id-column"),
    ({'labels': 'a,b'}, "holds the label 'NUM', which --labels \\(a,b\\) lacks"),
])
def test_bad_dataframe_pools(tmp_path, options, message):
    with pytest.raises(ExperimentError, match=message):
        open_project(tmp_path / 'p', data=_frame(ROWS), **{'labels': LABELS, **options})
    assert not (tmp_path / 'p' / DATABASE_FILE).exists()


def test_bad_dataframe_rows(tmp_path):
    frame = _frame([{'text': ' ', 'label': None}, *ROWS])
    with pytest.raises(ExperimentError, match='row 0 of the DataFrame given as data has an '
                                              'empty text'):
        open_project(tmp_path / 'p', data=frame, labels=LABELS)
    duplicated = _frame([{**row, 'key': 'k'} for row in ROWS])
    with pytest.raises(ExperimentError, match="holds the id 'k' more than once"):
        open_project(tmp_path / 'q', data=duplicated, labels=LABELS, id_column='key')


def test_bad_hf_dataset_column(tmp_path):
    dataset = _datasets().Dataset.from_list(ROWS)
    with pytest.raises(ExperimentError, match="unknown column 'body' in the dataset given as "
                                              'data; its columns are text, label, key'):
        open_project(tmp_path / 'p', data=dataset, labels=LABELS, text_column='body')


def test_data_of_another_type_is_rejected(tmp_path):
    with pytest.raises(ExperimentError, match='--data must be a path, a pandas DataFrame or a '
                                              'datasets.Dataset \\(got list\\)'):
        open_project(tmp_path / 'p', data=ROWS, labels=LABELS)


def test_saved_dataset_pool_without_datasets_names_the_extra(tmp_path, monkeypatch):
    (tmp_path / 'saved').mkdir()
    (tmp_path / 'saved' / 'dataset_info.json').write_text('{}')
    monkeypatch.setitem(sys.modules, 'datasets', None)
    with pytest.raises(ExperimentError, match=r'--data .*saved \(a Hugging Face dataset folder\) '
                                              r'needs datasets, which is not installed: pip '
                                              r'install "small-text\[datasets\]"'):
        open_project(tmp_path / 'p', data=tmp_path / 'saved', labels=LABELS)


def test_annotate_command_names_the_split_of_a_saved_dataset_dict(tmp_path):
    pytest.importorskip('starlette', reason='needs the extra annotate')
    pytest.importorskip('uvicorn', reason='needs the extra annotate')
    datasets = _datasets()
    datasets.DatasetDict({'train': datasets.Dataset.from_list(ROWS)}).save_to_disk(
        str(tmp_path / 'dd'))
    result = CliRunner().invoke(main, ['annotate', str(tmp_path / 'p'), '--data',
                                       str(tmp_path / 'dd'), '--labels', 'a,b'])
    assert result.exit_code == 2
    assert 'holds a DatasetDict with the splits train; pass the folder of one split' in \
        result.stderr
