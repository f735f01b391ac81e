"""Constructor arguments of every public query strategy: invalid values raise a ValueError
(TypeError for the wrong kind of object) that names the argument, shows the value and says
what is allowed.

Arguments that small-text 2.0 already rejected in the constructor are rejected there; all
others when ``query()`` starts, so a strategy is constructed as in small-text 2.0 and an
attribute set afterwards is checked too. Nothing here needs an extra at collection time:
strategies are named by module and class and built inside the tests.
"""
import importlib
import importlib.util
import inspect

import numpy as np
import pytest
from scipy.sparse import csr_matrix

import small_text.query_strategies as query_strategies
from small_text.query_strategies import QueryStrategy, RandomSampling

CORE = 'small_text.query_strategies'
TORCH = 'small_text.integrations.pytorch.query_strategies'

MULTI_LABEL = {'LabelCardinalityInconsistency', 'AdaptiveActiveLearning',
               'CategoryVectorInconsistencyAndRanking'}


class _Factory:
    def new(self):
        return None


def _required(name):
    """Arguments without a default, for a valid construction."""
    base = {'base_query_strategy': RandomSampling()}
    return {'SubsamplingQueryStrategy': base, 'ClassBalancer': base, 'SEALS': base,
            'AnchorSubsampling': base,
            'DiscriminativeActiveLearning': {'classifier_factory': _Factory(),
                                             'num_iterations': 2},
            'ExpectedGradientLength': {'num_classes': 2, 'device': 'cpu'},
            'ExpectedGradientLengthMaxWord': {'num_classes': 2, 'layer_name': 'embedding',
                                              'device': 'cpu'},
            'ExpectedGradientLengthLayer': {'num_classes': 2, 'layer_name': 'fc',
                                            'device': 'cpu'},
            'BADGE': {'num_classes': 2}}.get(name, {})


def _strategy_class(module, name):
    if module == TORCH:
        pytest.importorskip('torch', reason='needs the extra pytorch')
    if name == 'SEALS':
        pytest.importorskip('hnswlib', reason='needs the extra hnswlib')
    return getattr(importlib.import_module(module), name)


def _query(strategy, name):
    """Query with small valid inputs; a parameter error is raised before they are used."""
    y = csr_matrix(np.eye(2, dtype=np.int64)) if name in MULTI_LABEL else np.array([0, 1])
    return strategy.query(None, np.zeros((6, 2)), np.arange(4), np.array([4, 5]), y, n=1)


