import json

import numpy as np
import pytest

from small_text.experiments import (
    ExperimentConfig,
    ExperimentError,
    ExperimentInterrupted,
    run_experiment,
)
from small_text.experiments import runner
from small_text.experiments.outputs import OUTPUT_FILES, RESULTS_CSV, RESULTS_JSON
from small_text.experiments.registry import STRATEGIES, StrategySpec, available_strategies

from ._helpers import TINY, make_rows, read_csv_rows, write_csv, write_jsonl


def _run(tiny_files, out, **options):
    train, test = tiny_files
    return run_experiment(**{'data': train, 'test': test, 'out': out, 'quiet': True,
                             **TINY, **options})


def test_run_writes_all_outputs(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'out')
    assert results.out == (tmp_path / 'out').resolve()
    assert sorted(p.name for p in results.out.iterdir()) == sorted(OUTPUT_FILES)

    assert len(results.rows) == 2 * 1 * 3  # strategies x seeds x (rounds + 1)
    assert [row['num_labels'] for row in results.rows[:3]] == [6, 11, 16]
    assert [row['round'] for row in results.rows[:3]] == [0, 1, 2]
    assert {row['strategy'] for row in results.rows} == {'random', 'least-confidence'}
    for row in results.rows:
        assert 0 <= row['accuracy'] <= 1 and 0 <= row['macro_f1'] <= 1
        assert min(row['fit_seconds'], row['predict_seconds'], row['query_seconds']) >= 0

    stored = json.loads((results.out / RESULTS_JSON).read_text())
    assert stored['rows'] == results.rows
    assert stored['config']['rounds'] == 2 and stored['config']['strategies'] == [
        'random', 'least-confidence']
    assert stored['dataset']['classes'] == ['cooking', 'science', 'sports']
    assert stored['dataset']['num_train'] == 90 and not stored['dataset']['multi_label']
    assert {'python', 'small-text', 'numpy', 'scikit-learn'} <= stored['versions'].keys()
    assert len(read_csv_rows(results.out / RESULTS_CSV)) == 6

    summary = (results.out / 'summary.md').read_text()
    assert summary.startswith(results.summary_table)
    assert 'mean over 1 seed(s)' in summary
    assert 'A single seed allows neither interval nor test.' in summary
    assert '| strategy | Δ final accuracy vs. random | p |' in results.summary_table
    assert [entry['strategy'] for entry in results.comparison] == ['least-confidence']
    assert [entry['strategy'] for entry in results.summary] == ['random', 'least-confidence']


def test_learning_improves_on_separable_data(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'out', rounds=4, strategies='least-confidence')
    assert results.rows[-1]['accuracy'] > 0.9


def test_same_seeds_give_the_same_results(tiny_files, tmp_path):
    first = _run(tiny_files, tmp_path / 'a', seeds=2)
    second = _run(tiny_files, tmp_path / 'b', seeds=2)
    assert read_csv_rows(first.out / RESULTS_CSV) == read_csv_rows(second.out / RESULTS_CSV)
    other = _run(tiny_files, tmp_path / 'c', seeds=2, strategies='random', initial=9)
    assert read_csv_rows(other.out / RESULTS_CSV) != read_csv_rows(first.out / RESULTS_CSV)[:6]


def test_initial_labels_depend_on_the_seed_only(tiny_files, tmp_path, monkeypatch):
    chosen = []
    original = runner._initial_indices
    monkeypatch.setattr(runner, '_initial_indices',
                        lambda *args: chosen.append(original(*args)) or chosen[-1])
    _run(tiny_files, tmp_path / 'out', seeds=2)
    random_0, random_1, least_confidence_0, _ = chosen
    assert np.array_equal(random_0, least_confidence_0)
    assert not np.array_equal(random_0, random_1)
    assert np.bincount(_labels(tiny_files)[random_0]).tolist() == [2, 2, 2]  # balanced


def _labels(tiny_files):
    names = ['cooking', 'science', 'sports']
    return np.array([names.index(json.loads(line)['label'])
                     for line in tiny_files[0].read_text().splitlines()])


