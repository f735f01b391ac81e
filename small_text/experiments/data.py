"""Reading experiment data: JSON lines, CSV or Parquet files, or the bundled TREC-6 set."""
import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from small_text.base import _missing_extra_message
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
    train_table = _opened(train_path, '--data')
    train_texts, train_values = read_table(train_table, *columns, option='--data')
    if test_path is None:
        train_texts, train_values, test_texts, test_values = _split(
            train_texts, train_values, config.test_fraction)
    else:
        test_texts, test_values = read_table(test_path, *columns, option='--test')

    multi_label = _is_multi_label(train_values) or _is_multi_label(test_values)
    if multi_label:
        train_values, test_values = _label_sets(train_values), _label_sets(test_values)
    classes = _classes(train_values, multi_label)
    class_names = _class_names(classes, config.label_names, train_path,
                               _class_label_names(train_table, config.label_column))

    data = ExperimentData(name=name,
                          train_texts=train_texts,
                          y_train=_encode(train_values, classes, multi_label),
                          test_texts=test_texts,
                          y_test=_encode(test_values, classes, multi_label),
                          class_names=class_names,
                          multi_label=multi_label,
                          files={'train': _source_info(train_path),
                                 'test': None if test_path is None else _source_info(test_path)})
    _check_fits(data, config)
    return data


LABEL_NAMES_FILE = 'labels.json'
"""Class names read from beside the training data file, unless ``label_names`` is given."""


def read_label_names(path, option='--label-names'):
    """Read class names from a JSON file: a list (label id ``i`` is named by item ``i``) or an
    object mapping labels to names.

    Returns
    -------
    list of str or dict
        The names; in a dict, the keys are the labels as strings.

    Raises
    ------
    ExperimentError
        If the file cannot be read, is not JSON, holds neither a list nor an object of
        non-empty strings, or names two labels alike.
    """
    path = Path(path)
    try:
        with open(path, encoding='utf-8') as f:
            names = json.load(f)
    except FileNotFoundError:
        raise ExperimentError(f'{option} file {path} does not exist; check the path') from None
    except OSError as e:
        raise ExperimentError(f'{option} file {path} cannot be read ({e.strerror})') from None
    except (ValueError, UnicodeDecodeError) as e:
        raise ExperimentError(f'{option} file {path} is not valid JSON ({e}); write a list of '
                              'class names or an object {"label": "name"}') from None
    values = names.values() if isinstance(names, dict) else names
    if not isinstance(names, (list, dict)) or not names \
            or not all(isinstance(name, str) and name.strip() for name in values):
        raise ExperimentError(f'{option} file {path} must hold a non-empty list of class names '
                              'or an object {"label": "name"} with non-empty string names')
    values = list(values)
    duplicates = sorted({name for name in values if values.count(name) > 1})
    if duplicates:
        raise ExperimentError(f'{option} file {path} gives the name {duplicates[0]!r} to more '
                              'than one label; give each label its own name')
    return names


def _class_names(classes, label_names, train_path, class_label_names=None):
    """Return the class names of ``classes`` (sorted label values): from ``label_names``, the
    ``ClassLabel`` names of a Hugging Face dataset, a :data:`LABEL_NAMES_FILE` beside
    ``train_path``, or the labels themselves."""
    explicit = label_names is not None
    path = label_names
    if path is None and class_label_names is not None:
        names, path, option = class_label_names, 'ClassLabel feature', 'the dataset\'s'
    else:
        if path is None and isinstance(train_path, Path):
            beside = train_path.parent / LABEL_NAMES_FILE
            path = beside if beside.is_file() else None
        if path is None:
            return [str(value) for value in classes]
        option = '--label-names' if explicit else 'the label names'
        names = read_label_names(path, option)
    if isinstance(names, dict):
        missing = [value for value in classes if str(value) not in names]
        if missing:
            raise ExperimentError(f'{option} file {path} has no name for the label '
                                  f'{missing[0]!r}; add one')
        return [names[str(value)] for value in classes]
    ids = [_label_id(value) for value in classes]
    if None in ids:
        if not explicit:
            return [str(value) for value in classes]  # labels are names already
        raise ExperimentError(f'--label-names file {path} is a list, which names integer '
                              'labels 0, 1, ...; the labels here are not integers, so map '
                              'them to names with an object {"label": "name"}')
    unnamed = [i for i in ids if not 0 <= i < len(names)]
    if unnamed:
        raise ExperimentError(f'{option} file {path} has no name for the label {unnamed[0]} '
                              f'(it lists {len(names)} names for labels 0 to '
                              f'{len(names) - 1}); add the missing names')
    return [names[i] for i in ids]


