"""Stopping criteria in experiments: --stopping, stopping.csv, the stopping table, resume."""
import csv
import json

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from small_text.experiments import ExperimentError
from small_text.experiments.config import ExperimentConfig
from small_text.experiments.outputs import STOPPING_CSV
from small_text.experiments.runner import run_experiment
from small_text.experiments.stopping import (
    STOPPING_CRITERIA,
    OneVsRestDeltaFScore,
    StoppingTracker,
    parse_stopping,
)
from small_text.experiments.summary import format_stopping_summary, summarize_stopping

from ._helpers import TINY, assert_bad_input, make_rows, run_cli, write_jsonl

ALL = ','.join(STOPPING_CRITERIA)


def _run(files, out, **options):
    train, test = files
    return run_experiment(data=train, test=test, out=out, quiet=True, **{**TINY, **options})


def _read(path):
    with open(path, encoding='utf-8', newline='') as f:
        return list(csv.DictReader(f))


def test_parse_stopping():
    assert parse_stopping(None) == ()
    assert parse_stopping('max-iterations, kappa-average') == ('max-iterations', 'kappa-average')
    assert parse_stopping(['overall-uncertainty']) == ('overall-uncertainty',)


@pytest.mark.parametrize('value, message', [
    ('nope', "unknown stopping criterion 'nope' for --stopping; valid names: delta-f-score, "
             "classification-change"),
    ('max-iterations,max-iterations', 'names max-iterations more than once'),
    (3, 'must be a comma-separated string'),
])
def test_bad_stopping_is_rejected(value, message):
    with pytest.raises(ExperimentError, match=message):
        ExperimentConfig(stopping=value)


def test_one_vs_rest_delta_f_stops_when_every_class_is_stable():
    criterion = OneVsRestDeltaFScore(3)
    predictions = np.array([0, 1, 2, 2, 1])
    assert [criterion.stop(predictions=predictions) for _ in range(4)] == [False, False, False,
                                                                          True]
    changed = OneVsRestDeltaFScore(3)
    decisions = [changed.stop(predictions=np.roll(predictions, i)) for i in range(5)]
    assert not any(decisions)


def test_one_vs_rest_delta_f_accepts_multi_label_predictions():
    criterion = OneVsRestDeltaFScore(2)
    predictions = csr_matrix(np.array([[1, 0], [1, 1], [0, 0]]))
    assert [criterion.stop(predictions=predictions) for _ in range(4)][-1]


def test_stopping_rounds_are_recorded(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'out', stopping=ALL, rounds=3)
    rows = results.stopping_rows
    assert len(rows) == 2 * len(STOPPING_CRITERIA)
    by_name = {(row['strategy'], row['criterion']): row for row in rows}
    budget = by_name['random', 'max-iterations']
    assert budget['stop_round'] == 3 and budget['stop_labels'] == 6 + 3 * 5
    assert budget['accuracy_at_stop'] == budget['final_accuracy'] == results.rows[3]['accuracy']
    for row in rows:  # criteria comparing rounds never stop at round 0
        assert row['stop_round'] is None or row['stop_round'] >= (
            0 if row['criterion'] == 'overall-uncertainty' else 1)
        if row['stop_round'] is not None:
            run = [r for r in results.rows if r['strategy'] == row['strategy']]
            assert row['stop_labels'] == run[row['stop_round']]['num_labels']
    csv_rows = _read(tmp_path / 'out' / STOPPING_CSV)
    assert list(csv_rows[0]) == ['dataset', 'strategy', 'seed', 'criterion', 'stop_round',
                                 'stop_labels', 'accuracy_at_stop', 'final_accuracy']
    assert len(csv_rows) == len(rows)
    saved = json.loads((tmp_path / 'out' / 'results.json').read_text())
    assert saved['stopping'] == rows and saved['config']['stopping'] == list(STOPPING_CRITERIA)
    assert '| stopping criterion | strategy | stopped |' in results.summary_table
    assert '| max-iterations | random | 1/1 | 21.0 ± 0.0 |' in results.summary_table
    summary_md = (tmp_path / 'out' / 'summary.md').read_text()
    assert '| stopping criterion |' in summary_md


def test_without_stopping_nothing_changes(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'out')
    assert results.stopping_rows == [] and 'stopping criterion' not in results.summary_table
    assert not (tmp_path / 'out' / STOPPING_CSV).exists()
    assert 'stopping' not in json.loads((tmp_path / 'out' / 'results.json').read_text())


