"""Validation and normalisation of embedding matrices, shared by the embedding strategies."""
import numpy as np

from small_text.utils._validation import check_finite

_CHUNK_ELEMENTS = 1 << 22
"""Matrix elements processed per chunk (16 MiB of float32)."""


def check_embeddings(embeddings, name='embeddings', num_rows=None):
    """Return ``embeddings`` as a 2-D float32/float64 array of finite values.

    Parameters
    ----------
    embeddings : array-like of shape (n_samples, n_features)
        The embedding matrix.
    name : str, default='embeddings'
        Name used in error messages.
    num_rows : int, default=None
        The required number of rows, if any.

    Returns
    -------
    embeddings : np.ndarray of shape (n_samples, n_features)
        float32 input stays float32; other dtypes are converted to float64.

    Raises
    ------
    ValueError
        If the array is not 2-D, has the wrong number of rows, or contains NaN or an infinite
        value (the message names which).
    """
    embeddings = np.asarray(embeddings)
    if embeddings.ndim != 2:
        raise ValueError(f'{name} must be a 2-D array of shape (n_samples, n_features), '
                         f'got shape {embeddings.shape}')
    if num_rows is not None and embeddings.shape[0] != num_rows:
        raise ValueError(f'{name} must have {num_rows} rows, got shape {embeddings.shape}')
    if embeddings.dtype not in (np.float32, np.float64):
        if embeddings.dtype.kind not in 'biuf':
            raise ValueError(f'{name} must hold numbers, got an array of dtype '
                             f'{embeddings.dtype}')
        embeddings = embeddings.astype(np.float64)
    check_finite(embeddings, name, hint=' Check the classifier\'s embed() output (e.g. a '
                                        'diverged model) or the precomputed embeddings.')
    return embeddings


def normalize_rows(x):
    """Return a copy of ``x`` with each row scaled to unit L2 norm, keeping float32.

    Rows of norm zero stay zero.

    Parameters
    ----------
    x : np.ndarray of shape (n_samples, n_features)

    Returns
    -------
    x_normalized : np.ndarray of shape (n_samples, n_features)
    """
    x = np.asarray(x)
    dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float64
    result = np.empty(x.shape, dtype=dtype)
    for rows in row_chunks(x):
        chunk = x[rows].astype(dtype, copy=True)
        norms = np.linalg.norm(chunk, axis=1, keepdims=True)
        norms[norms == 0] = 1
        np.divide(chunk, norms, out=result[rows])
    return result


def row_chunks(matrix, chunk_elements=_CHUNK_ELEMENTS):
    """Yield slices that split the rows of ``matrix`` into chunks of about ``chunk_elements``."""
    chunk_rows = max(1, chunk_elements // max(1, matrix.shape[1]))
    for start in range(0, matrix.shape[0], chunk_rows):
        yield slice(start, start + chunk_rows)