def _label_id(value):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def dataset_name(path):
    """Return a short name for a data file: its stem, or its folder's name for generic stems.

    ``reviews.csv`` gives ``'reviews'``; ``mr/train.jsonl.gz`` gives ``'mr'``. A pandas
    DataFrame is ``'dataframe'``, a Hugging Face dataset its builder name or ``'dataset'``.
    """
    if is_pandas_frame(path):
        return 'dataframe'
    if is_hf_dataset(path):
        return getattr(path.info, 'dataset_name', None) or 'dataset'
    path = Path(path)
    stem = path.name.split('.')[0]
    if stem.lower() in _GENERIC_STEMS and path.resolve().parent.name:
        return path.resolve().parent.name
    return stem


def is_pandas_frame(value):
    """Return whether ``value`` is a pandas DataFrame (without importing pandas)."""
    return any(cls.__module__.split('.')[0] == 'pandas' and cls.__name__ == 'DataFrame'
               for cls in type(value).__mro__)


def is_hf_dataset(value):
    """Return whether ``value`` is a Hugging Face ``datasets.Dataset`` (without importing it)."""
    return any(cls.__module__.split('.')[0] == 'datasets' and cls.__name__ == 'Dataset'
               for cls in type(value).__mro__)


def _opened(source, option):
    """Return the Hugging Face dataset of a ``save_to_disk`` folder, other sources as given."""
    if isinstance(source, Path) and _is_saved_dataset(source):
        return _load_from_disk(source, option)
    return source


def _is_table(value):
    return is_pandas_frame(value) or is_hf_dataset(value)


def describe_source(source):
    """Return how a data source is shown in settings and results: a path as an absolute
    string, a table in memory as a short description such as ``'<DataFrame of 90 rows>'``."""
    if _is_table(source):
        return f'<{type(source).__name__} of {len(source)} rows>'
    return str(Path(source).resolve())


def _frame_rows(frame, flags, optional, option):
    """Return the source name and the ``(location, row)`` pairs of a table in memory.

    ``flags`` maps the columns to read to their options; a column in ``optional`` may be
    absent. Missing values (None, NaN) are None.
    """
    pandas = is_pandas_frame(frame)
    source = f'the {"DataFrame" if pandas else "dataset"} given as {option.lstrip("-")}'
    found = [str(column) for column in frame.columns] if pandas else list(frame.column_names)
    for column, flag in flags.items():
        if column not in found and column not in optional:
            _raise_unknown_column(column, found, source, flag)
    present = [column for column in flags if column in found]
    values = [frame[column].tolist() if pandas else frame[column] for column in present]
    locations = ([f'row {index!r}' for index in frame.index] if pandas
                 else [f'row {i}' for i in range(len(frame))])
    rows = ((location, {column: _missing_as_none(value)
                        for column, value in zip(present, row_values)})
            for location, *row_values in zip(locations, *values))
    return source, rows


def _missing_as_none(value):
    return None if isinstance(value, float) and value != value else value  # NaN: missing


def _class_label_names(source, label_column):
    """Return the names of a Hugging Face ``ClassLabel`` label column, or None."""
    if not is_hf_dataset(source):
        return None
    feature = source.features.get(label_column)
    names = getattr(feature, 'names', None)
    if names is None:  # a Sequence(ClassLabel) column for multi-label data
        names = getattr(getattr(feature, 'feature', None), 'names', None)
    return list(names) if names else None


def _load_from_disk(path, option):
    """Return the Hugging Face dataset saved with ``Dataset.save_to_disk`` in ``path``."""
    if (path / 'dataset_dict.json').is_file():
        splits = sorted(p.name for p in path.iterdir() if p.is_dir())
        raise ExperimentError(f'{option} {path} holds a DatasetDict with the splits '
                              f'{", ".join(splits)}; pass the folder of one split, e.g. '
                              f'{path / (splits[0] if splits else "train")}')
    try:
        import datasets
    except ImportError:
        raise ExperimentError(_missing_extra_message(
            f'{option} {path} (a Hugging Face dataset folder)', ['datasets'], 'datasets')) \
            from None
    try:
        return datasets.load_from_disk(str(path))
    except (OSError, ValueError) as e:
        raise ExperimentError(f'{option} {path} cannot be read as a Hugging Face dataset '
                              f'({e}); pass a folder written by Dataset.save_to_disk') from None


