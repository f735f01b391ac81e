"""Grids over several data sets: --data repeated (each with its own --test) or a TOML list."""
import json

import pytest

from small_text.experiments import ExperimentConfig, ExperimentError, run_experiment
from small_text.experiments.cli import _data_test_pairs
from small_text.experiments.outputs import LEARNING_CURVES_PNG, RESULTS_CSV, SUMMARY_MD

from ._helpers import (
    TINY,
    TINY_ARGS,
    assert_bad_input,
    make_rows,
    read_csv_rows,
    run_cli,
    write_jsonl,
)


@pytest.fixture
def two_datasets(tmp_path):
    """Data sets 'news' (with a test file) and 'blogs' (split by --test-fraction)."""
    for name, seed in (('news', 0), ('blogs', 2)):
        (tmp_path / name).mkdir()
        write_jsonl(tmp_path / name / 'train.jsonl', make_rows(30, seed=seed))
    write_jsonl(tmp_path / 'news' / 'test.jsonl', make_rows(10, seed=1))
    return tmp_path / 'news', tmp_path / 'blogs'


def test_grid_runs_every_strategy_and_seed_on_every_dataset(two_datasets, tmp_path):
    news, blogs = two_datasets
    results = run_experiment(data=[news / 'train.jsonl', blogs / 'train.jsonl'],
                             test=[news / 'test.jsonl', None], out=tmp_path / 'out',
                             quiet=True, **{**TINY, 'seeds': '0,3'})
    rows = read_csv_rows(results.out / RESULTS_CSV)
    assert list(rows[0])[0] == 'dataset'
    runs = {(row['dataset'], row['strategy'], row['seed']) for row in rows}
    assert runs == {(d, s, seed) for d in ('news', 'blogs')
                    for s in ('random', 'least-confidence') for seed in ('0', '3')}
    assert len(rows) == 2 * 2 * 2 * 3
    assert [(e['dataset'], e['strategy']) for e in results.summary] == [
        ('news', 'random'), ('news', 'least-confidence'),
        ('blogs', 'random'), ('blogs', 'least-confidence')]
    assert [(e['dataset'], e['strategy']) for e in results.comparison] == [
        ('news', 'least-confidence'), ('blogs', 'least-confidence')]
    summary_md = (results.out / SUMMARY_MD).read_text()
    assert summary_md.index('## news') < summary_md.index('## blogs')
    assert summary_md.count('| strategy | final accuracy') == 2
    assert summary_md.count('Δ final accuracy vs. random') == 2
    assert summary_md.count('news: 90 training and 30 test texts') == 1
    assert summary_md.count('blogs: 72 training and 18 test texts') == 1
    assert results.summary_table.index('## news') < results.summary_table.index('## blogs')
    header = json.loads((results.out / 'results.json').read_text())
    assert [entry['name'] for entry in header['dataset']] == ['news', 'blogs']
    assert header['config']['test'][1] is None
    assert (results.out / LEARNING_CURVES_PNG).stat().st_size > 0


def test_grid_plot_has_a_row_of_panels_per_dataset(two_datasets, tmp_path):
    from small_text.experiments.plot import _figure
    news, blogs = two_datasets
    results = run_experiment(data=[news / 'train.jsonl', blogs / 'train.jsonl'], quiet=True,
                             **TINY)
    datasets = [{'title': name, 'rows': [r for r in results.rows if r['dataset'] == name]}
                for name in ('news', 'blogs')]
    figure = _figure(datasets, ['accuracy', 'macro_f1'])
    assert [sub._suptitle.get_text() for sub in figure.subfigs] == ['news', 'blogs']
    assert [len(sub.axes) for sub in figure.subfigs] == [2, 2]
    assert all(len(sub.legends) == 1 for sub in figure.subfigs)


