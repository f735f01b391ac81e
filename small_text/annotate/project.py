"""Creating and reopening an annotation project: a folder with the database and model snapshots.

Nothing here needs the ``annotate`` extra, so ``small-text export`` works without it.
"""
import json
import numbers
import os
import sqlite3
from collections import Counter
from pathlib import Path

from small_text.annotate.storage import SCHEMA_VERSION, Store, now
from small_text.experiments.data import describe_source
from small_text.experiments.exceptions import ExperimentError

__all__ = ['open_project', 'open_existing_project']

DATABASE_FILE = 'annotate.sqlite3'
"""The project database inside the project folder."""

MODELS_DIR = 'models'
"""Folder (inside the project folder) of the saved active learners, one per model version."""

DATA_OPTIONS = ('data', 'labels', 'multi_label', 'text_column', 'label_column', 'id_column')
"""Options that define the pool and its labels; they are fixed when a project is created."""

LOOP_DEFAULTS = {'strategy': 'breaking-ties', 'classifier': 'svm', 'query_size': 10}
"""Loop options and their defaults; a reopened project may change them."""

COLUMN_DEFAULTS = {'text_column': 'text', 'label_column': 'label', 'id_column': None}


def open_project(project_dir, **options):
    """Create the project in ``project_dir`` or reopen it, and return its :class:`Store`.

    Parameters
    ----------
    project_dir : str or Path
        The project folder. A missing or empty folder gets a new project, which needs
        ``data`` and ``labels``; a folder with a project is reopened with its stored settings.
    **options
        ``data`` (a data file as for ``small-text experiment --data``, a folder written by
        Hugging Face's ``Dataset.save_to_disk``, a pandas ``DataFrame`` or a Hugging Face
        ``datasets.Dataset``; a ``ClassLabel`` label column is read as its names),
        ``labels`` (comma-separated string or list), ``multi_label``,
        ``text_column``, ``label_column``, ``id_column`` (for a new project only), and
        ``strategy``, ``classifier``, ``query_size`` (stored; a reopened project keeps its
        values unless given). None means "not given".

    Returns
    -------
    Store

    Raises
    ------
    ExperimentError
        On any bad input: a folder that is no project, data options for an existing
        project, missing ``data`` or ``labels``, an unreadable data file, duplicate ids,
        labels in the data that ``labels`` lacks, or an unknown or unsuitable strategy or
        classifier.
    """
    project_dir = Path(project_dir)
    unknown = set(options) - set(DATA_OPTIONS) - set(LOOP_DEFAULTS)
    if unknown:
        raise TypeError(f'unknown options: {", ".join(sorted(unknown))}')
    given = {key: value for key, value in options.items() if value is not None}
    database = project_dir / DATABASE_FILE
    if project_dir.exists() and not project_dir.is_dir():
        raise ExperimentError(f'project folder {project_dir} is a file; pass a folder')
    if database.exists():
        return _reopen(database, given)
    if project_dir.exists() and any(project_dir.iterdir()):
        raise ExperimentError(f'{project_dir} is not empty and holds no annotation project '
                              f'({DATABASE_FILE}); pass a new or empty folder')
    return _create(project_dir, given)


def _reopen(database, given):
    fixed = [key for key in DATA_OPTIONS if key in given and key != 'multi_label'
             or key == 'multi_label' and given.get(key)]
    if fixed:
        options = ', '.join(_option(key) for key in fixed)
        raise ExperimentError(f'{database.parent} is an existing project, whose data and labels '
                              f'are fixed; drop {options} (or pass a new folder)')
    store = open_existing_project(database.parent)
    settings = store.settings()
    loop = {key: given.get(key, settings[key]) for key in LOOP_DEFAULTS}
    _check_loop_settings(loop, settings['multi_label'])
    store.save_settings(loop)
    return store


