"""KimCNNClassifier against a plain PyTorch training loop as small-text 2.0 describes it.

Both sides train KimCNN on ``--train-size`` MR sentences for ``--epochs`` epochs with batch size
25, gradient clipping at 3.0, a stratified 10 % validation split evaluated after every epoch
and the same initial weights, in two settings:

* ``defaults``: the classifier's defaults (Adadelta, lr 0.001, eps 1e-8);
* ``runner``: the experiment runner's setting (Adam, lr 0.001; the runner's classifier).

The baseline is the loop the spec describes for the 2.0 release: the model of the spec
(``Conv2d(1, C, (k, E))`` per kernel height, ReLU, ``MaxPool2d((max_seq_len - k, 1))``),
every batch padded to ``max_seq_len`` by ``kimcnn_collate_fn`` in a ``torch.utils.data.
DataLoader``, the loss and the correct predictions read back with ``.item()`` after every
step, and validation through a sequential DataLoader. It then predicts the class
probabilities of ``--predict-size`` sentences in batches of 25. The classifier pads each batch
to its longest member (length-bucketed batches), keeps the padded data on the device, pads the
validation set once per fit and reads metrics back once per epoch.

After an untimed warm-up, runs are interleaved (baseline, ours, baseline, ...) so that both
see the same machine load; each number is the median of ``--repeats`` runs and the ratios are ours / baseline. The test
accuracy (MR test split) shows that both learn alike. ``--profile`` prints where the time of
one classifier fit goes (torch.profiler, self CPU time per operator).

Usage::

    python benchmarks/bench_kimcnn.py [--train-size 1000] [--predict-size 2000] [--epochs 3]
                                      [--repeats 3] [--threads 1] [--profile]
                                      [--data ../shared/data/mr]
"""
import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from small_text.data.splits import get_splits
from small_text.experiments.kimcnn import AdamKimCNNClassifierFactory
from small_text.integrations.pytorch.classifiers import KimCNNClassifier
from small_text.integrations.pytorch.classifiers.kimcnn import kimcnn_collate_fn
from small_text.integrations.pytorch.datasets import PytorchTextClassificationDataset
from small_text.utils.logging import VERBOSITY_QUIET
from _data import read_split  # benchmarks/ is on sys.path when a script runs

DEFAULT_DATA = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / 'mr'
EMBEDDING_DIM = 300
BATCH_SIZE = 25
LR = 1e-3


class SpecKimCNN(nn.Module):
    """KimCNN as the spec describes the 2.0 release's model: inputs padded to
    ``max_seq_length``, ``MaxPool2d((max_seq_length - k, 1))`` per kernel height k. Its
    parameters have the names and shapes of ours, so both can start from the same state."""

    def __init__(self, vocabulary_size, max_seq_length, num_classes, embed_dim,
                 kernel_heights=(3, 4, 5), out_channels=100, dropout=0.5):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary_size, embed_dim, padding_idx=0)
        self.convs = nn.ModuleList([nn.Conv2d(1, out_channels, (k, embed_dim))
                                    for k in kernel_heights])
        self.pools = nn.ModuleList([nn.MaxPool2d((max_seq_length - k, 1))
                                    for k in kernel_heights])
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(out_channels * len(kernel_heights), num_classes)

    def forward(self, x):
        embedded = self.embedding(x).unsqueeze(1)
        features = [pool(F.relu(conv(embedded))).flatten(1)
                    for conv, pool in zip(self.convs, self.pools)]
        return self.fc(self.dropout(torch.cat(features, dim=1)))


def _loader(data, max_seq_len, shuffle):
    def collate(batch):
        return kimcnn_collate_fn(batch, multi_label=False, num_classes=2,
                                 max_seq_len=max_seq_len)
    return torch.utils.data.DataLoader(data, batch_size=BATCH_SIZE, shuffle=shuffle,
                                       collate_fn=collate)


def _bce(logits, labels):
    """The spec's binary loss: BCE on one-hot targets, averaged over the two logits."""
    return F.binary_cross_entropy_with_logits(logits, F.one_hot(labels, 2).float(),
                                              reduction='none').mean(-1)