def test_each_dataset_gives_the_rows_of_its_own_experiment(two_datasets, tmp_path):
    news, blogs = two_datasets
    grid = run_experiment(data=[news / 'train.jsonl', blogs / 'train.jsonl'],
                          test=[news / 'test.jsonl', ''], out=tmp_path / 'grid', quiet=True,
                          **TINY)
    single = run_experiment(data=blogs / 'train.jsonl', out=tmp_path / 'single', quiet=True,
                            **TINY)
    grid_rows = [row for row in read_csv_rows(grid.out / RESULTS_CSV)
                 if row['dataset'] == 'blogs']
    assert grid_rows == read_csv_rows(single.out / RESULTS_CSV)


def test_resume_continues_only_unfinished_runs_of_the_grid(two_datasets, tmp_path):
    news, blogs = two_datasets
    options = dict(data=[news / 'train.jsonl', blogs / 'train.jsonl'], out=tmp_path / 'out',
                   quiet=True, stopping='max-iterations', **TINY)
    first = run_experiment(**options)
    results_csv = first.out / RESULTS_CSV
    lines = results_csv.read_text().splitlines()
    results_csv.write_text('\n'.join(line for line in lines
                                     if not line.startswith('blogs,random,0,2,')) + '\n')
    again = run_experiment(resume=True, **options)
    expected = [{k: str(v) for k, v in row.items() if not k.endswith('_seconds')}
                for row in first.rows]
    assert sorted(read_csv_rows(results_csv), key=str) == sorted(expected, key=str)
    assert len(again.rows) == len(first.rows)
    assert again.summary_table == first.summary_table
    assert sorted(map(str, again.stopping_rows)) == sorted(map(str, first.stopping_rows))


def test_resume_of_the_grid_rejects_rows_of_another_dataset(two_datasets, tmp_path):
    news, blogs = two_datasets
    options = dict(data=[news / 'train.jsonl', blogs / 'train.jsonl'], out=tmp_path / 'out',
                   quiet=True, **TINY)
    first = run_experiment(**options)
    results_csv = first.out / RESULTS_CSV
    results_csv.write_text(results_csv.read_text().replace('blogs,random,0,1,',
                                                           'mr,random,0,1,'))
    with pytest.raises(ExperimentError, match="line 9 of results.csv names the data set 'mr'"):
        run_experiment(resume=True, **options)


def test_cli_pairs_each_test_with_the_data_before_it(two_datasets, tmp_path):
    news, blogs = two_datasets
    result = run_cli('experiment', '--data', str(blogs / 'train.jsonl'),
                     '--data', str(news / 'train.jsonl'), '--test', str(news / 'test.jsonl'),
                     '--out', str(tmp_path / 'out'), '--quiet', *TINY_ARGS)
    assert result.returncode == 0, result.stderr
    header = json.loads((tmp_path / 'out' / 'results.json').read_text())
    assert header['config']['test'] == [None, str((news / 'test.jsonl').resolve())]
    assert [entry['num_test'] for entry in header['dataset']] == [18, 30]


