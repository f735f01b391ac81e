"""Embeddings for classifiers on sparse features, so embedding-based strategies can run on them.

Strategies such as greedy coresets, k-means or contrastive active learning call
``clf.embed(...)``. A scikit-learn model on TF-IDF features has no representation of its own,
so the experiment runner gives it latent semantic analysis (LSA) vectors: a truncated SVD of
the TF-IDF matrix, fitted once on the training pool and fixed for the whole experiment.
"""
from sklearn.base import clone
from sklearn.decomposition import TruncatedSVD

from small_text.classifiers import EmbeddingMixin, SklearnClassifier, SklearnClassifierFactory

LSA_COMPONENTS = 100
"""Dimension of the LSA embeddings (fewer if the features have fewer dimensions)."""


def fit_lsa(x, n_components=LSA_COMPONENTS, random_state=0):
    """Fit a deterministic truncated SVD (LSA) on the feature matrix ``x``.

    Parameters
    ----------
    x : csr_matrix or ndarray of shape (n_samples, n_features)
        Features, e.g. TF-IDF vectors of the training pool.
    n_components : int, default=LSA_COMPONENTS
        Embedding dimension; capped at ``min(n_samples, n_features) - 1``.
    random_state : int, default=0
        Seed of the randomized SVD solver.

    Returns
    -------
    TruncatedSVD
        The fitted projection.
    """
    n_components = max(1, min(n_components, min(x.shape) - 1))
    return TruncatedSVD(n_components=n_components, random_state=random_state).fit(x)


class LSAEmbeddingClassifier(EmbeddingMixin, SklearnClassifier):
    """A :class:`~small_text.classifiers.SklearnClassifier` whose ``embed`` projects features.

    Parameters
    ----------
    model : BaseEstimator
        The scikit-learn estimator (see ``SklearnClassifier``).
    num_classes : int
        Number of classes.
    projection : TruncatedSVD
        A fitted projection (see :func:`fit_lsa`); it does not change during training.
    multi_label : bool, default=False
        Whether to train a one-vs-rest multi-label model.
    """

    def __init__(self, model, num_classes, projection, multi_label=False):
        super().__init__(model, num_classes, multi_label=multi_label)
        self.projection = projection

    def embed(self, data_set, return_proba=False, multi_label_threshold=0.5, **kwargs):
        """Return the LSA vectors of ``data_set.x``, and the class probabilities if asked.

        Returns
        -------
        embeddings : ndarray of shape (n_samples, n_components)
        proba : ndarray of shape (n_samples, num_classes)
            Only if ``return_proba``; see ``predict_proba``.
        """
        embeddings = self.projection.transform(data_set.x)
        if return_proba:
            return embeddings, self.predict_proba(data_set)
        return embeddings


class LSAEmbeddingClassifierFactory(SklearnClassifierFactory):
    """Creates :class:`LSAEmbeddingClassifier` objects that share one fitted projection.

    Parameters
    ----------
    base_estimator : BaseEstimator
        Template estimator, cloned for every new classifier.
    num_classes : int
        Number of classes.
    projection : TruncatedSVD
        The fitted projection every classifier embeds with.
    kwargs : dict, default={}
        Further constructor arguments, e.g. ``{'multi_label': True}``.
    """

    def __init__(self, base_estimator, num_classes, projection, kwargs={}):  # noqa: B006
        super().__init__(base_estimator, num_classes, kwargs=kwargs)
        self.projection = projection

    def new(self):
        """Return a new :class:`LSAEmbeddingClassifier` around a fresh estimator clone."""
        return LSAEmbeddingClassifier(clone(self.base_estimator), self.num_classes,
                                      self.projection, **self.kwargs)
