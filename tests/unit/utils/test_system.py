"""Tests for small_text.utils.system (core.md §9.9)."""
import sys
import types

import pytest

from small_text.utils.system import (
    OFFLINE_MODE_VARIABLE,
    PROGRESS_BARS_VARIABLE,
    TMP_DIR_VARIABLE,
    get_offline_mode,
    get_show_progress_bar_default,
    get_tmp_dir_base,
    is_pytorch_available,
    is_transformers_available,
)


def test_variable_names():
    assert OFFLINE_MODE_VARIABLE == 'SMALL_TEXT_OFFLINE'
    assert PROGRESS_BARS_VARIABLE == 'SMALL_TEXT_PROGRESS_BARS'
    assert TMP_DIR_VARIABLE == 'SMALL_TEXT_TEMP'


def test_offline_mode_unset(monkeypatch):
    monkeypatch.delenv(OFFLINE_MODE_VARIABLE, raising=False)
    assert get_offline_mode() is False


@pytest.mark.parametrize('value', ['1', '0', 'false', 'True', ''])
def test_offline_mode_set_to_any_value(monkeypatch, value):
    monkeypatch.setenv(OFFLINE_MODE_VARIABLE, value)
    assert get_offline_mode() is True


def test_show_progress_bar_default_unset(monkeypatch):
    monkeypatch.delenv(PROGRESS_BARS_VARIABLE, raising=False)
    assert get_show_progress_bar_default() is True


@pytest.mark.parametrize('value', ['0', 'false', 'False', 'FALSE', 'fAlSe'])
def test_show_progress_bar_default_disabled(monkeypatch, value):
    monkeypatch.setenv(PROGRESS_BARS_VARIABLE, value)
    assert get_show_progress_bar_default() is False


@pytest.mark.parametrize('value', ['1', 'true', 'no', 'off', '', ' 0', '00'])
def test_show_progress_bar_default_enabled(monkeypatch, value):
    monkeypatch.setenv(PROGRESS_BARS_VARIABLE, value)
    assert get_show_progress_bar_default() is True


def test_tmp_dir_base_unset(monkeypatch):
    monkeypatch.delenv(TMP_DIR_VARIABLE, raising=False)
    assert get_tmp_dir_base() is None


def test_tmp_dir_base_set(monkeypatch, tmp_path):
    monkeypatch.setenv(TMP_DIR_VARIABLE, str(tmp_path))
    assert get_tmp_dir_base() == str(tmp_path)


@pytest.mark.parametrize('function, module_name', [
    (is_pytorch_available, 'torch'),
    (is_transformers_available, 'transformers'),
])
def test_is_available_when_import_fails(monkeypatch, function, module_name):
    # a None entry in sys.modules makes the import raise ImportError
    monkeypatch.setitem(sys.modules, module_name, None)
    assert function() is False


@pytest.mark.parametrize('function, module_name', [
    (is_pytorch_available, 'torch'),
    (is_transformers_available, 'transformers'),
])
def test_is_available_when_import_succeeds(monkeypatch, function, module_name):
    monkeypatch.setitem(sys.modules, module_name, types.ModuleType(module_name))
    assert function() is True
