"""The bundled default experiment through the console script (fewer rounds and seeds than
the default)."""
import subprocess
import sys

import pytest

from small_text.experiments.outputs import RESULTS_CSV

from ._helpers import finish, read_csv_rows, start_cli


def test_import_small_text_and_experiments_stays_light():
    code = ('import sys, small_text; assert "small_text.experiments" not in sys.modules; '
            'import small_text.experiments; '
            'print(sorted(m for m in ("matplotlib", "click", "pyarrow") if m in sys.modules))')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '[]'


@pytest.mark.integration
def test_bundled_default_is_reproducible(tmp_path):
    processes = [start_cli('experiment', '--rounds', '3', '--seeds', '3', cwd=tmp_path),
                 start_cli('experiment', '--rounds', '3', '--seeds', '3', '--quiet', '--out',
                           tmp_path / 'b')]
    first, second = [finish(process) for process in processes]
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr

    (default_out,) = (tmp_path / 'small-text-results').iterdir()
    assert default_out.name.startswith('trec6-')
    rows = read_csv_rows(default_out / RESULTS_CSV)
    assert len(rows) == 4 * 3 * 4  # strategies x seeds x (rounds + 1)
    assert rows == read_csv_rows(tmp_path / 'b' / RESULTS_CSV)
    assert {row['num_labels'] for row in rows} == {'25', '50', '75', '100'}

    table = first.stdout.splitlines()
    assert [line.split(' | ')[0] for line in table[2:6]] == [
        '| random', '| least-confidence', '| prediction-entropy', '| breaking-ties']
    assert all(line.endswith(' | 3 |') for line in table[2:6])
