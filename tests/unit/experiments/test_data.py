import gzip
import sys

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.experiments import ExperimentConfig, ExperimentError
from small_text.experiments.data import dataset_name, load_data, read_table

from ._helpers import make_rows, write_csv, write_jsonl


def _config(train, test=None, **kwargs):
    return ExperimentConfig(data=train, test=test, initial=6, rounds=2, query_size=5, **kwargs)


def test_bundled_default_is_trec6():
    data = load_data(ExperimentConfig())
    assert data.name == 'trec6'
    assert (len(data.train_texts), len(data.test_texts)) == (5452, 500)
    assert data.class_names == ['DESC', 'ENTY', 'ABBR', 'HUM', 'LOC', 'NUM']
    assert not data.multi_label
    assert np.bincount(data.y_train).tolist() == [1162, 1250, 86, 1223, 835, 896]
    assert np.bincount(data.y_test).tolist() == [138, 94, 9, 65, 81, 113]
    assert data.train_texts[0] == 'How did serfdom develop in and then leave Russia ?'
    assert len(data.files['train']['sha256']) == 64


def test_jsonl_with_string_labels(tiny_files):
    train, test = tiny_files
    data = load_data(_config(train, test))
    assert data.class_names == ['cooking', 'science', 'sports']
    assert data.y_train.dtype == np.int64 and data.y_train.shape == (90,)
    assert data.num_classes == 3 and not data.multi_label
    assert data.files['test']['path'] == str(test.resolve())


@pytest.mark.parametrize('suffix', ['.csv', '.csv.gz', '.jsonl.gz'])
def test_csv_and_gzip_files_read_like_jsonl(tmp_path, suffix):
    rows = make_rows(30)
    path = tmp_path / f'other{suffix.replace(".gz", "")}'
    (write_csv if suffix.startswith('.csv') else write_jsonl)(path, rows)
    if suffix.endswith('.gz'):
        gz_path = tmp_path / f'other{suffix}'
        gz_path.write_bytes(gzip.compress(path.read_bytes()))
        path = gz_path
    texts, labels = read_table(path, 'text', 'label')
    assert texts == [row['text'] for row in rows]
    assert labels == [row['label'] for row in rows]


def test_parquet_with_list_labels_is_multi_label(tmp_path):
    pa = pytest.importorskip('pyarrow', reason='needs the parquet extra: pip install "small-text[parquet]"')
    pq = pytest.importorskip('pyarrow.parquet', reason='needs the parquet extra: pip install "small-text[parquet]"')
    rows = make_rows(30, multi_label=True)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / 'train.parquet')
    pq.write_table(pa.Table.from_pylist(make_rows(10, seed=1, multi_label=True)),
                   tmp_path / 'test.parquet')
    data = load_data(_config(tmp_path / 'train.parquet', tmp_path / 'test.parquet'))
    assert data.multi_label
    assert isinstance(data.y_train, csr_matrix) and data.y_train.shape == (90, 3)
    assert data.y_train[0].indices.tolist() == [1, 2]  # sports + cooking


def test_parquet_without_pyarrow_names_the_extra(tmp_path, monkeypatch):
    (tmp_path / 'train.parquet').write_bytes(b'PAR1')
    monkeypatch.setitem(sys.modules, 'pyarrow', None)
    monkeypatch.setitem(sys.modules, 'pyarrow.parquet', None)
    with pytest.raises(ExperimentError, match=r'needs pyarrow.*small-text\[parquet\]'):
        read_table(tmp_path / 'train.parquet', 'text', 'label')


def test_invalid_parquet_file(tmp_path):
    pytest.importorskip('pyarrow.parquet', reason='needs the parquet extra: pip install "small-text[parquet]"')
    (tmp_path / 'train.parquet').write_bytes(b'not parquet')
    with pytest.raises(ExperimentError, match='is not a valid Parquet file'):
        read_table(tmp_path / 'train.parquet', 'text', 'label')


def test_parquet_unknown_column(tmp_path):
    pa = pytest.importorskip('pyarrow', reason='needs the parquet extra: pip install "small-text[parquet]"')
    pq = pytest.importorskip('pyarrow.parquet', reason='needs the parquet extra: pip install "small-text[parquet]"')
    pq.write_table(pa.Table.from_pylist(make_rows(2)), tmp_path / 'train.parquet')
    with pytest.raises(ExperimentError, match="unknown column 'y'.*--label-column"):
        read_table(tmp_path / 'train.parquet', 'text', 'y')


