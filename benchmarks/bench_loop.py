"""Seconds per active-learning round, split into fit / predict / query.

The loop of examples/trec6_active_learning.py (TF-IDF, ConfidenceEnhancedLinearSVC, 20 balanced
initial labels, 20 rounds of 25 queries) on a dataset of ../shared/data (MR by default, 9.6k
training texts). Prints a markdown table with the mean seconds per round of each step.

    python benchmarks/bench_loop.py --dataset mr
"""
import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from small_text import (
    BreakingTies,
    ConfidenceEnhancedLinearSVC,
    LeastConfidence,
    PoolBasedActiveLearner,
    PredictionEntropy,
    RandomSampling,
    SklearnClassifierFactory,
    SklearnDataset,
    random_initialization_balanced,
)

from _data import read_split  # benchmarks/ is on sys.path when a script runs

DATA = Path(__file__).resolve().parents[1].parent / 'shared' / 'data'


class _TimedFactory(SklearnClassifierFactory):
    """A factory whose classifiers add their fit time to a shared counter."""

    def __init__(self, *args, timings, **kwargs):
        super().__init__(*args, **kwargs)
        self.timings = timings

    def new(self):
        clf = super().new()
        fit = clf.fit

        def timed_fit(*args, **kwargs):
            start = time.perf_counter()
            result = fit(*args, **kwargs)
            self.timings['fit'] += time.perf_counter() - start
            return result
        clf.fit = timed_fit
        return clf


def bench(strategy, train, test, num_classes, rounds, query_size, seed=0):
    np.random.seed(seed)
    timings = {'fit': 0.0, 'predict': 0.0, 'query': 0.0}
    factory = _TimedFactory(ConfidenceEnhancedLinearSVC(), num_classes, timings=timings)
    learner = PoolBasedActiveLearner(factory, strategy, train)
    learner.initialize(random_initialization_balanced(train.y, n_samples=20))
    timings['fit'] = 0.0  # count only the rounds
    for _ in range(rounds):
        start = time.perf_counter()
        indices = learner.query(num_samples=query_size)
        timings['query'] += time.perf_counter() - start
        learner.update(train.y[indices])
        start = time.perf_counter()
        learner.classifier.predict(test)
        timings['predict'] += time.perf_counter() - start
    return {k: v / rounds for k, v in timings.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--dataset', default='mr')
    parser.add_argument('--rounds', type=int, default=20)
    parser.add_argument('--query-size', type=int, default=25)
    args = parser.parse_args()

    folder = DATA / args.dataset
    train_texts, train_y = read_split(folder, 'train')
    test_texts, test_y = read_split(folder, 'test')
    num_classes = int(train_y.max()) + 1
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    target_labels = np.arange(num_classes)
    train = SklearnDataset.from_arrays(train_texts, train_y, vectorizer,
                                       target_labels=target_labels)
    test = SklearnDataset.from_arrays(test_texts, test_y, vectorizer, target_labels=target_labels,
                                      train=False)

    print(f'{args.dataset}: {len(train)} train / {len(test)} test, {args.rounds} rounds of '
          f'{args.query_size}\n')
    print('| strategy | fit s/round | predict s/round | query s/round | total s/round |')
    print('|---|---|---|---|---|')
    for strategy in [RandomSampling(), LeastConfidence(), PredictionEntropy(), BreakingTies()]:
        t = bench(strategy, train, test, num_classes, args.rounds, args.query_size)
        print(f'| {type(strategy).__name__} | {t["fit"]:.4f} | {t["predict"]:.4f} | '
              f'{t["query"]:.4f} | {sum(t.values()):.4f} |')


if __name__ == '__main__':
    main()
