"""The output folder: results.csv and results.json, written row by row, and resuming them."""
import contextlib
import csv
import io
import json
import math
import os
import platform
import tempfile
from importlib import metadata
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - platforms without fcntl (Windows)
    fcntl = None

from small_text.experiments.config import option_name, seed_list
from small_text.experiments.exceptions import ExperimentError

RESULTS_CSV = 'results.csv'
RESULTS_JSON = 'results.json'
LEARNING_CURVES_PNG = 'learning_curves.png'
SUMMARY_MD = 'summary.md'
OUTPUT_FILES = (RESULTS_CSV, RESULTS_JSON, LEARNING_CURVES_PNG, SUMMARY_MD)
"""The files an experiment writes into its output folder (with the default plot format)."""
PLOT_FILES = ('learning_curves.png', 'learning_curves.svg', 'learning_curves.pdf')
"""The learning-curve plot in each plot format."""
STOPPING_CSV = 'stopping.csv'
"""Written besides :data:`OUTPUT_FILES` by experiments with stopping criteria."""
LOCK_FILE = '.small-text.lock'
"""Held by the experiment that writes into an output folder, see :func:`lock_output`."""

TIMING_COLUMNS = ('fit_seconds', 'predict_seconds', 'query_seconds')
_TEXT_COLUMNS = ('dataset', 'strategy', 'criterion')
_INT_COLUMNS = ('seed', 'round', 'num_labels', 'stop_round', 'stop_labels')
_OPTIONAL_COLUMNS = ('stop_round', 'stop_labels', 'accuracy_at_stop', 'micro_f1_at_stop')
_VERSIONED_DISTRIBUTIONS = ('small-text', 'numpy', 'scipy', 'scikit-learn', 'tqdm', 'click',
                            'matplotlib', 'pyarrow')


def metric_names(multi_label):
    """Return the metric columns: accuracy and macro-F1, or micro- and macro-F1 (multi-label).

    The first one is the metric of the learning curves and their area.
    """
    return ('micro_f1', 'macro_f1') if multi_label else ('accuracy', 'macro_f1')


def result_columns(multi_label):
    """Return the columns of results.csv, in order."""
    return ('dataset', 'strategy', 'seed', 'round', 'num_labels', *metric_names(multi_label),
            *TIMING_COLUMNS)


def run_key(row):
    """Return the run that a results or stopping row belongs to: ``(dataset, strategy, seed)``.
    """
    return row['dataset'], row['strategy'], row['seed']


def dependency_versions():
    """Return the versions of Python, small-text and its (installed) dependencies."""
    versions = {'python': platform.python_version()}
    for name in _VERSIONED_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@contextlib.contextmanager
