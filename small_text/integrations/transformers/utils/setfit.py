"""Private helpers of SetFitClassification."""
from contextlib import contextmanager

import numpy as np

from small_text.utils.labels import csr_to_list, list_to_csr


def _training_records(texts, y, multi_label, num_classes):
    """The ``{'text': [...], 'label': [...]}`` columns of an HF dataset for SetFit: int labels,
    or multi-hot lists of length ``num_classes`` for multi-label data."""
    if multi_label:
        labels = list_to_csr(csr_to_list(y), shape=(y.shape[0], num_classes)).toarray().tolist()
    else:
        labels = np.asarray(y).tolist()
    return {'text': [str(text) for text in texts], 'label': labels}


def _full_columns(proba, classes, num_classes):
    """Place the probability columns of a head trained on a subset of the classes at their
    class ids (absent classes get 0)."""
    if classes is None or proba.shape[1] == num_classes:
        return proba
    full = np.zeros((proba.shape[0], num_classes), dtype=proba.dtype)
    full[:, np.asarray(classes, dtype=np.int64)] = proba
    return full


class _NoEval:
    """A replacement for ``module.eval`` that leaves the module in training mode (a class,
    not a lambda, so that the module stays picklable while it is installed)."""

    def __init__(self, module):
        self.module = module

    def __call__(self):
        return self.module


@contextmanager
def _dropout_enabled(module):
    """Put ``module`` in training mode (dropout on) and make its ``eval()`` a no-op until the
    block ends; then restore its ``eval`` and its previous mode. Not thread-safe."""
    was_training = module.training
    module.train()
    module.eval = _NoEval(module)
    try:
        yield module
    finally:
        del module.eval
        module.train(was_training)