def test_interrupt_leaves_valid_partial_results_and_resume_completes(tiny_files, tmp_path,
                                                                     monkeypatch):
    out = tmp_path / 'out'
    complete = _run(tiny_files, tmp_path / 'complete')

    calls = []
    original = runner._evaluate

    def interrupt_in_the_second_run(*args):
        calls.append(1)
        if len(calls) == 5:  # round 1 of the second (strategy, seed) run
            raise KeyboardInterrupt
        return original(*args)

    monkeypatch.setattr(runner, '_evaluate', interrupt_in_the_second_run)
    with pytest.raises(ExperimentInterrupted) as info:
        _run(tiny_files, out)
    assert info.value.out == out.resolve()
    assert isinstance(info.value, KeyboardInterrupt)
    partial = read_csv_rows(out / RESULTS_CSV)
    assert partial == read_csv_rows(complete.out / RESULTS_CSV)[:4]
    assert len(json.loads((out / RESULTS_JSON).read_text())['rows']) == 4
    first_run = read_csv_rows(out / RESULTS_CSV, drop_timings=False)[:3]

    monkeypatch.setattr(runner, '_evaluate', original)
    resumed = _run(tiny_files, out, resume=True)
    assert read_csv_rows(out / RESULTS_CSV) == read_csv_rows(complete.out / RESULTS_CSV)
    # the finished run was kept as it was, not run again
    assert read_csv_rows(out / RESULTS_CSV, drop_timings=False)[:3] == first_run
    assert len(resumed.rows) == 6 and (out / 'learning_curves.png').exists()


def test_finished_experiment_in_out_is_not_run_again(tiny_files, tmp_path):
    first = _run(tiny_files, tmp_path / 'out')
    again = _run(tiny_files, tmp_path / 'out')
    assert again.rows == first.rows  # timings included: nothing was recomputed


def test_out_with_another_configuration_needs_overwrite(tiny_files, tmp_path):
    _run(tiny_files, tmp_path / 'out')
    with pytest.raises(ExperimentError, match='differs in --rounds'):
        _run(tiny_files, tmp_path / 'out', rounds=1)
    results = _run(tiny_files, tmp_path / 'out', rounds=1, overwrite=True)
    assert len(results.rows) == 4


def test_resume_needs_out(tiny_files):
    with pytest.raises(ExperimentError, match='--resume needs --out'):
        _run(tiny_files, None, resume=True)


def test_without_out_nothing_is_written(tiny_files, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.rglob('*'))
    results = _run(tiny_files, None, strategies='random', stopping='max-iterations')
    assert sorted(tmp_path.rglob('*')) == before
    assert results.out is None and len(results.rows) == 3
    assert results.summary_table.startswith('| strategy |')
    assert len(results.stopping_rows) == 1


def test_interrupt_without_out_says_nothing_was_saved(tiny_files, monkeypatch):
    monkeypatch.setattr(runner, '_evaluate', lambda *args: (_ for _ in ()).throw(
        KeyboardInterrupt))
    with pytest.raises(ExperimentInterrupted, match='nothing was saved') as info:
        _run(tiny_files, None)
    assert info.value.out is None


def test_config_file_and_overrides(tiny_files, tmp_path):
    train, test = tiny_files
    path = tmp_path / 'experiment.toml'
    path.write_text(f'data = "{train.name}"\ntest = "{test.name}"\nseeds = 1\ninitial = 6\n'
                    'rounds = 5\nquery-size = 5\nstrategies = "random"\n', encoding='utf-8')
    results = run_experiment(path, rounds=1, out=tmp_path / 'out', quiet=True)
    assert results.config.rounds == 1 and results.config.data == train
    assert len(results.rows) == 2


def test_config_object(tiny_files, tmp_path):
    train, test = tiny_files
    config = ExperimentConfig(data=train, test=test, **TINY)
    results = run_experiment(config, strategies='random', out=tmp_path / 'out', quiet=True)
    assert results.config.strategies == ('random',) and config.strategies != ('random',)


def test_config_of_the_wrong_type():
    with pytest.raises(ExperimentError, match='config must be an ExperimentConfig'):
        run_experiment(3)


def test_multi_label_data(tmp_path):
    train = write_csv(tmp_path / 'train.csv', make_rows(30, multi_label=True))
    test = write_jsonl(tmp_path / 'test.jsonl', make_rows(10, seed=1, multi_label=True))
    results = run_experiment(data=train, test=test, out=tmp_path / 'out', quiet=True, **TINY)
    header = (results.out / RESULTS_CSV).read_text().splitlines()[0]
    assert header == ('dataset,strategy,seed,round,num_labels,micro_f1,macro_f1,fit_seconds,'
                      'predict_seconds,query_seconds')
    assert all(0 <= row['micro_f1'] <= 1 for row in results.rows)
    assert 'final micro-F1' in results.summary_table


def test_logistic_regression_classifier(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'out', classifier='logreg', strategies='random')
    assert len(results.rows) == 3


# strategies that need another classifier or hnswlib: test_strategies_and_kimcnn.py
@pytest.mark.parametrize('name', [
    name for name in available_strategies()
    if STRATEGIES[name].classifiers is None and not STRATEGIES[name].needs_dropout_sampling
    and not STRATEGIES[name].missing_modules()])
