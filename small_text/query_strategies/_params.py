"""Checks of query-strategy parameters, shared by every query strategy.

Each check takes a value and the parameter's name and raises a ValueError (a TypeError where
the value is the wrong kind of object) that names the parameter, shows the value given and
says what is allowed.

When they run: small-text 2.0 accepted most parameters in the constructor and failed later,
deep inside a query, if at all; code written for it may construct a strategy and set an
attribute before the first query. A strategy therefore lists the checks of its parameters in
``_PARAMETER_CHECKS`` and :meth:`QueryStrategy._check_parameters
<small_text.query_strategies.base.QueryStrategy._check_parameters>` runs them, on the
attributes' current values, at the start of ``query()``. Only the parameters that small-text
2.0 already rejected in the constructor (a coreset's distance metric, the multi-label
threshold and weight, DRL's selection and temperature) are checked there too.
"""
import numbers
from collections.abc import Mapping

import numpy as np

from small_text.utils._validation import check_integer, check_interval


def check_parameters(strategy, checks):
    """Run ``check(getattr(strategy, name), name)`` for each ``name: check`` of ``checks``.

    Raises
    ------
    ValueError or TypeError
        The first check's error, its message prefixed with the strategy's class name.
    """
    for name, check in checks.items():
        try:
            check(getattr(strategy, name), name)
        except (TypeError, ValueError) as e:
            raise type(e)(f'{type(strategy).__name__}: {e}') from None


def check_in_constructor(check, value, name, message):
    """Run ``check`` on a parameter that small-text 2.0 already rejected in the constructor.

    The error message starts with small-text 2.0's ``message``, followed by the check's own
    (what is allowed and the value given).
    """
    try:
        check(value, name)
    except ValueError as e:
        raise ValueError(f'{message} {e}') from None


def positive_int(value, name):
    """An integer >= 1 (not a bool): a size or a count."""
    check_integer(value, name, 1)


def positive_int_or_none(value, name):
    """None, or an integer >= 1."""
    if value is not None and not (_is_int(value) and value >= 1):
        raise ValueError(f'{name} must be an integer >= 1 or None, but got {name}={value!r}.')


def at_least_two(value, name):
    """An integer >= 2: a number of classes."""
    check_integer(value, name, 2)


def unit_interval(value, name):
    """A number in [0, 1]: a probability or a fraction."""
    check_interval(value, name, 0, 1)


def positive_number(value, name):
    """A finite number > 0."""
    check_interval(value, name, 0, np.inf, closed='neither')


def non_negative_number(value, name):
    """A finite number >= 0."""
    check_interval(value, name, 0, np.inf, closed='left')


def one_of(*choices):
    """Return a check that ``value`` is one of ``choices`` (e.g. the known metric names)."""
    def check_choice(value, name):
        if not isinstance(value, str) or value not in choices:
            allowed = ', '.join(map(repr, choices))
            raise ValueError(f'{name} must be one of {allowed}, but got {name}={value!r}.')
    return check_choice


def has_method(method, kind):
    """Return a check that ``value`` has a callable ``method`` (e.g. a factory's ``new``)."""
    def check_method(value, name):
        if not callable(getattr(value, method, None)):
            raise TypeError(f'{name} must be {kind} with a {method}() method, but got '
                            f'{name}={value!r} of type {type(value).__name__}.')
    return check_method


query_strategy = has_method('query', 'a query strategy')
"""A query strategy: an object with a ``query()`` method."""

factory = has_method('new', 'a factory')
"""A factory (of classifiers or vector indexes): an object with a ``new()`` method."""


def keyword_arguments(value, name):
    """A mapping of keyword arguments with string keys."""
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise TypeError(f'{name} must be a dict of keyword arguments (string keys), but got '
                        f'{name}={value!r} of type {type(value).__name__}.')


def class_labels(value, name):
    """A list (or tuple, or 1-D array) of integer class labels >= 0."""
    if not isinstance(value, (list, tuple, np.ndarray)) or np.ndim(value) != 1:
        raise TypeError(f'{name} must be a list of integer class labels, but got '
                        f'{name}={value!r} of type {type(value).__name__}.')
    if not all(_is_int(label) and label >= 0 for label in value):
        raise ValueError(f'{name} must hold integer class labels >= 0, but got {name}={value!r}.')


def non_empty_string(value, name):
    """A non-empty string (e.g. the name of a model's layer)."""
    if not isinstance(value, str):
        raise TypeError(f'{name} must be a string, but got {name}={value!r} of type '
                        f'{type(value).__name__}.')
    if not value.strip():
        raise ValueError(f'{name} must be a non-empty string, but got {name}={value!r}.')


def torch_device(value, name):
    """None, or a device that ``torch.device`` accepts, e.g. ``'cpu'``, ``'cuda'``,
    ``'cuda:1'``."""
    if value is None:
        return
    import torch
    try:
        torch.device(value)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f'{name} must be a torch device such as \'cpu\', \'cuda\' or '
                         f'\'cuda:0\' (or None), but got {name}={value!r}.') from None


def copied(value):
    """Return a copy of a list or dict argument (the defaults are shared objects); other
    values are kept as given, for :func:`check_parameters` to reject at query time."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
