"""Helpers for single-label (int array) and multi-label (csr indicator matrix) labelings."""
import numpy as np
from scipy.sparse import csr_matrix, vstack


def get_num_labels(y):
    """Return the number of labels implied by ``y`` (largest label id + 1).

    Raises
    ------
    ValueError
        If ``y`` contains no samples.
    """
    if y.shape[0] == 0:
        raise ValueError('Invalid labeling: Cannot contain 0 labels')
    if isinstance(y, csr_matrix):
        return int(np.max(y.indices)) + 1
    return int(np.max(y)) + 1


def remove_by_index(y, indices):
    """Return ``y`` without the rows at ``indices`` (an int or a list of ints)."""
    if isinstance(y, csr_matrix):
        mask = np.ones(y.shape[0], dtype=bool)
        mask[indices] = False
        return y[mask, :]
    return np.delete(y, indices)


def get_ignored_labels_mask(y, value):
    """Return a boolean mask of the rows of ``y`` that hold ``value``."""
    if isinstance(y, csr_matrix):
        rows = np.repeat(np.arange(y.shape[0]), np.diff(y.indptr))
        mask = np.zeros(y.shape[0], dtype=bool)
        mask[rows[y.data == value]] = True
        return mask
    return np.asarray(y) == value


def concatenate(a, b):
    """Concatenate two labelings (row-wise for csr matrices)."""
    if isinstance(a, csr_matrix) and isinstance(b, csr_matrix):
        return vstack([a, b], format='csr')
    return np.concatenate([a, b])


def csr_to_list(mat):
    """Return the column indices of each row, e.g. ``[[0, 1], [1], [0], []]``."""
    return [mat.indices[start:end].tolist() for start, end in zip(mat.indptr[:-1], mat.indptr[1:])]


def list_to_csr(label_list, shape, dtype=np.int64):
    """Build a 0/1 csr matrix of ``shape`` whose row i has ones at ``label_list[i]``."""
    lengths = np.fromiter((len(labels) for labels in label_list), dtype=np.int64,
                          count=len(label_list))
    if lengths.sum() == 0:
        return csr_matrix(shape, dtype=dtype)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    indices = np.fromiter((label for labels in label_list for label in labels),
                          dtype=np.int32, count=int(lengths.sum()))
    data = np.ones(indices.shape[0], dtype=dtype)
    return csr_matrix((data, indices, indptr), shape=shape)