def test_comma_separated_csv_labels_are_multi_label(tmp_path):
    train = write_csv(tmp_path / 'train.csv', make_rows(30, multi_label=True))
    test = write_csv(tmp_path / 'test.csv', make_rows(10, seed=1, multi_label=True))
    data = load_data(_config(train, test))
    assert data.multi_label
    assert data.class_names == ['cooking', 'science', 'sports']
    assert data.y_train[0].indices.tolist() == [1, 2]  # sports + science
    assert data.y_test.shape == (30, 3)


def test_numeric_labels_sort_numerically_and_keep_their_names(tmp_path):
    rows = [{'text': f't{i}', 'label': str(label)} for i, label in
            enumerate([10, 2, 2, 10, 1] * 10)]
    train = write_csv(tmp_path / 'train.csv', rows)
    data = load_data(ExperimentConfig(data=train, initial=3, rounds=1, query_size=1))
    assert data.class_names == ['1', '2', '10']


def test_test_fraction_split_is_fixed_and_stratified(tiny_files):
    train, _ = tiny_files
    first = load_data(_config(train, test_fraction=0.2))
    second = load_data(_config(train, test_fraction=0.2))
    assert first.test_texts == second.test_texts
    assert (len(first.train_texts), len(first.test_texts)) == (72, 18)
    assert np.bincount(first.y_test).tolist() == [6, 6, 6]
    assert first.files['test'] is None
    assert len(load_data(_config(train)).test_texts) == 18  # default fraction 0.2


def test_test_fraction_with_a_class_too_rare_to_stratify(tmp_path):
    # a single example cannot be stratified: the split falls back to a plain one, and the
    # example (here in the test part) is reported as a label the training set lacks
    rows = make_rows(30) + [{'text': 'unique', 'label': 'rare'}]
    train = write_jsonl(tmp_path / 'train.jsonl', rows)
    with pytest.raises(ExperimentError, match="training set lacks \\('rare'\\)"):
        load_data(_config(train, test_fraction=0.5))


@pytest.mark.parametrize('path, name', [('reviews.csv', 'reviews'),
                                         ('mr/train.jsonl.gz', 'mr'),
                                         ('x/data.parquet', 'x')])
def test_dataset_name(tmp_path, path, name):
    assert dataset_name(tmp_path / path) == name


def test_missing_file(tmp_path):
    with pytest.raises(ExperimentError, match='--data file .* does not exist; check the path'):
        read_table(tmp_path / 'nope.jsonl', 'text', 'label')


def test_folder_instead_of_file(tmp_path):
    (tmp_path / 'dir.jsonl').mkdir()
    with pytest.raises(ExperimentError, match='is a folder; pass a data file'):
        read_table(tmp_path / 'dir.jsonl', 'text', 'label')


@pytest.mark.parametrize('name', ['train.txt', 'train', 'train.gz'])
def test_unsupported_file_type(tmp_path, name):
    (tmp_path / name).write_text('x', encoding='utf-8')
    with pytest.raises(ExperimentError, match='unsupported type; use a .jsonl, .csv or '
                                              '.parquet file'):
        read_table(tmp_path / name, 'text', 'label')


@pytest.mark.parametrize('content, message', [
    (b'{"text": "a", "label": 1}\n{"text": \n', 'line 2 of .* is not valid JSON'),
    (b'[1, 2]\n', 'line 1 of .* is not a JSON object'),
    (b'\xff\xfe\x00garbage', 'cannot be read'),
])
def test_malformed_jsonl(tmp_path, content, message):
    (tmp_path / 'train.jsonl').write_bytes(content)
    with pytest.raises(ExperimentError, match=message):
        read_table(tmp_path / 'train.jsonl', 'text', 'label')


def test_corrupt_gzip(tmp_path):
    (tmp_path / 'train.jsonl.gz').write_bytes(b'not gzip at all')
    with pytest.raises(ExperimentError, match='cannot be read'):
        read_table(tmp_path / 'train.jsonl.gz', 'text', 'label')


