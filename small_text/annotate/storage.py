"""The project database: texts, answers, the event log, models and the queue, in SQLite.

Every answer (label, relabel, skip, undo) is one transaction that updates the current state
in ``answers`` and appends one row to ``events``; the database runs in WAL mode with
``synchronous=FULL``, so a committed answer survives a crash or power loss. ``events`` is
append-only: replaying it in ``seq`` order from the imported state rebuilds ``answers``.

Values are stored as JSON: a label name for single-label projects, a sorted list of names for
multi-label projects. Times are ISO 8601 in UTC.
"""
import json
import os
import sqlite3
import threading
from datetime import datetime, timezone

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS texts (pos INTEGER PRIMARY KEY, id TEXT NOT NULL,
                                  text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (pos INTEGER PRIMARY KEY, kind TEXT NOT NULL,
                                    value TEXT, annotator TEXT, at TEXT NOT NULL,
                                    event INTEGER);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
                                   pos INTEGER NOT NULL, value TEXT, previous TEXT,
                                   target INTEGER, annotator TEXT, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_by_annotator ON events (annotator, seq);
CREATE INDEX IF NOT EXISTS events_by_target ON events (target) WHERE target IS NOT NULL;
CREATE TABLE IF NOT EXISTS models (version INTEGER PRIMARY KEY, trained_on INTEGER NOT NULL,
                                   trained_at TEXT NOT NULL, event_seq INTEGER NOT NULL,
                                   cv_accuracy REAL, stopping TEXT NOT NULL,
                                   seconds REAL NOT NULL);
CREATE TABLE IF NOT EXISTS queue (rank INTEGER PRIMARY KEY, pos INTEGER NOT NULL, score REAL);
"""

ANSWER_EVENTS = ('label', 'relabel', 'skip')
"""Event kinds an annotator can undo."""


class UndoConflict(Exception):
    """Raised by :meth:`Store.undo` when there is nothing to undo or the text changed since."""


def now():
    """Return the current UTC time in ISO 8601 with milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec='milliseconds')


