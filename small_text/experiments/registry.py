"""Names the experiment runner knows: query strategies and classifiers.

Both registries are plain dicts from a kebab-case name to a small spec object, so another
module adds an entry with one assignment (``STRATEGIES['my-strategy'] = StrategySpec(...)``).
Library classes are imported only when a spec is used, so importing this module is cheap.
"""
import importlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class StrategySpec:
    """How to build one query strategy.

    Parameters
    ----------
    target : str
        ``'module:ClassName'`` of the query strategy class.
    kwargs : callable, default=None
        ``kwargs(context) -> dict`` of constructor arguments, where ``context`` is the
        :class:`RunContext` of the run; ``None`` constructs the class without arguments.
    label_type : {None, 'single-label', 'multi-label'}, default=None
        The only kind of data the strategy supports; ``None`` supports both.
    needs_embeddings : bool, default=False
        Whether the strategy calls the classifier's ``embed``.
    """
    target: str
    kwargs: Callable = None
    label_type: str = None
    needs_embeddings: bool = False

    def is_available(self):
        """Return whether the strategy class can be imported."""
        try:
            self.load()
        except (ImportError, AttributeError):
            return False
        return True

    def load(self):
        """Import and return the strategy class."""
        module_name, _, class_name = self.target.partition(':')
        return getattr(importlib.import_module(module_name), class_name)

    def build(self, context):
        """Return a new query strategy for the run described by ``context``."""
        kwargs = {} if self.kwargs is None else self.kwargs(context)
        return self.load()(**kwargs)


@dataclass(frozen=True)
class RunContext:
    """What a strategy or classifier factory may need to know about the experiment.

    ``needs_embeddings`` says whether a strategy of the experiment calls ``embed``, so the
    classifiers must provide it.
    """
    num_classes: int
    multi_label: bool
    initial: int
    query_size: int
    needs_embeddings: bool = False


def _discriminative_active_learning_kwargs(context):
    from small_text.classifiers import ConfidenceEnhancedLinearSVC, SklearnClassifierFactory
    return {'classifier_factory': SklearnClassifierFactory(ConfidenceEnhancedLinearSVC(), 2),
            'num_iterations': min(context.query_size, 10)}


def _class_balancer_kwargs(context):
    from small_text.query_strategies import BreakingTies
    return {'base_query_strategy': BreakingTies()}


def _contrastive_active_learning_kwargs(context):
    return {'k': min(10, context.initial)}


def _prob_cover_kwargs(context):
    from small_text.vector_indexes import KNNIndex, VectorIndexFactory
    return {'vector_index_factory': VectorIndexFactory(KNNIndex)}


def _qs(name, **kwargs):
    return StrategySpec(f'small_text.query_strategies:{name}', **kwargs)


STRATEGIES = {
    'random': _qs('RandomSampling'),
    'least-confidence': _qs('LeastConfidence'),
    'prediction-entropy': _qs('PredictionEntropy'),
    'breaking-ties': _qs('BreakingTies'),
    'embedding-kmeans': _qs('EmbeddingKMeans', needs_embeddings=True),
    'greedy-coreset': _qs('GreedyCoreset', needs_embeddings=True),
    'lightweight-coreset': _qs('LightweightCoreset', needs_embeddings=True),
    'contrastive-active-learning': _qs('ContrastiveActiveLearning',
                                       kwargs=_contrastive_active_learning_kwargs,
                                       needs_embeddings=True),
    'prob-cover': _qs('ProbCover', kwargs=_prob_cover_kwargs, needs_embeddings=True),
    'discriminative-active-learning': _qs('DiscriminativeActiveLearning',
                                          kwargs=_discriminative_active_learning_kwargs,
                                          label_type='single-label'),
    'class-balancer': _qs('ClassBalancer', kwargs=_class_balancer_kwargs,
                          label_type='single-label'),
    'label-cardinality-inconsistency': _qs('LabelCardinalityInconsistency',
                                           label_type='multi-label'),
    'adaptive-active-learning': _qs('AdaptiveActiveLearning', label_type='multi-label'),
    'category-vector-inconsistency-and-ranking': _qs('CategoryVectorInconsistencyAndRanking',
                                                     label_type='multi-label'),
}
"""Query strategies by kebab-case name.

Strategy arguments are the library defaults, except:

* ``discriminative-active-learning`` trains a binary ``ConfidenceEnhancedLinearSVC`` to tell
  labelled from unlabelled texts, in ``min(query_size, 10)`` sub-rounds;
* ``class-balancer`` rebalances the classes around ``breaking-ties``;
* ``contrastive-active-learning`` uses ``k = min(10, initial)`` labelled neighbours, as it
  needs at least ``k`` labelled texts;
* ``prob-cover`` searches neighbours with the exact ``KNNIndex`` (no hnswlib needed).

The embedding-based strategies embed texts with the classifier's ``embed``; for the
scikit-learn classifiers that is LSA (:mod:`small_text.experiments.embeddings`).
Strategies that need a neural classifier (BALD's dropout sampling) or wrap another strategy
(subsampling, SEALS, AnchorAL) are not listed.
"""


