"""The JSON API through Starlette's test client, with retrains in a background thread."""
import json
from pathlib import Path

import pytest

pytest.importorskip('starlette', reason='the annotation app needs the annotate extra: '
                                        'pip install "small-text[annotate]"')
from starlette.testclient import TestClient  # noqa: E402

from small_text.active_learner import PoolBasedActiveLearner  # noqa: E402
from small_text.annotate.app import create_app  # noqa: E402
from small_text.annotate.project import open_project  # noqa: E402
from small_text.annotate.service import AnnotationService  # noqa: E402

from ._helpers import wait_for, write_pool  # noqa: E402
from .conftest import LABELS  # noqa: E402


def _client(store, token=None, **kwargs):
    service = AnnotationService(store, background='thread', **kwargs)
    return TestClient(create_app(service, token=token))


@pytest.fixture
def client(store):
    with _client(store) as client:
        yield client


def _label(client, text_id, label, annotator='ann'):
    response = client.post('/api/label', json={'id': text_id, 'label': label,
                                               'annotator': annotator})
    assert response.status_code == 200, response.text
    return response.json()


def _label_next(client, gold, annotator='ann'):
    text = client.get('/api/next', params={'annotator': annotator}).json()
    _label(client, text['id'], gold[text['id']], annotator)
    return text


def test_status_of_a_new_project(client):
    status = client.get('/api/status').json()
    assert status['texts'] == 300 and status['labelled'] == 0 and status['skipped'] == 0
    assert status['labels'] == LABELS and status['counts'] == dict.fromkeys(LABELS, 0)
    assert status['model'] == {'version': 0, 'state': 'cold-start', 'trained_on': 0,
                               'trained_at': None, 'cv_accuracy': None, 'error': None}
    assert status['queue'] == 0
    assert status['stopping'] == {'delta-f-score': False, 'classification-change': False,
                                  'kappa-average': False, 'overall-uncertainty': False}


def test_page_and_assets_are_served(client):
    page = client.get('/')
    assert page.status_code == 200 and '<script src="/static/app.js"' in page.text
    assert "default-src 'self'" in page.headers['content-security-policy']
    assert client.get('/static/app.js').status_code == 200
    assert client.get('/static/app.css').status_code == 200


def test_next_label_and_counts(client, gold):
    text = client.get('/api/next', params={'annotator': 'ann'}).json()
    assert set(text) == {'id', 'text', 'score', 'source', 'model_version'}
    assert text['source'] == 'cold-start' and text['score'] is None
    assert _label(client, text['id'], gold[text['id']]) == {'labelled': 1}
    status = client.get('/api/status').json()
    assert status['labelled'] == 1 and status['counts'][gold[text['id']]] == 1
    assert client.get('/api/next', params={'annotator': 'ann'}).json()['id'] != text['id']


def test_integer_ids_are_accepted(client):
    assert client.post('/api/label', json={'id': 7, 'label': 'NUM'}).json() == {'labelled': 1}


def test_a_held_text_is_served_again_to_its_annotator_only(client):
    first = client.get('/api/next', params={'annotator': 'a'}).json()
    assert client.get('/api/next', params={'annotator': 'a'}).json()['id'] == first['id']
    others = {client.get('/api/next', params={'annotator': f'b{i}'}).json()['id']
              for i in range(20)}
    assert first['id'] not in others and len(others) == 20


@pytest.mark.parametrize('lease_seconds, status_of_b', [(300, 204), (0, 200)])
def test_an_expired_lease_frees_the_text(tmp_path, trec_rows, lease_seconds, status_of_b):
    pool = write_pool(tmp_path / 'pool.jsonl', trec_rows[:1])
    store = open_project(tmp_path / 'p', data=pool, labels='a,b')
    with _client(store, lease_seconds=lease_seconds) as client:
        assert client.get('/api/next', params={'annotator': 'a'}).json()['id'] == '1'
        assert client.get('/api/next', params={'annotator': 'b'}).status_code == status_of_b


@pytest.mark.parametrize('body, message', [
    ({'id': 'nope', 'label': 'NUM'}, "unknown id 'nope'"),
    ({'id': '1', 'label': 'COLOR'}, "unknown label 'COLOR'"),
    ({'id': '1'}, 'unknown label None'),
    ({'label': 'NUM'}, 'send its "id"'),
    ({'id': ['1'], 'label': 'NUM'}, '"id" must be a string or an integer'),
    ({'id': '1', 'labels': ['NUM']}, 'single-label'),
    ({'id': '1', 'label': 'NUM', 'annotator': 7}, '"annotator" must be a name'),
])
def test_bad_labels_get_400_naming_the_problem(client, body, message):
    response = client.post('/api/label', json=body)
    assert response.status_code == 400
    assert message in response.json()['error']
    assert client.get('/api/status').json()['labelled'] == 0


