"""Settings for the whole test suite: fully offline, one torch thread per xdist worker."""
import os
import sys

import pytest

# Nothing may be downloaded at test time.
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')
os.environ.setdefault('HF_DATASETS_OFFLINE', '1')


@pytest.fixture(autouse=True)
def _one_torch_thread_per_worker():
    """Parallel workers share 2 cores: with torch loaded, each worker uses one thread."""
    torch = sys.modules.get('torch')
    if torch is not None and 'PYTEST_XDIST_WORKER' in os.environ:
        torch.set_num_threads(1)
    yield
