"""Exceptions raised by query strategies."""
from small_text.exceptions import ActiveLearnerException


class QueryException(ActiveLearnerException):
    """Base class of the errors raised while querying."""


class EmptyPoolException(QueryException):
    """The pool of unlabeled samples is empty, so nothing can be queried."""


class PoolExhaustedException(QueryException):
    """More samples were requested than the pool of unlabeled samples holds."""
