"""Tests for the import guards of small_text.integrations (core.md §1, §11 and the
missing-extras decision in spec/README.md)."""
import importlib
import importlib.util

import pytest

import small_text.integrations.pytorch as pytorch_integration
import small_text.integrations.transformers as transformers_integration
from small_text.exceptions import MissingOptionalDependencyError
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError
from small_text.integrations.transformers import (
    ModelLoadingStrategy,
    get_default_model_loading_strategy,
)
from small_text.utils.system import OFFLINE_MODE_VARIABLE


def _importable(*names):
    return all(importlib.util.find_spec(name) is not None for name in names)


TORCH_AVAILABLE = _importable('torch')
TRANSFORMERS_AVAILABLE = _importable('torch', 'transformers')

requires_no_torch = pytest.mark.skipif(TORCH_AVAILABLE, reason='torch is installed')
requires_no_transformers = pytest.mark.skipif(TRANSFORMERS_AVAILABLE,
                                              reason='torch and transformers are installed')


# --- PytorchNotFoundError --------------------------------------------------------------------

def test_pytorch_not_found_error_bases():
    assert issubclass(PytorchNotFoundError, ImportError)
    assert issubclass(PytorchNotFoundError, MissingOptionalDependencyError)
    assert issubclass(PytorchNotFoundError, RuntimeError)


@pytest.mark.parametrize('except_class', [ImportError, MissingOptionalDependencyError])
def test_pytorch_not_found_error_caught_by_either_except(except_class):
    with pytest.raises(except_class):
        raise PytorchNotFoundError()


def test_pytorch_not_found_error_default_message():
    message = str(PytorchNotFoundError())
    assert message.startswith('Could not import pytorch')
    assert 'small-text[pytorch]' in message


def test_pytorch_not_found_error_custom_message():
    assert str(PytorchNotFoundError('custom text')) == 'custom text'


def test_pytorch_exceptions_module_is_importable():
    module = importlib.import_module('small_text.integrations.pytorch.exceptions')
    assert module.PytorchNotFoundError is PytorchNotFoundError


# --- small_text.integrations.pytorch ---------------------------------------------------------

def test_pytorch_package_imports():
    module = importlib.import_module('small_text.integrations.pytorch')
    assert module is pytorch_integration


@requires_no_torch
def test_pytorch_all_is_empty_without_torch():
    assert pytorch_integration.__all__ == []


@requires_no_torch
@pytest.mark.parametrize('name', ['KimCNNClassifier', 'PytorchClassifier', 'KimCNN',
                                  'ExpectedGradientLength', 'PytorchDataset'])
def test_pytorch_name_raises_without_torch(name):
    with pytest.raises(PytorchNotFoundError) as excinfo:
        getattr(pytorch_integration, name)
    message = str(excinfo.value)
    assert 'small-text[pytorch]' in message
    assert name in message


@requires_no_torch
def test_pytorch_from_import_raises_import_error_without_torch():
    with pytest.raises(ImportError, match=r'small-text\[pytorch\]'):
        from small_text.integrations.pytorch import KimCNNClassifier  # noqa: F401


@requires_no_torch
def test_pytorch_missing_name_is_missing_optional_dependency_error():
    with pytest.raises(MissingOptionalDependencyError):
        pytorch_integration.KimCNNClassifier


def test_pytorch_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match='no_such_name'):
        pytorch_integration.no_such_name
    assert not hasattr(pytorch_integration, 'no_such_name')


def test_pytorch_exceptions_submodule_is_bound():
    assert pytorch_integration.PytorchNotFoundError is PytorchNotFoundError


# --- small_text.integrations.transformers ----------------------------------------------------

def test_transformers_package_imports():
    module = importlib.import_module('small_text.integrations.transformers')
    assert module is transformers_integration


def test_transformers_all_always_has_loading_strategy_names():
    assert 'ModelLoadingStrategy' in transformers_integration.__all__
    assert 'get_default_model_loading_strategy' in transformers_integration.__all__


@requires_no_transformers
def test_transformers_all_without_transformers():
    assert transformers_integration.__all__ == ['ModelLoadingStrategy',
                                                'get_default_model_loading_strategy']


def test_model_loading_strategy_values():
    assert ModelLoadingStrategy.DEFAULT.value == 'default'
    assert ModelLoadingStrategy.ALWAYS_LOCAL.value == 'always-local'
    assert ModelLoadingStrategy.ALWAYS_DOWNLOAD.value == 'always-download'
    assert len(ModelLoadingStrategy) == 3


def test_model_loading_strategy_from_value():
    assert ModelLoadingStrategy('always-local') is ModelLoadingStrategy.ALWAYS_LOCAL


def test_model_loading_strategy_defined_in_classifiers_base():
    base = importlib.import_module('small_text.integrations.transformers.classifiers.base')
    assert base.ModelLoadingStrategy is ModelLoadingStrategy
    assert base.get_default_model_loading_strategy is get_default_model_loading_strategy


def test_default_model_loading_strategy_online(monkeypatch):
    monkeypatch.delenv(OFFLINE_MODE_VARIABLE, raising=False)
    assert get_default_model_loading_strategy() is ModelLoadingStrategy.DEFAULT


@pytest.mark.parametrize('value', ['1', '0', 'false', ''])
def test_default_model_loading_strategy_offline(monkeypatch, value):
    monkeypatch.setenv(OFFLINE_MODE_VARIABLE, value)
    assert get_default_model_loading_strategy() is ModelLoadingStrategy.ALWAYS_LOCAL


@requires_no_transformers
@pytest.mark.parametrize('name', ['TransformerBasedClassification',
                                  'TransformerBasedClassificationFactory',
                                  'TransformerModelArguments', 'TransformersDataset'])
def test_transformers_name_raises_without_transformers(name):
    with pytest.raises(MissingOptionalDependencyError) as excinfo:
        getattr(transformers_integration, name)
    assert isinstance(excinfo.value, ImportError)
    message = str(excinfo.value)
    assert 'small-text[transformers]' in message
    assert name in message


@requires_no_transformers
def test_transformers_from_import_raises_import_error_without_transformers():
    with pytest.raises(ImportError, match=r'small-text\[transformers\]'):
        from small_text.integrations.transformers import TransformerBasedClassification  # noqa


def test_transformers_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match='no_such_name'):
        transformers_integration.no_such_name