class Store:
    """The SQLite database of one annotation project.

    Each thread gets its own connection. Writes take the database's write lock at the start
    of their transaction (``BEGIN IMMEDIATE``), so concurrent answers never interleave; the
    threads of one process queue on a lock first, which wakes the next writer at once where
    SQLite's busy handler would poll with growing sleeps.

    Parameters
    ----------
    path : str or Path
        The database file; created (with the schema) if missing.
    """

    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._connection().executescript(_SCHEMA)

    def _connection(self):
        db = getattr(self._local, 'db', None)
        if db is None:
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False,
                                 timeout=30)
            db.execute('PRAGMA journal_mode=WAL')
            db.execute('PRAGMA synchronous=FULL')
            self._local.db = db
        return db

    def close(self):
        """Close this thread's connection (others close when their thread ends)."""
        db = getattr(self._local, 'db', None)
        if db is not None:
            db.close()
            self._local.db = None

    def transaction(self, write=True):
        """Return a context manager around one transaction on this thread's connection."""
        return _Transaction(self._connection(), self._write_lock if write else None)

    def read(self, sql, parameters=()):
        """Run one read-only query and return all rows."""
        return self._connection().execute(sql, parameters).fetchall()

    # --- settings and texts -------------------------------------------------------------

    def settings(self):
        """Return the stored project settings as a dict (empty for a new database)."""
        return {key: json.loads(value) for key, value in self.read('SELECT key, value FROM '
                                                                   'settings')}

    def save_settings(self, settings):
        """Store (insert or replace) the given settings."""
        with self.transaction() as db:
            db.executemany('INSERT OR REPLACE INTO settings VALUES (?, ?)',
                           [(key, json.dumps(value)) for key, value in settings.items()])

    def import_texts(self, ids, texts, answers):
        """Insert the pool in one transaction, then index the ids.

        Meant for a new database file that is renamed into place once complete: the rows are
        written without a journal and synced once at the end.

        Parameters
        ----------
        ids, texts : list of str
            Unique text ids and the texts; position ``i`` in the pool is row ``i``.
        answers : list of (int, str)
            ``(position, JSON value)`` of texts that arrive labelled.

        Raises
        ------
        sqlite3.IntegrityError
            If an id occurs twice.
        """
        at = now()
        db = self._connection()
        db.execute('PRAGMA journal_mode=OFF')
        db.execute('PRAGMA synchronous=OFF')
        with self.transaction():
            db.executemany('INSERT INTO texts VALUES (?, ?, ?)', zip(range(len(ids)), ids, texts))
            db.executemany("INSERT INTO answers VALUES (?, 'label', ?, NULL, ?, NULL)",
                           ((pos, value, at) for pos, value in answers))
            # built after the rows, by sorting: faster than growing it row by row
            db.execute('CREATE UNIQUE INDEX texts_by_id ON texts (id)')
        with open(self.path, 'rb+') as f:
            os.fsync(f.fileno())
        db.execute('PRAGMA journal_mode=WAL')
        db.execute('PRAGMA synchronous=FULL')

    def num_texts(self):
        """Return the number of texts in the pool."""
        return self.read('SELECT COUNT(*) FROM texts')[0][0]

    def position(self, text_id):
        """Return the pool position of the text ``text_id``, or None if there is none."""
        rows = self.read('SELECT pos FROM texts WHERE id = ?', (str(text_id),))
        return rows[0][0] if rows else None

    def text(self, pos):
        """Return ``(id, text)`` of the text at ``pos``."""
        return self.read('SELECT id, text FROM texts WHERE pos = ?', (pos,))[0]

    def all_texts(self):
        """Return the texts of the whole pool, in pool order."""
        return [text for (text,) in self.read('SELECT text FROM texts ORDER BY pos')]

    # --- answers -------------------------------------------------------------------------

    def answer(self, pos, kind, value, annotator):
        """Record a label (``kind='label'``, ``value`` JSON) or a skip of the text at ``pos``.

        Returns
        -------
        (labelled, skipped) : tuple of int
            The numbers of labelled and skipped texts afterwards.
        """
        at = now()
        with self.transaction() as db:
            previous = _current(db, pos)
            if kind == 'label':
                event_kind = 'relabel' if previous and previous['kind'] == 'label' else 'label'
            else:
                event_kind = 'skip'
            cursor = db.execute('INSERT INTO events (kind, pos, value, previous, annotator, at) '
                                'VALUES (?, ?, ?, ?, ?, ?)',
                                (event_kind, pos, value, _dump(previous), annotator, at))
            db.execute('INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)',
                       (pos, kind, value, annotator, at, cursor.lastrowid))
            return _count(db, 'label'), _count(db, 'skip')

    def undo(self, annotator):
        """Undo the last label, relabel or skip of ``annotator`` that is not undone yet.

        The text returns to the state before that answer (unlabelled, its previous label, or
        skipped).

        Returns
        -------
        (pos, kind, restored, labelled, skipped) : tuple
            The text's position, the kind of the undone event, the restored state (a dict
            like :meth:`state`, or None if the text is unanswered again), and the numbers of
            labelled and skipped texts afterwards.

        Raises
        ------
        UndoConflict
            If the annotator has nothing to undo, or another answer changed the text since.
        """
        with self.transaction() as db:
            row = db.execute(
                'SELECT seq, kind, pos, previous FROM events e WHERE annotator = ? AND kind IN '
                "('label', 'relabel', 'skip') AND NOT EXISTS (SELECT 1 FROM events u WHERE "
                "u.target = e.seq) ORDER BY seq DESC LIMIT 1", (annotator,)).fetchone()
            if row is None:
                raise UndoConflict(f'annotator {annotator!r} has nothing to undo')
            seq, kind, pos, previous = row
            current = _current(db, pos)
            if current is None or current['event'] != seq:
                raise UndoConflict(f'text {self._id(db, pos)!r} was answered again since; '
                                   'relabel it instead of undoing')
            restored = json.loads(previous) if previous else None
            if restored is None:
                db.execute('DELETE FROM answers WHERE pos = ?', (pos,))
            else:
                db.execute('INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?)',
                           (pos, restored['kind'], restored['value'], restored['annotator'],
                            restored['at'], restored['event']))
            db.execute("INSERT INTO events (kind, pos, value, previous, target, annotator, at) "
                       "VALUES ('undo', ?, ?, ?, ?, ?, ?)",
                       (pos, _dump(restored), _dump(current), seq, annotator, now()))
            return pos, kind, restored, _count(db, 'label'), _count(db, 'skip')

    @staticmethod
    def _id(db, pos):
        return db.execute('SELECT id FROM texts WHERE pos = ?', (pos,)).fetchone()[0]

    def state(self, pos):
        """Return the current answer of the text at ``pos`` as a dict, or None."""
        return _current(self._connection(), pos)

    def counts(self):
        """Return ``(labelled, skipped, values)``: the numbers of labelled and skipped texts
        and the number of labelled texts per stored JSON value."""
        with self.transaction(write=False) as db:
            return (_count(db, 'label'), _count(db, 'skip'),
                    dict(db.execute("SELECT value, COUNT(*) FROM answers WHERE kind = 'label' "
                                    "GROUP BY value").fetchall()))

    def answered(self, positions):
        """Return the subset of ``positions`` that are labelled or skipped."""
        marks = ','.join('?' * len(positions))
        return {pos for (pos,) in self.read(f'SELECT pos FROM answers WHERE pos IN ({marks})',
                                            list(positions))}

    def unanswered(self, limit, offset):
        """Return up to ``limit`` unanswered positions, skipping the first ``offset``."""
        return [pos for (pos,) in self.read(
            'SELECT t.pos FROM texts t LEFT JOIN answers a ON a.pos = t.pos WHERE a.pos IS NULL '
            'LIMIT ? OFFSET ?', (limit, offset))]

    def history(self, annotator, limit):
        """Return the texts answered last (by ``annotator``, or by anyone if None), newest
        first, as ``(id, text, kind, value, annotator, at)`` rows of their current state
        (``kind`` is None for a text whose answer was undone)."""
        where, parameters = ('AND annotator = ?', (annotator, limit)) if annotator \
            else ('', (limit,))
        return self.read(
            'SELECT t.id, t.text, a.kind, a.value, a.annotator, a.at FROM (SELECT pos, MAX(seq) '
            "AS seq FROM events WHERE kind IN ('label', 'relabel', 'skip') "
            f'{where} GROUP BY pos ORDER BY seq DESC LIMIT ?) h JOIN texts t ON t.pos = h.pos '
            'LEFT JOIN answers a ON a.pos = h.pos ORDER BY h.seq DESC', parameters)

    def labelled(self):
        """Yield ``(id, text, value, annotator, at)`` of every labelled text in pool order,
        read in one snapshot."""
        # its own connection: a streamed export reads on whichever thread asks for more
        db = sqlite3.connect(self.path, timeout=30, check_same_thread=False)
        try:
            yield from db.execute("SELECT t.id, t.text, a.value, a.annotator, a.at FROM answers a "
                                  "JOIN texts t ON t.pos = a.pos WHERE a.kind = 'label' "
                                  "ORDER BY a.pos")
        finally:
            db.close()

    def snapshot(self):
        """Return ``(last_seq, labels, skipped)`` read in one transaction: the last event's
        ``seq``, ``(pos, JSON value)`` of the labelled texts and the skipped positions."""
        with self.transaction(write=False) as db:
            last_seq = db.execute('SELECT COALESCE(MAX(seq), 0) FROM events').fetchone()[0]
            answers = db.execute('SELECT pos, kind, value FROM answers ORDER BY pos').fetchall()
        return (last_seq, [(pos, value) for pos, kind, value in answers if kind == 'label'],
                [pos for pos, kind, _ in answers if kind == 'skip'])

    def label_events_since(self, seq):
        """Return the number of label and relabel events after event ``seq``."""
        return self.read("SELECT COUNT(*) FROM events WHERE seq > ? AND kind IN "
                         "('label', 'relabel')", (seq,))[0][0]

    def events(self):
        """Return the whole event log as dicts, in order."""
        names = ('seq', 'kind', 'pos', 'value', 'previous', 'target', 'annotator', 'at')
        return [dict(zip(names, row)) for row in self.read(f'SELECT {", ".join(names)} FROM '
                                                           'events ORDER BY seq')]

    # --- models and the queue ------------------------------------------------------------

    def save_model(self, trained_on, event_seq, cv_accuracy, stopping, seconds, queue):
        """Store a new model version and replace the queue by ``queue`` in one transaction.

        ``queue`` is a sequence of ``(pos, score)`` pairs, best first. Returns the version.
        """
        with self.transaction() as db:
            version = db.execute('SELECT COALESCE(MAX(version), 0) + 1 FROM models').fetchone()[0]
            db.execute('INSERT INTO models VALUES (?, ?, ?, ?, ?, ?, ?)',
                       (version, trained_on, now(), event_seq, cv_accuracy,
                        json.dumps(stopping), seconds))
            db.execute('DELETE FROM queue')
            db.executemany('INSERT INTO queue VALUES (?, ?, ?)',
                           ((rank, pos, score) for rank, (pos, score) in enumerate(queue)))
        return version

    def models(self):
        """Return every model version as a dict, oldest first."""
        names = ('version', 'trained_on', 'trained_at', 'event_seq', 'cv_accuracy', 'stopping',
                 'seconds')
        models = [dict(zip(names, row)) for row in self.read(f'SELECT {", ".join(names)} FROM '
                                                             'models ORDER BY version')]
        for model in models:
            model['stopping'] = json.loads(model['stopping'])
        return models

    def queue(self, limit):
        """Return up to ``limit`` unanswered ``(pos, score)`` of the queue, best first."""
        return self.read('SELECT q.pos, q.score FROM queue q WHERE NOT EXISTS (SELECT 1 FROM '
                         'answers a WHERE a.pos = q.pos) ORDER BY q.rank LIMIT ?', (limit,))

    def queue_length(self):
        """Return the number of unanswered texts in the queue."""
        return self.read('SELECT COUNT(*) FROM queue q WHERE NOT EXISTS (SELECT 1 FROM answers a '
                         'WHERE a.pos = q.pos)')[0][0]


class _Transaction:

    def __init__(self, db, write_lock):
        self.db = db
        self.write_lock = write_lock

    def __enter__(self):
        if self.write_lock is None:
            self.db.execute('BEGIN')
            return self.db
        self.write_lock.acquire()
        try:
            self.db.execute('BEGIN IMMEDIATE')
        except BaseException:
            self.write_lock.release()
            raise
        return self.db

    def __exit__(self, exc_type, exc, traceback):
        try:
            self.db.execute('COMMIT' if exc_type is None else 'ROLLBACK')
        finally:
            if self.write_lock is not None:
                self.write_lock.release()
        return False


def _current(db, pos):
    row = db.execute('SELECT kind, value, annotator, at, event FROM answers WHERE pos = ?',
                     (pos,)).fetchone()
    if row is None:
        return None
    return dict(zip(('kind', 'value', 'annotator', 'at', 'event'), row))


def _count(db, kind):
    return db.execute('SELECT COUNT(*) FROM answers WHERE kind = ?', (kind,)).fetchone()[0]


def _dump(value):
    return None if value is None else json.dumps(value)
