"""Tests for small_text.exceptions (core.md §3)."""
import importlib

import pytest

from small_text.exceptions import (
    ActiveLearnerException,
    ConstraintViolationError,
    LearnerNotInitializedException,
    MissingOptionalDependencyError,
    SerializationException,
    UnsupportedOperationException,
)


@pytest.mark.parametrize('exception_class, base_class', [
    (UnsupportedOperationException, Exception),
    (ActiveLearnerException, Exception),
    (LearnerNotInitializedException, ActiveLearnerException),
    (ConstraintViolationError, RuntimeError),
    (MissingOptionalDependencyError, RuntimeError),
    (SerializationException, ActiveLearnerException),
])
def test_exception_bases(exception_class, base_class):
    assert issubclass(exception_class, base_class)


@pytest.mark.parametrize('exception_class', [
    UnsupportedOperationException, ActiveLearnerException, LearnerNotInitializedException,
    ConstraintViolationError, MissingOptionalDependencyError, SerializationException,
])
def test_exception_raise_and_message(exception_class):
    with pytest.raises(exception_class, match='^something went wrong$'):
        raise exception_class('something went wrong')


def test_active_learner_exceptions_are_not_runtime_errors():
    assert not issubclass(ActiveLearnerException, RuntimeError)
    assert not issubclass(LearnerNotInitializedException, RuntimeError)
    assert not issubclass(SerializationException, LearnerNotInitializedException)


def test_constraint_violation_is_not_active_learner_exception():
    assert not issubclass(ConstraintViolationError, ActiveLearnerException)
    assert not issubclass(MissingOptionalDependencyError, ActiveLearnerException)


def test_missing_optional_dependency_error_is_not_import_error():
    assert not issubclass(MissingOptionalDependencyError, ImportError)


def test_unsupported_operation_exception_differs_from_data_one():
    try:
        data_exceptions = importlib.import_module('small_text.data.exceptions')
    except ImportError:
        pytest.skip('small_text.data.exceptions is not available')
    assert data_exceptions.UnsupportedOperationException is not UnsupportedOperationException