@pytest.mark.parametrize('content, message', [(b'{"id": ', 'not valid JSON'),
                                              (b'[1, 2]', 'must be a JSON object')])
def test_malformed_bodies_get_400(client, content, message):
    for path in ('/api/label', '/api/skip', '/api/undo'):
        response = client.post(path, content=content)
        assert response.status_code == 400 and message in response.json()['error']


def test_relabel_replaces_the_label_and_the_log_keeps_both(client, store):
    _label(client, '3', 'NUM')
    assert _label(client, '3', 'LOC', annotator='other') == {'labelled': 1}
    records = [json.loads(line) for line in client.get('/api/export').text.splitlines()]
    assert [(r['id'], r['label'], r['annotator']) for r in records] == [('3', 'LOC', 'other')]
    events = store.events()
    assert [(e['kind'], json.loads(e['value'])) for e in events] == [('label', 'NUM'),
                                                                     ('relabel', 'LOC')]
    assert json.loads(events[1]['previous'])['value'] == '"NUM"'


def test_skip_removes_the_text_from_the_pool_and_its_label(client):
    _label(client, '5', 'NUM')
    response = client.post('/api/skip', json={'id': '5', 'annotator': 'ann'})
    assert response.json() == {'labelled': 0, 'skipped': 1}
    served = {client.get('/api/next', params={'annotator': f'x{i}'}).json()['id']
              for i in range(299)}
    assert '5' not in served and len(served) == 299
    assert client.post('/api/skip', json={'id': 'nope'}).status_code == 400


def test_undo_label_serves_the_text_again(client, gold):
    text = _label_next(client, gold)
    response = client.post('/api/undo', json={'annotator': 'ann'})
    assert response.status_code == 200
    assert response.json() == {'undone': {'id': text['id'], 'action': 'label'}, 'labelled': 0,
                               'skipped': 0}
    assert client.get('/api/next', params={'annotator': 'ann'}).json()['id'] == text['id']
    assert client.get('/api/export').text == ''


def test_undo_relabel_restores_the_previous_label_and_undo_skip_unskips(client):
    _label(client, '2', 'HUM', annotator='a')
    _label(client, '2', 'LOC', annotator='a')
    client.post('/api/skip', json={'id': '9', 'annotator': 'a'})
    assert client.post('/api/undo', json={'annotator': 'a'}).json()['undone'] == {
        'id': '9', 'action': 'skip'}
    assert client.post('/api/undo', json={'annotator': 'a'}).json()['undone'] == {
        'id': '2', 'action': 'relabel'}
    assert json.loads(client.get('/api/export').text)['label'] == 'HUM'
    assert client.get('/api/status').json()['skipped'] == 0
    assert client.post('/api/undo', json={'annotator': 'a'}).json()['labelled'] == 0
    response = client.post('/api/undo', json={'annotator': 'a'})
    assert response.status_code == 409 and 'nothing to undo' in response.json()['error']


def test_undo_does_not_overwrite_another_annotators_answer(client):
    _label(client, '4', 'HUM', annotator='a')
    _label(client, '4', 'LOC', annotator='b')
    response = client.post('/api/undo', json={'annotator': 'a'})
    assert response.status_code == 409 and "'4' was answered again" in response.json()['error']
    assert json.loads(client.get('/api/export').text)['label'] == 'LOC'


def test_history_lists_the_latest_answers_of_an_annotator(client):
    _label(client, '1', 'HUM', annotator='a')
    _label(client, '2', 'LOC', annotator='b')
    client.post('/api/skip', json={'id': '3', 'annotator': 'a'})
    history = client.get('/api/history', params={'annotator': 'a'}).json()
    assert [(h['id'], h['state'], h['label']) for h in history] == [('3', 'skipped', None),
                                                                    ('1', 'labelled', 'HUM')]
    assert len(client.get('/api/history').json()) == 3
    assert client.get('/api/history', params={'limit': 'x'}).status_code == 400
    assert client.get('/api/history', params={'limit': 0}).status_code == 400


