import pytest

from small_text.experiments.plot import plot_learning_curves
from small_text.experiments.summary import (
    curves,
    format_summary,
    learning_curve_auc,
    summarize,
)


def _rows(strategy, seed, scores, start=10, step=10):
    return [{'strategy': strategy, 'seed': seed, 'round': r, 'num_labels': start + r * step,
             'accuracy': score, 'macro_f1': score / 2} for r, score in enumerate(scores)]


def test_auc_is_normalised_trapezoid_area():
    assert learning_curve_auc([0, 10], [0.0, 1.0]) == pytest.approx(0.5)
    assert learning_curve_auc([10, 20, 40], [0.5, 0.5, 0.5]) == pytest.approx(0.5)
    # (0.2 + 0.4) / 2 * 10 + (0.4 + 1.0) / 2 * 30 = 24 over a range of 40
    assert learning_curve_auc([10, 20, 50], [0.2, 0.4, 1.0]) == pytest.approx(0.6)
    assert learning_curve_auc([20], [0.7]) == pytest.approx(0.7)


@pytest.mark.parametrize('x, y, message', [
    ([], [], 'same, non-zero length'),
    ([1, 2], [0.5], 'same, non-zero length'),
    ([2, 1], [0.5, 0.5], 'strictly increasing'),
])
def test_auc_rejects_bad_curves(x, y, message):
    with pytest.raises(ValueError, match=message):
        learning_curve_auc(x, y)


def test_curves_group_by_strategy_and_sort_seeds_and_rounds():
    rows = _rows('b', 1, [0.3, 0.6]) + _rows('a', 0, [0.1, 0.2]) + _rows('b', 0, [0.2, 0.4])
    result = curves(list(reversed(rows)), 'accuracy')
    assert list(result) == ['b', 'a']  # order of first appearance in the sorted rows
    num_labels, scores = result['b']
    assert num_labels.tolist() == [10, 20]
    assert scores.tolist() == [[0.2, 0.4], [0.3, 0.6]]


def test_curves_leave_out_unfinished_runs():
    rows = _rows('a', 0, [0.1, 0.2, 0.3]) + _rows('a', 1, [0.1])
    assert curves(rows, 'accuracy')['a'][1].shape == (1, 3)


def test_summarize_gives_mean_and_population_std_over_seeds():
    rows = _rows('a', 0, [0.2, 0.4]) + _rows('a', 1, [0.4, 0.8])
    (entry,) = summarize(rows, ['accuracy', 'macro_f1'])
    assert entry['strategy'] == 'a' and entry['seeds'] == 2
    assert entry['final_accuracy'] == pytest.approx((0.6, 0.2))
    assert entry['final_macro_f1'] == pytest.approx((0.3, 0.1))
    assert entry['auc'] == pytest.approx((0.45, 0.15))  # areas 0.3 and 0.6


def test_format_summary_is_a_markdown_table():
    rows = _rows('random', 0, [0.2, 0.4]) + _rows('least-confidence', 0, [0.3, 0.5])
    table = format_summary(summarize(rows, ['accuracy', 'macro_f1']), ['accuracy', 'macro_f1'])
    lines = table.splitlines()
    assert lines[0] == ('| strategy | final accuracy | final macro-F1 | AUC (accuracy) '
                        '| seeds |')
    assert lines[1] == '|---|---:|---:|---:|---:|'
    assert lines[2] == '| random | 0.4000 ± 0.0000 | 0.2000 ± 0.0000 | 0.3000 ± 0.0000 | 1 |'
    assert len(lines) == 4


def test_multi_label_summary_uses_micro_f1_labels():
    rows = [{**row, 'micro_f1': row.pop('accuracy')} for row in _rows('a', 0, [0.2, 0.4])]
    table = format_summary(summarize(rows, ['micro_f1', 'macro_f1']), ['micro_f1', 'macro_f1'])
    assert 'final micro-F1 | final macro-F1 | AUC (micro-F1)' in table


def test_plot_writes_a_png(tmp_path):
    rows = _rows('a', 0, [0.2, 0.4, 0.5]) + _rows('a', 1, [0.3, 0.5, 0.6])
    plot_learning_curves(rows, 'accuracy', tmp_path / 'curves.png', title='t')
    assert (tmp_path / 'curves.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
