"""Benchmark of the PyTorch query strategies (BADGE and the EGL family) on the CPU.

* BADGE: the factorised k-means++ seeding on 100,000 x 768 hidden vectors and 10 classes,
  n=100 (synthetic float32 inputs), with its peak memory beyond the inputs (tracemalloc,
  which sees NumPy's allocations); plus ``BADGE.query`` on a smaller pool.
* EGL, EGL-word and EGL-layer on 10,000 texts with a small KimCNN.

Prints a markdown table. Usage: ``python benchmarks/bench_torch_strategies.py [--quick] [--egl-texts N]``.
"""
import argparse
import os
import time
import tracemalloc

import numpy as np
import torch

from small_text.integrations.pytorch.classifiers import KimCNNClassifier
from small_text.integrations.pytorch.datasets import PytorchTextClassificationDataset
from small_text.integrations.pytorch.query_strategies import (
    BADGE,
    ExpectedGradientLength,
    ExpectedGradientLengthLayer,
    ExpectedGradientLengthMaxWord,
)
from small_text.integrations.pytorch.query_strategies.strategies import (
    gradient_embedding_scales,
    kmeans_plusplus_gradient_embeddings,
)


class _FixedEmbeddings:
    """A stand-in classifier whose ``embed`` returns precomputed rows (dataset = positions)."""

    def __init__(self, hidden, proba):
        self.hidden, self.proba = hidden, proba

    def embed(self, dataset, return_proba=False, **kwargs):
        rows = np.asarray(dataset)
        return (self.hidden[rows], self.proba[rows]) if return_proba else self.hidden[rows]


def _synthetic_badge_input(num_rows, dim, num_classes, seed=0):
    rng = np.random.default_rng(seed)
    hidden = rng.standard_normal((num_rows, dim), dtype=np.float32)
    logits = rng.standard_normal((num_rows, num_classes), dtype=np.float32) * 2
    proba = np.exp(logits)
    proba /= proba.sum(axis=1, keepdims=True)
    return hidden, proba


def bench_badge_kmeans(num_rows, dim, num_classes, n):
    hidden, proba = _synthetic_badge_input(num_rows, dim, num_classes)
    scales = gradient_embedding_scales(proba)
    np.random.seed(0)
    tracemalloc.start()
    start = time.perf_counter()
    kmeans_plusplus_gradient_embeddings(hidden, scales, n)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    dense_gb = num_rows * dim * num_classes * 8 / 1e9
    return (f'BADGE k-means++ (factorised), {num_rows:,} x {dim} x {num_classes}, n={n}',
            seconds, f'peak {peak / 1e6:.1f} MB beyond inputs (dense float64: '
                     f'{dense_gb:.1f} GB)')


def bench_badge_query(num_rows, dim, num_classes, n):
    hidden, proba = _synthetic_badge_input(num_rows, dim, num_classes, seed=1)
    indices_labeled = np.arange(100)
    np.random.seed(0)
    start = time.perf_counter()
    BADGE(num_classes).query(_FixedEmbeddings(hidden, proba), np.arange(num_rows),
                             np.arange(100, num_rows), indices_labeled,
                             np.zeros(100, dtype=np.int64), n=n)
    return (f'BADGE.query, pool {num_rows - 100:,} x {dim} x {num_classes}, n={n}',
            time.perf_counter() - start, '')


def _kimcnn_setup(num_texts, num_classes, vocab_size=5000, embed_dim=100):
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 40, size=num_texts)
    texts = [torch.from_numpy(rng.integers(1, vocab_size, size=length)) for length in lengths]
    labels = rng.integers(0, num_classes, size=num_texts).tolist()
    dataset = PytorchTextClassificationDataset(list(zip(texts, labels)),
                                               target_labels=np.arange(num_classes))
    matrix = rng.standard_normal((vocab_size, embed_dim)).astype(np.float32)
    clf = KimCNNClassifier(num_classes, embedding_matrix=matrix, device='cpu', num_epochs=1,
                           max_seq_len=40, out_channels=50, verbosity=0,
                           show_progress_bar=False)
    clf.fit(dataset[np.arange(200)])
    return clf, dataset


def bench_egl(num_texts, num_classes=4):
    clf, dataset = _kimcnn_setup(num_texts, num_classes)
    indices_labeled = np.arange(200)
    indices_unlabeled = np.arange(200, num_texts)
    y = dataset.y[indices_labeled]
    rows = []
    for strategy in [ExpectedGradientLength(num_classes, device='cpu'),
                     ExpectedGradientLengthMaxWord(num_classes, 'embedding', device='cpu'),
                     ExpectedGradientLengthLayer(num_classes, 'fc', device='cpu')]:
        start = time.perf_counter()
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=10)
        rows.append((f'{strategy}, KimCNN (vocab 5,000 x 100, 3x50 filters), '
                     f'{num_texts:,} texts, C={num_classes}', time.perf_counter() - start,
                     'scores the whole dataset'))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--quick', action='store_true', help='smaller sizes (smoke run)')
    parser.add_argument('--egl-texts', type=int, default=10_000,
                        help='number of texts for the EGL benchmarks (default 10,000)')
    args = parser.parse_args()
    scale = 10 if args.quick else 1

    rows = [bench_badge_kmeans(100_000 // scale, 768, 10, 100),
            bench_badge_query(20_000 // scale, 768, 10, 100)]
    rows.extend(bench_egl(args.egl_texts // scale))

    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, '
          f'load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs')
    print()
    print('| benchmark | time (s) | notes |')
    print('|---|---:|---|')
    for name, seconds, notes in rows:
        print(f'| {name} | {seconds:.2f} | {notes} |')


if __name__ == '__main__':
    main()
