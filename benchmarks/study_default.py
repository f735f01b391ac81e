"""Study: which query strategies beat random sampling, on which data, at which budget?

Runs the experiment runner (:func:`small_text.experiments.run_experiment`, i.e. the library's
own active-learning loop) over a grid of data sets, classifiers and labelling budgets with
10 seeds each and writes one Markdown report (default ``docs/study.md``). The report is the
evidence for the default of ``small-text experiment`` (see the README).

Grid (all with TF-IDF features):

* single-label: TREC-6, MR and AG News from ``../shared/data``; strategies random,
  least-confidence, prediction-entropy, breaking-ties, greedy-coreset, lightweight-coreset
  and contrastive-active-learning (the embedding strategies embed with LSA, see
  :mod:`small_text.experiments.embeddings`; embedding-kmeans is left out because its
  k-means per round costs more than the rest of a run together);
* multi-label: GoEmotions (28 emotions); strategies random, label-cardinality-inconsistency,
  adaptive-active-learning and category-vector-inconsistency-and-ranking;
* classifiers ``svm`` and ``logreg`` (GoEmotions: ``svm`` only; with at most a few hundred
  labels of 28 emotions, the one-vs-rest logistic regressions predict almost no label above
  0.5, micro-F1 below 0.02, and take 15 s per round to train);
* budgets: ``25 + 20 x 25 = 525`` labels (the setting of Schröder et al. 2022: 25 initial
  labels, 20 queries of 25) and ``100 + 5 x 50 = 350`` labels (Ein-Dor et al. 2020: 100
  initial labels, 5 queries of 50).

To keep the cost bounded on a small machine, pools larger than ``--max-pool`` texts (TREC-6,
MR, GoEmotions) are subsampled (uniformly, fixed seed 0) and GoEmotions' test set is cut to
``--max-test`` texts; the report says so. Each cell is a paired comparison: every strategy
runs with the same seeds (same initial labels) as random sampling, and the report gives the
mean difference in learning-curve area (AUC) and final score with a 95 % t-interval over
seeds and the Wilcoxon signed-rank p-value.

Usage (from the repository root)::

    OMP_NUM_THREADS=1 python benchmarks/study_default.py   # the full grid, ~1 h on 2 cores
    python benchmarks/study_default.py --seeds 2 --datasets trec6 --setups 25x20x25 --out /tmp/s.md

Intermediate results go to ``--work`` (default ``.study-results/``); finished cells are
reused when the script is run again, so an interrupted study continues where it stopped.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import stats

from small_text.experiments import run_experiment
from small_text.experiments.summary import curves, learning_curve_auc

SHARED_DATA = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data'

SINGLE_LABEL_STRATEGIES = ('random', 'least-confidence', 'prediction-entropy', 'breaking-ties',
                           'greedy-coreset', 'lightweight-coreset', 'contrastive-active-learning')
MULTI_LABEL_STRATEGIES = ('random', 'label-cardinality-inconsistency',
                          'adaptive-active-learning', 'category-vector-inconsistency-and-ranking')

DATASETS = {
    # name: (folder, label column, multi-label)
    'trec6': ('trec6', 'label', False),
    'mr': ('mr', 'label', False),
    'agnews': ('agnews', 'label', False),
    'goemotions': ('goemotions', 'labels', True),
}

MULTI_LABEL_CLASSIFIERS = ('svm',)
"""Classifiers the multi-label data set is run with (see the module docstring)."""

SETUPS = {
    # name: (initial labels, rounds, query size, setting it follows)
    '25x20x25': (25, 20, 25, 'Schröder et al. 2022'),
    '100x5x50': (100, 5, 50, 'Ein-Dor et al. 2020'),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--seeds', type=int, default=10)
    parser.add_argument('--datasets', default=','.join(DATASETS))
    parser.add_argument('--classifiers', default='svm,logreg')
    parser.add_argument('--setups', default=','.join(SETUPS))
    parser.add_argument('--max-pool', type=int, default=4000,
                        help='subsample training pools larger than this (default 4000)')
    parser.add_argument('--max-test', type=int, default=2000,
                        help='subsample test sets larger than this (default 2000)')
    parser.add_argument('--data-dir', type=Path, default=SHARED_DATA)
    parser.add_argument('--work', type=Path, default=Path('.study-results'))
    parser.add_argument('--out', type=Path, default=Path('docs/study.md'))
    args = parser.parse_args(argv)

    if not args.data_dir.is_dir():
        sys.exit(f'data folder {args.data_dir} not found (the study needs ../shared/data)')
    cells = []
    for dataset in args.datasets.split(','):
        for classifier in args.classifiers.split(','):
            if DATASETS[dataset][2] and classifier not in MULTI_LABEL_CLASSIFIERS:
                continue
            for setup in args.setups.split(','):
                start = time.perf_counter()
                cell = run_cell(dataset, classifier, setup, args)
                cells.append(cell)
                print(f'{dataset} {classifier} {setup}: {time.perf_counter() - start:.0f} s',
                      flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(format_report(cells, args), encoding='utf-8')
    print(f'wrote {args.out}')


def run_cell(dataset, classifier, setup, args):
    """Run (or reuse) one experiment and return its paired comparison with random."""
    folder, label_column, multi_label = DATASETS[dataset]
    initial, rounds, query_size, _ = SETUPS[setup]
    strategies = MULTI_LABEL_STRATEGIES if multi_label else SINGLE_LABEL_STRATEGIES
    work = args.work / f'{dataset}-{classifier}-{setup}'
    train, test, sizes = _prepared_data(args.data_dir / folder, label_column, args, work)
    results = run_experiment(data=train, test=test, label_column=label_column,
                             strategies=strategies, classifier=classifier, seeds=args.seeds,
                             initial=initial, rounds=rounds, query_size=query_size,
                             out=work / 'run', resume=(work / 'run').exists(), quiet=True)
    metric = 'micro_f1' if multi_label else 'accuracy'
    return {'dataset': dataset, 'classifier': classifier, 'setup': setup, 'metric': metric,
            'sizes': sizes, 'rows': compare_with_random(curves(results.rows, metric))}


def _prepared_data(folder, label_column, args, work):
    """Write the (subsampled) train and test files of a data set into ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    sizes = {}
    paths = []
    for split, limit in (('train', args.max_pool), ('test', args.max_test)):
        lines = (folder / f'{split}.jsonl').read_text(encoding='utf-8').splitlines()
        sizes[f'{split}_total'] = len(lines)
        if len(lines) > limit:
            keep = np.sort(np.random.RandomState(0).choice(len(lines), limit, replace=False))
            lines = [lines[i] for i in keep]
        sizes[split] = len(lines)
        path = work / f'{split}.jsonl'
        if not path.exists():
            path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
        paths.append(path)
    return paths[0], paths[1], sizes


