"""small-text: active learning for text classification.

Every public name is importable from here (``from small_text import PoolBasedActiveLearner``).
Names are resolved lazily on first access, so ``import small_text`` stays fast and never
imports torch, transformers or matplotlib. Names of the PyTorch and transformers integrations
are available when their extra is installed; otherwise accessing them raises an error that
names the extra to install.
"""
import importlib

from small_text.version import __version__, get_version
from small_text.utils.system import is_pytorch_available, is_transformers_available

_GROUPS = (
    ('small_text.active_learner',
     ['ActiveLearner', 'AbstractPoolBasedActiveLearner', 'PoolBasedActiveLearner']),
    ('small_text.base',
     ['LABEL_UNLABELED', 'LABEL_IGNORED', 'OPTIONAL_DEPENDENCIES', 'check_optional_dependency']),
    ('small_text.exceptions',
     ['ActiveLearnerException', 'ConstraintViolationError', 'LearnerNotInitializedException',
      'MissingOptionalDependencyError']),
    ('small_text.version', ['get_version']),
    ('small_text.classifiers',
     ['Classifier', 'SklearnClassifier', 'EmbeddingMixin', 'ConfidenceEnhancedLinearSVC',
      'AbstractClassifierFactory', 'SklearnClassifierFactory']),
    ('small_text.data',
     ['check_size', 'check_dataset_and_labels', 'check_target_labels', 'Dataset',
      'DatasetView', 'get_updated_target_labels', 'is_multi_label', 'select', 'SklearnDataset',
      'SklearnDatasetView', 'TextDataset', 'TextDatasetView', 'UnsupportedOperationException',
      'split_data', 'get_splits', 'balanced_sampling', 'multilabel_stratified_subsets_sampling',
      'stratified_sampling']),
    ('small_text.initialization',
     ['random_initialization', 'random_initialization_balanced',
      'random_initialization_stratified']),
    ('small_text.query_strategies', None),
    ('small_text.stopping_criteria', None),
    ('small_text.training', None),
    ('small_text.utils', None),
    ('small_text.vector_indexes', None),
)
"""(module, names) in the order of ``__all__``; None means the module's own ``__all__``."""

_INTEGRATIONS = (
    ('small_text.integrations.pytorch', 'torch'),
    ('small_text.integrations.transformers', 'transformers'),
)

_SUBMODULES = frozenset([
    'active_learner', 'base', 'classifiers', 'data', 'distributed', 'exceptions',
    'initialization',
    'integrations', 'query_strategies', 'stopping_criteria', 'training', 'utils',
    'vector_indexes', 'version',
])


def _module_names(module_name, names):
    if names is not None:
        return names
    return list(importlib.import_module(module_name).__all__)


def _build_name_index():
    index = {}
    for module_name, names in _GROUPS:
        for name in _module_names(module_name, names):
            index.setdefault(name, module_name)
    for module_name, _ in _INTEGRATIONS:
        module = importlib.import_module(module_name)
        for name in list(module.__all__) + list(getattr(module, 'INTEGRATION_NAMES', ())):
            index.setdefault(name, module_name)
    return index


_name_index = None


def _get_name_index():
    global _name_index
    if _name_index is None:
        _name_index = _build_name_index()
    return _name_index


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f'small_text.{name}')
    if name == 'pytorch':
        return importlib.import_module('small_text.integrations.pytorch')
    if name == 'transformers':
        return importlib.import_module('small_text.integrations.transformers')
    if name == '__all__':
        return _public_names()
    module_name = _get_name_index().get(name)
    if module_name is None:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def _public_names():
    names = []
    for module_name, group in _GROUPS:
        names.extend(n for n in _module_names(module_name, group) if n not in names)
    for module_name, _ in _INTEGRATIONS:
        module = importlib.import_module(module_name)
        names.extend(n for n in module.__all__ if n not in names)
    return names


def __dir__():
    return sorted(set(globals()) | set(_public_names()) | _SUBMODULES)
