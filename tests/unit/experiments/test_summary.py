import pytest

from small_text.experiments.plot import plot_learning_curves
from small_text.experiments.summary import (
    compare_to_baseline,
    curves,
    format_comparison,
    format_summary,
    learning_curve_auc,
    mean_interval,
    paired_difference,
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
    # t(0.975, 1 dof) = 12.7062; sample std of (0.4, 0.8) = 0.2828; half width 2.5412
    assert entry['final_accuracy_ci'] == pytest.approx((0.0, 1.0))  # clipped to [0, 1]
    assert entry['auc_ci'] == pytest.approx((0.0, 1.0))


def test_mean_interval_is_the_student_t_interval():
    # mean 0.6, sample std 0.129099, n = 4: half width t(0.975, 3) * s / sqrt(4)
    values = [0.45, 0.55, 0.65, 0.75]
    mean, (low, high) = mean_interval(values)
    assert mean == pytest.approx(0.6)
    assert high - mean == pytest.approx(3.182446 * 0.129099 / 2, rel=1e-5)
    assert mean - low == pytest.approx(high - mean)
    assert mean_interval([0.7]) == (0.7, None)
    assert mean_interval([0.3, 0.3, 0.3]) == (pytest.approx(0.3), pytest.approx((0.3, 0.3)))
    mean, (low, high) = mean_interval(values, confidence=0.5)
    assert high - mean == pytest.approx(0.764892 * 0.129099 / 2, rel=1e-5)


@pytest.mark.parametrize('values, confidence, message', [
    ([], 0.95, 'non-empty 1-D array'), ([[0.1]], 0.95, 'non-empty 1-D array'),
    ([0.1, 0.2], 1.0, 'confidence must lie in'), ([0.1, 0.2], 0, 'confidence must lie in')])
def test_mean_interval_rejects_bad_input(values, confidence, message):
    with pytest.raises(ValueError, match=message):
        mean_interval(values, confidence)


def test_paired_difference_and_its_wilcoxon_p_value():
    # differences +.1, +.2, +.3, +.4, +.5: all positive, exact two-sided p = 2 / 2**5
    result = paired_difference([0.6, 0.7, 0.8, 0.9, 1.0], [0.5] * 5)
    assert result['mean'] == pytest.approx(0.3) and result['pairs'] == 5
    assert result['p_value'] == pytest.approx(0.0625)
    low, high = result['interval']
    assert (low + high) / 2 == pytest.approx(0.3) and low > 0
    # ranks of |d| = 1, 2, 3, 4 with signs -, +, +, +: W- = 1, exact p = 2 * 2/16 = 0.25
    mixed = paired_difference([0.4, 0.7, 0.8, 0.9], [0.5, 0.5, 0.5, 0.5])
    assert mixed['p_value'] == pytest.approx(0.25)


def test_paired_difference_with_one_pair_or_no_difference():
    one = paired_difference([0.7], [0.5])
    assert one == {'mean': pytest.approx(0.2), 'interval': None, 'p_value': None, 'pairs': 1}
    same = paired_difference([0.7, 0.6, 0.5], [0.7, 0.6, 0.5])
    assert same['p_value'] == 1.0 and same['interval'] == (0.0, 0.0)
    with pytest.raises(ValueError, match='same shape'):
        paired_difference([0.1, 0.2], [0.1])


def test_comparison_pairs_runs_by_seed():
    rows = (_rows('random', 0, [0.2, 0.4]) + _rows('random', 1, [0.2, 0.6])
            + _rows('random', 2, [0.2, 0.5])
            + _rows('lc', 1, [0.2, 0.9]) + _rows('lc', 0, [0.2, 0.5])
            + _rows('lc', 5, [0.2, 0.1]))  # seed 5: random has no run with it
    (entry,) = compare_to_baseline(rows, ['accuracy', 'macro_f1'])
    assert entry['strategy'] == 'lc'
    final = entry['final_accuracy']
    assert final['pairs'] == 2 and final['mean'] == pytest.approx(0.2)  # (.5-.4 + .9-.6) / 2
    assert final['p_value'] == pytest.approx(0.5)  # two positive differences, exact 2 / 2**2
    # areas: lc 0.35, 0.55; random 0.3, 0.4: differences 0.05, 0.15
    assert entry['auc']['mean'] == pytest.approx(0.1)
    assert compare_to_baseline(_rows('lc', 0, [0.1, 0.2]), ['accuracy']) == []


def test_format_comparison():
    rows = (_rows('random', 0, [0.2, 0.4]) + _rows('random', 1, [0.2, 0.6])
            + _rows('lc', 0, [0.2, 0.5]) + _rows('lc', 1, [0.2, 0.7]))
    table = format_comparison(compare_to_baseline(rows, ['accuracy']), 'accuracy')
    lines = table.splitlines()
    assert lines[0] == ('| strategy | Δ final accuracy vs. random | p | Δ AUC vs. random | p '
                        '| pairs |')
    # differences 0.1 and 0.1: zero spread, the interval is the point; Wilcoxon p = 0.5
    assert lines[2] == ('| lc | +0.1000 [+0.1000, +0.1000] | 0.500 | +0.0500 [+0.0500, '
                        '+0.0500] | 0.500 | 2 |')
    single = format_comparison(compare_to_baseline(rows[:2] + rows[4:6], ['accuracy']),
                               'accuracy')
    assert single.splitlines()[2] == '| lc | +0.1000 | – | +0.0500 | – | 1 |'


def test_format_summary_is_a_markdown_table():
    rows = _rows('random', 0, [0.2, 0.4]) + _rows('least-confidence', 0, [0.3, 0.5])
    table = format_summary(summarize(rows, ['accuracy', 'macro_f1']), ['accuracy', 'macro_f1'])
    lines = table.splitlines()
    assert lines[0] == ('| strategy | final accuracy | final macro-F1 | AUC (accuracy) '
                        '| seeds |')
    assert lines[1] == '|---|---:|---:|---:|---:|'
    assert lines[2] == '| random | 0.4000 | 0.2000 | 0.3000 | 1 |'  # one seed: no interval
    assert len(lines) == 4
    rows += _rows('random', 1, [0.2, 0.6])
    line = format_summary(summarize(rows, ['accuracy']), ['accuracy']).splitlines()[2]
    assert line == '| random | 0.5000 [0.0000, 1.0000] | 0.3500 [0.0000, 0.9853] | 2 |'



def test_multi_label_summary_uses_micro_f1_labels():
    rows = [{**row, 'micro_f1': row.pop('accuracy')} for row in _rows('a', 0, [0.2, 0.4])]
    table = format_summary(summarize(rows, ['micro_f1', 'macro_f1']), ['micro_f1', 'macro_f1'])
    assert 'final micro-F1 | final macro-F1 | AUC (micro-F1)' in table


@pytest.mark.parametrize('name, magic', [('curves.png', b'\x89PNG\r\n\x1a\n'),
                                         ('curves.PDF', b'%PDF'), ('curves.svg', b'<?xml')])
def test_plot_writes_png_svg_or_pdf(tmp_path, name, magic):
    rows = _rows('a', 0, [0.2, 0.4, 0.5]) + _rows('a', 1, [0.3, 0.5, 0.6])
    plot_learning_curves(rows, 'accuracy', tmp_path / name, title='t',
                         metrics=['accuracy', 'macro_f1'])
    assert (tmp_path / name).read_bytes()[:len(magic)] == magic


def test_png_default_resolution_is_200_dpi(tmp_path):
    from matplotlib.image import imread
    rows = _rows('a', 0, [0.2, 0.4, 0.5])
    plot_learning_curves(rows, 'accuracy', tmp_path / 'one.png')
    height, width = imread(tmp_path / 'one.png').shape[:2]
    assert (width, height) == (round(7.6 * 200), round(4.6 * 200))


@pytest.mark.parametrize('name, metrics, message', [
    ('curves.gif', None, 'use the suffix .png, .svg or .pdf'),
    ('curves', None, 'use the suffix'),
    ('curves.png', ['macro_f1', 'accuracy'], "must start with metric 'accuracy'")])
def test_plot_rejects_bad_arguments(tmp_path, name, metrics, message):
    with pytest.raises(ValueError, match=message):
        plot_learning_curves(_rows('a', 0, [0.2, 0.4]), 'accuracy', tmp_path / name,
                             metrics=metrics)
    assert list(tmp_path.iterdir()) == []


def test_plot_has_a_panel_per_metric_clipped_bands_and_the_legend_outside():
    from small_text.experiments.plot import _figure
    # 'a': means 0.2 and 0.8 with std 0.283, so unclipped bands would leave [0, 1]
    rows = (_rows('a', 0, [0.0, 1.0]) + _rows('a', 1, [0.0, 1.0]) + _rows('a', 2, [0.6, 0.4])
            + _rows('b', 0, [0.5, 0.5]))
    summary = [{'criterion': 'kappa-average', 'strategy': 'a', 'stop_labels': (15.0, 0.0)}]
    figure = _figure([{'title': 'title', 'rows': rows, 'stopping_summary': summary}],
                     ['accuracy', 'macro_f1'])
    panels = figure.axes
    assert [axes.get_ylabel() for axes in panels] == ['test accuracy', 'test macro-F1']
    assert all(axes.get_legend() is None for axes in panels)
    (legend,) = figure.legends
    assert [text.get_text() for text in legend.get_texts()] == [
        'a', 'b', 'stop: kappa-average (mean)']
    for axes in panels:
        for band in axes.collections:
            y = band.get_paths()[0].vertices[:, 1]
            assert y.min() >= 0.0 and y.max() <= 1.0
    accuracy_band = panels[0].collections[0].get_paths()[0].vertices[:, 1]
    assert (accuracy_band.min(), accuracy_band.max()) == (0.0, 1.0)