def test_export_formats(client):
    _label(client, '1', 'HUM')
    csv_text = client.get('/api/export', params={'format': 'csv'}).text
    lines = csv_text.splitlines()
    assert lines[0] == 'id,text,label,annotator,labelled_at'
    assert lines[1].startswith('1,') and ',HUM,ann,' in lines[1]
    record = json.loads(client.get('/api/export', params={'format': 'jsonl'}).text)
    assert set(record) == {'id', 'text', 'label', 'annotator', 'labelled_at'}
    assert record['labelled_at'].endswith('+00:00')
    response = client.get('/api/export', params={'format': 'xml'})
    assert response.status_code == 400 and "'xml'" in response.json()['error']


def test_cold_start_switches_to_the_model_once_every_label_has_an_example(client, gold):
    served = []
    while client.get('/api/status').json()['model']['state'] == 'cold-start':
        served.append(_label_next(client, gold))
        assert len(served) < 300
    assert all(text['source'] == 'cold-start' for text in served)
    assert set(client.get('/api/status').json()['counts'].values()) != {0}
    status = wait_for(lambda: (lambda s: s['model']['state'] == 'ready' and s)(
        client.get('/api/status').json()))
    assert status['model']['version'] == 1 and status['model']['trained_on'] >= len(LABELS)
    assert status['queue'] > 0
    text = client.get('/api/next', params={'annotator': 'ann'}).json()
    assert text['source'] == 'model' and text['model_version'] == 1
    assert isinstance(text['score'], float)


def test_retrains_after_every_query_size_labels(client, gold):
    while client.get('/api/status').json()['model']['state'] == 'cold-start':
        _label_next(client, gold)
    wait_for(lambda: client.get('/api/status').json()['model']['state'] == 'ready')
    for _ in range(5):  # the fixture's query_size
        _label_next(client, gold)
    status = wait_for(lambda: (lambda s: s['model']['version'] == 2
                               and s['model']['state'] == 'ready' and s)(
        client.get('/api/status').json()))
    assert [point['version'] for point in status['accuracy']] == [1, 2]
    assert status['accuracy'][1]['trained_on'] == status['accuracy'][0]['trained_on'] + 5


def test_every_model_is_saved_as_a_loadable_learner(client, store, gold):
    while client.get('/api/status').json()['model']['state'] == 'cold-start':
        _label_next(client, gold)
    snapshot = Path(store.path).parent / 'models' / 'v1'
    wait_for(lambda: (snapshot / 'active_learning.json').exists())
    learner = PoolBasedActiveLearner.load(snapshot)
    trained_on = client.get('/api/status').json()['model']['trained_on']
    assert learner.indices_labeled.shape == (trained_on,)
    assert learner.classifier.predict(learner.dataset[:3]).shape == (3,)


def test_a_single_class_never_trains(tmp_path, trec_rows):
    pool = write_pool(tmp_path / 'pool.jsonl', trec_rows[:40])
    store = open_project(tmp_path / 'p', data=pool, labels='yes,no', query_size=1)
    with _client(store) as client:
        for number in range(1, 41):
            _label(client, str(number), 'yes')
        status = client.get('/api/status').json()
    assert status['model']['state'] == 'cold-start' and store.models() == []


def test_nothing_left_gives_204(tmp_path, trec_rows):
    pool = write_pool(tmp_path / 'pool.jsonl', trec_rows[:3])
    store = open_project(tmp_path / 'p', data=pool, labels='a,b')
    with _client(store) as client:
        for number in ('1', '2'):
            client.post('/api/skip', json={'id': number})
        _label(client, '3', 'a')
        assert client.get('/api/next').status_code == 204


def test_multi_label(tmp_path, trec_rows):
    pool = write_pool(tmp_path / 'pool.jsonl', trec_rows[:50])
    store = open_project(tmp_path / 'p', data=pool, labels='x,y,z', multi_label=True)
    with _client(store) as client:
        ok = client.post('/api/label', json={'id': '1', 'labels': ['z', 'x']})
        assert ok.json() == {'labelled': 1}
        assert client.post('/api/label', json={'id': '2', 'labels': []}).status_code == 200
        for body, message in [({'id': '3', 'label': 'x'}, 'multi-label'),
                              ({'id': '3', 'labels': 'x'}, 'multi-label'),
                              ({'id': '3', 'labels': ['x', 'w']}, "unknown label 'w'")]:
            response = client.post('/api/label', json=body)
            assert response.status_code == 400 and message in response.json()['error']
        records = [json.loads(line) for line in client.get('/api/export').text.splitlines()]
        csv_text = client.get('/api/export', params={'format': 'csv'}).text
        status = client.get('/api/status').json()
    assert [(r['id'], r['labels']) for r in records] == [('1', ['x', 'z']), ('2', [])]
    assert '"x,z"' in csv_text.splitlines()[1]
    assert status['counts'] == {'x': 1, 'y': 0, 'z': 1} and status['multi_label']
    assert 'kappa-average' not in status['stopping']


