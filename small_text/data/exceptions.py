"""Exceptions of the data package."""


class UnsupportedOperationException(Exception):
    """An operation is not supported by a dataset object, e.g. setting data on a view.

    Not the same class as :class:`small_text.exceptions.UnsupportedOperationException`.
    """