def _is_saved_dataset(path):
    return path.is_dir() and any((path / name).is_file() for name in
                                 ('dataset_info.json', 'state.json', 'dataset_dict.json'))


def read_table(source, text_column, label_column, option='--data'):
    """Return the texts and the raw label values of a table.

    ``source`` is a JSONL, CSV or Parquet file (JSON lines and CSV may be gzip-compressed:
    ``.jsonl.gz``, ``.csv.gz``), a folder written by Hugging Face's ``Dataset.save_to_disk``
    (read with ``datasets``, extra ``datasets``), a pandas ``DataFrame`` or a Hugging Face
    ``datasets.Dataset``. Raw label values are returned as read: scalars, strings or lists;
    messages name a row of a table in memory by its DataFrame index or dataset position.

    Raises
    ------
    ExperimentError
        If the file is missing or unreadable, its type is not supported, a column is missing
        or a row lacks a text or label.
    """
    texts, (labels,) = read_columns(source, text_column, {label_column: '--label-column'},
                                    option=option)
    return texts, labels


def read_columns(source, text_column, columns, option='--data', optional=()):
    """Return the texts and the raw values of further columns of a table.

    Reads everything :func:`read_table` reads, strictly: a CSV line with an open quote or the
    wrong number of fields, and an empty text, are errors that name the line (or row).

    Parameters
    ----------
    source : str or Path or DataFrame or Dataset
        A ``.jsonl``, ``.csv`` or ``.parquet`` file (``.jsonl.gz`` and ``.csv.gz`` too), a
        folder written by Hugging Face's ``Dataset.save_to_disk`` (needs the ``datasets``
        extra), a pandas ``DataFrame`` or a Hugging Face ``datasets.Dataset``.
    text_column : str
        Column of the texts (non-empty strings; every row needs one).
    columns : dict
        Further columns to read, each mapped to the command-line option that names it (for
        error messages), e.g. ``{'label': '--label-column'}``.
    option : str, default='--data'
        The command-line option (or keyword argument) that named ``source``.
    optional : collection of str, default=()
        Columns of ``columns`` that may be absent from the table or empty in a row; their
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
    flags = {text_column: '--text-column', **columns}
    table = _opened(source if _is_table(source) else Path(source), option)
    if _is_table(table):
        name, rows = _frame_rows(table, flags, optional, option)
        return _texts_and_values(rows, name, flags, text_column, optional)
    path = table
    file_format = _file_format(path, option)
    if not path.exists():
        raise ExperimentError(f'{option} file {path} does not exist; check the path')
    if path.is_dir():
        raise ExperimentError(f'{option} {path} is a folder; pass a data file (or a folder '
                              'written by Dataset.save_to_disk)')
    try:
        if file_format == 'parquet':
            rows = _read_parquet(path, flags, optional, option)
        else:
            with _open_text(path) as f:
                reader = _read_jsonl if file_format == 'jsonl' else _read_csv
                rows = list(reader(f, path, option))
    except PermissionError:
        raise ExperimentError(f'{option} file {path} cannot be read (permission denied); '
                              'check its permissions') from None
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as e:
        raise ExperimentError(f'{option} file {path} cannot be read ({e}); pass a '
                              'UTF-8 text file or a valid .gz file') from None
    return _texts_and_values(rows, f'{option} file {path}', flags, text_column, optional)


def _texts_and_values(rows, source, flags, text_column, optional):
    """Check the ``(location, row)`` pairs of a table; return its texts and column values.

    ``source`` names the table in messages, e.g. ``'--data file train.csv'``; ``flags`` maps
    each column (the text column first) to the option that names it.
    """
    columns = [column for column in flags if column != text_column]
    texts, values = [], [[] for _ in columns]
    for number, (location, row) in enumerate(rows, start=1):
        for column in flags:
            if column not in row and column not in optional:
                if number == 1:
                    _raise_unknown_column(column, list(row), source, flags[column])
                raise ExperimentError(f'{location} of {source} has no {column!r} value; fill '
                                      'it in or remove the row')
        text = row[text_column]
        if not isinstance(text, str):
            raise ExperimentError(f'{location} of {source}: the text in column '
                                  f'{text_column!r} is not a string ({text!r})')
        if not text.strip():
            raise ExperimentError(f'{location} of {source} has an empty text in column '
                                  f'{text_column!r}; fill it in or remove the row')
        texts.append(text)
        for column, column_values in zip(columns, values):
            value = row.get(column)
            if value is None or value == '':
                if column not in optional:
                    raise ExperimentError(f'{location} of {source} has no {column!r} value; '
                                          'fill it in or remove the row')
                value = None
            column_values.append(value)
    if not texts:
        raise ExperimentError(f'{source} holds no rows; pass a file with data')
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


def _read_jsonl(f, path, option):
    """Yield ``('line <n>', row)`` for each non-blank line of a JSON lines file."""
    for number, line in enumerate(f, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise ExperimentError(f'line {number} of {option} file {path} is not valid JSON '
                                  f'({e.msg}); write one JSON object per line') from None
        if not isinstance(row, dict):
            raise ExperimentError(f'line {number} of {option} file {path} is not a JSON '
                                  'object; write one object such as {"text": "...", '
                                  '"label": "..."} per line')
        yield f'line {number}', row


def _read_csv(f, path, option):
    """Yield ``('line <n>', row)`` for each record of a CSV file, parsed strictly.

    A quote that is never closed, a quote inside an unquoted field, a record with more or
    fewer fields than the header and a header that names a column twice are errors that
    name the line; blank lines are skipped.
    """
    reader = csv.reader(f, strict=True)
    last = 0  # the last line of the previous record
    try:
        header = next(reader, None)
        if header is None:
            return
        duplicates = sorted({name for name in header if header.count(name) > 1})
        if duplicates:
            raise ExperimentError(f'the header (line 1) of {option} file {path} names the '
                                  f'column(s) {", ".join(map(repr, duplicates))} more than '
                                  'once; give every column a unique name')
        last = reader.line_num
        for record in reader:
            first, last = last + 1, reader.line_num
            if not record:
                continue
            if len(record) != len(header):
                raise ExperimentError(
                    f'line {first} of {option} file {path} has {len(record)} field(s), but the '
                    f'header has {len(header)}; quote fields that contain commas')
            yield f'line {first}', dict(zip(header, record))
    except csv.Error as e:
        raise ExperimentError(f'line {last + 1} of {option} file {path} is not valid CSV '
                              f'({e}); close every opening quote and double the quotes inside '
                              'quoted fields') from None


def _read_parquet(path, flags, optional, option):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise ExperimentError(_missing_extra_message(f'{option} file {path} (Parquet)',
                                                     ['pyarrow'], 'parquet')) from None
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as e:
        if isinstance(e, PermissionError):
            raise
        raise ExperimentError(f'{option} file {path} is not a valid Parquet file ({e})') from None
    for column, flag in flags.items():
        if column not in table.column_names and column not in optional:
            _raise_unknown_column(column, table.column_names, f'{option} file {path}', flag)
    rows = table.select([c for c in flags if c in table.column_names]).to_pylist()
    return [(f'row {number}', row) for number, row in enumerate(rows, start=1)]


def _raise_unknown_column(column, columns, source, flag):
    raise ExperimentError(f'unknown column {column!r} in {source}; its columns '
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


def _source_info(source):
    """Return the path and SHA-256 of a data file, or a fingerprint of an in-memory table."""
    if is_pandas_frame(source):
        text = source.to_json(orient='split', default_handler=str)
        return {'path': None, 'sha256': hashlib.sha256(text.encode()).hexdigest()}
    if is_hf_dataset(source):
        return {'path': None, 'sha256': hashlib.sha256(source._fingerprint.encode()).hexdigest()}
    if Path(source).is_dir():  # a saved Hugging Face dataset: hash its files
        digest = hashlib.sha256()
        for path in sorted(p for p in Path(source).rglob('*') if p.is_file()):
            digest.update(path.name.encode())
            digest.update(_file_info(path)['sha256'].encode())
        return {'path': str(Path(source).resolve()), 'sha256': digest.hexdigest()}
    return _file_info(source)


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