# (module, strategy, invalid arguments, exception, message fragment)
AT_QUERY = [
    (CORE, 'BALD', {'dropout_samples': 0}, ValueError,
     'BALD: dropout_samples must be an integer >= 1, but got dropout_samples=0'),
    (CORE, 'BALD', {'dropout_samples': 2.5}, ValueError, 'dropout_samples=2.5'),
    (CORE, 'BALD', {'dropout_samples': True}, ValueError, 'dropout_samples=True'),
    (CORE, 'SubsamplingQueryStrategy', {'base_query_strategy': 'LeastConfidence'}, TypeError,
     "base_query_strategy must be a query strategy with a query() method, but got "
     "base_query_strategy='LeastConfidence' of type str"),
    (CORE, 'SubsamplingQueryStrategy', {'subsample_size': 0}, ValueError,
     'subsample_size must be an integer >= 1, but got subsample_size=0'),
    (CORE, 'SubsamplingQueryStrategy', {'subsample_size': -5}, ValueError, 'subsample_size=-5'),
    (CORE, 'ClassBalancer', {'base_query_strategy': object()}, TypeError,
     'base_query_strategy must be a query strategy'),
    (CORE, 'ClassBalancer', {'ignored_classes': ['a']}, ValueError,
     "ignored_classes must hold integer class labels >= 0, but got ignored_classes=['a']"),
    (CORE, 'ClassBalancer', {'ignored_classes': 3}, TypeError,
     'ignored_classes must be a list of integer class labels, but got ignored_classes=3'),
    (CORE, 'ClassBalancer', {'subsample_size': 0}, ValueError,
     'subsample_size must be an integer >= 1 or None, but got subsample_size=0'),
    (CORE, 'ContrastiveActiveLearning', {'k': 0}, ValueError,
     'ContrastiveActiveLearning: k must be an integer >= 1, but got k=0'),
    (CORE, 'ContrastiveActiveLearning', {'k': 1.5}, ValueError, 'k=1.5'),
    (CORE, 'ContrastiveActiveLearning', {'batch_size': -1}, ValueError, 'batch_size=-1'),
    (CORE, 'ContrastiveActiveLearning', {'embed_kwargs': 'x'}, TypeError,
     "embed_kwargs must be a dict of keyword arguments (string keys), but got "
     "embed_kwargs='x'"),
    (CORE, 'ContrastiveActiveLearning', {'vector_index_factory': object()}, TypeError,
     'vector_index_factory must be a factory with a new() method'),
    (CORE, 'DiscriminativeActiveLearning', {'classifier_factory': object()}, TypeError,
     'classifier_factory must be a factory with a new() method'),
    (CORE, 'DiscriminativeActiveLearning', {'num_iterations': 0}, ValueError,
     'num_iterations must be an integer >= 1, but got num_iterations=0'),
    (CORE, 'DiscriminativeActiveLearning', {'unlabeled_factor': 0}, ValueError,
     'unlabeled_factor must lie in (0, inf), but got unlabeled_factor=0'),
    (CORE, 'DiscriminativeActiveLearning', {'unlabeled_factor': 'ten'}, ValueError,
     "unlabeled_factor='ten'"),
    (CORE, 'GreedyCoreset', {'batch_size': 0}, ValueError,
     'GreedyCoreset: batch_size must be an integer >= 1, but got batch_size=0'),
    (CORE, 'LightweightCoreset', {'batch_size': -1}, ValueError, 'batch_size=-1'),
    (CORE, 'ProbCover', {'k': 0}, ValueError, 'ProbCover: k must be an integer >= 1'),
    (CORE, 'ProbCover', {'ball_radius': -0.1}, ValueError,
     'ball_radius must lie in [0, inf), but got ball_radius=-0.1'),
    (CORE, 'ProbCover', {'ball_radius': float('nan')}, ValueError, 'ball_radius=nan'),
    (CORE, 'ProbCover', {'vector_index_factory': None}, TypeError,
     'vector_index_factory must be a factory with a new() method, but got '
     'vector_index_factory=None'),
    (CORE, 'CategoryVectorInconsistencyAndRanking', {'batch_size': 0}, ValueError,
     'batch_size must be an integer >= 1, but got batch_size=0'),
    (CORE, 'CategoryVectorInconsistencyAndRanking', {'prediction_threshold': 1.5}, ValueError,
     'prediction_threshold must lie in [0, 1], but got prediction_threshold=1.5'),
    (CORE, 'CategoryVectorInconsistencyAndRanking', {'epsilon': -1e-8}, ValueError,
     'epsilon must lie in [0, inf), but got epsilon=-1e-08'),
    (CORE, 'SEALS', {'base_query_strategy': None}, TypeError,
     'SEALS: base_query_strategy must be a query strategy'),
    (CORE, 'SEALS', {'k': 0}, ValueError, 'k must be an integer >= 1, but got k=0'),
    (CORE, 'SEALS', {'embed_kwargs': [('a', 1)]}, TypeError, 'embed_kwargs must be a dict'),
    (CORE, 'SEALS', {'vector_index_factory': 'hnsw'}, TypeError,
     "vector_index_factory must be a factory with a new() method, but got "
     "vector_index_factory='hnsw'"),
    (CORE, 'AnchorSubsampling', {'base_query_strategy': 1}, TypeError,
     'base_query_strategy must be a query strategy'),
    (CORE, 'AnchorSubsampling', {'subsample_size': 0}, ValueError, 'subsample_size=0'),
    (CORE, 'AnchorSubsampling', {'num_anchors': 0}, ValueError,
     'num_anchors must be an integer >= 1, but got num_anchors=0'),
    (CORE, 'AnchorSubsampling', {'k': -3}, ValueError, 'k=-3'),
    (CORE, 'AnchorSubsampling', {'batch_size': 0}, ValueError, 'batch_size=0'),
    (CORE, 'AnchorSubsampling', {'embed_kwargs': None}, TypeError,
     'embed_kwargs must be a dict of keyword arguments'),
    (TORCH, 'ExpectedGradientLength', {'num_classes': 1}, ValueError,
     'ExpectedGradientLength: num_classes must be an integer >= 2, but got num_classes=1'),
    (TORCH, 'ExpectedGradientLength', {'batch_size': 0}, ValueError, 'batch_size=0'),
    (TORCH, 'ExpectedGradientLength', {'device': 'gpu'}, ValueError,
     "device must be a torch device such as 'cpu', 'cuda' or 'cuda:0' (or None), but got "
     "device='gpu'"),
    (TORCH, 'ExpectedGradientLengthMaxWord', {'layer_name': ''}, ValueError,
     "layer_name must be a non-empty string, but got layer_name=''"),
    (TORCH, 'ExpectedGradientLengthMaxWord', {'layer_name': 3}, TypeError,
     'layer_name must be a string, but got layer_name=3 of type int'),
    (TORCH, 'ExpectedGradientLengthLayer', {'layer_name': None}, TypeError,
     'layer_name must be a string'),
    (TORCH, 'ExpectedGradientLengthLayer', {'num_classes': 0}, ValueError, 'num_classes=0'),
    (TORCH, 'BADGE', {'num_classes': 0}, ValueError,
     'BADGE: num_classes must be an integer >= 2, but got num_classes=0'),
    (TORCH, 'DiscriminativeRepresentationLearning', {'num_iterations': 0}, ValueError,
     'num_iterations must be an integer >= 1, but got num_iterations=0'),
    (TORCH, 'DiscriminativeRepresentationLearning', {'unlabeled_factor': 1.5}, ValueError,
     'unlabeled_factor must be an integer >= 1, but got unlabeled_factor=1.5'),
    (TORCH, 'DiscriminativeRepresentationLearning', {'mini_batch_size': 0}, ValueError,
     'mini_batch_size=0'),
    (TORCH, 'DiscriminativeRepresentationLearning', {'device': 'tpu'}, ValueError,
     "device='tpu'"),
    (TORCH, 'DiscriminativeRepresentationLearning', {'train_kwargs': 'lr=0.1'}, TypeError,
     'train_kwargs must be a dict of keyword arguments'),
    (TORCH, 'DiscriminativeRepresentationLearning', {'embed_kwargs': {1: 2}}, TypeError,
     'embed_kwargs must be a dict of keyword arguments (string keys)'),
]

