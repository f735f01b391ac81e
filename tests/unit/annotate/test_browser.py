"""The annotation page in a real browser: Playwright drives the system's Chromium against a
``small-text annotate`` server, labelling TREC-6 questions with the keyboard.

Takes a screenshot of the page at the end; with ``SMALL_TEXT_UPDATE_DOCS=1`` it replaces
``docs/annotate.png`` (shown in the README), otherwise it goes to the test's temporary folder so
that a test run leaves the checkout unchanged.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ._helpers import trec6_rows, write_pool

pytestmark = pytest.mark.integration

DOCS_SCREENSHOT = Path(__file__).resolve().parents[3] / 'docs' / 'annotate.png'
LABELS = ['DESC', 'ENTY', 'ABBR', 'HUM', 'LOC', 'NUM']
SCRIPT_TEXT = '<script>alert(1)</script>'
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
                 '--disable-component-update', '--disable-sync', '--no-first-run']


@pytest.fixture
def server(tmp_path):
    pytest.importorskip('uvicorn', reason='needs the annotate extra: '
                                          'pip install "small-text[annotate]"')
    # 66 questions per class: the cold start (random texts until every class has an example)
    # ends after a few labels, although ABBR is rare in TREC-6
    rows = []
    for row in trec6_rows(5452):
        if sum(other['label'] == row['label'] for other in rows) < 66:
            rows.append(row)
    rows = sorted(rows[:396], key=lambda row: row['text'])
    rows.append({'text': SCRIPT_TEXT, 'label': 'ENTY'})
    pool = write_pool(tmp_path / 'pool.jsonl', rows)
    process = subprocess.Popen([sys.executable, '-m', 'small_text.experiments', 'annotate',
                                str(tmp_path / 'project'), '--data', str(pool), '--labels',
                                ','.join(LABELS), '--query-size', '5', '--port', '0'],
                               stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert 'serving 397 texts' in line, line
        gold = {str(number): row['label'] for number, row in enumerate(rows, start=1)}
        yield line.split(' at ')[1].split(' ')[0], gold
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)


@pytest.fixture
def page():
    sync_api = pytest.importorskip('playwright.sync_api',
                                   reason='needs Playwright: pip install playwright')
    executable = shutil.which('chromium')
    if executable is None:
        pytest.skip('needs the system Chromium (apt-get install -y chromium)')
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={'width': 1280, 'height': 900})
        dialogs = []
        page.on('dialog', lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.dialogs = dialogs
        yield page
        browser.close()


def _current_id(page):
    return page.text_content('#text-id').removeprefix('id ')


def _answer(page, key):
    before = _current_id(page)
    page.keyboard.press(key)
    page.wait_for_function('before => document.getElementById("text-id").textContent '
                           '!== "id " + before', arg=before, timeout=30_000)


def _label(page, gold, tally):
    text_id = _current_id(page)
    label = gold[text_id]
    _answer(page, str(LABELS.index(label) + 1))
    tally[text_id] = label
    return text_id


def test_label_with_the_keyboard_undo_skip_reload_and_retrain(server, page, tmp_path):
    url, gold = server
    page.goto(url)
    page.fill('#annotator', 'tester')
    page.keyboard.press('Tab')  # the change event loads a text for this annotator
    page.wait_for_selector('#text-id:has-text("id ")')
    assert page.text_content('#source') == 'random (cold start)'
    assert page.locator('#buttons button').count() == len(LABELS)

    # a text that looks like HTML is shown as text: label it through the API, undo it here
    request = urllib.request.Request(url + 'api/label', method='POST', data=json.dumps(
        {'id': '397', 'label': 'ENTY', 'annotator': 'tester'}).encode(),
        headers={'Content-Type': 'application/json'})
    urllib.request.urlopen(request, timeout=30).close()
    page.keyboard.press('u')
    page.wait_for_selector('#text-id:text-is("id 397")')
    assert page.text_content('#text') == SCRIPT_TEXT
    assert page.locator('#text script').count() == 0
    assert page.locator('#history script').count() == 0

    tally = {}
    for _ in range(30):
        _label(page, gold, tally)

    undone = list(tally)[-1]
    page.keyboard.press('u')
    page.wait_for_selector(f'#text-id:text-is("id {undone}")')
    assert page.text_content('#message') == f'Undid the label of text {undone}.'
    del tally[undone]
    _label(page, gold, tally)

    skipped = _current_id(page)
    _answer(page, 's')

    page.reload()
    page.wait_for_selector('#text-id:has-text("id ")')
    expected = f'{len(tally)} of 397 labelled · 1 skipped'
    page.wait_for_selector(f'#progress:text-is("{expected}")')
    counts = {item.get_attribute('data-label'): int(item.locator('.count').text_content())
              for item in page.locator('#counts li').all()}
    assert counts == {name: list(tally.values()).count(name) for name in LABELS}
    assert skipped not in tally

    # the model takes over once it is trained; labelling goes on meanwhile
    for _ in range(200):
        if page.get_attribute('#source', 'data-source') == 'model':
            break
        _label(page, gold, tally)
        page.wait_for_timeout(100)
    assert page.get_attribute('#source', 'data-source') == 'model'
    assert page.text_content('#source').startswith('chosen by model v')
    for _ in range(12):  # a few more labels, for a second point in the accuracy chart
        _label(page, gold, tally)
    page.wait_for_function('Number(document.getElementById("model").dataset.version) >= 2',
                           timeout=120_000)
    page.wait_for_selector('#model[data-state="ready"]', timeout=120_000)
    page.wait_for_selector('#chart polyline')
    assert page.locator('#history li').count() == 12

    assert page.dialogs == []

    screenshot = DOCS_SCREENSHOT if os.environ.get('SMALL_TEXT_UPDATE_DOCS') == '1' \
        else tmp_path / 'annotate.png'
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes().startswith(b'\x89PNG')
