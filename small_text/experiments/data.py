"""Reading experiment data: JSON lines, CSV or Parquet files, or the bundled TREC-6 set."""
import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from small_text.experiments.exceptions import ExperimentError

BUNDLED_DATASET = 'trec6'
"""Name of the data set used when no ``--data`` is given."""

_BUNDLED_DIR = Path(__file__).resolve().parent / 'data' / BUNDLED_DATASET
_SUFFIXES = {'.jsonl': 'jsonl', '.csv': 'csv', '.parquet': 'parquet'}
_GENERIC_STEMS = {'train', 'training', 'data', 'dataset'}


@dataclass
class ExperimentData:
    """Texts and encoded labels of the train and test split.

    Single-label ``y`` is an int ndarray, multi-label ``y`` a csr indicator matrix; label id
    ``i`` means ``class_names[i]``. ``files`` maps ``'train'``/``'test'`` to the path and
    SHA-256 of the file it was read from.
    """
    name: str
    train_texts: list
    y_train: object
    test_texts: list
    y_test: object
    class_names: list
    multi_label: bool
    files: dict

    @property
    def num_classes(self):
        """Number of classes (label ids are ``0 .. num_classes - 1``)."""
        return len(self.class_names)


def load_data(config):
    """Read and encode the data described by ``config`` and check it fits the experiment.

    Parameters
    ----------
    config : ExperimentConfig

    Returns
    -------
    ExperimentData

    Raises
    ------
    ExperimentError
        If a file is missing, unreadable or malformed, a column is unknown, the data has only
        one class, the test set has labels the training set lacks, or the training set is too
        small for ``initial + rounds * query_size`` labels.
    """
    columns = (config.text_column, config.label_column)
    if config.data is None:
        train_path, test_path = _BUNDLED_DIR / 'train.jsonl.gz', _BUNDLED_DIR / 'test.jsonl.gz'
        name = BUNDLED_DATASET
    else:
        train_path, test_path = config.data, config.test
        name = dataset_name(train_path)
    train_texts, train_values = read_table(train_path, *columns, option='--data')
    if test_path is None:
        train_texts, train_values, test_texts, test_values = _split(
            train_texts, train_values, config.test_fraction)
    else:
        test_texts, test_values = read_table(test_path, *columns, option='--test')

    multi_label = _is_multi_label(train_values) or _is_multi_label(test_values)
    if multi_label:
        train_values, test_values = _label_sets(train_values), _label_sets(test_values)
    classes = _classes(train_values, multi_label)
    if config.data is None:
        with open(_BUNDLED_DIR / 'labels.json', encoding='utf-8') as f:
            names = json.load(f)
        class_names = [names[value] for value in classes]
    else:
        class_names = [str(value) for value in classes]

    data = ExperimentData(name=name,
                          train_texts=train_texts,
                          y_train=_encode(train_values, classes, multi_label),
                          test_texts=test_texts,
                          y_test=_encode(test_values, classes, multi_label),
                          class_names=class_names,
                          multi_label=multi_label,
                          files={'train': _file_info(train_path),
                                 'test': None if test_path is None else _file_info(test_path)})
    _check_fits(data, config)
    return data


def dataset_name(path):
    """Return a short name for a data file: its stem, or its folder's name for generic stems.

    ``reviews.csv`` gives ``'reviews'``; ``mr/train.jsonl.gz`` gives ``'mr'``.
    """
    path = Path(path)
    stem = path.name.split('.')[0]
    if stem.lower() in _GENERIC_STEMS and path.resolve().parent.name:
        return path.resolve().parent.name
    return stem


def read_table(path, text_column, label_column, option='--data'):
    """Return the texts and the raw label values of a JSONL, CSV or Parquet file.

    JSON lines and CSV files may be gzip-compressed (``.jsonl.gz``, ``.csv.gz``). Raw label
    values are returned as read: scalars, strings or lists.

    Raises
    ------
    ExperimentError
        If the file is missing or unreadable, its type is not supported, a column is missing
        or a row lacks a text or label.
    """
    texts, (labels,) = read_columns(path, text_column, {label_column: '--label-column'},
                                    option=option)
    return texts, labels


