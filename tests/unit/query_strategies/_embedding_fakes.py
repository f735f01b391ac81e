"""Test doubles for the embedding-based query strategies."""
import numpy as np
from sklearn.linear_model import LogisticRegression

from small_text.classifiers.classification import EmbeddingMixin, SklearnClassifier


class FixedEmbeddingClassifier:
    """Fake classifier whose datasets are column vectors of dataset positions.

    ``embed(dataset)`` returns ``embeddings[positions]`` (and ``proba[positions]`` if
    ``return_proba``) and records the positions it was asked for.
    """

    def __init__(self, embeddings, proba=None):
        self.embeddings = np.asarray(embeddings)
        self.proba = proba
        self.embedded = []

    def embed(self, dataset, return_proba=False, **kwargs):
        positions = np.asarray(dataset)[:, 0].astype(np.int64)
        self.embedded.append(positions)
        if return_proba:
            proba = None if self.proba is None else np.asarray(self.proba)[positions]
            return self.embeddings[positions], proba
        return self.embeddings[positions]


def position_dataset(num_samples):
    """A dataset whose rows are their own positions (for :class:`FixedEmbeddingClassifier`)."""
    return np.arange(num_samples).reshape(-1, 1)


class EmbeddingLogisticRegression(SklearnClassifier, EmbeddingMixin):
    """A logistic regression whose embeddings are the dataset's fixed features."""

    def __init__(self, num_classes):
        super().__init__(LogisticRegression(), num_classes)

    def embed(self, data_set, return_proba=False, multi_label_threshold=0.5, **kwargs):
        embeddings = np.asarray(data_set.x, dtype=np.float64)
        if return_proba:
            return embeddings, self.predict_proba(data_set)
        return embeddings


class EmbeddingLogisticRegressionFactory:
    def __init__(self, num_classes):
        self.num_classes = num_classes

    def new(self):
        return EmbeddingLogisticRegression(self.num_classes)
