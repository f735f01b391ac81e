"""End-to-end fit/predict on small samples of the real datasets in <repo>/../shared/data."""
import json
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from small_text.classifiers import ConfidenceEnhancedLinearSVC, SklearnClassifierFactory
from small_text.data import SklearnDataset, TextDataset
from small_text.initialization import random_initialization_stratified

DATA_DIR = Path(__file__).resolve().parents[3] / '..' / 'shared' / 'data'

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not DATA_DIR.is_dir(), reason=f'datasets not found at {DATA_DIR}'),
]


def _read(name, split, limit):
    texts, labels = [], []
    with open(DATA_DIR / name / f'{split}.jsonl', encoding='utf-8') as f:
        for line in f:
            item = json.loads(line)
            texts.append(item['text'])
            labels.append(item['label'] if 'label' in item else item['labels'])
    with open(DATA_DIR / name / 'labels.json', encoding='utf-8') as f:
        num_classes = len(json.load(f))
    order = np.random.RandomState(0).permutation(len(texts))[:limit]
    return [texts[i] for i in order], [labels[i] for i in order], num_classes


def test_trec6_single_label():
    texts, labels, num_classes = _read('trec6', 'train', 2000)
    test_texts, test_labels, _ = _read('trec6', 'test', 500)
    target_labels = np.arange(num_classes)

    vectorizer = TfidfVectorizer()
    train = SklearnDataset.from_arrays(texts, np.array(labels), vectorizer,
                                       target_labels=target_labels)
    test = SklearnDataset.from_arrays(test_texts, np.array(test_labels), vectorizer,
                                      target_labels=target_labels, train=False)
    assert len(TextDataset(texts, np.array(labels), target_labels=target_labels)) == 2000

    np.random.seed(0)
    indices = random_initialization_stratified(train.y, n_samples=1000)
    classifier = SklearnClassifierFactory(LogisticRegression(solver='newton-cg'), num_classes).new()
    classifier.fit(train[indices])

    predictions, proba = classifier.predict(test, return_proba=True)
    assert predictions.shape == (len(test),)
    assert proba.shape == (len(test), num_classes)
    assert np.mean(predictions == test.y) > 0.6  # chance level is about 0.23


def test_goemotions_multi_label():
    texts, labels, num_classes = _read('goemotions', 'train', 3000)
    y = csr_matrix((np.ones(sum(map(len, labels)), dtype=np.int64),
                    np.concatenate(labels).astype(np.int32),
                    np.concatenate([[0], np.cumsum([len(row) for row in labels])])),
                   shape=(len(labels), num_classes))
    train = SklearnDataset.from_arrays(texts, y, TfidfVectorizer(),
                                       target_labels=np.arange(num_classes))

    factory = SklearnClassifierFactory(ConfidenceEnhancedLinearSVC(), num_classes,
                                       kwargs={'multi_label': True})
    classifier = factory.new().fit(train[:2500])
    predictions = classifier.predict(train[2500:], multi_label_threshold=0.3)
    assert predictions.shape == (500, num_classes)
    predicted = predictions.toarray().astype(bool)
    true = train[2500:].y.toarray().astype(bool)
    # micro-averaged F1 clearly above zero: the classifier learned something
    f1 = 2 * np.sum(predicted & true) / (predicted.sum() + true.sum())
    assert f1 > 0.2
