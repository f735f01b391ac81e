"""The ``small-text`` command line: ``small-text experiment`` runs :func:`run_experiment`."""
import dataclasses
import sys

import click
from click.core import ParameterSource

from small_text.experiments.config import (
    DEFAULT_STRATEGIES,
    DEFAULT_TEST_FRACTION,
    ExperimentConfig,
    read_config_file,
)
from small_text.experiments.exceptions import ExperimentError, ExperimentInterrupted
from small_text.experiments.registry import CLASSIFIERS, available_strategies
from small_text.experiments.data import BUNDLED_DATASET, dataset_name
from small_text.experiments.runner import DEFAULT_RESULTS_DIR, default_out, run_experiment
from small_text.experiments.stopping import STOPPING_CRITERIA

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


class _BadInput(click.ClickException):
    exit_code = EXIT_BAD_INPUT


class _OneLineErrors(click.Group):
    """A group that reports every error as one line on stderr, without usage text."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            command = e.ctx.command_path if e.ctx is not None else 'small-text'
            _fail(f'{e.format_message()} (see: {command} --help)', e.exit_code)
        except click.ClickException as e:
            _fail(e.format_message(), e.exit_code)
        except click.Abort:
            _fail('aborted', 1)
        sys.exit(result if isinstance(result, int) else 0)


def _data_settings(pairs, tests):
    """Return the ``data`` and ``test`` settings of the command line (none if it has no
    ``--data``, only a ``--test``, which the configuration then rejects)."""
    if pairs:
        return {'data': [data for data, _ in pairs], 'test': [test for _, test in pairs]}
    if tests:
        return {'test': tests[0] if len(tests) == 1 else list(tests)}
    return {}


def _fail(message, exit_code):
    click.echo(f'Error: {" ".join(message.split())}', err=True)
    sys.exit(exit_code)


@click.group(cls=_OneLineErrors, invoke_without_command=True,
             context_settings={'help_option_names': ['-h', '--help']})
@click.version_option(package_name='small-text', prog_name='small-text')
@click.pass_context
def main(ctx):
    """small-text: active learning for text classification."""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


class _DataTestPairs(click.Command):
    """A command that pairs each ``--test`` with the ``--data`` given before it."""

    def parse_args(self, ctx, args):
        ctx.meta[_PAIRS_KEY] = _data_test_pairs(args)
        return super().parse_args(ctx, args)


_PAIRS_KEY = 'small_text.data_test_pairs'


def _data_test_pairs(args):
    """Return ``[[data, test], ...]`` from the ``--data`` and ``--test`` options in ``args``.

    A ``--test`` belongs to the ``--data`` before it; with a single ``--data`` it may come
    anywhere. ``test`` is None for a ``--data`` without its ``--test``.
    """
    pairs, loose = [], []
    values = iter(args)
    for arg in values:
        if arg == '--':
            break
        option, equals, value = arg.partition('=')
        if option not in ('--data', '--test'):
            continue
        if not equals:
            value = next(values, None)
        if option == '--data':
            pairs.append([value, None])
        elif pairs and pairs[-1][1] is None:
            pairs[-1][1] = value
        else:
            loose.append(value)
    if loose and pairs:  # (a --test without any --data is left to the configuration's check)
        if len(pairs) == 1 and pairs[0][1] is None and len(loose) == 1:
            pairs[0][1] = loose[0]
        else:
            raise _BadInput('with several --data, give each --test right after the --data it '
                            'belongs to, and at most one --test per --data')
    return pairs


@main.command(cls=_DataTestPairs, context_settings={'show_default': True})
@click.option('--data', metavar='FILE', multiple=True,
              show_default='the bundled TREC-6 data set',
              help='Training texts and labels: a .jsonl, .csv or .parquet file '
                   '(.jsonl.gz and .csv.gz too). Repeat it to run every strategy and seed on '
                   'several data sets; each --data may be followed by its own --test.')
@click.option('--text-column', default='text', help='Column that holds the texts.')
@click.option('--label-column', default='label',
              help='Column that holds the labels; list-valued or comma-separated labels '
                   'mean multi-label data.')
@click.option('--label-names', metavar='FILE', show_default='labels.json beside --data, if any',
              help='JSON file with the class names: a list (label i is named by item i) or '
                   'an object {"label": "name"}.')
@click.option('--test', metavar='FILE', multiple=True, show_default='none, see --test-fraction',
              help='Test data in the format of --data, for the --data given before it.')
@click.option('--test-fraction', type=float,
              show_default=f'{DEFAULT_TEST_FRACTION} of --data when --test is not given',
              help='Fraction of --data held out for testing (a fixed, stratified split).')
@click.option('--strategies', default=','.join(DEFAULT_STRATEGIES),
              help='Comma-separated query strategies to compare: '
                   f'{", ".join(available_strategies())}.')
@click.option('--classifier', default='svm', metavar='NAME',
              help='Classifier: ' + '; '.join(f'{name}: {spec.description}'
                                               for name, spec in CLASSIFIERS.items()) + '.')
@click.option('--model', metavar='DIR', show_default='none',
              help='Folder of a pretrained model saved with save_pretrained(), for '
                   '--classifier transformer or setfit (nothing is downloaded).')
@click.option('--embeddings', metavar='FILE', show_default='random word vectors',
              help='Word vectors for --classifier kimcnn: a word2vec text file (first line '
                   '"<count> <dim>", then "<word> <v1> ... <vd>"); missing words get random '
                   'vectors.')
@click.option('--stopping', metavar='NAMES', show_default='none',
              help='Comma-separated stopping criteria to evaluate after every round, '
                   f'recording where each would have stopped: {", ".join(STOPPING_CRITERIA)}.')
@click.option('--stop-on', metavar='CRITERION', show_default='none',
              help='A stopping criterion (one of --stopping\'s names) that ends each run when '
                   'it fires; recorded in stopping.csv. Added to --stopping if missing.')
@click.option('--seeds', default='10', metavar='N|LIST',
              help='Number of repetitions N (seeds 0 to N-1), or the seeds as a '
                   'comma-separated list such as 0,1,7.')
@click.option('--initial', type=int, default=25,
              help='Initially labelled texts (class-balanced for single-label data).')
@click.option('--rounds', type=int, default=20, help='Query rounds.')
@click.option('--query-size', type=int, default=25, help='Texts labelled per round.')
@click.option('--out', metavar='DIR',
              show_default=f'./{DEFAULT_RESULTS_DIR}/<dataset>-<timestamp>',
              help='Output folder for results.csv, results.json, summary.md and '
                   'learning_curves.png (or .svg, .pdf). An existing folder must hold a '
                   'previous run of the same configuration, whose unfinished runs are then '
                   'continued. One experiment at a time writes into a folder.')
@click.option('--plot-format', default='png', metavar='png|svg|pdf',
              help='File format of the learning-curve plot.')
@click.option('--config', 'config_file', metavar='FILE', show_default='none',
              help='TOML file with any of the options above as keys (e.g. query-size = 10); '
                   'options given on the command line override it.')
@click.option('--resume', is_flag=True, show_default='off',
              help='Continue the unfinished (strategy, seed) runs of the experiment in --out; '
                   'fail if --out holds no run of this configuration.')
@click.option('--overwrite', is_flag=True, show_default='off',
              help='Delete the results in --out (other files stay) and start afresh.')
@click.option('--quiet', is_flag=True, show_default='off',
              help='Print nothing but errors: no progress bar, no warnings, no summary.')
@click.option('--workers', type=int, metavar='N', show_default='none: runs in this process',
              help='Run the (data set, strategy, seed) runs in parallel on a local Dask '
                   'cluster of N worker processes (needs: pip install "small-text[dask]").')
@click.option('--scheduler', metavar='ADDRESS', show_default='none',
              help='Run them on the Dask cluster whose scheduler listens at ADDRESS, e.g. '
                   'tcp://10.0.0.5:8786 (started with "dask scheduler" and "dask worker"). '
                   'The data is sent from here; a --model folder must exist on the workers.')
@click.pass_context
def experiment(ctx, config_file, resume, overwrite, quiet, workers, scheduler, **options):
    """Compare query strategies in simulated active learning and plot learning curves.

    Each strategy starts from --initial labelled texts and labels --query-size more per
    round for --rounds rounds, repeated for --seeds seeds; the classifier is evaluated on the
    test set after every round. Prints summary tables: per strategy the final accuracy and
    macro-F1 and the area under the learning curve, as the mean over seeds with its 95 %
    confidence interval, and each strategy's paired difference to random sampling with a
    Wilcoxon p-value (one set of tables per data set).
    """
    try:
        settings = read_config_file(config_file) if config_file is not None else {}
        settings.update({key: value for key, value in options.items()
                         if ctx.get_parameter_source(key) is not ParameterSource.DEFAULT
                         and key not in ('data', 'test')})
        settings.update(_data_settings(ctx.meta[_PAIRS_KEY], options['test']))
        config = ExperimentConfig(**settings)
        if config.out is None and not resume:  # the library writes files only into an out
            name = '+'.join(BUNDLED_DATASET if data is None else dataset_name(data)
                            for data, _ in config.datasets)
            config = dataclasses.replace(config, out=default_out(name))
        results = run_experiment(config, resume=resume, overwrite=overwrite, quiet=quiet,
                                 workers=workers, scheduler=scheduler)
    except ExperimentError as e:
        raise _BadInput(str(e)) from None
    except ExperimentInterrupted as e:
        _fail(f'interrupted; finished rounds are saved in {e.out}. Run the same command with '
              f'--resume --out {e.out} to continue.', EXIT_INTERRUPTED)
    if not quiet:
        click.echo(results.summary_table)
        click.echo(f'\nResults written to {results.out}')


# The annotation app's commands; their module imports no web framework until one runs.
from small_text.annotate.cli import annotate, export  # noqa: E402

main.add_command(annotate)
main.add_command(export)
