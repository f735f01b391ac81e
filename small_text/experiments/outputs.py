"""The output folder: results.csv and results.json, written row by row, and resuming them."""
import csv
import io
import json
import os
import platform
from importlib import metadata
from pathlib import Path

from small_text.experiments.config import option_name
from small_text.experiments.exceptions import ExperimentError

RESULTS_CSV = 'results.csv'
RESULTS_JSON = 'results.json'
LEARNING_CURVES_PNG = 'learning_curves.png'
SUMMARY_MD = 'summary.md'
OUTPUT_FILES = (RESULTS_CSV, RESULTS_JSON, LEARNING_CURVES_PNG, SUMMARY_MD)
"""The files an experiment writes into its output folder."""
STOPPING_CSV = 'stopping.csv'
"""Written besides :data:`OUTPUT_FILES` by experiments with stopping criteria."""

TIMING_COLUMNS = ('fit_seconds', 'predict_seconds', 'query_seconds')
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
    return ('strategy', 'seed', 'round', 'num_labels', *metric_names(multi_label),
            *TIMING_COLUMNS)


def dependency_versions():
    """Return the versions of Python, small-text and its (installed) dependencies."""
    versions = {'python': platform.python_version()}
    for name in _VERSIONED_DISTRIBUTIONS:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


class ResultsWriter:
    """Appends result rows to results.csv and results.json in an output folder.

    Every :meth:`append` ends with both files complete and flushed to disk: the CSV line is
    appended and fsync-ed, the JSON file is replaced atomically. An interrupted experiment
    therefore leaves valid partial results.

    Use :func:`open_results` to create one.

    Attributes
    ----------
    out : Path
        The output folder.
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
        self.out = Path(out)
        self.header = header
        self.columns = tuple(columns)
        self.rows = list(rows)
        self.stopping_columns = tuple(stopping_columns)
        self.stopping_rows = list(stopping_rows)
        self.out.mkdir(parents=True, exist_ok=True)
        _replace(self.out / RESULTS_CSV, self._csv_text(self.rows, header=True))
        if self.stopping_columns:
            _replace(self.out / STOPPING_CSV,
                     _csv_text(self.stopping_columns, self.stopping_rows, header=True))
        self._write_json()

    def append_stopping(self, rows):
        """Write the stopping results of one run (dicts with :attr:`stopping_columns`)."""
        self.stopping_rows.extend(rows)
        with open(self.out / STOPPING_CSV, 'a', encoding='utf-8', newline='') as f:
            f.write(_csv_text(self.stopping_columns, rows))
            f.flush()
            os.fsync(f.fileno())
        self._write_json()

    def append(self, row):
        """Write one result row (a dict with the keys :attr:`columns`) to both files."""
        self.rows.append(row)
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
      (strategy, seed) runs are kept, those of unfinished runs dropped.
    * ``overwrite`` deletes the experiment files (:data:`OUTPUT_FILES`, stopping.csv) first;
      other files stay.

    Parameters
    ----------
    out : Path
        The output folder.
    header : dict
        ``config``, ``dataset`` and ``versions`` of the new run, see :class:`ResultsWriter`.
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
    finished : set of (str, int)
        The (strategy, seed) runs that need not run again.

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
        for name in (*OUTPUT_FILES, STOPPING_CSV):
            (out / name).unlink(missing_ok=True)
        return ResultsWriter(out, header, columns, stopping_columns=stopping_columns), set()
    if not out.exists() or not any(out.iterdir()):
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
    rows = _read_rows(out / RESULTS_CSV, columns)
    finished = _finished_runs(rows, rounds)
    stopping = []
    if stopping_columns:
        stopping = _read_rows(out / STOPPING_CSV, stopping_columns)
        num_criteria = len(header['config'].get('stopping', ()))
        finished = {run for run in finished  # a run needs its stopping rows, too
                    if sum((row['strategy'], row['seed']) == run for row in stopping)
                    == num_criteria}
        stopping = [row for row in stopping if (row['strategy'], row['seed']) in finished]
    kept = [row for row in rows if (row['strategy'], row['seed']) in finished]
    return ResultsWriter(out, header, columns, kept, stopping_columns, stopping), finished


def _read_header(out):
    try:
        with open(out / RESULTS_JSON, encoding='utf-8') as f:
            previous = json.load(f)
    except (OSError, ValueError):
        return None
    if not isinstance(previous, dict) or not all(
            isinstance(previous.get(key), dict) for key in ('config', 'dataset')):
        return None
    return previous


_LATER_OPTION_DEFAULTS = {'model': None, 'embeddings': None, 'stopping': []}
"""Options added after the first results format, with the value that a results.json
written before them implies."""


def _differences(previous, header):
    old, new = previous['config'], header['config']
    keys = [key for key in new
            if key != 'out' and old.get(key, _LATER_OPTION_DEFAULTS.get(key)) != new[key]]
    differences = [option_name(key) for key in keys]
    if previous['dataset'].get('files') != header['dataset']['files']:
        differences.append('the contents of the data files')
    return differences


def _read_rows(path, columns):
    """Return the parseable rows of a results.csv with exactly ``columns``."""
    try:
        with open(path, encoding='utf-8', newline='') as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != tuple(columns):
                return []
            rows = []
            for raw in reader:
                try:
                    rows.append({column: _parse(column, raw[column]) for column in columns})
                except (TypeError, ValueError):
                    continue  # a line cut short by a crash; its run is unfinished
            return rows
    except OSError:
        return []


def _parse(column, value):
    if column in ('strategy', 'criterion'):
        return value
    if value == '' and column in _OPTIONAL_COLUMNS:
        return None
    return int(value) if column in _INT_COLUMNS else float(value)


def _finished_runs(rows, rounds):
    rounds_seen = {}
    for row in rows:
        rounds_seen.setdefault((row['strategy'], row['seed']), set()).add(row['round'])
    return {run for run, seen in rounds_seen.items() if seen == set(range(rounds + 1))}


def _replace(path, text):
    """Write ``text`` to ``path`` atomically (write a temporary file, fsync, rename)."""
    tmp = path.with_name(path.name + '.tmp')
    with open(tmp, 'w', encoding='utf-8', newline='') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
