"""Tests for small_text.version (core.md §2)."""
import importlib.metadata
import sys
from pathlib import Path

import pytest
from packaging.version import Version, parse

import small_text
import small_text.version
from small_text.version import __version__, get_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = Path(small_text.__file__).resolve().parent.parent / 'pyproject.toml'


def _pyproject_version():
    with PYPROJECT.open('rb') as f:
        return tomllib.load(f)['project']['version']


def _raise_not_found(name):
    raise importlib.metadata.PackageNotFoundError(name)


def test_get_version_returns_packaging_version():
    assert isinstance(get_version(), Version)


def test_get_version_uses_distribution_metadata(monkeypatch):
    requested = []

    def fake_version(name):
        requested.append(name)
        return '7.8.9rc1'

    monkeypatch.setattr(importlib.metadata, 'version', fake_version)
    assert get_version() == Version('7.8.9rc1')
    assert requested == ['small-text']


def test_get_version_matches_installed_metadata():
    try:
        installed = importlib.metadata.version('small-text')
    except importlib.metadata.PackageNotFoundError:
        pytest.skip('small-text is not installed')
    assert get_version() == parse(installed)


def test_get_version_falls_back_to_pyproject(monkeypatch):
    if not PYPROJECT.is_file():
        pytest.skip('no pyproject.toml beside the package')
    monkeypatch.setattr(importlib.metadata, 'version', _raise_not_found)
    version = get_version()
    assert isinstance(version, Version)
    assert version == parse(_pyproject_version())


def test_version_string():
    assert isinstance(__version__, str)
    assert __version__ == str(get_version())
    assert small_text.version.__version__ == __version__


def test_version_is_the_specified_release():
    assert __version__ == '2.0.0.dev4'
    assert get_version().is_prerelease


def test_top_level_version():
    assert small_text.__version__ == __version__
    assert small_text.get_version is get_version