@pytest.mark.parametrize('column, flag', [('body', '--text-column'),
                                          ('category', '--label-column')])
def test_unknown_column_lists_the_columns(tiny_files, column, flag):
    train, _ = tiny_files
    text_column, label_column = ('body', 'label') if flag == '--text-column' else \
        ('text', 'category')
    with pytest.raises(ExperimentError, match=f"unknown column '{column}' in --data file "
                                              f".*its columns are text, label; choose one "
                                              f"with {flag}"):
        read_table(train, text_column, label_column)


@pytest.mark.parametrize('row, message', [
    ({'text': 'b'}, "line 2 of .* has no 'label' value"),
    ({'text': 'b', 'label': None}, "line 2 of .* has no 'label' value"),
    ({'text': 3, 'label': 'x'}, 'line 2 of .*is not a string'),
    ({'text': ' ', 'label': 'x'}, "line 2 of .* has an empty text in column 'text'"),
])
def test_incomplete_rows(tmp_path, row, message):
    path = write_jsonl(tmp_path / 'train.jsonl', [{'text': 'a', 'label': 'x'}, row])
    with pytest.raises(ExperimentError, match=message):
        read_table(path, 'text', 'label')


def test_empty_file(tmp_path):
    (tmp_path / 'train.jsonl').write_text('\n', encoding='utf-8')
    with pytest.raises(ExperimentError, match='holds no rows'):
        read_table(tmp_path / 'train.jsonl', 'text', 'label')


def test_labels_must_be_strings_or_numbers(tmp_path):
    rows = [{'text': 't', 'label': {'a': 1}}] * 40
    path = write_jsonl(tmp_path / 'train.jsonl', rows)
    with pytest.raises(ExperimentError, match='neither a string nor a number'):
        load_data(_config(path))


def test_one_class(tmp_path):
    path = write_jsonl(tmp_path / 'train.jsonl', [{'text': f't{i}', 'label': 'a'}
                                                  for i in range(40)])
    with pytest.raises(ExperimentError, match="only one class \\('a'\\).*at least two"):
        load_data(_config(path, test_fraction=0.2))


def test_test_labels_unseen_in_training(tmp_path, tiny_files):
    train, _ = tiny_files
    test = write_jsonl(tmp_path / 'test2.jsonl', make_rows(2) + [{'text': 'x', 'label': 'art'}])
    with pytest.raises(ExperimentError, match=r"test set has labels the training set lacks "
                                              r"\('art'\)"):
        load_data(_config(train, test))


def test_too_few_texts_for_the_budget(tiny_files):
    train, test = tiny_files
    config = ExperimentConfig(data=train, test=test, initial=10, rounds=9, query_size=9)
    with pytest.raises(ExperimentError, match=r'90 texts, fewer than --initial \+ --rounds x '
                                              r'--query-size = 10 \+ 9 x 9 = 91'):
        load_data(config)


def test_fewer_initial_labels_than_classes(tiny_files):
    train, test = tiny_files
    with pytest.raises(ExperimentError, match=r'--initial 2 is less than the number of '
                                              r'classes \(3\)'):
        load_data(ExperimentConfig(data=train, test=test, initial=2, rounds=1))


@pytest.mark.parametrize('content, message', [
    ('text,label\n"an open quote,a\nnext,b\n', 'line 2 of --data file .* is not valid CSV'),
    ('text,label\nok,a\n"x"y,b\n', 'line 3 of --data file .* is not valid CSV'),
    ('text,label\nok,a\nthree,fields,b\n', 'line 3 of .* has 3 field\\(s\\), but the header '
                                           'has 2; quote fields that contain commas'),
    ('text,label\nok,a\nonly one field\n', 'line 3 of .* has 1 field\\(s\\), but the header '
                                           'has 2'),
    ('text,label\nok,a\n,b\n', "line 3 of .* has an empty text in column 'text'"),
    ('text,label\n"multi\nline",a\n  ,b\n', "line 4 of .* has an empty text"),
    ('text,label\nok,a\nalso ok,\n', "line 3 of .* has no 'label' value"),
    ('text,text,label\na,b,c\n', "header \\(line 1\\) .* names the column\\(s\\) 'text' more "
                                 'than once'),
])
def test_csv_is_parsed_strictly(tmp_path, content, message):
    (tmp_path / 'train.csv').write_text(content, encoding='utf-8')
    with pytest.raises(ExperimentError, match=message):
        read_table(tmp_path / 'train.csv', 'text', 'label')