def read_columns(path, text_column, columns, option='--data', optional=()):
    """Return the texts and the raw values of further columns of a data file.

    Reads the files :func:`read_table` reads.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl``, ``.csv`` or ``.parquet`` file (``.jsonl.gz`` and ``.csv.gz`` too).
    text_column : str
        Column of the texts (strings; every row needs one).
    columns : dict
        Further columns to read, each mapped to the command-line option that names it (for
        error messages), e.g. ``{'label': '--label-column'}``.
    option : str, default='--data'
        The command-line option that named ``path``.
    optional : collection of str, default=()
        Columns of ``columns`` that may be absent from the file or empty in a row; their
        missing values are None. The others need a non-empty value in every row.

    Returns
    -------
    texts : list of str
    values : list of list
        One list of raw values per column of ``columns``, in that order.

    Raises
    ------
    ExperimentError
        If the file is missing or unreadable, its type is not supported, a required column is
        missing or a row lacks a text or a required value.
    """
    path = Path(path)
    file_format = _file_format(path, option)
    if not path.exists():
        raise ExperimentError(f'{option} file {path} does not exist; check the path')
    if path.is_dir():
        raise ExperimentError(f'{option} {path} is a folder; pass a data file')
    flags = {text_column: '--text-column', **columns}
    try:
        if file_format == 'parquet':
            rows = _read_parquet(path, flags, optional, option)
        else:
            with _open_text(path) as f:
                rows = list(_read_jsonl(f, path) if file_format == 'jsonl' else csv.DictReader(f))
    except PermissionError:
        raise ExperimentError(f'{option} file {path} cannot be read (permission denied); '
                              'check its permissions') from None
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError, csv.Error) as e:
        raise ExperimentError(f'{option} file {path} cannot be read ({e}); pass a '
                              'UTF-8 text file or a valid .gz file') from None

    texts, values = [], [[] for _ in columns]
    for number, row in enumerate(rows, start=1):
        for column in flags:
            if column not in row and column not in optional:
                if number == 1:
                    _raise_unknown_column(column, list(row), path, option, flags[column])
                raise ExperimentError(f'row {number} of {option} file {path} has no '
                                      f'{column!r} value; fill it in or remove the row')
        text = row[text_column]
        if not isinstance(text, str):
            raise ExperimentError(f'row {number} of {option} file {path}: the text in column '
                                  f'{text_column!r} is not a string ({text!r})')
        texts.append(text)
        for column, column_values in zip(columns, values):
            value = row.get(column)
            if value is None or value == '':
                if column not in optional:
                    raise ExperimentError(f'row {number} of {option} file {path} has no '
                                          f'{column!r} value; fill it in or remove the row')
                value = None
            column_values.append(value)
    if not texts:
        raise ExperimentError(f'{option} file {path} holds no rows; pass a file with data')
    return texts, values


def _file_format(path, option):
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == '.gz':
        suffixes = suffixes[:-1]
        if suffixes and suffixes[-1] == '.parquet':
            suffixes = []
    if not suffixes or suffixes[-1] not in _SUFFIXES:
        raise ExperimentError(f'{option} file {path} has an unsupported type; use a .jsonl, '
                              '.csv or .parquet file (.jsonl.gz and .csv.gz work too)')
    return _SUFFIXES[suffixes[-1]]


def _open_text(path):
    if path.suffix.lower() == '.gz':
        return io.TextIOWrapper(gzip.open(path, 'rb'), encoding='utf-8', newline='')
    return open(path, encoding='utf-8', newline='')