def test_resume_keeps_the_stopping_rows_of_finished_runs(tiny_files, tmp_path):
    out = tmp_path / 'out'
    first = _run(tiny_files, out, stopping='max-iterations,classification-change')
    lines = (out / 'results.csv').read_text().splitlines()
    (out / 'results.csv').write_text('\n'.join(lines[:-1]) + '\n')  # least-confidence unfinished
    resumed = _run(tiny_files, out, stopping='max-iterations,classification-change',
                   resume=True)
    assert resumed.stopping_rows == first.stopping_rows
    assert len(_read(out / STOPPING_CSV)) == 4


def test_resume_reruns_a_finished_run_without_stopping_rows(tiny_files, tmp_path):
    out = tmp_path / 'out'
    first = _run(tiny_files, out, stopping='max-iterations')
    (out / STOPPING_CSV).write_text('strategy,seed,criterion,stop_round,stop_labels,'
                                    'accuracy_at_stop,final_accuracy\n')
    resumed = _run(tiny_files, out, stopping='max-iterations', resume=True)
    assert resumed.stopping_rows == first.stopping_rows


def test_kappa_average_is_rejected_on_multi_label_data(tmp_path):
    train = write_jsonl(tmp_path / 'train.jsonl', make_rows(30, multi_label=True))
    test = write_jsonl(tmp_path / 'test.jsonl', make_rows(10, seed=1, multi_label=True))
    with pytest.raises(ExperimentError, match="'kappa-average' works only on single-label"):
        _run((train, test), tmp_path / 'out', stopping='kappa-average')


def test_multi_label_stopping(tmp_path):
    train = write_jsonl(tmp_path / 'train.jsonl', make_rows(30, multi_label=True))
    test = write_jsonl(tmp_path / 'test.jsonl', make_rows(10, seed=1, multi_label=True))
    results = _run((train, test), tmp_path / 'out', strategies='random',
                   stopping='delta-f-score,classification-change,overall-uncertainty,'
                            'max-iterations')
    assert [row['criterion'] for row in results.stopping_rows][-1] == 'max-iterations'
    assert 'micro_f1_at_stop' in results.stopping_rows[0]


def _two_label_rows(per_class, seed):
    """Multi-label rows of two labels (a row of neither has the empty label list)."""
    return [{'text': row['text'], 'label': [name for name in row['label']
                                            if name in ('sports', 'science')]}
            for row in make_rows(per_class, seed=seed, multi_label=True)]


@pytest.mark.parametrize('name', list(STOPPING_CRITERIA))
def test_every_criterion_on_multi_label_data_with_two_labels(tmp_path, name):
    train = write_jsonl(tmp_path / 'train.jsonl', _two_label_rows(30, seed=0))
    test = write_jsonl(tmp_path / 'test.jsonl', _two_label_rows(10, seed=1))
    if STOPPING_CRITERIA[name].single_label_only:
        with pytest.raises(ExperimentError, match=f"'{name}' works only on single-label"):
            _run((train, test), tmp_path / 'out', stopping=name)
        return
    results = _run((train, test), None, strategies='random', stopping=name)
    assert [row['criterion'] for row in results.stopping_rows] == [name]
    assert 'micro_f1_at_stop' in results.stopping_rows[0]


def test_delta_f_score_on_two_labels_watches_each_label():
    single = StoppingTracker(['delta-f-score'], 2, 3, multi_label=False)
    multi = StoppingTracker(['delta-f-score'], 2, 3, multi_label=True)
    assert type(single.criteria['delta-f-score']).__name__ == 'DeltaFScore'
    criterion = multi.criteria['delta-f-score']
    assert isinstance(criterion, OneVsRestDeltaFScore) and criterion.num_classes == 2
    predictions = csr_matrix(np.array([[1, 0], [1, 1], [0, 0], [0, 1]]))
    assert [criterion.stop(predictions=predictions) for _ in range(4)] == [False, False, False,
                                                                          True]


def test_summarize_stopping():
    rows = [{'strategy': 's', 'seed': seed, 'criterion': 'c', 'stop_round': stop,
             'stop_labels': labels, 'accuracy_at_stop': at, 'final_accuracy': 0.9}
            for seed, (stop, labels, at) in enumerate([(1, 10, 0.7), (3, 30, 0.9),
                                                       (None, None, None)])]
    [entry] = summarize_stopping(rows, 'accuracy')
    assert entry['runs'] == 3 and entry['stopped'] == 2
    assert entry['stop_labels'] == (20.0, 10.0)
    assert entry['lost'] == pytest.approx((0.1, 0.1))
    table = format_stopping_summary([entry, {**entry, 'criterion': 'd', 'stopped': 0,
                                             'stop_labels': None}], 'accuracy')
    assert '| c | s | 2/3 | 20.0 ± 10.0 | 0.8000 ± 0.1000 | 0.1000 ± 0.1000 |' in table
    assert '| d | s | 0/3 | never | – | – |' in table


