"""Names the experiment runner knows: query strategies and classifiers.

Both registries are plain dicts from a kebab-case name to a small spec object, so another
module adds an entry with one assignment (``STRATEGIES['my-strategy'] = StrategySpec(...)``).
Library classes are imported only when a spec is used, so importing this module is cheap.
"""
import importlib
import importlib.util
import tempfile
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
    needs_dropout_sampling : bool, default=False
        Whether the strategy calls ``predict_proba(..., dropout_sampling=T)``, which only
        classifiers whose spec has ``dropout_sampling`` provide.
    classifiers : tuple of str or None, default=None
        The only classifiers the strategy works with; ``None`` means any.
    needs_torch : bool, default=False
        Whether the strategy class lives in the PyTorch integration; it is available only
        where torch is installed (checked without importing torch).
    requires : tuple of str, default=()
        Further modules the strategy needs to run, provided by the extra ``extra``.
    extra : str, default=None
        The ``pip install "small-text[<extra>]"`` extra that provides ``requires``.
    """
    target: str
    kwargs: Callable = None
    label_type: str = None
    needs_embeddings: bool = False
    needs_dropout_sampling: bool = False
    classifiers: tuple = None
    needs_torch: bool = False
    requires: tuple = ()
    extra: str = None

    def missing_modules(self):
        """Return the modules of ``requires`` that are not installed."""
        return [name for name in self.requires if importlib.util.find_spec(name) is None]

    def is_available(self):
        """Return whether the strategy class can be imported."""
        if self.needs_torch:
            return importlib.util.find_spec('torch') is not None
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
    model: str = None
    """Local folder of the pretrained model, for classifiers whose spec has ``needs_model``."""
    embeddings: str = None
    """word2vec text file of word vectors for ``kimcnn`` (None: random vectors)."""


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


def _breaking_ties_wrapper_kwargs(context):
    from small_text.query_strategies import BreakingTies
    from small_text.vector_indexes import KNNIndex, VectorIndexFactory
    return {'base_query_strategy': BreakingTies(),
            'vector_index_factory': VectorIndexFactory(KNNIndex)}


def _subsampling_kwargs(context):
    from small_text.query_strategies import BreakingTies
    return {'base_query_strategy': BreakingTies()}


def torch_device():
    """Return ``'cuda'`` if a GPU is available to torch, else ``'cpu'``."""
    import torch
    return 'cuda' if torch.cuda.is_available() else 'cpu'


def _expected_gradient_length_kwargs(context, **kwargs):
    return {'num_classes': context.num_classes, 'device': torch_device(), **kwargs}


def _discriminative_representation_learning_kwargs(context):
    return {'num_iterations': min(context.query_size, 10), 'device': torch_device(),
            'pbar': None}


def _qs(name, **kwargs):
    return StrategySpec(f'small_text.query_strategies:{name}', **kwargs)


def _torch_qs(name, **kwargs):
    return StrategySpec(f'small_text.integrations.pytorch.query_strategies:{name}',
                        classifiers=('kimcnn',), needs_torch=True, requires=('torch',),
                        extra='pytorch', **kwargs)


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
    'subsampling': _qs('SubsamplingQueryStrategy', kwargs=_subsampling_kwargs),
    'seals': _qs('SEALS', kwargs=_breaking_ties_wrapper_kwargs, needs_embeddings=True,
                 requires=('hnswlib',), extra='hnswlib'),
    'anchor-subsampling': _qs('AnchorSubsampling', kwargs=_breaking_ties_wrapper_kwargs,
                              needs_embeddings=True),
    'bald': _qs('BALD', needs_dropout_sampling=True),
    'expected-gradient-length': _torch_qs(
        'ExpectedGradientLength', kwargs=lambda context: _expected_gradient_length_kwargs(
            context, pbar=None)),
    'expected-gradient-length-max-word': _torch_qs(
        'ExpectedGradientLengthMaxWord', kwargs=lambda context: _expected_gradient_length_kwargs(
            context, layer_name='embedding')),
    'expected-gradient-length-layer': _torch_qs(
        'ExpectedGradientLengthLayer', kwargs=lambda context: _expected_gradient_length_kwargs(
            context, layer_name='fc')),
    'badge': _torch_qs('BADGE', kwargs=lambda context: {'num_classes': context.num_classes},
                       needs_embeddings=True),
    'discriminative-representation-learning': _torch_qs(
        'DiscriminativeRepresentationLearning',
        kwargs=_discriminative_representation_learning_kwargs),
}
"""Query strategies by kebab-case name.