def _read_jsonl(f, path):
    for number, line in enumerate(f, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ExperimentError(f'line {number} of {path} is not valid JSON ({e.msg}); '
                                  'write one JSON object per line') from None
        if not isinstance(row, dict):
            raise ExperimentError(f'line {number} of {path} is not a JSON object; write one '
                                  'object such as {"text": "...", "label": "..."} per line')
        yield row


def _read_parquet(path, flags, optional, option):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ExperimentError(f'reading the Parquet file {path} needs pyarrow; install it with '
                              'pip install "small-text[parquet]"') from None
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as e:
        if isinstance(e, PermissionError):
            raise
        raise ExperimentError(f'{option} file {path} is not a valid Parquet file ({e})') from None
    for column, flag in flags.items():
        if column not in table.column_names and column not in optional:
            _raise_unknown_column(column, table.column_names, path, option, flag)
    return table.select([c for c in flags if c in table.column_names]).to_pylist()


def _raise_unknown_column(column, columns, path, option, flag):
    raise ExperimentError(f'unknown column {column!r} in {option} file {path}; its columns '
                          f'are {", ".join(map(str, columns))}; choose one with {flag}')


def _split(texts, values, test_fraction):
    from sklearn.model_selection import train_test_split
    from small_text.experiments.config import DEFAULT_TEST_FRACTION

    fraction = DEFAULT_TEST_FRACTION if test_fraction is None else test_fraction
    indices = np.arange(len(texts))
    stratify = None if _is_multi_label(values) else [_hashable(v) for v in values]
    try:
        train, test = train_test_split(indices, test_size=fraction, random_state=0,
                                       stratify=stratify)
    except ValueError:
        # a class too rare to stratify (fewer than two examples): fall back to a plain split
        train, test = train_test_split(indices, test_size=fraction, random_state=0)
    if len(train) == 0 or len(test) == 0:
        raise ExperimentError(f'--test-fraction {fraction} leaves an empty train or test set '
                              f'for {len(texts)} texts; pass a fraction that keeps both non-empty')
    train, test = np.sort(train), np.sort(test)
    return ([texts[i] for i in train], [values[i] for i in train],
            [texts[i] for i in test], [values[i] for i in test])


def _is_multi_label(values):
    return any(isinstance(v, (list, tuple)) or (isinstance(v, str) and ',' in v)
               for v in values)


def _label_sets(values):
    sets = []
    for value in values:
        if isinstance(value, str):
            labels = [part.strip() for part in value.split(',') if part.strip()]
        elif isinstance(value, (list, tuple)):
            labels = list(value)
        else:
            labels = [value]
        sets.append(sorted({_hashable(label) for label in labels}, key=_sort_key))
    return sets


def _hashable(value):
    if isinstance(value, (str, int, float)):  # bool is an int
        return value
    raise ExperimentError(f'label {value!r} is neither a string nor a number; use string or '
                          'number labels (a list of them for multi-label data)')


def _sort_key(value):
    if isinstance(value, (int, float)):
        return (0, value, '')
    if value.lstrip('-').isdigit():
        return (1, int(value), value)
    return (2, 0, value)


def _classes(train_values, multi_label):
    if multi_label:
        labels = {label for labels in train_values for label in labels}
    else:
        labels = {_hashable(value) for value in train_values}
    return sorted(labels, key=_sort_key)


def _encode(values, classes, multi_label):
    from small_text.utils.labels import list_to_csr

    ids = {value: i for i, value in enumerate(classes)}
    flat = [label for labels in values for label in labels] if multi_label else values
    unseen = sorted({_hashable(v) for v in flat if _hashable(v) not in ids}, key=_sort_key)
    if unseen:
        shown = ', '.join(repr(v) for v in unseen[:5]) + (', ...' if len(unseen) > 5 else '')
        raise ExperimentError(f'the test set has labels the training set lacks ({shown}); '
                              'add examples of them to the training data or drop them '
                              'from the test data')
    if multi_label:
        return list_to_csr([[ids[v] for v in labels] for labels in values],
                           shape=(len(values), len(classes)))
    return np.array([ids[v] for v in values], dtype=np.int64)


def _file_info(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return {'path': str(Path(path).resolve()), 'sha256': digest.hexdigest()}


def _check_fits(data, config):
    if data.num_classes < 2:
        raise ExperimentError(f'the training data has only one class ({data.class_names[0]!r}) '
                              f'in column {config.label_column!r}; active learning needs at '
                              'least two classes: check --label-column and the data')
    needed = config.initial + config.rounds * config.query_size
    if len(data.train_texts) < needed:
        raise ExperimentError(
            f'the training data has {len(data.train_texts)} texts, fewer than --initial + '
            f'--rounds x --query-size = {config.initial} + {config.rounds} x '
            f'{config.query_size} = {needed}; lower these options or add data')
    if not data.multi_label and config.initial < data.num_classes:
        raise ExperimentError(f'--initial {config.initial} is less than the number of classes '
                              f'({data.num_classes}); raise it so that every class starts '
                              'with a labelled text')
