"""Runs the examples and benchmarks on the real datasets of ../shared/data."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / 'shared' / 'data'

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not (DATA / 'trec6').exists(), reason='../shared/data is not available'),
]


def test_trec6_example_prints_accuracy_per_round():
    result = subprocess.run([sys.executable, str(REPO / 'examples' / 'trec6_active_learning.py'),
                             '--seeds', '0'], capture_output=True, text=True, check=True,
                            timeout=300)
    lines = result.stdout.splitlines()
    assert sum('labels 520' in line for line in lines) == 2  # one final round per strategy
    final = [line for line in lines if line.strip().startswith(('BreakingTies ', 'RandomSampling '))
             and '+-' in line]
    assert len(final) == 2
    for line in final:
        assert 0.5 < float(line.split()[1]) <= 1.0


def test_loop_benchmark_prints_table():
    result = subprocess.run([sys.executable, str(REPO / 'benchmarks' / 'bench_loop.py'),
                             '--dataset', 'trec6', '--rounds', '2'], capture_output=True,
                            text=True, check=True, timeout=300)
    rows = [line for line in result.stdout.splitlines() if line.startswith('| ')]
    assert rows[0].startswith('| strategy | fit s/round')
    assert {row.split('|')[1].strip() for row in rows[1:]} == {
        'RandomSampling', 'LeastConfidence', 'PredictionEntropy', 'BreakingTies'}