def baseline_fit(model, train_set, optimizer_name, num_epochs, max_seq_len):
    """The plain per-batch loop of small-text 2.0 (see the module docstring)."""
    sub_train, sub_valid = get_splits(train_set, None, validation_set_size=0.1)
    if optimizer_name == 'defaults':
        optimizer = torch.optim.Adadelta(model.parameters(), lr=LR, eps=1e-8)
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    for _ in range(num_epochs):
        model.train()
        train_loss, train_correct = 0.0, 0
        for text, labels, weights in _loader(sub_train.data, max_seq_len, shuffle=True):
            optimizer.zero_grad()
            logits = model(text)
            loss = (_bce(logits, labels) * weights).mean()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 3.0)
            optimizer.step()
            scheduler.step()
            train_loss += loss.item()
            train_correct += (logits.argmax(1) == labels).sum().item()
        model.eval()
        valid_loss, valid_correct = 0.0, 0
        with torch.no_grad():
            for text, labels, _ in _loader(sub_valid.data, max_seq_len, shuffle=False):
                logits = model(text)
                valid_loss += _bce(logits, labels).mean().item()
                valid_correct += (logits.argmax(1) == labels).sum().item()
    return model


def baseline_predict_proba(model, dataset, max_seq_len):
    model.eval()
    with torch.no_grad():
        proba = [F.softmax(model(text), dim=1)
                 for text, _, _ in _loader(dataset.data, max_seq_len, shuffle=False)]
    return torch.cat(proba).numpy().astype(np.float64)


def _classifier(setting, embedding_matrix, epochs):
    kwargs = dict(embedding_matrix=embedding_matrix, device='cpu', num_epochs=epochs,
                  mini_batch_size=BATCH_SIZE, lr=LR, verbosity=VERBOSITY_QUIET,
                  show_progress_bar=False)
    if setting == 'defaults':
        return KimCNNClassifier(2, **kwargs)
    return AdamKimCNNClassifierFactory(2, classification_kwargs=kwargs).new()


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _profile(train_set, embedding_matrix, initial_state, epochs):
    from torch.profiler import ProfilerActivity, profile

    clf = _classifier('defaults', embedding_matrix, epochs)
    clf.initialize().load_state_dict(initial_state)
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        clf.fit(train_set, early_stopping='none')
    events = [event for event in profiler.key_averages() if event.key.startswith('aten::')]
    total = sum(event.self_cpu_time_total for event in events)
    events.sort(key=lambda event: -event.self_cpu_time_total)
    print(f'\nprofile of one KimCNNClassifier fit (defaults), self CPU time of the aten '
          f'operators: {total / 1e6:.2f} s\n')
    print('| operator | calls | self CPU (s) | share |')
    print('|---|---:|---:|---:|')
    for event in events[:15]:
        print(f'| {event.key} | {event.count} | {event.self_cpu_time_total / 1e6:.2f} | '
              f'{event.self_cpu_time_total / total:.0%} |')