def available_strategies():
    """Return the names in :data:`STRATEGIES` whose class this installation provides."""
    return [name for name, spec in STRATEGIES.items() if spec.is_available()]


@dataclass(frozen=True)
class ClassifierSpec:
    """How to turn texts into datasets and build a classifier factory for them.

    Parameters
    ----------
    build_datasets : callable
        ``build_datasets(train_texts, y_train, test_texts, y_test, num_classes)`` returns the
        ``(train, test)`` small-text datasets the classifier is trained and evaluated on.
    build_factory : callable
        ``build_factory(context, train)`` returns an
        :class:`~small_text.classifiers.factories.AbstractClassifierFactory` for the
        :class:`RunContext` ``context`` and the training dataset ``train``. Its classifiers
        must implement ``embed`` if ``context.needs_embeddings``.
    description : str
        One line for ``--help``.
    """
    build_datasets: Callable
    build_factory: Callable
    description: str = field(default='')


def tfidf_datasets(train_texts, y_train, test_texts, y_test, num_classes):
    """Return TF-IDF :class:`~small_text.data.SklearnDataset` objects for train and test.

    The vocabulary and document frequencies come from the training texts only; the
    vectorizer is deterministic.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from small_text.data import SklearnDataset

    target_labels = np.arange(num_classes)
    vectorizer = TfidfVectorizer()
    train = SklearnDataset.from_arrays(train_texts, y_train, vectorizer,
                                       target_labels=target_labels)
    test = SklearnDataset.from_arrays(test_texts, y_test, vectorizer,
                                      target_labels=target_labels, train=False)
    return train, test


def _sklearn_factory(make_estimator):
    def build_factory(context, train):
        kwargs = {'multi_label': context.multi_label}
        if context.needs_embeddings:
            from small_text.experiments.embeddings import LSAEmbeddingClassifierFactory, fit_lsa
            return LSAEmbeddingClassifierFactory(make_estimator(), context.num_classes,
                                                 fit_lsa(train.x), kwargs=kwargs)
        from small_text.classifiers import SklearnClassifierFactory
        return SklearnClassifierFactory(make_estimator(), context.num_classes, kwargs=kwargs)
    return build_factory


def _linear_svc():
    from small_text.classifiers import ConfidenceEnhancedLinearSVC
    return ConfidenceEnhancedLinearSVC()


def _logistic_regression():
    from sklearn.linear_model import LogisticRegression
    return LogisticRegression(max_iter=1000)


CLASSIFIERS = {
    'svm': ClassifierSpec(tfidf_datasets, _sklearn_factory(_linear_svc),
                          'ConfidenceEnhancedLinearSVC on TF-IDF features'),
    'logreg': ClassifierSpec(tfidf_datasets, _sklearn_factory(_logistic_regression),
                             'LogisticRegression on TF-IDF features'),
}
"""Classifiers by name. Multi-label data trains one-vs-rest models; embedding-based strategies
get LSA embeddings of the TF-IDF features."""