def test_console_script_with_stopping(tiny_files, tmp_path):
    train, test = tiny_files
    args = ['experiment', '--data', str(train), '--test', str(test), '--seeds', '1',
            '--initial', '6', '--rounds', '2', '--query-size', '5', '--strategies', 'random']
    bad = run_cli(*args, '--stopping', 'nope', '--out', str(tmp_path / 'bad'))
    assert_bad_input(bad, "unknown stopping criterion 'nope'", 'valid names: delta-f-score')
    good = run_cli(*args, '--stopping', 'max-iterations,kappa-average', '--out',
                   str(tmp_path / 'good'))
    assert good.returncode == 0, good.stderr
    assert '| max-iterations | random | 1/1 | 16.0 ± 0.0 |' in good.stdout
    assert len(_read(tmp_path / 'good' / STOPPING_CSV)) == 2


class _StopsAtRound:
    """A stopping criterion that stops at a fixed round (counted from round 0)."""

    def __init__(self, stop_round):
        self.calls, self.stop_round = 0, stop_round

    def stop(self, **kwargs):
        self.calls += 1
        return self.calls > self.stop_round


def test_stop_on_ends_runs_and_records_where(tiny_files, tmp_path, monkeypatch):
    from small_text.experiments.stopping import CriterionSpec
    monkeypatch.setitem(STOPPING_CRITERIA, 'at-two',
                        CriterionSpec(lambda n, r, m: _StopsAtRound(2)))
    train, test = tiny_files
    options = dict(data=train, test=test, quiet=True, seeds=2, initial=6, rounds=4,
                   query_size=5, strategies='random,least-confidence')
    full = run_experiment(**options, out=tmp_path / 'full', stopping='at-two')
    results = run_experiment(**options, out=tmp_path / 'out', stop_on='at-two',
                             stopping='max-iterations')
    assert results.config.stopping == ('max-iterations', 'at-two')
    assert [row['round'] for row in results.rows] == [0, 1, 2] * 4  # every run ends at 2
    assert {(row['criterion'], row['stop_round']) for row in results.stopping_rows} == {
        ('at-two', 2), ('max-iterations', None)}
    assert results.rows == [{**row, **{k: r[k] for k in row if k.endswith('_seconds')}}
                            for row, r in zip([row for row in full.rows if row['round'] <= 2],
                                              results.rows)]
    # summaries carry the stopped runs forward: the final score is the one at the stop
    (random_entry, _) = results.summary
    at_stop = [row['accuracy'] for row in results.rows
               if row['strategy'] == 'random' and row['round'] == 2]
    assert random_entry['final_accuracy'][0] == pytest.approx(np.mean(at_stop))
    assert 'Runs end when at-two stops them' in (results.out / 'summary.md').read_text()
    # a finished experiment with stopped runs is complete: nothing runs again
    again = run_experiment(**options, out=tmp_path / 'out', stop_on='at-two',
                           stopping='max-iterations')
    assert again.rows == results.rows


def test_curves_carry_a_stopped_run_forward():
    from small_text.experiments.summary import curves
    rows = [{'strategy': 's', 'seed': seed, 'round': r, 'num_labels': 10 + r, 'accuracy': a}
            for seed, scores in ((0, [0.1, 0.2, 0.3]), (1, [0.5, 0.6]))
            for r, a in enumerate(scores)]
    num_labels, scores = curves(rows, 'accuracy', stopped={('s', 1)})['s']
    assert num_labels.tolist() == [10, 11, 12]
    assert scores.tolist() == [[0.1, 0.2, 0.3], [0.5, 0.6, 0.6]]
    assert curves(rows, 'accuracy')['s'][1].shape == (1, 3)  # not stopped: unfinished


@pytest.mark.parametrize('value', ['nope', 3, ['kappa-average']])
def test_bad_stop_on(value):
    with pytest.raises(ExperimentError, match='--stop-on must name one stopping criterion'):
        ExperimentConfig(stop_on=value)