def _create(project_dir, given):
    missing = [key for key in ('data', 'labels') if key not in given]
    if missing:
        raise ExperimentError(f'a new project needs {" and ".join(map(_option, missing))} '
                              f'(the texts and the label names); {project_dir} holds no project')
    settings = {**LOOP_DEFAULTS, **COLUMN_DEFAULTS, 'multi_label': False, **given}
    settings['labels'] = _parse_labels(settings['labels'])
    settings['multi_label'] = bool(settings['multi_label'])
    for key in COLUMN_DEFAULTS:
        value = settings[key]
        if value is not None and (not isinstance(value, str) or not value):
            raise ExperimentError(f'{_option(key)} must be a non-empty column name '
                                  f'(got {value!r})')
    _check_loop_settings(settings, settings['multi_label'])
    ids, texts, answers = _read_pool(settings)

    project_dir.mkdir(parents=True, exist_ok=True)
    temporary = project_dir / (DATABASE_FILE + '.new')
    for path in (temporary, Path(f'{temporary}-wal'), Path(f'{temporary}-shm')):
        path.unlink(missing_ok=True)
    store = Store(temporary)
    store.import_texts(ids, texts, answers)
    store.save_settings({**settings, 'data': describe_source(settings['data']),
                         'schema_version': SCHEMA_VERSION, 'created_at': now()})
    store.close()
    os.replace(temporary, project_dir / DATABASE_FILE)  # the project exists once complete
    (project_dir / MODELS_DIR).mkdir(exist_ok=True)
    folder = os.open(project_dir, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename is on disk too
    finally:
        os.close(folder)
    return Store(project_dir / DATABASE_FILE)


def _option(key):
    return '--' + key.replace('_', '-')


def _parse_labels(value):
    if isinstance(value, str):
        names = [name.strip() for name in value.split(',')]
    elif isinstance(value, (list, tuple)) and all(isinstance(name, str) for name in value):
        names = [name.strip() for name in value]
    else:
        raise ExperimentError(f'--labels must be comma-separated label names (got {value!r})')
    if any(not name for name in names):
        raise ExperimentError(f'--labels has an empty name ({value!r}); separate the label '
                              'names by single commas')
    if len(names) < 2:
        raise ExperimentError(f'--labels names {len(names)} label; give at least two')
    if len(names) > len(set(names)):
        repeated = sorted(name for name, n in Counter(names).items() if n > 1)
        raise ExperimentError(f'--labels names {", ".join(repeated)} more than once; list each '
                              'label once')
    return names


def _check_loop_settings(settings, multi_label):
    from small_text.experiments.config import ExperimentConfig
    from small_text.experiments.registry import CLASSIFIERS, STRATEGIES

    size = settings['query_size']
    if not isinstance(size, numbers.Integral) or isinstance(size, bool) or size <= 0:
        raise ExperimentError(f'--query-size must be a positive integer (got {size!r})')
    if not isinstance(settings['strategy'], str):
        raise ExperimentError(f'--strategy must be a strategy name (got {settings["strategy"]!r})')
    spec = CLASSIFIERS.get(settings['classifier'])
    if spec is not None and spec.needs_model:
        usable = [name for name, other in CLASSIFIERS.items() if not other.needs_model]
        raise ExperimentError(f'--classifier {settings["classifier"]} needs a pretrained model, '
                              f'which annotate does not take; use one of {", ".join(usable)}')
    # the experiment configuration checks that the strategy and classifier exist, are
    # installed and work together
    ExperimentConfig(strategies=(settings['strategy'],), classifier=settings['classifier'])
    label_type = STRATEGIES[settings['strategy']].label_type
    kind = 'multi-label' if multi_label else 'single-label'
    if label_type is not None and label_type != kind:
        raise ExperimentError(f'--strategy {settings["strategy"]} works only on {label_type} '
                              f'data, but this project is {kind}; choose another strategy')


def _read_pool(settings):
    """Return the ids, texts and existing answers ``(position, stored label)`` of the pool."""
    from small_text.experiments.config import _as_path
    from small_text.experiments.data import _class_label_names, _opened, read_columns

    # a folder written by Dataset.save_to_disk is loaded once, for its rows and label names
    source = _opened(_as_path('data', settings['data']), '--data')
    label_column, id_column = settings['label_column'], settings['id_column']
    columns = {label_column: '--label-column'}
    if id_column is not None:
        columns[id_column] = '--id-column'
    texts, values = read_columns(source, settings['text_column'], columns,
                                 optional=(label_column,))
    if id_column is None:
        ids = [str(number) for number in range(1, len(texts) + 1)]
    else:
        ids = [str(value) for value in values[1]]
        if len(set(ids)) < len(ids):
            repeated = next(value for value, n in Counter(ids).items() if n > 1)
            raise ExperimentError(f'--id-column {id_column} holds the id {repeated!r} more than '
                                  'once; ids must be unique')
    encode = _multi_label_value if settings['multi_label'] else _single_label_value
    labels = settings['labels']
    label_values = values[0]
    names = _class_label_names(source, label_column)
    if names is not None:
        label_values = [_class_label_value(value, names) for value in label_values]
    answers = [(pos, encode(value, labels, label_column))
               for pos, value in enumerate(label_values) if value is not None]
    return ids, texts, answers


def _class_label_value(value, names):
    """Return the names of a Hugging Face ``ClassLabel`` value (ids; -1, no label, is None)."""
    if isinstance(value, (list, tuple)):
        return [names[label] for label in value if label >= 0]
    return None if value is None or value < 0 else names[value]


def _single_label_value(value, labels, column):
    if isinstance(value, (list, tuple)):
        raise ExperimentError(f'column {column!r} holds a list of labels ({value!r}); pass '
                              '--multi-label for multi-label data')
    name = str(value)
    if name not in labels:
        raise ExperimentError(f'column {column!r} holds the label {name!r}, which --labels '
                              f'({",".join(labels)}) lacks; add it to --labels')
    return json.dumps(name)


def _multi_label_value(value, labels, column):
    if isinstance(value, (list, tuple)):
        names = {str(name) for name in value}
    else:
        names = {part.strip() for part in str(value).split(',') if part.strip()}
    unknown = sorted(names - set(labels))
    if unknown:
        raise ExperimentError(f'column {column!r} holds the label {unknown[0]!r}, which --labels '
                              f'({",".join(labels)}) lacks; add it to --labels')
    return json.dumps([name for name in labels if name in names])


def open_existing_project(project_dir):
    """Return the :class:`Store` of the existing project in ``project_dir``.

    Raises
    ------
    ExperimentError
        If ``project_dir`` holds no project.
    """
    database = Path(project_dir) / DATABASE_FILE
    if not database.is_file():
        raise ExperimentError(f'{project_dir} holds no annotation project ({DATABASE_FILE}); '
                              'create one with small-text annotate PROJECT_DIR --data FILE '
                              '--labels A,B')
    try:
        return Store(database)
    except sqlite3.DatabaseError as e:
        raise ExperimentError(f'{database} is not a readable project database ({e})') from None
