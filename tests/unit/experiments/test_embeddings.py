import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from small_text.classifiers import EmbeddingMixin, SklearnClassifier
from small_text.data import SklearnDataset
from small_text.experiments.embeddings import (
    LSA_COMPONENTS,
    LSAEmbeddingClassifier,
    LSAEmbeddingClassifierFactory,
    fit_lsa,
)


@pytest.fixture
def dataset():
    rng = np.random.RandomState(0)
    x = csr_matrix(rng.binomial(1, 0.3, size=(40, 12)).astype(float))
    return SklearnDataset(x, np.arange(40) % 2, target_labels=np.arange(2))


def test_fit_lsa_caps_the_dimension_and_is_deterministic(dataset):
    projection = fit_lsa(dataset.x)
    assert projection.n_components == 11 < LSA_COMPONENTS
    assert fit_lsa(dataset.x, n_components=3).n_components == 3
    np.testing.assert_array_equal(fit_lsa(dataset.x, 3).transform(dataset.x),
                                  fit_lsa(dataset.x, 3).transform(dataset.x))


def test_embed_returns_lsa_vectors_and_probabilities(dataset):
    projection = fit_lsa(dataset.x, n_components=4)
    clf = LSAEmbeddingClassifier(LogisticRegression(), 2, projection).fit(dataset)
    assert isinstance(clf, EmbeddingMixin) and isinstance(clf, SklearnClassifier)
    np.testing.assert_allclose(clf.embed(dataset[:5]), projection.transform(dataset.x[:5]))
    embeddings, proba = clf.embed(dataset[:5], return_proba=True)
    assert embeddings.shape == (5, 4)
    np.testing.assert_allclose(proba, clf.predict_proba(dataset[:5]))


def test_factory_clones_the_estimator_and_shares_the_projection(dataset):
    projection = fit_lsa(dataset.x, n_components=4)
    estimator = LogisticRegression(C=3.0)
    factory = LSAEmbeddingClassifierFactory(estimator, 2, projection,
                                            kwargs={'multi_label': False})
    first, second = factory.new(), factory.new()
    assert isinstance(first, LSAEmbeddingClassifier)
    assert first.model is not estimator and first.model is not second.model
    assert first.model.C == 3.0 and first.projection is projection is second.projection
    assert first.num_classes == 2 and not first.multi_label