def _run(args):
    torch.set_num_threads(args.threads)
    train_texts, train_y = read_split(args.data, 'train')
    test_texts, test_y = read_split(args.data, 'test')
    rng = np.random.default_rng(0)
    train_indices = rng.choice(len(train_texts), size=args.train_size, replace=False)
    predict_texts = (train_texts + test_texts)[:args.predict_size]

    train_set = PytorchTextClassificationDataset.from_arrays(
        [train_texts[i] for i in train_indices], train_y[train_indices],
        target_labels=np.arange(2), max_length=60)
    tokenizer = train_set.tokenizer
    predict_set = PytorchTextClassificationDataset.from_arrays(
        predict_texts, np.zeros(len(predict_texts), dtype=np.int64), tokenizer=tokenizer,
        target_labels=np.arange(2), max_length=60)
    test_set = PytorchTextClassificationDataset.from_arrays(
        test_texts, test_y, tokenizer=tokenizer, target_labels=np.arange(2), max_length=60)

    embedding_matrix = rng.uniform(-0.25, 0.25, size=(tokenizer.get_vocab_size(),
                                                      EMBEDDING_DIM)).astype(np.float32)
    embedding_matrix[0] = 0.0
    torch.manual_seed(0)
    initial_state = {name: tensor.clone() for name, tensor in
                     _classifier('defaults', embedding_matrix, 1).initialize()
                     .state_dict().items()}
    max_seq_len = 60

    settings = ('defaults', 'runner')
    # warm-up (one-time costs of the first convolutions and optimizer steps), untimed
    for setting in settings:
        model = SpecKimCNN(tokenizer.get_vocab_size(), max_seq_len, 2, EMBEDDING_DIM)
        baseline_fit(model, train_set[:100], setting, 1, max_seq_len)
        _classifier(setting, embedding_matrix, 1).fit(train_set[:100], early_stopping='none')

    timings = {(setting, side): [] for setting in settings for side in ('baseline', 'ours')}
    accuracies = {}
    for repeat in range(args.repeats):
        for setting in settings:
            np.random.seed(repeat)
            torch.manual_seed(repeat)
            model = SpecKimCNN(tokenizer.get_vocab_size(), max_seq_len, 2, EMBEDDING_DIM)
            model.load_state_dict(initial_state)
            fit_s, _ = _timed(lambda: baseline_fit(model, train_set, setting, args.epochs,
                                                   max_seq_len))
            predict_s, _ = _timed(lambda: baseline_predict_proba(model, predict_set,
                                                                 max_seq_len))
            proba = baseline_predict_proba(model, test_set, max_seq_len)
            timings[(setting, 'baseline')].append((fit_s, predict_s))
            accuracies.setdefault((setting, 'baseline'), []).append(
                float(np.mean(proba.argmax(1) == test_y)))

            np.random.seed(repeat)
            torch.manual_seed(repeat)
            clf = _classifier(setting, embedding_matrix, args.epochs)
            clf.initialize().load_state_dict(initial_state)
            fit_s, _ = _timed(lambda: clf.fit(train_set, early_stopping='none'))
            predict_s, _ = _timed(lambda: clf.predict_proba(predict_set))
            proba = clf.predict_proba(test_set)
            timings[(setting, 'ours')].append((fit_s, predict_s))
            accuracies.setdefault((setting, 'ours'), []).append(
                float(np.mean(proba.argmax(1) == test_y)))

    print(f'KimCNN on MR: fit {args.train_size} sentences x {args.epochs} epochs, '
          f'predict_proba on {args.predict_size}; torch {torch.__version__}, '
          f'{torch.get_num_threads()} thread(s), median of {args.repeats} interleaved runs\n')
    print('| setting | implementation | fit (s) | predict_proba (s) | test acc (mean) | '
          'fit ratio | predict ratio |')
    print('|---|---|---:|---:|---:|---:|---:|')
    for setting in settings:
        base_fit, base_predict = (statistics.median(values)
                                  for values in zip(*timings[(setting, 'baseline')]))
        fit_s, predict_s = (statistics.median(values)
                            for values in zip(*timings[(setting, 'ours')]))
        optimizer = 'Adadelta' if setting == 'defaults' else 'Adam'
        print(f'| {setting} ({optimizer}) | plain loop (pad to 60) | {base_fit:.2f} | '
              f'{base_predict:.2f} | {np.mean(accuracies[(setting, "baseline")]):.3f} | 1.00 | '
              f'1.00 |')
        print(f'| {setting} ({optimizer}) | KimCNNClassifier | {fit_s:.2f} | {predict_s:.2f} | '
              f'{np.mean(accuracies[(setting, "ours")]):.3f} | {fit_s / base_fit:.2f} | '
              f'{predict_s / base_predict:.2f} |')
    if args.profile:
        _profile(train_set, embedding_matrix, initial_state, args.epochs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--train-size', type=int, default=1000)
    parser.add_argument('--predict-size', type=int, default=2000)
    parser.add_argument('--epochs', type=int, default=3)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--profile', action='store_true')
    parser.add_argument('--data', type=Path, default=DEFAULT_DATA)
    _run(parser.parse_args())


if __name__ == '__main__':
    main()
