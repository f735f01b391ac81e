"""Tests for small_text.utils.annotations (core.md §9.1)."""
import inspect
import re
import warnings
from unittest import mock

import pytest
from packaging.version import parse

from small_text.utils.annotations import (
    DeprecationError,
    ExperimentalWarning,
    deprecated,
    experimental,
)

CURRENT_VERSION = parse('2.0.0')


@pytest.fixture(autouse=True)
def _fixed_version():
    with mock.patch('small_text.utils.annotations.get_version', return_value=CURRENT_VERSION):
        yield


def _func(a, b=1):
    """Docstring of _func."""
    return a + b


class _Klass:
    """Docstring of _Klass."""

    def __init__(self, value=3):
        self.value = value


def _call_and_capture(obj, *args, **kwargs):
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter('always')
        result = obj(*args, **kwargs)
    return result, records


def test_exception_and_warning_classes():
    assert issubclass(DeprecationError, ValueError)
    assert issubclass(ExperimentalWarning, UserWarning)


# --- deprecated ------------------------------------------------------------------------------

def test_deprecated_function_warns_and_calls():
    wrapped = deprecated(_func, deprecated_in='1.0.0')
    result, records = _call_and_capture(wrapped, 1, b=2)
    assert result == 3
    assert len(records) == 1
    assert records[0].category is DeprecationWarning
    assert str(records[0].message) == 'The function _func has been deprecated in 1.0.0.'


def test_deprecated_warning_points_at_the_caller():
    wrapped = deprecated(_func, deprecated_in='1.0.0')
    _, records = _call_and_capture(wrapped, 1)
    assert records[0].filename == __file__


def test_deprecated_warns_on_every_call():
    wrapped = deprecated(_func, deprecated_in='1.0.0')
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter('always')
        wrapped(1)
        wrapped(2)
    assert len(records) == 2


def test_deprecated_used_with_arguments_as_decorator():
    @deprecated(deprecated_in='1.1.0', to_be_removed_in='3.0.0')
    def old_function():
        return 'result'

    result, records = _call_and_capture(old_function)
    assert result == 'result'
    assert str(records[0].message) == \
        'The function old_function has been deprecated in 1.1.0 and will be removed in 3.0.0.'


def test_deprecated_message_with_replacement():
    wrapped = deprecated(_func, deprecated_in='1.0.0', replacement='new_func')
    _, records = _call_and_capture(wrapped, 1)
    assert str(records[0].message) == \
        'The function _func has been deprecated in 1.0.0. Please use new_func instead.'


def test_deprecated_message_with_removal_and_replacement():
    wrapped = deprecated(_func, deprecated_in='1.0.0', to_be_removed_in='2.1.0',
                         replacement='new_func')
    _, records = _call_and_capture(wrapped, 1)
    assert str(records[0].message) == ('The function _func has been deprecated in 1.0.0 and '
                                       'will be removed in 2.1.0. Please use new_func instead.')


def test_deprecated_class():
    wrapped = deprecated(_Klass, deprecated_in='1.0.0')
    instance, records = _call_and_capture(wrapped, value=7)
    assert isinstance(instance, _Klass)
    assert instance.value == 7
    assert str(records[0].message) == 'The class _Klass has been deprecated in 1.0.0.'


def test_deprecated_result_is_a_function_wrapper():
    wrapped = deprecated(_Klass, deprecated_in='1.0.0')
    assert inspect.isfunction(wrapped)
    assert wrapped.__name__ == '_Klass'
    assert wrapped.__doc__ == 'Docstring of _Klass.'
    assert wrapped.__wrapped__ is _Klass


def test_deprecated_function_keeps_metadata():
    wrapped = deprecated(_func, deprecated_in='1.0.0')
    assert wrapped.__name__ == '_func'
    assert wrapped.__doc__ == 'Docstring of _func.'


def test_deprecated_returns_decorator_without_object():
    decorator = deprecated(deprecated_in='1.0.0')
    assert callable(decorator)
    wrapped = decorator(_func)
    _, records = _call_and_capture(wrapped, 1)
    assert records[0].category is DeprecationWarning


