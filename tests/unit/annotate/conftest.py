import pytest

from small_text.annotate.project import open_project

from ._helpers import trec6_rows, write_pool

LABELS = ['DESC', 'ENTY', 'ABBR', 'HUM', 'LOC', 'NUM']


@pytest.fixture
def trec_rows():
    return trec6_rows(300)


@pytest.fixture
def gold(trec_rows):
    """Text id (row number) -> true label."""
    return {str(number): row['label'] for number, row in enumerate(trec_rows, start=1)}


@pytest.fixture
def pool_file(tmp_path, trec_rows):
    return write_pool(tmp_path / 'pool.jsonl', trec_rows)


@pytest.fixture
def store(tmp_path, pool_file):
    return open_project(tmp_path / 'project', data=pool_file, labels=LABELS, query_size=5)
