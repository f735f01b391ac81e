"""Exceptions shared across small-text."""


class UnsupportedOperationException(Exception):
    """An operation is not supported by the object it was called on.

    Not the same class as :class:`small_text.data.exceptions.UnsupportedOperationException`.
    """


class ActiveLearnerException(Exception):
    """Base class of all active-learner errors."""


class LearnerNotInitializedException(ActiveLearnerException):
    """Raised when ``query()`` is called before ``initialize()``."""


class ConstraintViolationError(RuntimeError):
    """A component cannot handle the given arguments (e.g. multi-label data for a
    single-label-only query strategy)."""


class MissingOptionalDependencyError(RuntimeError):
    """A registered optional dependency is not installed."""


class SerializationException(ActiveLearnerException):
    """Saving or loading an active learner failed."""
