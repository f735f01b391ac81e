"""Tests for small_text.base (core.md §4)."""
import importlib.metadata
import re
from unittest import mock

import numpy as np
import pytest

import small_text.base as base
from small_text.base import (
    LABEL_IGNORED,
    LABEL_UNLABELED,
    OPTIONAL_DEPENDENCIES,
    check_optional_dependency,
)
from small_text.exceptions import MissingOptionalDependencyError

NOT_INSTALLED_DISTRIBUTION = 'small-text-test-distribution-that-does-not-exist'


def _missing_message_start(name):
    return re.escape(f"The optional dependency '{name}' is required to use this functionality.")


def test_label_unlabeled():
    assert LABEL_UNLABELED == -1
    assert type(LABEL_UNLABELED) is int


def test_label_ignored():
    assert LABEL_IGNORED == -np.inf
    assert type(LABEL_IGNORED) is float
    assert LABEL_IGNORED != LABEL_UNLABELED


def test_optional_dependencies_default_entries():
    assert isinstance(OPTIONAL_DEPENDENCIES, dict)
    assert OPTIONAL_DEPENDENCIES == {'hnswlib': 'hnswlib', 'setfit': 'setfit'}


def test_optional_dependencies_is_the_module_attribute():
    assert OPTIONAL_DEPENDENCIES is base.OPTIONAL_DEPENDENCIES


def test_check_optional_dependency_unregistered_name():
    message = "The given dependency 'not-registered' is not registered as an optional dependency."
    with pytest.raises(ValueError, match=f'^{re.escape(message)}$'):
        check_optional_dependency('not-registered')


def test_check_optional_dependency_is_case_sensitive():
    with pytest.raises(ValueError, match='is not registered as an optional dependency'):
        check_optional_dependency('HNSWLIB')


def test_check_optional_dependency_missing_registered_entry(monkeypatch):
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, 'fake-dependency', NOT_INSTALLED_DISTRIBUTION)
    with pytest.raises(MissingOptionalDependencyError,
                       match='^' + _missing_message_start('fake-dependency')):
        check_optional_dependency('fake-dependency')


def test_check_optional_dependency_error_is_runtime_error(monkeypatch):
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, 'fake-dependency', NOT_INSTALLED_DISTRIBUTION)
    with pytest.raises(RuntimeError):
        check_optional_dependency('fake-dependency')


@pytest.mark.parametrize('name', ['hnswlib', 'setfit'])
def test_check_optional_dependency_names_the_extra(monkeypatch, name):
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, name, NOT_INSTALLED_DISTRIBUTION)
    with pytest.raises(MissingOptionalDependencyError) as excinfo:
        check_optional_dependency(name)
    message = str(excinfo.value)
    assert re.match(_missing_message_start(name), message)
    assert f'small-text[{name}]' in message


def test_check_optional_dependency_installed_entry(monkeypatch):
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, 'fake-dependency', 'numpy')
    assert check_optional_dependency('fake-dependency') is None


def test_check_optional_dependency_uses_distribution_name_not_import_name(monkeypatch):
    # 'scikit-learn' is installed but cannot be imported under that name
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, 'sklearn-requirement', 'scikit-learn')
    assert check_optional_dependency('sklearn-requirement') is None


def test_check_optional_dependency_looks_up_mapped_distribution(monkeypatch):
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, 'requirement-name', 'distribution-name')
    distribution = mock.Mock()
    monkeypatch.setattr(importlib.metadata, 'distribution', distribution)
    check_optional_dependency('requirement-name')
    distribution.assert_called_once_with('distribution-name')


def test_check_optional_dependency_checks_metadata_not_importability(monkeypatch):
    def raise_not_found(name):
        raise importlib.metadata.PackageNotFoundError(name)

    # 'numpy' is importable, but reported as not installed by the metadata lookup
    monkeypatch.setitem(OPTIONAL_DEPENDENCIES, 'fake-dependency', 'numpy')
    monkeypatch.setattr(importlib.metadata, 'distribution', raise_not_found)
    with pytest.raises(MissingOptionalDependencyError,
                       match=_missing_message_start('fake-dependency')):
        check_optional_dependency('fake-dependency')


def test_check_optional_dependency_monkeypatch_is_undone():
    # runs after the tests above: their entries must be gone
    assert set(OPTIONAL_DEPENDENCIES) == {'hnswlib', 'setfit'}


def test_missing_extra_message_grammar():
    from small_text.base import _missing_extra_message
    assert _missing_extra_message('X', ['hnswlib'], 'hnswlib') == (
        'X needs hnswlib, which is not installed: pip install "small-text[hnswlib]"')
    assert _missing_extra_message('Y', ['torch', 'transformers'], 'transformers') == (
        'Y needs torch and transformers, which are not installed: '
        'pip install "small-text[transformers]"')
    assert _missing_extra_message('Z', ['a', 'b', 'c'], 'e').startswith(
        'Z needs a, b and c, which are not installed')
