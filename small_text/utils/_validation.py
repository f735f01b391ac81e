"""Validation of arguments at the library's boundary, shared by the query strategies, the
stopping criteria and the classifiers.

Every check raises a ValueError whose message names the argument, says what was expected and
what was found, so that users do not have to decode a failure deep inside NumPy or
scikit-learn (e.g. scikit-learn's "Input contains NaN" for an infinite value).
"""
import numbers

import numpy as np
from scipy.sparse import csr_matrix, issparse

PROBABILITY_TOLERANCE = 1e-2
"""Slack for values above 1 and for row sums of class distributions; it absorbs the rounding of
half-precision (e.g. bfloat16) models but not logits or unnormalised scores."""

_CHUNK_ELEMENTS = 1 << 22
"""Array elements checked at a time, which bounds the temporary masks (4 MiB)."""


def check_integer(value, name, minimum):
    """Return ``value`` if it is an integer (not a bool) of at least ``minimum``.

    Raises
    ------
    ValueError
        Otherwise, naming ``name``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral) \
            or value < minimum:
        raise ValueError(f'{name} must be an integer >= {minimum}, but got {name}={value!r}.')
    return value


def check_interval(value, name, low, high, closed='both'):
    """Return ``value`` if it is a real number (not a bool, not NaN) in the given interval.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        The argument's name, used in the message.
    low, high : float
        The interval's bounds.
    closed : {'both', 'left', 'right', 'neither'}, default='both'
        Which bounds belong to the interval.

    Raises
    ------
    ValueError
        If ``value`` is not a number inside the interval.
    """
    left, right = closed in ('both', 'left'), closed in ('both', 'right')
    valid = not isinstance(value, (bool, np.bool_)) and isinstance(value, numbers.Real) \
        and (low <= value if left else low < value) \
        and (value <= high if right else value < high)
    if not valid:
        interval = f'{"[" if left else "("}{low}, {high}{"]" if right else ")"}'
        raise ValueError(f'{name} must lie in {interval}, but got {name}={value!r}.')
    return value


def check_probabilities(proba, name='proba', *, shape='(n_samples, n_classes)', ndim=2,
                        min_columns=1, num_rows=None, distributions=False,
                        positive_rows=False, weights=False, allow_sparse=False):
    """Return ``proba`` as a float32/float64 array (or csr matrix) of probabilities.

    Every value must be a finite number in [0, 1] (up to :data:`PROBABILITY_TOLERANCE` above
    1), or any finite non-negative number with ``weights=True``.

    Parameters
    ----------
    proba : array-like or scipy.sparse matrix
        The probabilities; the last axis holds the classes (or labels).
    name : str, default='proba'
        Name used in error messages, e.g. ``"clf.predict_proba(dataset)"``.
    shape : str, default='(n_samples, n_classes)'
        Description of the expected shape, used in error messages.
    ndim : int, default=2
        Required number of dimensions.
    min_columns : int, default=1
        Required minimum size of the last axis.
    num_rows : int, default=None
        Required size of the first axis, if any.
    distributions : bool, default=False
        Require every row (the last axis) to sum to 1: a class distribution.
    positive_rows : bool, default=False
        Require every row to have a positive sum (it is renormalised by the caller).
    weights : bool, default=False
        Accept values above 1 (non-negative weights that the caller renormalises).
    allow_sparse : bool, default=False
        Accept a scipy sparse matrix (returned as csr_matrix).

    Returns
    -------
    proba : np.ndarray or csr_matrix
        float32 input stays float32, other dtypes are converted to float64.

    Raises
    ------
    ValueError
        If the shape is wrong or a value is NaN, infinite, negative or above 1, or a row is not
        a distribution where ``distributions`` (or has a zero sum where ``positive_rows``).
    """
    if proba is None:
        raise ValueError(f'{name} must be an array of shape {shape}, but got None.')
    if issparse(proba) and allow_sparse:
        proba = csr_matrix(proba)
        if proba.dtype not in (np.float32, np.float64):
            proba = proba.astype(np.float64)
        _check_probability_values(proba.data, name, proba.indptr, weights)
        return proba

    proba = np.asarray(proba)
    if proba.ndim != ndim:
        raise ValueError(f'{name} must be a {ndim}-D array of shape {shape}, but got shape '
                         f'{proba.shape}.')
    if proba.shape[-1] < min_columns or (num_rows is not None and proba.shape[0] != num_rows):
        rows = '' if num_rows is None else f'{num_rows} rows and '
        columns = 'column' if min_columns == 1 else 'columns'
        raise ValueError(f'{name} must have {rows}at least {min_columns} {columns} (shape '
                         f'{shape}), but got shape {proba.shape}.')
    if proba.dtype not in (np.float32, np.float64):
        if proba.dtype.kind not in 'biuf':
            raise ValueError(f'{name} must hold numbers (probabilities), but got an array of '
                             f'dtype {proba.dtype}.')
        proba = proba.astype(np.float64)

    for start, chunk in _row_chunks(proba):
        _check_probability_values(chunk, name, None, weights, offset=start)
        if distributions or positive_rows:
            _check_row_sums(chunk.sum(axis=-1), name, distributions, offset=start)
    return proba


def check_finite(array, name, hint=''):
    """Raise a ValueError if the float array ``array`` holds NaN or an infinite value.

    The message names ``name``, the kind of value and its row, followed by ``hint``.
    """
    for start, chunk in _row_chunks(array):
        invalid = ~np.isfinite(chunk)
        if invalid.any():
            position = np.unravel_index(np.argmax(invalid), chunk.shape)
            value = chunk[position]
            kind = 'NaN' if np.isnan(value) else f'{value} (an infinite value)'
            raise ValueError(f'{name} contains {kind} in row {start + position[0]}; only finite '
                             f'numbers are allowed.{hint}')


def _row_chunks(array):
    """Yield ``(start, array[start:stop])`` over row chunks of about ``_CHUNK_ELEMENTS``."""
    row_size = max(1, int(np.prod(array.shape[1:])))
    chunk_rows = max(1, _CHUNK_ELEMENTS // row_size)
    for start in range(0, array.shape[0], chunk_rows):
        yield start, array[start:start + chunk_rows]


def _check_probability_values(values, name, indptr, weights, offset=0):
    """Raise if ``values`` holds a value that is not a probability (or, with ``weights``, not a
    finite non-negative number). ``indptr`` maps positions in the data array of a csr matrix
    to rows (None for dense rows)."""
    if weights:
        invalid = ~((values >= 0) & (values < np.inf))
    else:
        invalid = ~((values >= 0) & (values <= 1 + PROBABILITY_TOLERANCE))
    if not invalid.any():
        return
    position = np.unravel_index(np.argmax(invalid), values.shape)
    value = values[position]
    if indptr is None:
        row = offset + position[0]
    else:
        row = int(np.searchsorted(indptr, position[0], side='right')) - 1
    if np.isnan(value):
        kind = 'NaN'
    elif np.isinf(value):
        kind = f'{value} (an infinite value)'
    elif value < 0:
        kind = f'the negative value {value}'
    else:
        kind = f'the value {value} > 1'
    expected = 'finite and non-negative' if weights else 'finite numbers in [0, 1]'
    raise ValueError(f'{name} contains {kind} in row {row}, but probabilities must be '
                     f'{expected}. Check the classifier\'s probabilities (e.g. a diverged '
                     f'model, or scores such as logits that are not probabilities).')


def _check_row_sums(row_sums, name, distributions, offset):
    if distributions:
        invalid = np.abs(row_sums - 1) > PROBABILITY_TOLERANCE
        requirement = 'sum to 1 (a class distribution)'
    else:
        invalid = row_sums <= 0
        requirement = 'have a positive sum'
    if invalid.any():
        position = np.unravel_index(np.argmax(invalid), row_sums.shape)
        raise ValueError(f'Every row of {name} must {requirement}, but row '
                         f'{offset + position[0]} sums to {row_sums[position]}.')


def check_protocol(value, name, expected, attributes):
    """Return ``value`` if it has every attribute named in ``attributes``.

    This checks the library's own argument objects by protocol (the attributes the library
    reads), not by class identity: an ``isinstance`` check fails for an instance of another
    copy of the same class, e.g. after ``importlib.reload`` of its module.

    Raises
    ------
    ValueError
        Otherwise, naming ``name``, what it must be (``expected``) and the missing attributes.
    """
    missing = [attribute for attribute in attributes if not hasattr(value, attribute)]
    if len(missing) > 0:
        raise ValueError(f'{name} must be a {expected}, got {type(value).__name__} (it lacks the '
                         f'attributes {missing}).')
    return value