Strategy arguments are the library defaults, except:

* ``discriminative-active-learning`` trains a binary ``ConfidenceEnhancedLinearSVC`` to tell
  labelled from unlabelled texts, in ``min(query_size, 10)`` sub-rounds;
* ``class-balancer`` rebalances the classes around ``breaking-ties``;
* ``contrastive-active-learning`` uses ``k = min(10, initial)`` labelled neighbours, as it
  needs at least ``k`` labelled texts;
* ``prob-cover`` searches neighbours with the exact ``KNNIndex`` (no hnswlib needed);
* ``subsampling``, ``seals`` and ``anchor-subsampling`` wrap ``breaking-ties``; ``seals`` and
  ``anchor-subsampling`` search neighbours with the exact ``KNNIndex`` (``seals`` still needs
  hnswlib installed, as its constructor checks for it: ``pip install "small-text[hnswlib]"``);
* ``bald`` needs a classifier with dropout sampling (``kimcnn``, ``transformer``);
* the PyTorch strategies ``expected-gradient-length``, ``expected-gradient-length-max-word``
  (gradients of the word embedding layer ``embedding``), ``expected-gradient-length-layer``
  (gradients of the output layer ``fc``), ``badge`` and
  ``discriminative-representation-learning`` (``min(query_size, 10)`` sub-rounds) are
  available where torch is installed, need ``--classifier kimcnn``, and run on the GPU if
  there is one.