# arguments that small-text 2.0 already rejected in the constructor
AT_CONSTRUCTION = [
    (CORE, 'GreedyCoreset', {'distance_metric': 'manhattan'}, ValueError,
     "Invalid distance metric: manhattan. Possible values: ['cosine', 'euclidean']"),
    (CORE, 'LightweightCoreset', {'distance_metric': None}, ValueError,
     'Invalid distance metric: None'),
    (CORE, 'LabelCardinalityInconsistency', {'prediction_threshold': 1.5}, ValueError,
     'Prediction threshold must be in the interval [0, 1]. prediction_threshold must lie in '
     '[0, 1], but got prediction_threshold=1.5'),
    (CORE, 'AdaptiveActiveLearning', {'uncertainty_weight': -0.1}, ValueError,
     'Uncertainty weight must be in the interval [0, 1]. uncertainty_weight must lie in '
     '[0, 1], but got uncertainty_weight=-0.1'),
    (CORE, 'AdaptiveActiveLearning', {'prediction_threshold': 'high'}, ValueError,
     "Prediction threshold must be in the interval [0, 1]. prediction_threshold must lie in "
     "[0, 1], but got prediction_threshold='high'"),
    (TORCH, 'DiscriminativeRepresentationLearning', {'selection': 'best'}, ValueError,
     "Invalid selection strategy: best. selection must be one of 'stochastic', 'greedy', but "
     "got selection='best'"),
    (TORCH, 'DiscriminativeRepresentationLearning', {'temperature': 0}, ValueError,
     'Invalid temperature: temperature must be greater zero. temperature must lie in '
     '(0, inf), but got temperature=0'),
]


