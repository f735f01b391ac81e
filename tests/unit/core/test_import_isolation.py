"""`import small_text` must not import torch, transformers or matplotlib (core.md §1)."""
import json
import subprocess
import sys

import pytest

HEAVY_MODULES = ['torch', 'transformers', 'matplotlib', 'dask', 'distributed']

SCRIPT = '''
import json, sys
import {module}
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
'''


@pytest.mark.parametrize('module', [
    'small_text',
    'small_text.utils',
    'small_text.integrations.pytorch',
    'small_text.integrations.transformers',
    'small_text.distributed',
])
def test_import_does_not_load_heavy_modules(module):
    result = subprocess.run([sys.executable, '-c', SCRIPT.format(module=module,
                                                                 heavy=HEAVY_MODULES)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == []
