"""Runs the examples as a user would (bundled data, fresh working directory) and the loop
benchmark on the real datasets of ../shared/data."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / 'shared' / 'data'

pytestmark = pytest.mark.integration
needs_shared_data = pytest.mark.skipif(not (DATA / 'trec6').exists(),
                                       reason='../shared/data is not available')


def test_trec6_example_runs_on_bundled_data_in_a_fresh_directory(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / 'examples' / 'trec6_active_learning.py'),
                             '--seeds', '0'], capture_output=True, text=True, check=True,
                            timeout=300, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []  # writes nothing
    lines = result.stdout.splitlines()
    assert sum('labels 520' in line for line in lines) == 2  # one final round per strategy
    final = [line for line in lines if line.strip().startswith(('BreakingTies ', 'RandomSampling '))
             and '+-' in line]
    assert len(final) == 2
    for line in final:
        assert 0.5 < float(line.split()[1]) <= 1.0


def test_trec6_example_reports_a_missing_data_folder(tmp_path):
    result = subprocess.run([sys.executable, str(REPO / 'examples' / 'trec6_active_learning.py'),
                             '--data', str(tmp_path)], capture_output=True, text=True,
                            timeout=300, cwd=tmp_path)
    assert result.returncode == 1
    assert 'train.jsonl' in result.stderr and 'Traceback' not in result.stderr


@needs_shared_data
def test_loop_benchmark_prints_table():
    result = subprocess.run([sys.executable, str(REPO / 'benchmarks' / 'bench_loop.py'),
                             '--dataset', 'trec6', '--rounds', '2'], capture_output=True,
                            text=True, check=True, timeout=300)
    rows = [line for line in result.stdout.splitlines() if line.startswith('| ')]
    assert rows[0].startswith('| strategy | fit s/round')
    assert {row.split('|')[1].strip() for row in rows[1:]} == {
        'RandomSampling', 'LeastConfidence', 'PredictionEntropy', 'BreakingTies'}
