"""Decorators that mark functions and classes as deprecated or experimental."""
import functools
import inspect
import warnings

from packaging.version import parse

from small_text.version import get_version


class DeprecationError(ValueError):
    """A deprecated object outlived the version it should have been removed in."""


class ExperimentalWarning(UserWarning):
    """Warns that a function or class is experimental."""


def _subject(func_or_class, decorator_name):
    if inspect.isclass(func_or_class):
        return 'class'
    if inspect.isfunction(func_or_class) or inspect.ismethod(func_or_class):
        return 'function'
    raise ValueError(f'The @{decorator_name} decorator requires a function or class')


def _warning_wrapper(func_or_class, message, category):
    @functools.wraps(func_or_class)
    def wrapper(*args, **kwargs):
        warnings.warn(message, category, stacklevel=2)
        return func_or_class(*args, **kwargs)
    return wrapper


def deprecated(func_or_class=None, deprecated_in=None, to_be_removed_in=None, replacement=None):
    """Mark a function or class as deprecated; each call warns with a DeprecationWarning.

    Parameters
    ----------
    func_or_class : callable, default=None
        The decorated object (None when used with arguments).
    deprecated_in : str
        Version in which the object was deprecated (required).
    to_be_removed_in : str, default=None
        Version in which the object will be removed. Decorating fails with
        :class:`DeprecationError` once the current version has reached it.
    replacement : str, default=None
        Name of the object to use instead.
    """
    if deprecated_in is None:
        raise ValueError("Keyword argument 'deprecated_in' must be set.")

    def decorator(obj):
        subject = _subject(obj, 'deprecated')
        if to_be_removed_in is not None and get_version() >= parse(to_be_removed_in):
            raise DeprecationError(f'The {subject} {obj.__name__} should have been removed '
                                   f'before version {get_version()}.')
        message = f'The {subject} {obj.__name__} has been deprecated in {deprecated_in}'
        if to_be_removed_in is not None:
            message += f' and will be removed in {to_be_removed_in}'
        message += '.' if replacement is None else f'. Please use {replacement} instead.'
        return _warning_wrapper(obj, message, DeprecationWarning)

    if callable(func_or_class):
        return decorator(func_or_class)
    if func_or_class is not None:
        _subject(func_or_class, 'deprecated')
    return decorator


def experimental(func_or_class=None):
    """Mark a function or class as experimental; each call warns with an
    :class:`ExperimentalWarning`. Usable bare (``@experimental``) or called."""
    def decorator(obj):
        subject = _subject(obj, 'experimental')
        return _warning_wrapper(
            obj, f'The {subject} {obj.__name__} is experimental and maybe subject to change soon.',
            ExperimentalWarning)

    if func_or_class is None:
        return decorator
    return decorator(func_or_class)
