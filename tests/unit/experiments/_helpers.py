"""Helpers: tiny synthetic text data sets and a runner for the real ``small-text`` script."""
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

_VOCABULARY = {
    'sports': 'ball goal team match score coach league player'.split(),
    'science': 'atom cell energy theory quantum molecule physics data'.split(),
    'cooking': 'salt pan oven recipe flour butter sauce spice'.split(),
}
_SHARED = 'the a of and with today new some'.split()

TINY = {'seeds': 1, 'initial': 6, 'rounds': 2, 'query_size': 5,
        'strategies': 'random,least-confidence'}
"""Options of a small experiment on :func:`make_rows` data (6 + 2 x 5 = 16 labels)."""

TINY_ARGS = ['--seeds', '1', '--initial', '6', '--rounds', '2', '--query-size', '5',
             '--strategies', 'random,least-confidence']
""":data:`TINY` as command-line arguments."""


def make_rows(per_class, seed=0, multi_label=False):
    """Return ``3 * per_class`` rows ``{'text': ..., 'label': ...}`` of separable classes.

    With ``multi_label`` the label is a list: the row's class, plus a second class for every
    third row (whose text then mixes both vocabularies).
    """
    rng = np.random.RandomState(seed)
    classes = list(_VOCABULARY)
    rows = []
    for i in range(per_class):
        for c, name in enumerate(classes):
            words = list(rng.choice(_VOCABULARY[name], 4)) + list(rng.choice(_SHARED, 2))
            label = name
            if multi_label:
                label = [name]
                if i % 3 == 0:
                    other = classes[(c + 1) % len(classes)]
                    words += list(rng.choice(_VOCABULARY[other], 3))
                    label.append(other)
            rng.shuffle(words)
            rows.append({'text': ' '.join(words), 'label': label})
    return rows


def write_jsonl(path, rows):
    with open(path, 'w', encoding='utf-8') as f:
        for row in rows:
            f.write(json.dumps(row) + '\n')
    return path


def write_csv(path, rows):
    with open(path, 'w', encoding='utf-8', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            label = row['label']
            writer.writerow({**row, 'label': ','.join(label) if isinstance(label, list)
                             else label})
    return path


def read_csv_rows(path, drop_timings=True):
    """Return the rows of a results.csv, without the timing columns by default."""
    with open(path, encoding='utf-8', newline='') as f:
        rows = list(csv.DictReader(f))
    if drop_timings:
        rows = [{k: v for k, v in row.items() if not k.endswith('_seconds')} for row in rows]
    return rows


def _command():
    script = shutil.which('small-text', path=str(Path(sys.executable).parent))
    if script is None:  # not installed as a distribution: fall back to the module
        return [sys.executable, '-m', 'small_text.experiments']
    return [script]


def start_cli(*args, cwd=None):
    """Start ``small-text <args>`` in a subprocess; pass the result to :func:`finish`."""
    return subprocess.Popen([*_command(), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=cwd)


def finish(process, timeout=300):
    """Wait for a process from :func:`start_cli` and return its CompletedProcess."""
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_cli(*args, cwd=None):
    """Run ``small-text <args>`` in a subprocess and return the CompletedProcess."""
    return finish(start_cli(*args, cwd=cwd))


def assert_bad_input(result, *fragments):
    """Assert exit status 2 and a single ``Error: ...`` line on stderr with ``fragments``."""
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith('Error: ')
    for fragment in fragments:
        assert fragment in lines[0]
    assert result.stdout == ''
