"""``small-text annotate`` and ``small-text export``.

Importing this module needs neither Starlette nor uvicorn; ``annotate`` imports them when it
runs and exits with status 2 (``pip install "small-text[annotate]"``) without them.
"""
import importlib.util
import os
import secrets
from pathlib import Path

import click
from click.core import ParameterSource

from small_text.annotate.export import EXPORT_FORMATS
from small_text.annotate.project import COLUMN_DEFAULTS, LOOP_DEFAULTS
from small_text.base import _missing_extra_message
from small_text.experiments.exceptions import ExperimentError

DEFAULT_HOST = '127.0.0.1'
DEFAULT_PORT = 8765
_EXTRA_MODULES = ('starlette', 'uvicorn')


def _bad_input(message):
    from small_text.experiments.cli import _BadInput
    return _BadInput(message)


@click.command(context_settings={'show_default': True})
@click.argument('project_dir', type=click.Path(path_type=Path))
@click.option('--data', metavar='FILE',
              help='Texts to label (new project only): a .jsonl, .csv or .parquet file '
                   '(.jsonl.gz and .csv.gz too) or a folder written by Hugging Face\'s '
                   'Dataset.save_to_disk, as for small-text experiment. Rows with a value in '
                   '--label-column are imported as labelled.')
@click.option('--labels', metavar='A,B,...', help='Comma-separated label names (new project '
                                                    'only); keys 1-9 pick the first nine.')
@click.option('--multi-label', is_flag=True, default=None, show_default='off',
              help='Each text gets any number of labels (new project only).')
@click.option('--text-column', show_default=COLUMN_DEFAULTS['text_column'],
              help='Column of the texts (new project only).')
@click.option('--label-column', show_default=COLUMN_DEFAULTS['label_column'],
              help='Column of existing labels, if any (new project only).')
@click.option('--id-column', show_default='row numbers 1, 2, ...',
              help='Column of unique text ids (new project only).')
@click.option('--strategy', show_default=LOOP_DEFAULTS['strategy'],
              help='Query strategy, as for small-text experiment --strategies.')
@click.option('--classifier', show_default=LOOP_DEFAULTS['classifier'],
              help='Classifier, as for small-text experiment (svm, logreg, kimcnn).')
@click.option('--query-size', type=int, show_default=str(LOOP_DEFAULTS['query_size']),
              help='Retrain in the background after this many new labels.')
@click.option('--host', default=DEFAULT_HOST,
              help='Address to listen on; any other than a loopback address needs a token.')
@click.option('--port', type=click.IntRange(0, 65535), default=DEFAULT_PORT,
              help='Port to listen on (0 picks a free one).')
@click.option('--token', show_default='none on 127.0.0.1, else a random one',
              help='Every /api request must send "Authorization: Bearer TOKEN".')
@click.option('--config', 'config_file', metavar='FILE', show_default='none',
              help='TOML file with any of the options above as keys (e.g. query-size = 5); '
                   'options given on the command line override it.')
@click.pass_context
def annotate(ctx, project_dir, config_file, **options):
    """Label your own texts in the browser, with active learning choosing what comes next.

    The first run creates PROJECT_DIR (a SQLite database and model snapshots) from --data and
    --labels; later runs reopen it with its stored settings. Serves the page and its JSON API
    until Ctrl-C. Every label is on disk when the page moves on.
    """
    missing = [name for name in _EXTRA_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise _bad_input(_missing_extra_message('small-text annotate', missing, 'annotate'))
    from small_text.annotate.project import open_project
    from small_text.experiments.config import read_config_file

    try:
        settings = {}
        if config_file is not None:
            keys = [name for name in options]
            settings = read_config_file(config_file, keys=keys, path_keys=('data',))
        settings.update({key: value for key, value in options.items()
                         if ctx.get_parameter_source(key) is not ParameterSource.DEFAULT})
        host = settings.pop('host', DEFAULT_HOST)
        port = settings.pop('port', DEFAULT_PORT)
        token = settings.pop('token', None)
        store = open_project(project_dir, **settings)
    except ExperimentError as e:
        raise _bad_input(str(e)) from None
    _serve(store, host, port, token)


def _serve(store, host, port, token):
    from small_text.annotate.app import create_app
    from small_text.annotate.server import bind, is_loopback, serve, url
    from small_text.annotate.service import AnnotationService

    if token is None and not is_loopback(host):
        token = secrets.token_urlsafe(18)
    if token is not None and (not isinstance(token, str) or not token.strip()
                              or not token.isprintable() or ' ' in token):
        raise _bad_input('--token must be a non-empty string without spaces')
    try:
        sock = bind(host, port)
    except OSError as e:
        raise _bad_input(f'cannot listen on {host}:{port} ({e.strerror or e}); pass another '
                         '--port or --host') from None
    service = AnnotationService(store)
    line = (f'small-text annotate: serving {service.num_texts} texts at {url(sock, token)} '
            '(Ctrl-C to stop)')
    serve(create_app(service, token=token), sock, line)


@click.command(context_settings={'show_default': True})
@click.argument('project_dir', type=click.Path(path_type=Path))
@click.option('--format', 'file_format', type=click.Choice(EXPORT_FORMATS), default='jsonl',
              help='jsonl: one JSON object per line; csv: with a header row.')
@click.option('--out', metavar='FILE', type=click.Path(path_type=Path), show_default='stdout',
              help='File to write (replaced once complete).')
def export(project_dir, file_format, out):
    """Write the labelled texts of an annotation project.

    One record per labelled text: id, text, label (labels, a list, for multi-label
    projects), annotator and labelled_at (ISO 8601, UTC).
    """
    from small_text.annotate.export import export_lines
    from small_text.annotate.project import open_existing_project

    try:
        store = open_existing_project(project_dir)
    except ExperimentError as e:
        raise _bad_input(str(e)) from None
    if out is None:
        for chunk in export_lines(store, file_format):
            click.echo(chunk, nl=False)
        return
    partial = out.with_name(out.name + '.partial')
    try:
        with open(partial, 'w', encoding='utf-8', newline='') as f:
            for chunk in export_lines(store, file_format):
                f.write(chunk)
        os.replace(partial, out)
    except OSError as e:
        raise _bad_input(f'cannot write --out {out} ({e.strerror or e}); check the path') \
            from None
    click.echo(f'small-text export: wrote {out}', err=True)
