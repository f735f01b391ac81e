"""Pools for the annotation tests: TREC-6 questions from the bundled data set."""
import gzip
import json
import time
from pathlib import Path

import small_text.experiments.data as experiments_data

TREC6_DIR = Path(experiments_data.__file__).resolve().parent / 'data' / 'trec6'
TREC6_LABELS = json.loads((TREC6_DIR / 'labels.json').read_text(encoding='utf-8'))


def trec6_rows(size):
    """Return the first ``size`` TREC-6 training questions as ``{'text', 'label'}`` dicts
    (label names)."""
    rows = []
    with gzip.open(TREC6_DIR / 'train.jsonl.gz', 'rt', encoding='utf-8') as f:
        for line in f:
            row = json.loads(line)
            rows.append({'text': row['text'], 'label': TREC6_LABELS[row['label']]})
            if len(rows) == size:
                break
    return rows


def write_pool(path, rows, keep=('text',)):
    """Write ``rows`` (only the keys in ``keep``) as JSON lines; return ``path``."""
    with open(path, 'w', encoding='utf-8') as f:
        for row in rows:
            f.write(json.dumps({key: row[key] for key in keep if key in row}) + '\n')
    return path


def wait_for(condition, timeout=120, interval=0.05):
    """Poll ``condition()`` until it is truthy and return its value; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f'condition not met within {timeout} s')