def test_csv_quoted_fields_and_blank_lines_are_fine(tmp_path):
    (tmp_path / 'train.csv').write_text('text,label\n"a, b ""c""",x\n\n"two\nlines",y\n',
                                        encoding='utf-8')
    assert read_table(tmp_path / 'train.csv', 'text', 'label') == (
        ['a, b "c"', 'two\nlines'], ['x', 'y'])


def test_jsonl_empty_text_names_the_line(tmp_path):
    (tmp_path / 'train.jsonl').write_text('{"text": "a", "label": 1}\n\n{"text": "", '
                                          '"label": 2}\n', encoding='utf-8')
    with pytest.raises(ExperimentError, match="line 3 of --data file .* has an empty text"):
        read_table(tmp_path / 'train.jsonl', 'text', 'label')


def _int_label_files(tmp_path, labels_json=None):
    rows = [{'text': row['text'], 'label': ['cooking', 'science', 'sports'].index(row['label'])}
            for row in make_rows(10)]
    path = write_jsonl(tmp_path / 'train.jsonl', rows)
    if labels_json is not None:
        (tmp_path / 'labels.json').write_text(labels_json, encoding='utf-8')
    return path


def test_class_names_from_labels_json_beside_the_data(tmp_path):
    path = _int_label_files(tmp_path, '["cooking", "science", "sports"]')
    assert load_data(_config(path, test_fraction=0.2)).class_names == [
        'cooking', 'science', 'sports']
    (tmp_path / 'labels.json').unlink()
    assert load_data(_config(path, test_fraction=0.2)).class_names == ['0', '1', '2']


def test_label_names_option_takes_a_list_or_an_object(tmp_path):
    path = _int_label_files(tmp_path, '["x", "y", "z"]')
    (tmp_path / 'names.json').write_text('{"0": "zero", "1": "one", "2": "two", "9": "nine"}')
    data = load_data(_config(path, test_fraction=0.2, label_names=tmp_path / 'names.json'))
    assert data.class_names == ['zero', 'one', 'two']  # the option wins over labels.json
    (tmp_path / 'sub').mkdir()
    text_labels = write_jsonl(tmp_path / 'sub' / 'train.jsonl', make_rows(10))
    (tmp_path / 'sub' / 'labels.json').write_text('["a", "b", "c"]')  # ignored: text labels
    assert load_data(_config(text_labels, test_fraction=0.2)).class_names == [
        'cooking', 'science', 'sports']


@pytest.mark.parametrize('content, beside, message', [
    ('["cooking", "science"]', True, 'the label names file .*labels.json has no name for the '
                                     'label 2 \\(it lists 2 names for labels 0 to 1\\)'),
    ('{"0": "a", "1": "b"}', False, "--label-names file .* has no name for the label 2"),
    ('["a", "b", "a"]', False, "gives the name 'a' to more than one label"),
    ('["a", "b", ', True, 'is not valid JSON'),
    ('[1, 2, 3]', False, 'non-empty list of class names'),
    ('"abc"', False, 'non-empty list of class names'),
    ('[]', False, 'non-empty list of class names'),
])
def test_bad_label_names(tmp_path, content, beside, message):
    path = _int_label_files(tmp_path)
    names = tmp_path / ('labels.json' if beside else 'names.json')
    names.write_text(content, encoding='utf-8')
    with pytest.raises(ExperimentError, match=message):
        load_data(_config(path, test_fraction=0.2, label_names=None if beside else names))


def test_label_names_list_for_text_labels_is_rejected(tiny_files, tmp_path):
    (tmp_path / 'names.json').write_text('["a", "b", "c"]')
    with pytest.raises(ExperimentError, match='the labels here are not integers'):
        load_data(_config(*tiny_files, label_names=tmp_path / 'names.json'))


def test_missing_label_names_file(tiny_files, tmp_path):
    with pytest.raises(ExperimentError, match='--label-names file .* does not exist'):
        load_data(_config(*tiny_files, label_names=tmp_path / 'nope.json'))
