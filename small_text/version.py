"""The installed version of small-text."""
import importlib.metadata
from pathlib import Path

from packaging.version import Version, parse


def get_version() -> Version:
    """Return the version of small-text.

    Reads the installed distribution's metadata, or ``project.version`` from the
    ``pyproject.toml`` beside the package when it is not installed.
    """
    try:
        return parse(importlib.metadata.version('small-text'))
    except importlib.metadata.PackageNotFoundError:
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib
        pyproject = Path(__file__).resolve().parent.parent / 'pyproject.toml'
        with pyproject.open('rb') as f:
            return parse(tomllib.load(f)['project']['version'])


__version__ = str(get_version())