def test_deprecated_no_warning_at_decoration_time():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        deprecated(_func, deprecated_in='1.0.0')


def test_deprecated_requires_deprecated_in():
    with pytest.raises(ValueError, match=re.escape("Keyword argument 'deprecated_in' must be set.")):
        deprecated(to_be_removed_in='3.0.0')


def test_bare_deprecated_fails():
    with pytest.raises(ValueError, match="'deprecated_in' must be set"):
        @deprecated
        def f():
            pass


@pytest.mark.parametrize('not_callable', [5, 'text', [1, 2]])
def test_deprecated_rejects_non_callable(not_callable):
    with pytest.raises(ValueError,
                       match='^The @deprecated decorator requires a function or class$'):
        deprecated(not_callable, deprecated_in='1.0.0')


def test_deprecated_rejects_callable_instance():
    class CallableObject:
        def __call__(self):
            pass

    with pytest.raises(ValueError, match='requires a function or class'):
        deprecated(CallableObject(), deprecated_in='1.0.0')


@pytest.mark.parametrize('to_be_removed_in', ['1.5.0', '2.0.0'])
def test_deprecated_past_removal_version_raises(to_be_removed_in):
    message = 'The function _func should have been removed before version 2.0.0.'
    with pytest.raises(DeprecationError, match=f'^{re.escape(message)}$'):
        deprecated(_func, deprecated_in='1.0.0', to_be_removed_in=to_be_removed_in)


def test_deprecated_class_past_removal_version_raises():
    with pytest.raises(DeprecationError,
                       match=re.escape('The class _Klass should have been removed before '
                                       'version 2.0.0.')):
        deprecated(_Klass, deprecated_in='1.0.0', to_be_removed_in='1.9.9')


def test_deprecated_removal_version_compares_as_versions():
    # '2.0.0.dev1' is a pre-release of 2.0.0, so 2.0.0 is past it; '2.0.1' and '10.0.0' are not
    with pytest.raises(DeprecationError):
        deprecated(_func, deprecated_in='1.0.0', to_be_removed_in='2.0.0.dev1')
    deprecated(_func, deprecated_in='1.0.0', to_be_removed_in='2.0.1')
    deprecated(_func, deprecated_in='1.0.0', to_be_removed_in='10.0.0')


def test_deprecated_removal_check_reads_get_version_at_decoration_time():
    with mock.patch('small_text.utils.annotations.get_version', return_value=parse('1.0.0')):
        wrapped = deprecated(_func, deprecated_in='0.9.0', to_be_removed_in='2.0.0')
    assert callable(wrapped)
    with pytest.raises(DeprecationError):
        deprecated(_func, deprecated_in='0.9.0', to_be_removed_in='2.0.0')


# --- experimental ----------------------------------------------------------------------------

def test_experimental_bare_function():
    @experimental
    def new_function(x):
        return x * 2

    result, records = _call_and_capture(new_function, 4)
    assert result == 8
    assert len(records) == 1
    assert records[0].category is ExperimentalWarning
    assert str(records[0].message) == \
        'The function new_function is experimental and maybe subject to change soon.'
    assert records[0].filename == __file__


def test_experimental_called():
    @experimental()
    def new_function():
        return 'ok'

    result, records = _call_and_capture(new_function)
    assert result == 'ok'
    assert records[0].category is ExperimentalWarning


def test_experimental_class():
    wrapped = experimental(_Klass)
    instance, records = _call_and_capture(wrapped, value=1)
    assert isinstance(instance, _Klass)
    assert str(records[0].message) == \
        'The class _Klass is experimental and maybe subject to change soon.'
    assert wrapped.__name__ == '_Klass'


def test_experimental_warns_on_every_call():
    wrapped = experimental(_func)
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter('always')
        wrapped(1)
        wrapped(1)
    assert len(records) == 2


@pytest.mark.parametrize('not_callable', [5, 'text'])
def test_experimental_rejects_non_callable(not_callable):
    with pytest.raises(ValueError,
                       match='^The @experimental decorator requires a function or class$'):
        experimental(not_callable)