The embedding-based strategies embed texts with the classifier's ``embed``; for the
scikit-learn classifiers that is LSA (:mod:`small_text.experiments.embeddings`).
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
    needs_model : bool, default=False
        Whether the classifier fine-tunes a pretrained model given with ``--model``; then
        ``build_datasets`` also gets the keyword argument ``model`` (the model folder) and
        ``context.model`` is set.
    requires : tuple of str, default=()
        Modules the classifier needs, with the extra that provides them in ``extra``.
    extra : str, default=None
        The ``pip install "small-text[<extra>]"`` extra that provides ``requires``.
    dropout_sampling : bool, default=False
        Whether the classifiers support ``predict_proba(..., dropout_sampling=T)`` (MC dropout).
    uses_embeddings_file : bool, default=False
        Whether the classifier takes word vectors from ``--embeddings``.
    """
    build_datasets: Callable
    build_factory: Callable
    description: str = field(default='')
    needs_model: bool = False
    requires: tuple = ()
    extra: str = None
    dropout_sampling: bool = False
    uses_embeddings_file: bool = False

    def missing_modules(self):
        """Return the modules of ``requires`` that are not installed."""
        return [name for name in self.requires if importlib.util.find_spec(name) is None]


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


TRANSFORMER_MAX_LENGTH = 128
"""Texts are truncated to this many tokens for ``transformer`` and ``setfit``."""

TRANSFORMER_KWARGS = {'num_epochs': 5, 'lr': 1e-4}
"""Arguments of :class:`~small_text.integrations.transformers.TransformerBasedClassification`
in experiments that differ from its defaults: at most 5 epochs (the default early stopping
often ends training sooner) and a learning rate of 1e-4, which suits small models such as
all-MiniLM-L6-v2 on a few hundred labels (with the default 2e-5, such a model barely moves
from chance in 5 epochs on 300 MR sentences)."""


def transformer_datasets(train_texts, y_train, test_texts, y_test, num_classes, model):
    """Return :class:`~small_text.integrations.transformers.TransformersDataset` objects for
    train and test, tokenized once with the tokenizer in the folder ``model``."""
    from transformers import AutoTokenizer
    from small_text.integrations.transformers import TransformersDataset

    tokenizer = AutoTokenizer.from_pretrained(model, local_files_only=True)
    target_labels = np.arange(num_classes)
    return tuple(TransformersDataset.from_arrays(texts, y, tokenizer, target_labels=target_labels,
                                                 max_length=TRANSFORMER_MAX_LENGTH)
                 for texts, y in ((train_texts, y_train), (test_texts, y_test)))


def _transformer_factory(context, train):
    from small_text.integrations.transformers import (
        ModelLoadingStrategy,
        TransformerBasedClassificationFactory,
        TransformerModelArguments,
    )
    from small_text.utils.logging import VERBOSITY_QUIET

    args = TransformerModelArguments(context.model,
                                     model_loading_strategy=ModelLoadingStrategy.ALWAYS_LOCAL)
    kwargs = {'multi_label': context.multi_label, 'verbosity': VERBOSITY_QUIET,
              'show_progress_bar': False, **TRANSFORMER_KWARGS}
    return TransformerBasedClassificationFactory(args, context.num_classes,
                                                 classification_kwargs=kwargs)


def text_datasets(train_texts, y_train, test_texts, y_test, num_classes, model=None):
    """Return raw-text :class:`~small_text.data.TextDataset` objects for train and test."""
    from small_text.data import TextDataset

    target_labels = np.arange(num_classes)
    return (TextDataset.from_arrays(list(train_texts), y_train, target_labels=target_labels),
            TextDataset.from_arrays(list(test_texts), y_test, target_labels=target_labels))


def _setfit_factory(context, train):
    from small_text.integrations.transformers import (
        ModelLoadingStrategy,
        SetFitClassificationFactory,
        SetFitModelArguments,
    )

    args = SetFitModelArguments(context.model, show_progress_bar=False,
                                output_dir=f'{tempfile.gettempdir()}/small-text-setfit',
                                model_loading_strategy=ModelLoadingStrategy.ALWAYS_LOCAL)
    return SetFitClassificationFactory(args, context.num_classes, classification_kwargs={
        'multi_label': context.multi_label, 'max_length': TRANSFORMER_MAX_LENGTH})


def _kimcnn_datasets(*args):
    from small_text.experiments.kimcnn import kimcnn_datasets
    return kimcnn_datasets(*args)


def _kimcnn_factory(context, train):
    from small_text.experiments.kimcnn import kimcnn_factory
    return kimcnn_factory(context, train)


CLASSIFIERS = {
    'svm': ClassifierSpec(tfidf_datasets, _sklearn_factory(_linear_svc),
                          'ConfidenceEnhancedLinearSVC on TF-IDF features'),
    'logreg': ClassifierSpec(tfidf_datasets, _sklearn_factory(_logistic_regression),
                             'LogisticRegression on TF-IDF features'),
    'transformer': ClassifierSpec(transformer_datasets, _transformer_factory,
                                  'TransformerBasedClassification fine-tuning the model in '
                                  '--model', needs_model=True,
                                  requires=('torch', 'transformers'), extra='transformers',
                                  dropout_sampling=True),
    'setfit': ClassifierSpec(text_datasets, _setfit_factory,
                             'SetFitClassification on the sentence transformer in --model',
                             needs_model=True, requires=('torch', 'transformers', 'setfit'),
                             extra='setfit'),
    'kimcnn': ClassifierSpec(_kimcnn_datasets, _kimcnn_factory,
                             'KimCNNClassifier (trained with Adam) on word vectors from '
                             '--embeddings, or random ones', requires=('torch',),
                             extra='pytorch', dropout_sampling=True, uses_embeddings_file=True),
}
"""Classifiers by name. Multi-label data trains one-vs-rest models; embedding-based strategies
get LSA embeddings of the TF-IDF features (``svm``, ``logreg``) or the model's own embeddings
(``transformer``: averaged token states; ``setfit``: sentence embeddings). ``transformer`` and
``setfit`` need ``--model``, the folder of a pretrained model saved with ``save_pretrained``
(e.g. a sentence-transformers model); nothing is downloaded. ``kimcnn`` tokenizes with a
vocabulary of the training texts and embeds with the CNN's pooled features; see
:mod:`small_text.experiments.kimcnn` for its word vectors and settings."""