def compare_with_random(learning_curves):
    """Per strategy: mean AUC and final score, and the paired differences to random."""
    random_labels, random_scores = learning_curves['random']
    random_auc = _aucs(random_labels, random_scores)
    rows = []
    for strategy, (num_labels, scores) in learning_curves.items():
        auc = _aucs(num_labels, scores)
        row = {'strategy': strategy, 'seeds': scores.shape[0], 'auc': auc.mean(),
               'final': scores[:, -1].mean(), 'final_std': scores[:, -1].std(ddof=1)
               if scores.shape[0] > 1 else 0.0}
        if strategy != 'random':
            row['auc_diff'] = _paired(auc, random_auc)
            row['final_diff'] = _paired(scores[:, -1], random_scores[:, -1])
        rows.append(row)
    return rows


def _aucs(num_labels, scores):
    return np.array([learning_curve_auc(num_labels, run) for run in scores])


def _paired(values, baseline):
    """Mean paired difference, its 95 % t-interval half-width and the Wilcoxon p-value."""
    diff = values - baseline
    mean = float(diff.mean())
    if diff.shape[0] < 2:
        return mean, float('nan'), float('nan')
    half_width = float(stats.t.ppf(0.975, diff.shape[0] - 1) * diff.std(ddof=1)
                       / np.sqrt(diff.shape[0]))
    p_value = float('nan') if np.all(diff == 0) else float(stats.wilcoxon(diff).pvalue)
    return mean, half_width, p_value


