// The annotation page. It talks only to the JSON API and writes every text with textContent,
// never as HTML.
'use strict';

const token = new URLSearchParams(window.location.search).get('token');
const state = {labels: [], multiLabel: false, current: null, selected: new Set(), busy: false};
const $ = (id) => document.getElementById(id);

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function annotator() {
  return $('annotator').value.trim() || 'anonymous';
}

async function api(path, body) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  const options = {headers};
  if (body !== undefined) {
    options.method = 'POST';
    headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  if (response.status === 204) return null;
  const payload = await response.json();
  if (!response.ok) throw new Error(payload.error || response.statusText);
  return payload;
}

function say(text, isError) {
  const message = $('message');
  message.textContent = text || '';
  message.classList.toggle('error', Boolean(isError));
}

function renderButtons() {
  const buttons = $('buttons');
  buttons.replaceChildren();
  state.labels.forEach((name, i) => {
    const button = element('button', null, 'label');
    if (i < 9) button.append(element('kbd', i + 1));
    button.append(element('span', name));
    button.dataset.label = name;
    button.setAttribute('aria-pressed', state.selected.has(name) ? 'true' : 'false');
    button.addEventListener('click', () => choose(name));
    buttons.append(button);
  });
  $('submit').hidden = !state.multiLabel;
}

function renderCurrent() {
  const current = state.current;
  state.selected = new Set();
  renderButtons();
  if (!current) {
    $('text').textContent = 'Nothing left to label: every text is labelled or skipped.';
    $('text').classList.add('done');
    $('text-id').textContent = '';
    $('source').textContent = '';
    return;
  }
  $('text').classList.remove('done');
  $('text').textContent = current.text;
  $('text-id').textContent = 'id ' + current.id;
  const source = current.source === 'model'
    ? 'chosen by model v' + current.model_version : current.source === 'cold-start'
      ? 'random (cold start)' : 'random';
  $('source').textContent = source;
  $('source').dataset.source = current.source;
}

async function loadNext() {
  state.current = await api('/api/next?annotator=' + encodeURIComponent(annotator()));
  renderCurrent();
}

async function act(work) {
  if (state.busy) return;
  state.busy = true;
  say('');
  try {
    await work();
  } catch (error) {
    say(error.message, true);
  } finally {
    state.busy = false;
  }
  refresh();
}

function choose(name) {
  if (!state.current) return;
  if (state.multiLabel) {
    if (state.selected.has(name)) state.selected.delete(name); else state.selected.add(name);
    renderButtons();
    return;
  }
  act(async () => {
    await api('/api/label', {id: state.current.id, label: name, annotator: annotator()});
    await loadNext();
  });
}

function submitLabels() {
  if (!state.current || !state.multiLabel) return;
  const labels = state.labels.filter((name) => state.selected.has(name));
  act(async () => {
    await api('/api/label', {id: state.current.id, labels, annotator: annotator()});
    await loadNext();
  });
}

function skip() {
  if (!state.current) return;
  act(async () => {
    await api('/api/skip', {id: state.current.id, annotator: annotator()});
    await loadNext();
  });
}

function undo() {
  act(async () => {
    const result = await api('/api/undo', {annotator: annotator()});
    await loadNext();
    say('Undid the ' + result.undone.action + ' of text ' + result.undone.id + '.');
  });
}

function renderStatus(status) {
  $('progress').textContent = status.labelled + ' of ' + status.texts + ' labelled · '
    + status.skipped + ' skipped';
  const counts = $('counts');
  counts.replaceChildren();
  const most = Math.max(1, ...Object.values(status.counts));
  status.labels.forEach((name, i) => {
    const item = element('li');
    item.append(element('span', (i < 9 ? (i + 1) + ' ' : '') + name, 'name'));
    const bar = element('span', null, 'bar');
    bar.style.width = (100 * status.counts[name] / most) + '%';
    const track = element('span', null, 'track');
    track.append(bar);
    item.append(track, element('span', status.counts[name], 'count'));
    item.dataset.label = name;
    counts.append(item);
  });
  const model = status.model;
  let text = model.state === 'cold-start'
    ? 'Cold start: random texts until every label has an example.'
    : 'Version ' + model.version + ' · trained on ' + model.trained_on + ' labels';
  if (model.state === 'training') text += ' · training…';
  if (model.cv_accuracy !== null && model.cv_accuracy !== undefined) {
    text += ' · CV accuracy ' + (100 * model.cv_accuracy).toFixed(1) + '%';
  }
  if (model.error) text += ' · last retrain failed: ' + model.error;
  $('model').textContent = text;
  $('model').dataset.state = model.state;
  $('model').dataset.version = model.version;
  renderChart(status.accuracy);
  const stopping = $('stopping');
  stopping.replaceChildren();
  Object.entries(status.stopping).forEach(([name, stop]) => {
    const item = element('li', name, stop ? 'stop' : 'go');
    item.append(element('span', stop ? 'would stop' : 'continue', 'verdict'));
    stopping.append(item);
  });
}

