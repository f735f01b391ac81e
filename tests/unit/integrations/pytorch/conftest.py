"""Fixtures of the PyTorch integration tests (the test modules skip without torch)."""
import os

import numpy as np
import pytest


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: tests that take more than 20 seconds')


@pytest.fixture(autouse=True)
def _deterministic_torch(monkeypatch):
    """Seed NumPy and torch, turn progress bars off and use one torch thread per xdist
    worker (so that two workers do not oversubscribe the cores)."""
    monkeypatch.setenv('SMALL_TEXT_PROGRESS_BARS', '0')
    np.random.seed(0)
    try:
        import torch
    except ImportError:
        yield
        return
    torch.manual_seed(0)
    if os.environ.get('PYTEST_XDIST_WORKER') is not None:
        torch.set_num_threads(1)
    yield