def _signed(triple):
    mean, half_width, p_value = triple
    mark = ''
    if p_value == p_value and p_value < 0.05:
        mark = ' ▲' if mean > 0 else ' ▼'
    return f'{mean:+.3f} ± {half_width:.3f}{mark}'


def format_report(cells, args):
    lines = ['# Study: query strategies against random sampling', '',
             f'Generated by `benchmarks/study_default.py` ({args.seeds} seeds per cell; '
             'TF-IDF features). Each cell runs `small_text.experiments.run_experiment`. '
             '"ΔAUC" and "Δfinal" are the mean paired differences to random sampling over '
             'the same seeds (same initial labels), with the half-width of the 95 % '
             't-interval; ▲/▼ marks a Wilcoxon signed-rank p < 0.05. AUC is the area under '
             'the learning curve divided by the label range (the mean score over the budget). '
             'Scores are accuracy (single-label) or micro-F1 (GoEmotions).', '',
             'Budgets: ' + '; '.join(
                 f'`{name}` = {init} initial labels, {rounds} rounds of {size} '
                 f'({init + rounds * size} labels, as in {source})'
                 for name, (init, rounds, size, source) in SETUPS.items()) + '.', '']
    sizes = {}
    for cell in cells:
        sizes.setdefault(cell['dataset'], cell['sizes'])
    lines.append(f'Pools and test sets used (uniform subsamples, seed 0, where the original '
                 f'has more than {args.max_pool} training or {args.max_test} test texts): '
                 + '; '.join(
                     f'{name} {s["train"]}/{s["train_total"]} train, '
                     f'{s["test"]}/{s["test_total"]} test' for name, s in sizes.items()) + '.')
    lines += ['', '## Wins and losses against random sampling (ΔAUC, p < 0.05)', '']
    lines += _win_table(cells)
    for cell in cells:
        lines += ['', f'## {cell["dataset"]}, {cell["classifier"]}, {cell["setup"]}', '',
                  f'| strategy | AUC | final {cell["metric"]} | ΔAUC vs random | '
                  'Δfinal vs random | p (ΔAUC) |', '|---|---|---|---|---|---|']
        for row in cell['rows']:
            if row['strategy'] == 'random':
                diffs = ['–', '–', '–']
            else:
                diffs = [_signed(row['auc_diff']), _signed(row['final_diff']),
                         f'{row["auc_diff"][2]:.3f}']
            lines.append(f'| {row["strategy"]} | {row["auc"]:.3f} | {row["final"]:.3f} ± '
                         f'{row["final_std"]:.3f} | ' + ' | '.join(diffs) + ' |')
    return '\n'.join(lines) + '\n'


def _win_table(cells):
    """One line per strategy, one column per cell: +, - or = for the ΔAUC test."""
    strategies = []
    for cell in cells:
        strategies += [row['strategy'] for row in cell['rows']
                       if row['strategy'] not in strategies and row['strategy'] != 'random']
    header = ['strategy'] + [f'{c["dataset"]} {c["classifier"]} {c["setup"]}' for c in cells]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for strategy in strategies:
        marks = []
        for cell in cells:
            row = next((r for r in cell['rows'] if r['strategy'] == strategy), None)
            if row is None:
                marks.append('')
                continue
            mean, _, p_value = row['auc_diff']
            significant = p_value == p_value and p_value < 0.05
            marks.append(f'{mean:+.3f}' if significant else '=')
        lines.append(f'| {strategy} | ' + ' | '.join(marks) + ' |')
    return lines + ['', '"=" means no significant difference from random sampling.']


if __name__ == '__main__':
    main()