function renderChart(points) {
  const svg = $('chart');
  const ns = 'http://www.w3.org/2000/svg';
  svg.replaceChildren();
  const add = (tag, attributes, text) => {
    const node = document.createElementNS(ns, tag);
    Object.entries(attributes).forEach(([key, value]) => node.setAttribute(key, value));
    if (text !== undefined) node.textContent = text;
    svg.append(node);
    return node;
  };
  const left = 30, right = 292, top = 8, bottom = 92;
  [0, 0.5, 1].forEach((value) => {
    const y = bottom - value * (bottom - top);
    add('line', {x1: left, x2: right, y1: y, y2: y, class: 'grid'});
    add('text', {x: left - 4, y: y + 3, class: 'axis', 'text-anchor': 'end'}, value * 100 + '%');
  });
  const scored = points.filter((point) => point.cv_accuracy !== null);
  if (scored.length === 0) {
    add('text', {x: (left + right) / 2, y: 55, class: 'empty', 'text-anchor': 'middle'},
        'accuracy appears after the first retrains');
    return;
  }
  const first = scored[0].trained_on, last = scored[scored.length - 1].trained_on;
  const x = (n) => last === first ? (left + right) / 2
    : left + (n - first) / (last - first) * (right - left);
  const y = (accuracy) => bottom - accuracy * (bottom - top);
  add('polyline', {points: scored.map((p) => x(p.trained_on) + ',' + y(p.cv_accuracy)).join(' '),
                   class: 'line'});
  scored.forEach((p) => add('circle', {cx: x(p.trained_on), cy: y(p.cv_accuracy), r: 2.5,
                                       class: 'dot'}));
  add('text', {x: left, y: 106, class: 'axis'}, first + ' labels');
  if (last !== first) add('text', {x: right, y: 106, class: 'axis', 'text-anchor': 'end'},
                          last + ' labels');
}

function renderHistory(items) {
  const history = $('history');
  history.replaceChildren();
  items.forEach((entry) => {
    const item = element('li');
    item.append(element('p', entry.text, 'history-text'));
    const chips = element('div', null, 'chips');
    const current = state.multiLabel ? new Set(entry.labels || []) : new Set([entry.label]);
    state.labels.forEach((name) => {
      const chip = element('button', name, 'chip');
      chip.setAttribute('aria-pressed', current.has(name) ? 'true' : 'false');
      chip.title = 'relabel as ' + name;
      chip.addEventListener('click', () => relabel(entry, name, current));
      chips.append(chip);
    });
    if (entry.state !== 'labelled') chips.append(element('span', entry.state, 'state'));
    item.append(chips);
    history.append(item);
  });
}

function relabel(entry, name, current) {
  let body = {id: entry.id, label: name, annotator: annotator()};
  if (state.multiLabel) {
    const labels = new Set(current);
    if (labels.has(name)) labels.delete(name); else labels.add(name);
    body = {id: entry.id, labels: state.labels.filter((n) => labels.has(n)),
            annotator: annotator()};
  }
  act(() => api('/api/label', body));
}

async function refresh() {
  try {
    const [status, history] = await Promise.all([
      api('/api/status'),
      api('/api/history?limit=12&annotator=' + encodeURIComponent(annotator())),
    ]);
    renderStatus(status);
    renderHistory(history);
  } catch (error) {
    say(error.message, true);
  }
}

async function download(format) {
  const headers = token ? {Authorization: 'Bearer ' + token} : {};
  const response = await fetch('/api/export?format=' + format, {headers});
  if (!response.ok) { say('export failed: ' + response.statusText, true); return; }
  const url = URL.createObjectURL(await response.blob());
  const link = element('a');
  link.href = url;
  link.download = 'labels.' + format;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

document.addEventListener('keydown', (event) => {
  if (event.target.tagName === 'INPUT' || event.ctrlKey || event.metaKey || event.altKey) return;
  const digit = Number(event.key);
  if (Number.isInteger(digit) && digit >= 1 && digit <= Math.min(9, state.labels.length)) {
    choose(state.labels[digit - 1]);
  } else if (event.key === 's') {
    skip();
  } else if (event.key === 'u') {
    undo();
  } else if (event.key === 'Enter' && state.multiLabel) {
    submitLabels();
  } else {
    return;
  }
  event.preventDefault();
});

async function start() {
  const input = $('annotator');
  input.value = localStorage.getItem('small-text-annotator')
    || 'annotator-' + Math.random().toString(36).slice(2, 6);
  localStorage.setItem('small-text-annotator', input.value);
  input.addEventListener('change', () => {
    localStorage.setItem('small-text-annotator', annotator());
    act(loadNext);
  });
  $('skip').addEventListener('click', skip);
  $('undo').addEventListener('click', undo);
  $('submit').addEventListener('click', submitLabels);
  document.querySelectorAll('[data-format]').forEach((button) => {
    button.addEventListener('click', () => download(button.dataset.format));
  });
  try {
    const status = await api('/api/status');
    state.labels = status.labels;
    state.multiLabel = status.multi_label;
    renderStatus(status);
    await loadNext();
  } catch (error) {
    say(error.message, true);
  }
  refresh();
  setInterval(refresh, 2000);
}

start();
