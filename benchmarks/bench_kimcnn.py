"""KimCNNClassifier against a straightforward PyTorch training and prediction loop.

Both sides train the same :class:`~small_text.integrations.pytorch.models.kimcnn.KimCNN` with
the same hyperparameters (the classifier's defaults: Adadelta, lr 0.001, batch size 25,
gradient clipping at 3.0, a stratified 10 % validation split evaluated after every epoch) for
``--epochs`` epochs on ``--train-size`` MR sentences, then predict the class probabilities of
``--predict-size`` sentences. The baseline pads every batch to ``max_seq_len`` (as the
reference does), builds each batch from the dataset items, and reads the loss back to the host
after every step. The classifier pads each batch to its longest member only, batches by length,
keeps the padded data on the device and synchronises once per epoch.

Both start from the same initial weights; the printed accuracies show that they learn alike.
Each measurement is the median of ``--repeats`` runs. Torch uses its default number of threads.

Usage::

    python benchmarks/bench_kimcnn.py [--train-size 1000] [--predict-size 5000] [--epochs 3]
                                      [--repeats 3] [--data ../shared/data/mr]
"""
import argparse
import copy
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from small_text.data.splits import get_splits
from small_text.integrations.pytorch.classifiers import KimCNNClassifier
from small_text.integrations.pytorch.classifiers.kimcnn import kimcnn_collate_fn
from small_text.integrations.pytorch.datasets import PytorchTextClassificationDataset
from small_text.integrations.pytorch.utils.data import dataloader
from small_text.utils.logging import VERBOSITY_QUIET

DEFAULT_DATA = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / 'mr'
EMBEDDING_DIM = 300


def _read_split(folder, split):
    texts, labels = [], []
    with open(folder / f'{split}.jsonl', encoding='utf-8') as f:
        for line in f:
            record = json.loads(line)
            texts.append(record['text'])
            labels.append(record['label'])
    return texts, np.array(labels, dtype=np.int64)


def _baseline_fit(clf, train_set):
    """A per-batch loop as the reference writes it: items are collated and padded to
    max_seq_len batch by batch, and every loss is read back with ``.item()``."""
    sub_train, sub_valid = get_splits(train_set, None, validation_set_size=0.1)
    model = clf.initialize()
    optimizer = torch.optim.Adadelta(model.parameters(), lr=clf.lr, eps=1e-8)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    collate = _collate_fn(clf)
    for _ in range(clf.num_epochs):
        model.train()
        train_loss, train_correct = 0.0, 0
        for text, labels, weights in dataloader(sub_train.data, clf.mini_batch_size, collate):
            optimizer.zero_grad()
            logits = model(text)
            loss = (F.binary_cross_entropy_with_logits(
                logits, F.one_hot(labels, 2).float(), reduction='none').mean(-1) * weights).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 3.0)
            optimizer.step()
            scheduler.step()
            train_loss += loss.item()
            train_correct += (logits.argmax(1) == labels).sum().item()
        _baseline_validate(model, sub_valid, clf)
    return model


def _baseline_validate(model, valid_set, clf):
    model.eval()
    valid_loss, valid_correct = 0.0, 0
    with torch.no_grad():
        for text, labels, _ in dataloader(valid_set.data, clf.mini_batch_size,
                                          _collate_fn(clf), train=False):
            logits = model(text)
            valid_loss += F.binary_cross_entropy_with_logits(
                logits, F.one_hot(labels, 2).float()).item()
            valid_correct += (logits.argmax(1) == labels).sum().item()
    return valid_loss / len(valid_set), valid_correct / len(valid_set)


def _baseline_predict_proba(model, dataset, clf):
    model.eval()
    proba = []
    with torch.no_grad():
        for text, _, _ in dataloader(dataset.data, clf.mini_batch_size, _collate_fn(clf),
                                     train=False):
            proba.append(F.softmax(model(text), dim=1).numpy())
    return np.concatenate(proba).astype(np.float64)


