"""The README's quickstart runs as written."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / 'README.md'


def test_readme_quickstart_runs(tmp_path, monkeypatch, capsys):
    text = README.read_text(encoding='utf-8')
    section = text[text.index('## Quickstart'):]
    code = re.search(r'```python\n(.*?)```', section, re.S).group(1)
    monkeypatch.chdir(tmp_path)
    exec(compile(code, str(README), 'exec'), {})
    assert capsys.readouterr().out.startswith('270 labels;')
    assert (tmp_path / 'my-learner' / 'active_learning.json').exists()