def lock_output(out):
    """Hold an exclusive lock on the output folder ``out`` while the ``with`` block runs.

    Creates ``out`` if needed and takes an advisory lock on the file :data:`LOCK_FILE` in it
    (``flock``; the file holds the process id, for the message of a second run). The lock is
    released, and the file removed, when the block ends; the operating system releases it
    too when the process dies, so a lock file left behind by a killed run does not block the
    next one. Leftover temporary files of a killed run are removed once the lock is held. A
    folder that this call created is removed again if the block fails and leaves it empty.

    Parameters
    ----------
    out : str or Path
        The output folder.

    Yields
    ------
    Path
        ``out``.

    Raises
    ------
    ExperimentError
        If ``out`` is a file or cannot be created, or another experiment holds its lock.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ExperimentError(f'--out {out} is a file; pass a folder')
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExperimentError(f'--out {out} cannot be created ({e.strerror}); choose '
                              'another folder') from None
    try:
        fd = _acquire_lock(out)
        try:
            _remove_temporary_files(out)
            yield out
        finally:
            _release_lock(out, fd)
    except BaseException:
        if created:
            with contextlib.suppress(OSError):
                out.rmdir()  # only if empty
        raise


def _acquire_lock(out):
    path = out / LOCK_FILE
    for _ in range(10):
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _try_lock(fd)
        except OSError:
            holder = _lock_holder(fd)
            os.close(fd)
            raise ExperimentError(f'--out {out} is in use by another small-text experiment'
                                  f'{holder}; wait until it ends or choose another --out') from None
        if fcntl is None or _is_current(path, fd):
            os.ftruncate(fd, 0)
            os.write(fd, f'{os.getpid()}\n'.encode())
            return fd
        os.close(fd)  # the lock file was removed by its last holder meanwhile: try again
    raise ExperimentError(f'--out {out}: its lock file {LOCK_FILE} keeps being replaced; '
                          'make sure no other program writes there')


def _try_lock(fd):
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # pragma: no cover - Windows
        import msvcrt
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)


def _is_current(path, fd):
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


def _lock_holder(fd):
    try:
        pid = os.pread(fd, 32, 0).decode('ascii').strip()
    except (OSError, UnicodeDecodeError, AttributeError):
        return ''
    return f' (process {pid})' if pid.isdigit() else ''


def _release_lock(out, fd):
    if fcntl is not None:
        # removed while still locked: a run that opened the old file re-checks and retries
        with contextlib.suppress(OSError):
            os.unlink(out / LOCK_FILE)
    os.close(fd)


def _remove_temporary_files(out):
    for name in (*OUTPUT_FILES, *PLOT_FILES, STOPPING_CSV):
        for path in out.glob(f'{name}.*.tmp'):
            with contextlib.suppress(OSError):
                path.unlink()


class ResultsWriter:
    """Appends result rows to results.csv and results.json in an output folder.

    Every :meth:`append` ends with both files complete and flushed to disk: the CSV line is
    appended and fsync-ed, the JSON file is replaced atomically. An interrupted experiment
    therefore leaves valid partial results.

    Use :func:`open_results` to create one; ``ResultsWriter(None, ...)`` keeps the rows in
    memory only and writes no file.

    Attributes
    ----------
    out : Path or None
        The output folder; None for a writer that writes no file.
    header : dict
        The run description stored in results.json besides the rows (``config``,
        ``dataset``, ``versions``).
    columns : tuple of str
        The CSV columns.
    rows : list of dict
        All rows written so far, including those kept from a resumed run.
    stopping_columns : tuple of str
        The columns of stopping.csv; empty if the experiment has no stopping criteria (then
        stopping.csv is not written).
    stopping_rows : list of dict
        The stopping results written so far (see
        :func:`small_text.experiments.stopping.stopping_rows`), stored in results.json under
        ``stopping``.
    """

    def __init__(self, out, header, columns, rows=(), stopping_columns=(), stopping_rows=()):
        self.out = None if out is None else Path(out)
        self.header = header
        self.columns = tuple(columns)
        self.rows = list(rows)
        self.stopping_columns = tuple(stopping_columns)
        self.stopping_rows = list(stopping_rows)
        if self.out is None:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        _replace(self.out / RESULTS_CSV, self._csv_text(self.rows, header=True))
        if self.stopping_columns:
            _replace(self.out / STOPPING_CSV,
                     _csv_text(self.stopping_columns, self.stopping_rows, header=True))
        self._write_json()

    def append_stopping(self, rows):
        """Write the stopping results of one run (dicts with :attr:`stopping_columns`)."""
        self.stopping_rows.extend(rows)
        if self.out is None:
            return
        with open(self.out / STOPPING_CSV, 'a', encoding='utf-8', newline='') as f:
            f.write(_csv_text(self.stopping_columns, rows))
            f.flush()
            os.fsync(f.fileno())
        self._write_json()

    def append(self, row):
        """Write one result row (a dict with the keys :attr:`columns`) to both files."""
        self.rows.append(row)
        if self.out is None:
            return
        with open(self.out / RESULTS_CSV, 'a', encoding='utf-8', newline='') as f:
            f.write(self._csv_text([row]))
            f.flush()
            os.fsync(f.fileno())
        self._write_json()

    def _csv_text(self, rows, header=False):
        return _csv_text(self.columns, rows, header)

    def _write_json(self):
        stopping = {'stopping': self.stopping_rows} if self.stopping_columns else {}
        text = json.dumps({**self.header, 'rows': self.rows, **stopping}, indent=2)
        _replace(self.out / RESULTS_JSON, text + '\n')


def _csv_text(columns, rows, header=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    if header:
        writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in rows)
    return buffer.getvalue()


def open_results(out, header, columns, rounds, *, resume=False, overwrite=False,
                 stopping_columns=()):
    """Prepare the output folder and return a :class:`ResultsWriter` and the finished runs.

    * A missing or empty folder starts a new experiment.
    * A folder holding a previous run of the same configuration (the same ``header['config']``
      apart from ``out``, and the same data files) is continued: the rows of its finished
      (dataset, strategy, seed) runs are kept, those of unfinished runs dropped. Files
      written before results had a ``dataset`` column are read as the rows of the only data
      set (such an experiment had one) and rewritten with the column.
    * ``overwrite`` deletes the experiment files (:data:`OUTPUT_FILES`, :data:`PLOT_FILES`,
      stopping.csv) first;
      other files stay.

    Parameters
    ----------
    out : Path
        The output folder.
    header : dict
        ``config``, ``dataset`` and ``versions`` of the new run, see :class:`ResultsWriter`;
        ``dataset`` is one data set's description (with ``name`` and ``files``) or a list of
        them (a grid over data sets).
    columns : tuple of str
        The CSV columns.
    rounds : int
        Query rounds per run; a run is finished when it has the rows of rounds 0 to ``rounds``.
    resume : bool, default=False
        Require a previous run of the same configuration in ``out``.
    overwrite : bool, default=False
        Start afresh even if ``out`` holds results.
    stopping_columns : tuple of str, default=()
        The columns of stopping.csv (empty: no stopping criteria); its rows of the finished
        runs are kept too.

    Returns
    -------
    writer : ResultsWriter
    finished : set of (str, str, int)
        The (dataset, strategy, seed) runs that need not run again.

    Raises
    ------
    ExperimentError
        If both flags are set, ``out`` is a file, it holds something other than a previous run
        of the same configuration (without ``overwrite``), or ``resume`` finds no such run.
    """
    out = Path(out)
    if resume and overwrite:
        raise ExperimentError('give either --resume or --overwrite, not both')
    if out.exists() and not out.is_dir():
        raise ExperimentError(f'--out {out} is a file; pass a folder')
    if overwrite:
        for name in (*OUTPUT_FILES, *PLOT_FILES, STOPPING_CSV):
            (out / name).unlink(missing_ok=True)
        return ResultsWriter(out, header, columns, stopping_columns=stopping_columns), set()
    if not out.exists() or all(path.name == LOCK_FILE for path in out.iterdir()):
        if resume:
            raise ExperimentError(f'--resume: {out} holds no previous run to continue; pass '
                                  'the --out folder of that run, or drop --resume')
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ExperimentError(f'--out {out} cannot be created ({e.strerror}); choose '
                                  'another folder') from None
        return ResultsWriter(out, header, columns, stopping_columns=stopping_columns), set()

    previous = _read_header(out)
    if previous is None:
        raise ExperimentError(f'--out {out} exists and holds no previous run of this '
                              'experiment; choose another folder or pass --overwrite')
    differences = _differences(previous, header)
    if differences:
        raise ExperimentError(f'--out {out} holds a run of another configuration (it differs '
                              f'in {", ".join(differences)}); choose another --out, or pass '
                              '--overwrite to replace it')
    config = {**header['config'], 'rounds': rounds,
              'datasets': [entry['name'] for entry in _dataset_entries(header['dataset'])]}
    rows = _read_rows(out, RESULTS_CSV, columns, config)
    stopping = []
    if stopping_columns:
        stopping = _read_rows(out, STOPPING_CSV, stopping_columns, config)
        last_rounds = stopped_runs(stopping, header['config'].get('stop_on'), rounds)
        num_criteria = len(header['config'].get('stopping', ()))
        finished = {run for run in _finished_runs(rows, rounds, last_rounds)
                    # a run needs its stopping rows, too
                    if sum(run_key(row) == run for row in stopping) == num_criteria}
        stopping = [row for row in stopping if run_key(row) in finished]
    else:
        finished = _finished_runs(rows, rounds)
    kept = [row for row in rows if run_key(row) in finished]
    return ResultsWriter(out, header, columns, kept, stopping_columns, stopping), finished


def _read_header(out):
    try:
        with open(out / RESULTS_JSON, encoding='utf-8') as f:
            previous = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(previous, dict) or not isinstance(previous.get('config'), dict) \
            or not isinstance(previous.get('dataset'), (dict, list)):
        return None
    return previous


def _dataset_entries(dataset):
    """Return a header's ``dataset`` as a list: one description, or a grid's list of them."""
    return dataset if isinstance(dataset, list) else [dataset]


_LATER_OPTION_DEFAULTS = {'model': None, 'embeddings': None, 'stopping': [], 'label_names': None,
                          'stop_on': None}
"""Options added after the first results format, with the value that a results.json
written before them implies."""


_OUTPUT_ONLY_KEYS = ('out', 'plot_format')
"""Options that change how results are written, not the results."""


def _differences(previous, header):
    old, new = previous['config'], header['config']
    keys = [key for key in new if key not in _OUTPUT_ONLY_KEYS
            and _comparable(key, old.get(key, _LATER_OPTION_DEFAULTS.get(key)))
            != _comparable(key, new[key])]
    differences = [option_name(key) for key in keys]
    files = [[entry.get('files') for entry in _dataset_entries(h['dataset'])
              if isinstance(entry, dict)] for h in (previous, header)]
    if files[0] != files[1]:
        differences.append('the contents of the data files')
    return differences


def _comparable(key, value):
    """Return a configuration value in a form in which equal settings compare equal."""
    if key == 'seeds' and isinstance(value, (int, list)):
        return seed_list(value)  # --seeds 3 is --seeds 0,1,2
    return value


def _read_rows(out, name, columns, config):
    """Return the rows of the results.csv or stopping.csv ``name`` in ``out``, checked.

    A last line without its newline was cut short when a run was killed: it is dropped (its
    run is unfinished and runs again). Anything else that is wrong raises: wrong columns, a
    line that does not parse, a value out of range or not of ``config``, a repeated row.
    A file without the ``dataset`` column (written before it existed) of an experiment with
    one data set is read as that data set's.
    """
    path = out / name
    try:
        text = path.read_text(encoding='utf-8')
    except FileNotFoundError:
        raise _bad_results(out, name, 'is missing') from None
    except (OSError, UnicodeDecodeError) as e:
        raise _bad_results(out, name, f'cannot be read ({e})') from None
    if not text.endswith('\n'):
        text = text[:text.rfind('\n') + 1]
    reader = csv.reader(io.StringIO(text, newline=''), strict=True)
    line = 1
    try:
        found = tuple(next(reader, ()))
        legacy = len(config['datasets']) == 1 and found == tuple(columns[1:])
        if found != tuple(columns) and not legacy:
            raise _bad_results(out, name, f'has the columns {",".join(found) or "(none)"} instead '
                                          f'of {",".join(columns)}')
        prefix = config['datasets'] if legacy else []
        rows, seen = [], {}
        for record in reader:
            line = reader.line_num
            record = [*prefix, *record]
            if len(record) != len(columns):
                raise _bad_line(out, name, line, f'has {len(record) - len(prefix)} field(s) '
                                                 f'instead of {len(found)}')
            try:
                row = {column: _parse(column, value) for column, value in zip(columns, record)}
            except ValueError:
                raise _bad_line(out, name, line, 'holds a value that is not a number where '
                                                 'one is expected') from None
            problem = _row_problem(row, config)
            if problem:
                raise _bad_line(out, name, line, problem)
            key = (*run_key(row), row.get('criterion', row.get('round')))
            if key in seen:
                raise _bad_line(out, name, line, f'repeats line {seen[key]}')
            seen[key] = line
            rows.append(row)
    except csv.Error as e:
        raise _bad_line(out, name, line + 1, f'is not valid CSV ({e})') from None
    return rows


def _bad_results(out, name, problem):
    return ExperimentError(f'--out {out}: {name} {problem}; pass --overwrite to start afresh '
                           'or choose another --out')


def _bad_line(out, name, line, problem):
    return ExperimentError(f'--out {out}: line {line} of {name} {problem}; correct or delete '
                           'the line (its run then runs again), or pass --overwrite to start '
                           'afresh')


def _parse(column, value):
    if column in _TEXT_COLUMNS:
        return value
    if value == '' and column in _OPTIONAL_COLUMNS:
        return None
    return int(value) if column in _INT_COLUMNS else float(value)


def _row_problem(row, config):
    """Return what is wrong with a parsed results or stopping row, or None."""
    strategies, seeds = config.get('strategies'), config.get('seeds')
    if row['dataset'] not in config['datasets']:
        return f'names the data set {row["dataset"]!r}, which this experiment does not run'
    if strategies is not None and row['strategy'] not in strategies:
        return f'names the strategy {row["strategy"]!r}, which this experiment does not run'
    if seeds is not None and row['seed'] not in seed_list(seeds):
        return f'has the seed {row["seed"]}, which this experiment does not use'
    if 'criterion' in row and row['criterion'] not in config.get('stopping', ()):
        return f'names the stopping criterion {row["criterion"]!r}, which this experiment ' \
               'does not use'
    round_column = 'round' if 'round' in row else 'stop_round'
    round_number = row[round_column]
    if round_number is not None:
        if not 0 <= round_number <= config['rounds']:
            return f'has {round_column} {round_number}, outside 0 to {config["rounds"]}'
        labels_column = 'num_labels' if round_column == 'round' else 'stop_labels'
        if 'initial' in config and 'query_size' in config:
            expected = config['initial'] + round_number * config['query_size']
            if row[labels_column] != expected:
                return (f'has {labels_column} {row[labels_column]} in round {round_number}, '
                        f'but the experiment has {expected} labels then')
    for column, value in row.items():
        if column in _TEXT_COLUMNS or column in _INT_COLUMNS:
            continue
        if value is None:
            if row.get('stop_round') is not None:
                return f'lacks {column} although its criterion stopped'
            continue
        if column in TIMING_COLUMNS:
            if not (math.isfinite(value) and value >= 0):
                return f'has {column} {value}, which is not a duration (a number >= 0)'
        elif not 0 <= value <= 1:  # a score: NaN fails too
            return f'has {column} {value}, outside the score range 0 to 1'
    if round_column == 'stop_round' and round_number is None and row['stop_labels'] is not None:
        return 'has stop_labels but no stop_round'
    return None


def _finished_runs(rows, rounds, last_rounds=None):
    """Return the runs with all rounds from 0 to ``rounds`` (or to their entry in
    ``last_rounds``, for runs that a stopping criterion ended)."""
    last_rounds = last_rounds or {}
    rounds_seen = {}
    for row in rows:
        rounds_seen.setdefault(run_key(row), set()).add(row['round'])
    return {run for run, seen in rounds_seen.items()
            if seen == set(range(last_rounds.get(run, rounds) + 1))}


def stopped_runs(stopping_rows, stop_on, rounds):
    """Return the runs that the criterion ``stop_on`` ended before round ``rounds``.

    Parameters
    ----------
    stopping_rows : list of dict
        Stopping rows, see :func:`small_text.experiments.stopping.stopping_rows`.
    stop_on : str or None
        The criterion that ends runs (``--stop-on``); None: no run ends early.
    rounds : int
        Query rounds of a full run.

    Returns
    -------
    dict
        Maps ``(dataset, strategy, seed)`` to the last round of the run.
    """
    return {run_key(row): row['stop_round'] for row in stopping_rows
            if stop_on is not None and row['criterion'] == stop_on
            and row['stop_round'] is not None and row['stop_round'] < rounds}


def _replace(path, text):
    """Write ``text`` to ``path`` atomically (write a uniquely named temporary file, fsync,
    rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f'{path.name}.', suffix='.tmp')
    try:
        with open(fd, 'w', encoding='utf-8', newline='') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