def _collate_fn(clf):
    def collate(batch):
        return kimcnn_collate_fn(batch, multi_label=False, num_classes=2,
                                 max_seq_len=clf.max_seq_len, padding_idx=clf.padding_idx,
                                 filter_padding=clf.filter_padding)
    return collate


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _run(args):
    train_texts, train_y = _read_split(args.data, 'train')
    test_texts, test_y = _read_split(args.data, 'test')
    rng = np.random.default_rng(0)
    train_indices = rng.choice(len(train_texts), size=args.train_size, replace=False)
    predict_texts = (train_texts + test_texts)[:args.predict_size]

    train_set = PytorchTextClassificationDataset.from_arrays(
        [train_texts[i] for i in train_indices], train_y[train_indices],
        target_labels=np.arange(2))
    tokenizer = train_set.tokenizer
    predict_set = PytorchTextClassificationDataset.from_arrays(
        predict_texts, np.zeros(len(predict_texts), dtype=np.int64), tokenizer=tokenizer,
        target_labels=np.arange(2))
    test_set = PytorchTextClassificationDataset.from_arrays(
        test_texts, test_y, tokenizer=tokenizer, target_labels=np.arange(2))

    embedding_matrix = rng.normal(scale=0.1, size=(tokenizer.get_vocab_size(), EMBEDDING_DIM))
    embedding_matrix[0] = 0.0
    kwargs = dict(embedding_matrix=embedding_matrix.astype(np.float32), device='cpu',
                  num_epochs=args.epochs, verbosity=VERBOSITY_QUIET, show_progress_bar=False)

    torch.manual_seed(0)
    initial_state = copy.deepcopy(KimCNNClassifier(2, **kwargs).initialize().state_dict())

    rows = {'baseline': [], 'small-text': []}
    accuracies = {}
    for repeat in range(args.repeats):
        for name in rows:
            np.random.seed(repeat)
            clf = KimCNNClassifier(2, **kwargs)
            clf.initialize().load_state_dict(initial_state)
            if name == 'baseline':
                fit_seconds, model = _timed(lambda: _baseline_fit(clf, train_set))
                predict_seconds, _ = _timed(
                    lambda: _baseline_predict_proba(model, predict_set, clf))
                test_proba = _baseline_predict_proba(model, test_set, clf)
            else:
                fit_seconds, _ = _timed(lambda: clf.fit(train_set, early_stopping='none'))
                predict_seconds, _ = _timed(lambda: clf.predict_proba(predict_set))
                test_proba = clf.predict_proba(test_set)
            rows[name].append((fit_seconds, predict_seconds))
            accuracies[name] = float(np.mean(test_proba.argmax(1) == test_y))

    base_fit, base_predict = (statistics.median(v) for v in zip(*rows['baseline']))
    ours_fit, ours_predict = (statistics.median(v) for v in zip(*rows['small-text']))
    print(f'KimCNN on MR: fit {args.train_size} sentences x {args.epochs} epochs, '
          f'predict_proba on {args.predict_size}; torch {torch.__version__}, '
          f'{torch.get_num_threads()} threads, median of {args.repeats}\n')
    print('| implementation | fit (s) | predict_proba (s) | total (s) | test acc |')
    print('|---|---:|---:|---:|---:|')
    for name, (fit_s, predict_s) in (('baseline (pad to max_seq_len)', (base_fit, base_predict)),
                                     ('KimCNNClassifier', (ours_fit, ours_predict))):
        key = 'baseline' if name.startswith('baseline') else 'small-text'
        print(f'| {name} | {fit_s:.2f} | {predict_s:.2f} | {fit_s + predict_s:.2f} | '
              f'{accuracies[key]:.3f} |')
    print(f'| speedup | {base_fit / ours_fit:.2f}x | {base_predict / ours_predict:.2f}x | '
          f'{(base_fit + base_predict) / (ours_fit + ours_predict):.2f}x | |')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--train-size', type=int, default=1000)
    parser.add_argument('--predict-size', type=int, default=5000)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--data', type=Path, default=DEFAULT_DATA)
    _run(parser.parse_args())


if __name__ == '__main__':
    main()
