"""Test doubles shared by the query-strategy tests."""
import numpy as np


class FixedProbaClassifier:
    """Fake classifier whose ``predict_proba`` returns a fixed matrix and records its input."""

    def __init__(self, proba):
        self.proba = np.asarray(proba)
        self.predicted_on = []

    def predict_proba(self, dataset):
        self.predicted_on.append(dataset)
        return self.proba


class ClassifierWithoutProba:
    def predict(self, dataset):
        return np.zeros(len(dataset), dtype=np.int64)


def empty_labeled():
    """Return empty ``indices_labeled`` and ``y``."""
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
