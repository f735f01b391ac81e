"""Crash safety: ``kill -9`` at random moments never loses an acknowledged label."""
import http.client
import json
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from ._helpers import write_pool

pytestmark = pytest.mark.integration

NUM_LABELS = 200
KILLS = 6


class _Server:
    """``small-text annotate`` in a subprocess that a second thread kills and restarts."""

    def __init__(self, project, pool):
        self.args = [sys.executable, '-m', 'small_text.experiments', 'annotate', str(project),
                     '--port', '0']
        self.first_args = [*self.args, '--data', str(pool), '--labels', 'a,b,c',
                           '--query-size', '5']
        self.process = None
        self.url = None
        self.kills = 0

    def start(self, first=False):
        self.process = subprocess.Popen(self.first_args if first else self.args,
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert 'serving' in line, line
        self.url = line.split(' at ')[1].split(' ')[0]

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.kills += 1

    def stop(self):
        self.process.send_signal(signal.SIGINT)
        self.process.communicate(timeout=60)


def _call(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method='POST' if data else 'GET',
                                     headers={'Content-Type': 'application/json'})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read()


def test_every_acknowledged_label_survives_kill_9(tmp_path):
    pytest.importorskip('uvicorn', reason='needs the annotate extra: '
                                          'pip install "small-text[annotate]"')
    pool = write_pool(tmp_path / 'pool.jsonl', [{'text': f'text number {i} ' + 'word ' * (i % 7)}
                                                for i in range(400)])
    server = _Server(tmp_path / 'project', pool)
    server.start(first=True)
    rng = random.Random(0)
    acknowledged = {}
    done = threading.Event()
    # kill after a random number of labels, a random few milliseconds later: mid-request,
    # mid-commit or between requests
    thresholds = sorted(rng.sample(range(10, NUM_LABELS - 10), KILLS))

    def killer():
        for threshold in thresholds:
            while len(acknowledged) < threshold and not done.is_set():
                time.sleep(0.001)
            if done.is_set():
                return
            time.sleep(rng.uniform(0, 0.02))
            server.kill()
            server.start()

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        labels = ['a', 'b', 'c']
        while len(acknowledged) < NUM_LABELS:
            try:
                status, body = _call(server.url, f'api/next?annotator=w{len(acknowledged) % 2}')
                if status == 204:
                    break
                text_id = json.loads(body)['id']
                label = labels[int(text_id) % 3]
                status, _ = _call(server.url, 'api/label', {'id': text_id, 'label': label})
                if status == 200:
                    acknowledged[text_id] = label
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError,
                    http.client.HTTPException):
                # the server is down, or was killed while sending a response (an
                # IncompleteRead): wait for the restart
                time.sleep(0.05)
        thread.join()  # the last kills may come after the last label
    finally:
        done.set()
        thread.join()
    server.stop()

    export = subprocess.run([sys.executable, '-m', 'small_text.experiments', 'export',
                             str(tmp_path / 'project')], capture_output=True, text=True,
                            check=True)
    records = [json.loads(line) for line in export.stdout.splitlines()]
    ids = [record['id'] for record in records]
    assert len(ids) == len(set(ids))
    exported = {record['id']: record['label'] for record in records}
    assert {text_id: exported.get(text_id) for text_id in acknowledged} == acknowledged
    assert len(acknowledged) == NUM_LABELS
    print(f'{server.kills} kills, {len(acknowledged)} acknowledged labels, '
          f'{len(records)} exported')
    assert server.kills == KILLS
