"""Type variables of the vector indexes."""
from typing import TypeVar

INDEX_TYPE = TypeVar('INDEX_TYPE', bound=object)
"""The type of a vector index's backend object."""
