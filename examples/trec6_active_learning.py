"""Active learning on TREC-6: BreakingTies against RandomSampling.

TF-IDF features, ConfidenceEnhancedLinearSVC, 20 balanced initial labels, then 20 rounds of 25
queries (520 labels in the end). Prints the test accuracy after every round for each strategy
and, with several seeds, the mean final accuracy.

By default it uses the copy of TREC-6 that ships inside small-text, so it runs anywhere
small-text is installed::

    python examples/trec6_active_learning.py --seeds 0 1 2 3 4

``--data FOLDER`` takes another folder with ``train.jsonl`` and ``test.jsonl`` (gzip-compressed
``.jsonl.gz`` files too) of ``{"text": ..., "label": <int>}`` records.
"""
import argparse
import gzip
import json
from importlib.resources import files
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score

from small_text import (
    BreakingTies,
    ConfidenceEnhancedLinearSVC,
    PoolBasedActiveLearner,
    RandomSampling,
    SklearnClassifierFactory,
    SklearnDataset,
    random_initialization_balanced,
)

DEFAULT_DATA = Path(str(files('small_text.experiments') / 'data' / 'trec6'))


def read_split(folder, split):
    """Read texts and labels of one split, ``SPLIT.jsonl`` or ``SPLIT.jsonl.gz``."""
    path = folder / f'{split}.jsonl'
    if not path.exists() and (folder / f'{split}.jsonl.gz').exists():
        path = folder / f'{split}.jsonl.gz'
    if not path.exists():
        raise SystemExit(f'error: {path} not found (--data needs a folder with {split}.jsonl '
                         f'or {split}.jsonl.gz)')
    texts, labels = [], []
    with (gzip.open if path.suffix == '.gz' else open)(path, 'rt', encoding='utf-8') as f:
        for line in f:
            obj = json.loads(line)
            texts.append(obj['text'])
            labels.append(obj['label'])
    return texts, np.array(labels)


def run(strategy, train, test, num_classes, seed, initial=20, rounds=20, query_size=25,
        svm_c=1.0):
    """Run one active-learning loop and return the test accuracy after each round."""
    np.random.seed(seed)
    factory = SklearnClassifierFactory(ConfidenceEnhancedLinearSVC({'C': svm_c}), num_classes)
    learner = PoolBasedActiveLearner(factory, strategy, train)
    learner.initialize(random_initialization_balanced(train.y, n_samples=initial))

    accuracies = [accuracy_score(test.y, learner.classifier.predict(test))]
    for _ in range(rounds):
        indices = learner.query(num_samples=query_size)
        learner.update(train.y[indices])  # the simulated annotator knows the true labels
        accuracies.append(accuracy_score(test.y, learner.classifier.predict(test)))
    return accuracies


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--data', type=Path, default=DEFAULT_DATA,
                        help='folder with train/test JSONL files (default: bundled TREC-6)')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0])
    parser.add_argument('--svm-c', type=float, default=1.0,
                        help='regularisation parameter C of the LinearSVC')
    args = parser.parse_args()

    train_texts, train_y = read_split(args.data, 'train')
    test_texts, test_y = read_split(args.data, 'test')
    num_classes = int(train_y.max()) + 1
    vectorizer = TfidfVectorizer(sublinear_tf=True)
    target_labels = np.arange(num_classes)
    train = SklearnDataset.from_arrays(train_texts, train_y, vectorizer,
                                       target_labels=target_labels)
    test = SklearnDataset.from_arrays(test_texts, test_y, vectorizer,
                                      target_labels=target_labels, train=False)

    final = {}
    for name, strategy_class in [('BreakingTies', BreakingTies), ('RandomSampling', RandomSampling)]:
        for seed in args.seeds:
            accuracies = run(strategy_class(), train, test, num_classes, seed, svm_c=args.svm_c)
            final.setdefault(name, []).append(accuracies[-1])
            print(f'{name} seed={seed}')
            for round_number, accuracy in enumerate(accuracies):
                print(f'  round {round_number:2d}  labels {20 + 25 * round_number:3d}  '
                      f'accuracy {accuracy:.4f}')

    print('\nfinal accuracy after 520 labels (mean +- std over seeds)')
    for name, values in final.items():
        print(f'  {name:15s} {np.mean(values):.4f} +- {np.std(values):.4f}  ({len(values)} seeds)')


if __name__ == '__main__':
    main()
