"""Docstrings speak to users in our own words.

They never use internal labels (the "reference" implementation, defect numbers) and never
repeat the small-text documentation (the seed page of ../shared/seed) word for word.
"""
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / 'small_text'
SEED = PACKAGE.parent.parent / 'shared' / 'seed' / 'classifier_api.txt'
RUN = 8  # words in a row that count as a copied sentence


def _sources():
    return sorted(PACKAGE.rglob('*.py'))


def _words(text):
    return [w.lower().strip('.,:`') for w in re.findall(r"[A-Za-z0-9_'`.,:()\[\]=-]+", text)]


def test_no_internal_labels_in_the_package():
    offenders = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
            if re.search(r'\bthe reference\b(?! point)|\breference\'s\b|defect D\d+|\[compat\]',
                         line, flags=re.IGNORECASE):
                offenders.append(f'{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}')
    assert offenders == []


@pytest.mark.skipif(not SEED.exists(), reason='../shared/seed is not available')
def test_no_sentence_of_the_seed_page_is_copied():
    seed = _words(SEED.read_text(encoding='utf-8'))
    runs = {tuple(seed[i:i + RUN]) for i in range(len(seed) - RUN + 1)}
    copied = []
    for path in _sources():
        text = path.read_text(encoding='utf-8')
        for match in re.finditer(r'"""(.*?)"""', text, flags=re.DOTALL):
            words = _words(match.group(1))
            hits = [' '.join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)
                    if tuple(words[i:i + RUN]) in runs]
            copied.extend(f'{path.name}: {hit}' for hit in hits)
    assert copied == []