def _ids(rows):
    """Test ids that are the same in every worker (no memory addresses)."""
    def shown(value):
        simple = value is None or isinstance(value, (str, int, float, list, dict))
        return repr(value) if simple else type(value).__name__
    return [f'{name}-{"-".join(f"{k}={shown(v)}" for k, v in kwargs.items())}'
            for _, name, kwargs, _, _ in rows]


@pytest.mark.parametrize('module, name, kwargs, error, fragment', AT_QUERY, ids=_ids(AT_QUERY))
def test_invalid_arguments_are_rejected_when_query_starts(module, name, kwargs, error,
                                                          fragment):
    cls = _strategy_class(module, name)
    strategy = cls(**{**_required(name), **kwargs})  # accepted, as by small-text 2.0
    with pytest.raises(error) as info:
        _query(strategy, name)
    assert fragment in str(info.value)


@pytest.mark.parametrize('module, name, kwargs, error, fragment', AT_CONSTRUCTION,
                         ids=_ids(AT_CONSTRUCTION))
def test_invalid_arguments_are_rejected_by_the_constructor_where_2_0_did(module, name, kwargs,
                                                                         error, fragment):
    cls = _strategy_class(module, name)
    with pytest.raises(error) as info:
        cls(**{**_required(name), **kwargs})
    assert fragment in str(info.value)
    # an attribute changed after construction is caught when the query starts
    strategy = cls(**_required(name))
    setattr(strategy, *next(iter(kwargs.items())))
    with pytest.raises(error, match=f'{name}: {next(iter(kwargs))} must'):
        _query(strategy, name)


def test_an_attribute_set_after_construction_is_checked():
    strategy = _strategy_class(CORE, 'ContrastiveActiveLearning')()
    strategy.k = 0
    with pytest.raises(ValueError, match='k must be an integer >= 1, but got k=0'):
        _query(strategy, 'ContrastiveActiveLearning')


def _public_strategies():
    names = [name for name in query_strategies.__all__
             if inspect.isclass(getattr(query_strategies, name))
             and issubclass(getattr(query_strategies, name), QueryStrategy)
             and not inspect.isabstract(getattr(query_strategies, name))]
    return [(CORE, name) for name in names] + [
        (TORCH, name) for name in ('BADGE', 'DiscriminativeRepresentationLearning',
                                   'ExpectedGradientLength', 'ExpectedGradientLengthLayer',
                                   'ExpectedGradientLengthMaxWord')]


@pytest.mark.parametrize('module, name', _public_strategies(),
                         ids=[name for _, name in _public_strategies()])
def test_default_construction_passes_the_checks(module, name):
    strategy = _strategy_class(module, name)(**_required(name))
    strategy._check_parameters()


def test_every_strategy_with_arguments_is_in_the_table():
    tested = {name for _, name, _, _, _ in AT_QUERY + AT_CONSTRUCTION}
    for module, name in _public_strategies():
        if module == TORCH and importlib.util.find_spec('torch') is None:
            continue
        cls = getattr(importlib.import_module(module), name)
        arguments = [parameter for parameter in inspect.signature(cls).parameters
                     if parameter not in ('pbar', 'normalize', 'lower_is_better',
                                          'mini_batch', 'amp_args')]
        assert not arguments or name in tested, f'{name} has arguments but no row'
