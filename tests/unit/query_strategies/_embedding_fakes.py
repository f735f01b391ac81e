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


class PositionClassifier:
    """Fake classifier whose every method looks its answer up by dataset position: the rows
    of a :func:`position_dataset`, or column 0 of a dataset's ``x``."""

    def __init__(self, proba, embeddings, proba_dropout, multi_label=False):
        self.proba = proba
        self.embeddings = embeddings
        self.proba_dropout = proba_dropout
        self.num_classes = proba.shape[1]
        self.multi_label = multi_label

    @staticmethod
    def _positions(dataset):
        return np.asarray(getattr(dataset, 'x', dataset))[:, 0].astype(np.int64)

    def predict_proba(self, dataset, dropout_sampling=None):
        if dropout_sampling is not None:
            return self.proba_dropout[self._positions(dataset)]
        return self.proba[self._positions(dataset)]

    def predict(self, dataset):
        return np.argmax(self.predict_proba(dataset), axis=1)

    def embed(self, dataset, return_proba=False, **kwargs):
        positions = self._positions(dataset)
        if return_proba:
            return self.embeddings[positions], self.proba[positions]
        return self.embeddings[positions]


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
