"""Fixtures of the experiment-runner tests."""
import pytest

from ._helpers import make_rows, write_jsonl


@pytest.fixture
def tiny_files(tmp_path):
    """A single-label train (90 texts) and test (30 texts) JSONL file."""
    train = write_jsonl(tmp_path / 'train.jsonl', make_rows(30, seed=0))
    test = write_jsonl(tmp_path / 'test.jsonl', make_rows(10, seed=1))
    return train, test
