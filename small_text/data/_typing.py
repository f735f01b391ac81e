"""Type variables that parametrise :class:`~small_text.data.datasets.Dataset`."""
from typing import TypeVar

VIEW = TypeVar('VIEW')
"""The type of the views returned by ``dataset[selection]``."""

DATA = TypeVar('DATA')
"""The type of the features ``x``."""

LABELS = TypeVar('LABELS')
"""The type of the labels ``y``."""