def test_multi_label_trains_once_every_label_has_a_positive_and_a_negative(tmp_path,
                                                                           trec_rows):
    pool = write_pool(tmp_path / 'pool.jsonl', trec_rows[:60])
    store = open_project(tmp_path / 'p', data=pool, labels='x,y', multi_label=True,
                         query_size=2)
    with _client(store) as client:
        for number in range(1, 5):
            client.post('/api/label', json={'id': str(number), 'labels': ['x', 'y']})
        assert client.get('/api/status').json()['model']['state'] == 'cold-start'
        for number, labels in [(5, ['x']), (6, ['y']), (7, []), (8, ['x'])]:
            client.post('/api/label', json={'id': str(number), 'labels': labels})
        status = wait_for(lambda: (lambda s: s['model']['state'] == 'ready' and s)(
            client.get('/api/status').json()))
        text = client.get('/api/next').json()
    assert status['model']['version'] >= 1 and text['source'] == 'model'
    # two labels: delta-f-score watches each label one-vs-rest (no single-label DeltaFScore)
    assert 'delta-f-score' in status['stopping'] and status['model']['error'] is None


def test_token_is_required_for_the_api_when_set(store):
    with _client(store, token='s3cret') as client:
        assert client.get('/').status_code == 200
        for headers in ({}, {'Authorization': 'Bearer wrong'}, {'Authorization': 's3cret'}):
            response = client.get('/api/status', headers=headers)
            assert response.status_code == 401 and 'Bearer' in response.json()['error']
        assert client.post('/api/label', json={'id': '1', 'label': 'NUM'}).status_code == 401
        good = {'Authorization': 'Bearer s3cret'}
        assert client.get('/api/status', headers=good).status_code == 200
        assert client.post('/api/label', json={'id': '1', 'label': 'NUM'},
                           headers=good).status_code == 200


def test_without_token_no_header_is_needed(client):
    assert client.get('/api/status').status_code == 200


def test_bodies_over_one_megabyte_get_413(client):
    big = json.dumps({'id': '1', 'label': 'NUM', 'pad': 'x' * (1 << 20)})
    assert client.post('/api/label', content=big).status_code == 413

    def chunks():  # no Content-Length: the body arrives in chunks
        for _ in range(20):
            yield b'x' * 100_000

    response = client.post('/api/label', content=chunks())
    assert response.status_code == 413
    assert client.get('/api/status').json()['labelled'] == 0


def test_event_log_replays_to_the_current_answers(client, store):
    _label(client, '1', 'HUM', annotator='a')
    _label(client, '2', 'LOC', annotator='b')
    _label(client, '1', 'NUM', annotator='b')
    client.post('/api/skip', json={'id': '3', 'annotator': 'a'})
    client.post('/api/undo', json={'annotator': 'b'})
    client.post('/api/skip', json={'id': '2', 'annotator': 'a'})
    replayed = {}
    for event in store.events():
        if event['kind'] == 'undo':
            restored = json.loads(event['value']) if event['value'] else None
            replayed[event['pos']] = restored and (restored['kind'], restored['value'])
        else:
            replayed[event['pos']] = ('skip', None) if event['kind'] == 'skip' \
                else ('label', event['value'])
    current = {pos: store.state(pos) for pos in replayed}
    assert {pos: state and (state['kind'], state['value']) for pos, state in current.items()} \
        == replayed


def test_imported_labels_count_and_export_without_annotator(tmp_path, trec_rows):
    rows = [dict(row) for row in trec_rows[:20]]
    for row in rows[5:]:
        row['label'] = ''
    pool = write_pool(tmp_path / 'pool.csv.jsonl', rows, keep=('text', 'label'))
    store = open_project(tmp_path / 'p', data=pool, labels=LABELS)
    with _client(store) as client:
        status = client.get('/api/status').json()
        records = [json.loads(line) for line in client.get('/api/export').text.splitlines()]
    assert status['labelled'] == 5
    assert [r['label'] for r in records] == [row['label'] for row in trec_rows[:5]]
    assert {r['annotator'] for r in records} == {None}
