"""Exporting the labelled texts of a project as JSON lines or CSV."""
import csv
import io
import json

EXPORT_FORMATS = ('jsonl', 'csv')


def export_records(store):
    """Yield one dict per labelled text, in pool order, read in one snapshot.

    Keys: ``id``, ``text``, ``label`` (a name; ``labels``, a list of names, for multi-label
    projects), ``annotator`` (None for labels imported with the data) and ``labelled_at``
    (ISO 8601, UTC).
    """
    key = 'labels' if store.settings()['multi_label'] else 'label'
    for text_id, text, value, annotator, at in store.labelled():
        yield {'id': text_id, 'text': text, key: json.loads(value), 'annotator': annotator,
               'labelled_at': at}


def export_lines(store, file_format='jsonl'):
    """Yield the export as text chunks: one JSON object per line, or CSV with a header.

    In CSV, multi-label ``labels`` are joined by commas (as ``small-text experiment`` reads
    them) and a missing annotator is an empty field.

    Raises
    ------
    ValueError
        If ``file_format`` is not ``'jsonl'`` or ``'csv'``.
    """
    if file_format not in EXPORT_FORMATS:
        raise ValueError(f'unknown export format {file_format!r}; use jsonl or csv')
    records = export_records(store)
    if file_format == 'jsonl':
        for record in records:
            yield json.dumps(record, ensure_ascii=False) + '\n'
        return
    key = 'labels' if store.settings()['multi_label'] else 'label'
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(['id', 'text', key, 'annotator', 'labelled_at'])
    for record in records:
        value = ','.join(record[key]) if key == 'labels' else record[key]
        writer.writerow([record['id'], record['text'], value, record['annotator'] or '',
                         record['labelled_at']])
        if buffer.tell() > 1 << 16:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
