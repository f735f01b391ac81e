"""What the JSON API does, without the web framework: serving texts, answers, leases, retrains.

:class:`AnnotationService` validates requests, hands out texts under short leases, records
answers in the :class:`~small_text.annotate.storage.Store` and starts a retrain in the
background after every ``query_size`` new labels. Its methods return plain dicts and raise
:class:`ApiError` for bad requests; :mod:`small_text.annotate.app` maps them to HTTP.
"""
import json
import random
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from small_text.annotate.export import EXPORT_FORMATS, export_lines
from small_text.annotate.loop import Trainer, label_coverage, stopping_criteria
from small_text.annotate.project import MODELS_DIR
from small_text.annotate.storage import UndoConflict

LEASE_SECONDS = 300
"""How long a served text stays reserved for its annotator while unanswered."""

DEFAULT_ANNOTATOR = 'anonymous'
"""The annotator of requests that name none."""

MAX_ANNOTATOR_LENGTH = 100


class ApiError(Exception):
    """A bad request: ``status`` is the HTTP status, the message says what was wrong."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


@dataclass
class _Lease:
    pos: int
    expires: float
    payload: dict


class AnnotationService:
    """The annotation loop of one project, shared by all requests (thread-safe).

    Parameters
    ----------
    store : Store
        The project database.
    background : {'process', 'thread'}, default='process'
        Where retrains run, see :class:`~small_text.annotate.loop.Trainer`.
    lease_seconds : float, default=LEASE_SECONDS
        How long a served, unanswered text is reserved for its annotator.
    """

    def __init__(self, store, background='process', lease_seconds=LEASE_SECONDS):
        self.store = store
        settings = store.settings()
        self.labels = settings['labels']
        self.multi_label = settings['multi_label']
        self.query_size = settings['query_size']
        self.lease_seconds = lease_seconds
        self.num_texts = store.num_texts()
        self._lock = threading.Lock()
        self._leases = {}
        self._holders = {}
        self._random = random.Random()
        models = store.models()
        self._model = models[-1] if models else None
        # label and relabel events since the last retrain started (or the model's snapshot)
        self._new_labels = store.label_events_since(self._model['event_seq'] if self._model
                                                    else 0)
        self._training = False
        self._error = None
        self._trainer = Trainer(store.path, Path(store.path).parent / MODELS_DIR,
                                self._on_message, background)

    def start(self):
        """Start the background worker, and a retrain if labels await one."""
        self._trainer.start()
        with self._lock:
            if self._model is None and self._covered():
                self._submit()
            else:
                self._maybe_retrain()

    def close(self):
        """Stop the background worker."""
        self._trainer.close()

    # --- requests ------------------------------------------------------------------------

    def status(self):
        """Return the project's counts, model state, queue length and stopping criteria."""
        labelled, skipped, values = self.store.counts()
        counts = dict.fromkeys(self.labels, 0)
        for value, n in values.items():
            value = json.loads(value)
            for name in (value if self.multi_label else [value]):
                counts[name] += n
        models = self.store.models()
        with self._lock:
            model, training, error = self._model, self._training, self._error
        latest = models[-1] if models else model
        state = 'training' if training else ('ready' if latest else 'cold-start')
        return {
            'texts': self.num_texts, 'labelled': labelled, 'skipped': skipped,
            'labels': self.labels, 'multi_label': self.multi_label, 'counts': counts,
            'model': {'version': latest['version'] if latest else 0, 'state': state,
                      'trained_on': latest['trained_on'] if latest else 0,
                      'trained_at': latest['trained_at'] if latest else None,
                      'cv_accuracy': latest['cv_accuracy'] if latest else None,
                      'error': error},
            'queue': self.store.queue_length() if latest else 0,
            'stopping': (latest['stopping'] if latest
                         else dict.fromkeys(stopping_criteria(self.multi_label), False)),
            'accuracy': [{'version': m['version'], 'trained_on': m['trained_on'],
                          'cv_accuracy': m['cv_accuracy']} for m in models],
        }

    def next(self, annotator):
        """Return the next text for ``annotator`` and reserve it, or None if none is left.

        An annotator who holds an unanswered text gets it again (so a reloaded page shows the
        same text). Otherwise, with a model, the best unanswered and unreserved text of the
        queue; before the first model (or when the queue is used up) a random one.
        """
        annotator = _annotator(annotator)
        with self._lock:
            now = time.monotonic()
            for holder in [a for a, lease in self._leases.items() if lease.expires <= now]:
                self._release(holder)
            lease = self._leases.get(annotator)
            if lease is not None:
                if self.store.state(lease.pos) is None:
                    lease.expires = now + self.lease_seconds
                    return lease.payload
                self._release(annotator)
            pos, payload = self._pick()
            if payload is not None:
                self._lease(annotator, pos, payload)
            return payload

    def label(self, body):
        """Label (or relabel) a text: ``{"id", "label"}`` or, multi-label, ``{"id", "labels"}``,
        with an optional ``"annotator"``. Returns ``{"labelled": L}``."""
        annotator, pos = _annotator(body.get('annotator')), self._position(body)
        labelled, _ = self.store.answer(pos, 'label', self._value(body), annotator)
        self._answered(annotator, pos, new_label=True)
        return {'labelled': labelled}

    def skip(self, body):
        """Skip a text, ``{"id"}`` (its label, if any, is removed; it is never served again
        unless the skip is undone). Returns ``{"labelled", "skipped"}``."""
        annotator, pos = _annotator(body.get('annotator')), self._position(body)
        labelled, skipped = self.store.answer(pos, 'skip', None, annotator)
        self._answered(annotator, pos)
        return {'labelled': labelled, 'skipped': skipped}

    def undo(self, body):
        """Undo the annotator's last label, relabel or skip, ``{"annotator"}``.

        A text that becomes unanswered is reserved for the annotator and served next.
        Returns ``{"undone": {"id", "action"}, "labelled", "skipped"}``.
        """
        annotator = _annotator(body.get('annotator'))
        try:
            pos, kind, restored, labelled, skipped = self.store.undo(annotator)
        except UndoConflict as e:
            raise ApiError(409, str(e)) from None
        text_id, text = self.store.text(pos)
        with self._lock:
            if restored is None:
                self._lease(annotator, pos, self._payload(pos, None, self._model))
            self._maybe_retrain()
        return {'undone': {'id': text_id, 'action': kind}, 'labelled': labelled,
                'skipped': skipped}

    def history(self, annotator=None, limit=20):
        """Return the texts answered last (by ``annotator``, or by anyone), newest first."""
        if annotator is not None:
            annotator = _annotator(annotator)
        try:
            limit = int(limit)
        except (TypeError, ValueError):
            raise ApiError(400, f'limit must be an integer, got {limit!r}') from None
        if not 1 <= limit <= 1000:
            raise ApiError(400, f'limit must be between 1 and 1000, got {limit}')
        key = 'labels' if self.multi_label else 'label'
        return [{'id': text_id, 'text': text, 'state': {'label': 'labelled', 'skip': 'skipped',
                                                        None: 'unanswered'}[kind],
                 key: json.loads(value) if kind == 'label' else None, 'annotator': who,
                 'at': at}
                for text_id, text, kind, value, who, at in self.store.history(annotator, limit)]

    def export(self, file_format):
        """Return the export (see :func:`~small_text.annotate.export.export_lines`)."""
        if file_format not in EXPORT_FORMATS:
            raise ApiError(400, f'unknown export format {file_format!r}; use jsonl or csv')
        return export_lines(self.store, file_format)

    # --- helpers -------------------------------------------------------------------------

    def _position(self, body):
        text_id = body.get('id')
        if text_id is None:
            raise ApiError(400, 'the request names no text: send its "id"')
        if isinstance(text_id, bool) or not isinstance(text_id, (str, int)):
            raise ApiError(400, f'"id" must be a string or an integer, got {text_id!r}')
        pos = self.store.position(text_id)
        if pos is None:
            raise ApiError(400, f'unknown id {str(text_id)!r}')
        return pos

    def _value(self, body):
        if self.multi_label:
            names = body.get('labels')
            if 'label' in body or not isinstance(names, list):
                raise ApiError(400, 'this project is multi-label: send "labels", a list of '
                                    'label names (possibly empty)')
            for name in names:
                if name not in self.labels:
                    raise ApiError(400, f'unknown label {name!r}; the labels are '
                                        f'{", ".join(self.labels)}')
            return json.dumps([name for name in self.labels if name in names])
        if 'labels' in body:
            raise ApiError(400, 'this project is single-label: send "label", one label name')
        name = body.get('label')
        if name not in self.labels:
            raise ApiError(400, f'unknown label {name!r}; the labels are '
                                f'{", ".join(self.labels)}')
        return json.dumps(name)

    def _answered(self, annotator, pos, new_label=False):
        with self._lock:
            self._new_labels += new_label
            lease = self._leases.get(annotator)
            if lease is not None and lease.pos == pos:
                self._release(annotator)
            self._maybe_retrain()

    def _pick(self):
        model = self._model
        if model is not None:
            for pos, score in self.store.queue(len(self._holders) + 1):
                if pos not in self._holders:
                    return pos, self._payload(pos, score, model, 'model')
        pos = self._random_unanswered()
        return pos, None if pos is None else self._payload(pos, None, model)

    def _payload(self, pos, score, model, source=None):
        text_id, text = self.store.text(pos)
        if source is None:
            source = 'cold-start' if model is None else 'random'
        return {'id': text_id, 'text': text, 'score': score, 'source': source,
                'model_version': model['version'] if model else 0}

    def _random_unanswered(self):
        for _ in range(4):
            candidates = [self._random.randrange(self.num_texts) for _ in range(32)]
            answered = self.store.answered(candidates)
            for pos in candidates:
                if pos not in answered and pos not in self._holders:
                    return pos
        labelled, skipped, _ = self.store.counts()
        remaining = self.num_texts - labelled - skipped
        window = len(self._holders) + 1
        for offset in (self._random.randrange(max(1, remaining - window + 1)), 0):
            for pos in self.store.unanswered(window, offset):
                if pos not in self._holders:
                    return pos
        return None

    def _lease(self, annotator, pos, payload):
        self._release(annotator)
        holder = self._holders.get(pos)
        if holder is not None:
            self._release(holder)
        self._leases[annotator] = _Lease(pos, time.monotonic() + self.lease_seconds, payload)
        self._holders[pos] = annotator

    def _release(self, annotator):
        lease = self._leases.pop(annotator, None)
        if lease is not None:
            self._holders.pop(lease.pos, None)

    def _covered(self):
        _, _, values = self.store.counts()
        return not label_coverage(values, self.labels, self.multi_label)

    def _maybe_retrain(self):
        # called with the lock held
        if self._training:
            return
        new = self._new_labels
        if self._model is None and new > 0 and self._covered() \
                or self._model is not None and new >= self.query_size:
            self._submit()

    def _submit(self):
        try:
            self._trainer.submit()
        except OSError as e:  # the worker died (e.g. killed for memory): answers go on
            self._error = f'the training process is gone ({e}); restart small-text annotate'
            return
        self._new_labels = 0
        self._training = True

    def _on_message(self, message):
        kind, value = message
        with self._lock:
            self._training = False
            if kind == 'model':
                if value is not None:
                    self._model, self._error = value, None
            else:
                self._error = value
                print(f'small-text annotate: retraining failed: {value}', file=sys.stderr,
                      flush=True)
            self._maybe_retrain()


def _annotator(value):
    if value is None or value == '':
        return DEFAULT_ANNOTATOR
    if not isinstance(value, str) or len(value) > MAX_ANNOTATOR_LENGTH:
        raise ApiError(400, f'"annotator" must be a name of at most {MAX_ANNOTATOR_LENGTH} '
                            f'characters, got {value!r}')
    return value