def test_every_available_strategy_runs(tmp_path, name):
    multi_label = STRATEGIES[name].label_type == 'multi-label'
    train = write_jsonl(tmp_path / 'train.jsonl', make_rows(30, multi_label=multi_label))
    test = write_jsonl(tmp_path / 'test.jsonl', make_rows(10, seed=1, multi_label=multi_label))
    results = run_experiment(data=train, test=test, out=tmp_path / 'out', quiet=True,
                             **{**TINY, 'strategies': name})
    assert [row['num_labels'] for row in results.rows] == [6, 11, 16]


def test_strategy_for_the_other_label_type_is_rejected(tiny_files, monkeypatch):
    monkeypatch.setitem(STRATEGIES, 'multi-only', StrategySpec(
        'small_text.query_strategies.strategies:RandomSampling', label_type='multi-label'))
    with pytest.raises(ExperimentError, match="'multi-only' works only on multi-label data, "
                                              "but the data is single-label"):
        _run(tiny_files, None, strategies='multi-only')


def test_quiet_silences_warnings_and_logging_only_while_running(tiny_files, tmp_path,
                                                                 monkeypatch, caplog):
    import logging
    import warnings
    original = runner._evaluate

    def noisy(*args):
        warnings.warn('from inside the run', UserWarning)
        logging.getLogger('some.library').warning('a log message')
        return original(*args)

    monkeypatch.setattr(runner, '_evaluate', noisy)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        _run(tiny_files, tmp_path / 'quiet', strategies='random', quiet=True)
        assert caught == [] and caplog.records == []
        _run(tiny_files, tmp_path / 'loud', strategies='random', quiet=False)
        assert len(caught) == 3 and len(caplog.records) == 3  # one per round
    assert logging.root.manager.disable == logging.NOTSET


def test_eta_uses_each_strategy_s_measured_cost():
    from small_text.experiments.runner import Progress, estimate_remaining_seconds
    assert estimate_remaining_seconds({'random': 3}, {}) is None
    # random costs 1 s per round, badge 10 s: 2 random and 3 badge rounds left = 32 s
    seconds = {'random': [1.0, 1.0], 'badge': [8.0, 12.0]}
    assert estimate_remaining_seconds({'random': 2, 'badge': 3}, seconds) == pytest.approx(32)
    # an unmeasured strategy costs the mean of the measured ones, (1 + 10) / 2
    assert estimate_remaining_seconds({'lc': 2}, seconds) == pytest.approx(11)
    runs = [('d', 'random', 1), ('d', 'badge', 0), ('d', 'badge', 1)]
    with Progress(runs, 4, done=0, quiet=True, metric='accuracy', parallel=2) as progress:
        progress.round_done(runs[0], {'round': 2, 'accuracy': 0.5}, 1.0)
        assert progress.remaining_rounds() == {('d', 'random'): 1, ('d', 'badge'): 8}
        assert progress.bar.n == 3
        progress.round_done(runs[0], {'round': 0, 'accuracy': 0.5}, 1.0)  # a redone run
        assert progress.bar.n == 3
        progress.run_done(runs[0], 3)  # ended early by a stopping criterion
        assert progress.bar.n == 3 and progress.bar.total == 11


def test_progress_bar_shows_the_eta(tiny_files, tmp_path, capsys):
    _run(tiny_files, tmp_path / 'out', quiet=False)
    assert 'ETA 00:0' in capsys.readouterr().err


def test_plot_format_svg_and_seed_list(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'out', plot_format='svg', seeds=[3, 1],
                   strategies='random')
    names = sorted(p.name for p in results.out.iterdir())
    assert names == ['learning_curves.svg', 'results.csv', 'results.json', 'summary.md']
    assert [row['seed'] for row in results.rows] == [3, 3, 3, 1, 1, 1]
    # another plot format is not another experiment; --seeds 2,0 is not --seeds 3,1
    again = _run(tiny_files, tmp_path / 'out', plot_format='pdf', seeds='3,1',
                 strategies='random')
    assert again.rows == results.rows and (results.out / 'learning_curves.pdf').exists()
    with pytest.raises(ExperimentError, match='differs in --seeds'):
        _run(tiny_files, tmp_path / 'out', seeds='2,0', strategies='random')
    counted = _run(tiny_files, tmp_path / 'counted', seeds=2, strategies='random')
    assert _run(tiny_files, tmp_path / 'counted', seeds='0,1',
                strategies='random').rows == counted.rows  # 2 seeds are seeds 0 and 1