def test_cli_default_out_names_every_dataset(two_datasets, tmp_path):
    news, blogs = two_datasets
    result = run_cli('experiment', '--data', str(news / 'train.jsonl'),
                     '--data', str(blogs / 'train.jsonl'), '--quiet', *TINY_ARGS, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (out,) = (tmp_path / 'small-text-results').iterdir()
    assert out.name.startswith('news+blogs-')


def test_toml_lists_the_datasets(two_datasets, tmp_path):
    config = tmp_path / 'grid.toml'
    config.write_text('data = ["news/train.jsonl", "blogs/train.jsonl"]\n'
                      'test = ["news/test.jsonl", ""]\n', encoding='utf-8')
    result = run_cli('experiment', '--config', str(config), '--out', str(tmp_path / 'out'),
                     '--quiet', *TINY_ARGS)
    assert result.returncode == 0, result.stderr
    rows = read_csv_rows(tmp_path / 'out' / RESULTS_CSV)
    assert list(dict.fromkeys(row['dataset'] for row in rows)) == ['news', 'blogs']
    header = json.loads((tmp_path / 'out' / 'results.json').read_text())
    assert [entry['num_test'] for entry in header['dataset']] == [30, 18]


@pytest.mark.parametrize('args, expected', [
    (['--data', 'a', '--test', 'ta', '--data', 'b'], [['a', 'ta'], ['b', None]]),
    (['--test=ta', '--data=a'], [['a', 'ta']]),
    (['--seeds', '2', '--data', 'a', '--data', 'b', '--test', 'tb'], [['a', None], ['b', 'tb']]),
    ([], []),
    (['--test', 'ta'], []),
    (['--data', 'a', '--', '--data', 'b'], [['a', None]]),
])
def test_data_test_pairs(args, expected):
    assert _data_test_pairs(args) == expected


@pytest.mark.parametrize('args', [
    ['--test', 't', '--data', 'a', '--data', 'b'],
    ['--data', 'a', '--test', 't', '--test', 'u'],
])
def test_a_test_that_belongs_to_no_data_is_rejected(two_datasets, tmp_path, args):
    result = run_cli('experiment', *args, '--out', str(tmp_path / 'out'), *TINY_ARGS)
    assert_bad_input(result, 'give each --test right after the --data it belongs to')


@pytest.mark.parametrize('options, message', [
    ({'data': ['a.jsonl', 'b.jsonl'], 'test': ['t.jsonl']}, 'one entry'),
    ({'data': ['a.jsonl', 'b.jsonl'], 'test': 't.jsonl'}, 'one entry'),
    ({'data': 'a.jsonl', 'test': ['t.jsonl', 'u.jsonl']}, 'needs a list of --data'),
    ({'data': []}, 'at least one data set'),
    ({'data': ['a.jsonl', None]}, 'every entry'),
    ({'data': ['a.jsonl', 3]}, '--data must be a path'),
    ({'data': ['a.jsonl', 'b.jsonl'], 'test': ['t.jsonl', 'u.jsonl'], 'test_fraction': 0.5},
     'either --test or --test-fraction'),
])
def test_bad_dataset_lists(options, message):
    with pytest.raises(ExperimentError, match=message):
        ExperimentConfig(**options)


def test_dataset_lists_in_the_configuration(tmp_path):
    config = ExperimentConfig(data=['a.jsonl'], test=['t.jsonl'])
    assert config.datasets == [(config.data, config.test)] and config.data.name == 'a.jsonl'
    grid = ExperimentConfig(data=['a.jsonl', 'b.jsonl'], test=['', None], test_fraction=0.3)
    assert grid.test is None and [data.name for data, _ in grid.datasets] == ['a.jsonl', 'b.jsonl']
    assert grid.to_dict()['data'] == [str((tmp_path.cwd() / n).resolve())
                                      for n in ('a.jsonl', 'b.jsonl')]
    assert grid.for_dataset(*grid.datasets[1]).data.name == 'b.jsonl'


def test_datasets_with_the_same_name_are_rejected(two_datasets, tmp_path):
    news, _ = two_datasets
    (tmp_path / 'other' / 'news').mkdir(parents=True)
    other = write_jsonl(tmp_path / 'other' / 'news' / 'train.jsonl', make_rows(30, seed=5))
    with pytest.raises(ExperimentError, match="the data set name 'news'"):
        run_experiment(data=[news / 'train.jsonl', other], out=tmp_path / 'o', quiet=True,
                       **TINY)


def test_single_and_multi_label_datasets_do_not_mix(two_datasets, tmp_path):
    news, _ = two_datasets
    multi = write_jsonl(tmp_path / 'multi.jsonl', make_rows(30, multi_label=True))
    with pytest.raises(ExperimentError, match='mixes single-label and multi-label'):
        run_experiment(data=[news / 'train.jsonl', multi], out=tmp_path / 'o', quiet=True,
                       **TINY)
