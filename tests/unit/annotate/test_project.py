"""Creating and reopening projects, and exporting them (no web framework needed)."""
import json

import pytest

from small_text.annotate.export import export_lines
from small_text.annotate.project import DATABASE_FILE, open_existing_project, open_project
from small_text.experiments import ExperimentError

from ._helpers import write_pool
from .conftest import LABELS


def test_new_project_stores_pool_and_settings(tmp_path, pool_file):
    store = open_project(tmp_path / 'p', data=pool_file, labels='DESC,ENTY,ABBR,HUM,LOC,NUM')
    settings = store.settings()
    assert store.num_texts() == 300 and store.text(0)[0] == '1'
    assert settings['labels'] == LABELS and settings['multi_label'] is False
    assert (settings['strategy'], settings['classifier'], settings['query_size']) == \
        ('breaking-ties', 'svm', 10)
    assert (tmp_path / 'p' / 'models').is_dir()
    assert not (tmp_path / 'p' / (DATABASE_FILE + '.new')).exists()


def test_reopen_keeps_the_settings_and_may_change_the_loop(tmp_path, pool_file):
    open_project(tmp_path / 'p', data=pool_file, labels=LABELS, query_size=4)
    store = open_project(tmp_path / 'p', strategy='least-confidence')
    settings = store.settings()
    assert settings['query_size'] == 4 and settings['strategy'] == 'least-confidence'
    assert store.num_texts() == 300


def test_reopen_rejects_data_options(tmp_path, pool_file):
    open_project(tmp_path / 'p', data=pool_file, labels=LABELS)
    with pytest.raises(ExperimentError, match='existing project.*drop --data, --labels'):
        open_project(tmp_path / 'p', data=pool_file, labels=LABELS)


def test_id_column(tmp_path, trec_rows):
    rows = [{**row, 'key': f'q{i}'} for i, row in enumerate(trec_rows[:10])]
    pool = write_pool(tmp_path / 'pool.jsonl', rows, keep=('text', 'key'))
    store = open_project(tmp_path / 'p', data=pool, labels='a,b', id_column='key')
    assert store.position('q3') == 3 and store.position('4') is None


def test_multi_label_import_of_lists_and_comma_separated_labels(tmp_path):
    rows = [{'text': 'one', 'label': ['y', 'x']}, {'text': 'two', 'label': 'y, z'},
            {'text': 'three'}]
    pool = write_pool(tmp_path / 'pool.jsonl', rows, keep=('text', 'label'))
    store = open_project(tmp_path / 'p', data=pool, labels='x,y,z', multi_label=True)
    records = [json.loads(line) for line in export_lines(store)]
    assert [(r['id'], r['labels']) for r in records] == [('1', ['x', 'y']), ('2', ['y', 'z'])]


@pytest.mark.parametrize('options, message', [
    ({'labels': 'a,b'}, 'a new project needs --data'),
    ({'data': 'POOL'}, 'a new project needs --labels'),
    ({'data': 'POOL', 'labels': 'a'}, 'give at least two'),
    ({'data': 'POOL', 'labels': 'a,,b'}, 'empty name'),
    ({'data': 'POOL', 'labels': 'a,b,a'}, 'names a more than once'),
    ({'data': 'POOL', 'labels': 'a,b', 'query_size': 0}, '--query-size must be a positive'),
    ({'data': 'POOL', 'labels': 'a,b', 'strategy': 'nope'}, "unknown strategy 'nope'"),
    ({'data': 'POOL', 'labels': 'a,b', 'classifier': 'nope'}, "unknown classifier 'nope'"),
    ({'data': 'POOL', 'labels': 'a,b', 'classifier': 'transformer'}, 'needs a pretrained'),
    ({'data': 'POOL', 'labels': 'a,b', 'strategy': 'label-cardinality-inconsistency'},
     'works only on multi-label data'),
    ({'data': 'POOL', 'labels': 'a,b', 'text_column': 'body'}, "unknown column 'body'"),
    ({'data': 'POOL', 'labels': 'a,b', 'id_column': 'key'}, "unknown column 'key'.*--id-column"),
    ({'data': 'missing.jsonl', 'labels': 'a,b'}, 'does not exist'),
])
def test_bad_input(tmp_path, pool_file, options, message):
    if options.get('data') == 'POOL':
        options['data'] = pool_file
    elif 'data' in options:
        options['data'] = tmp_path / options['data']
    with pytest.raises(ExperimentError, match=message):
        open_project(tmp_path / 'p', **options)
    assert not (tmp_path / 'p' / DATABASE_FILE).exists()


def test_labels_in_the_data_must_be_known(tmp_path):
    pool = write_pool(tmp_path / 'pool.jsonl', [{'text': 't', 'label': 'c'}],
                      keep=('text', 'label'))
    with pytest.raises(ExperimentError, match="label 'c', which --labels \\(a,b\\) lacks"):
        open_project(tmp_path / 'p', data=pool, labels='a,b')
    lists = write_pool(tmp_path / 'lists.jsonl', [{'text': 't', 'label': ['a']}],
                       keep=('text', 'label'))
    with pytest.raises(ExperimentError, match='--multi-label'):
        open_project(tmp_path / 'q', data=lists, labels='a,b')


def test_duplicate_ids_are_rejected(tmp_path):
    rows = [{'text': 't1', 'key': 'k'}, {'text': 't2', 'key': 'k'}]
    pool = write_pool(tmp_path / 'pool.jsonl', rows, keep=('text', 'key'))
    with pytest.raises(ExperimentError, match="holds the id 'k' more than once"):
        open_project(tmp_path / 'p', data=pool, labels='a,b', id_column='key')


def test_a_folder_with_other_files_is_no_project(tmp_path, pool_file):
    (tmp_path / 'p').mkdir()
    (tmp_path / 'p' / 'notes.txt').write_text('x')
    with pytest.raises(ExperimentError, match='not empty and holds no annotation project'):
        open_project(tmp_path / 'p', data=pool_file, labels='a,b')
    with pytest.raises(ExperimentError, match='holds no annotation project'):
        open_existing_project(tmp_path / 'p')


def test_export_of_an_unknown_format_is_rejected(store):
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        list(export_lines(store, 'xml'))
