"""Builders of small datasets and classifiers for the PyTorch integration tests."""
import numpy as np
import torch
from scipy.sparse import csr_matrix

from small_text.integrations.pytorch.classifiers import KimCNNClassifier
from small_text.integrations.pytorch.datasets import PytorchTextClassificationDataset
from small_text.utils.logging import VERBOSITY_QUIET

VOCAB_SIZE = 30
EMBED_DIM = 8


def random_dataset(num_samples=20, num_classes=3, multi_label=False, min_length=1,
                   max_length=12, seed=0, target_labels=None):
    """Random token ids (1..VOCAB_SIZE-1) of random lengths and random labels."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_length, max_length + 1, size=num_samples)
    texts = [torch.from_numpy(rng.integers(1, VOCAB_SIZE, size=n)) for n in lengths]
    if multi_label:
        labels = [sorted(rng.choice(num_classes, size=rng.integers(1, num_classes + 1),
                                    replace=False).tolist()) for _ in range(num_samples)]
    else:
        labels = (np.arange(num_samples) % num_classes)[rng.permutation(num_samples)].tolist()
    target_labels = np.arange(num_classes) if target_labels is None else target_labels
    return PytorchTextClassificationDataset(list(zip(texts, labels)), multi_label=multi_label,
                                            target_labels=target_labels)


def separable_dataset(num_samples=50, num_classes=2, multi_label=False, seed=0):
    """Texts whose label ids are encoded by class-specific tokens (easy to fit).

    Single-label: each text holds token ``2 + label`` among random filler tokens (ids
    10..VOCAB_SIZE-1). Multi-label: one such token per label.
    """
    rng = np.random.default_rng(seed)
    data = []
    for i in range(num_samples):
        if multi_label:
            label = sorted(rng.choice(num_classes, size=rng.integers(1, num_classes + 1),
                                      replace=False).tolist())
            signal = [2 + c for c in label]
        else:
            label = i % num_classes
            signal = [2 + label]
        filler = rng.integers(10, VOCAB_SIZE, size=rng.integers(2, 8)).tolist()
        tokens = filler[:len(filler) // 2] + signal + filler[len(filler) // 2:]
        data.append((torch.tensor(tokens), label))
    return PytorchTextClassificationDataset(data, multi_label=multi_label,
                                            target_labels=np.arange(num_classes))


def embedding_matrix(seed=0):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(VOCAB_SIZE, EMBED_DIM)).astype(np.float32)
    matrix[0] = 0.0
    return matrix


def classifier(num_classes=3, **kwargs):
    """A small, quiet KimCNNClassifier on the CPU."""
    settings = dict(embedding_matrix=embedding_matrix(), device='cpu', num_epochs=2,
                    mini_batch_size=8, max_seq_len=20, out_channels=4, kernel_heights=[2, 3],
                    verbosity=VERBOSITY_QUIET, show_progress_bar=False)
    settings.update(kwargs)
    return KimCNNClassifier(num_classes, **settings)


def multi_hot(label_lists, num_classes):
    rows = [i for i, labels in enumerate(label_lists) for _ in labels]
    cols = [c for labels in label_lists for c in labels]
    return csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)),
                      shape=(len(label_lists), num_classes))
