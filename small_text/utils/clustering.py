"""k-means++ seeding that never returns duplicate centers."""
import warnings

import numpy as np
import sklearn
from numpy.random import choice
from packaging.version import parse
from sklearn.cluster import kmeans_plusplus


def init_kmeans_plusplus_safe(x, n_clusters, *, weights=None, x_squared_norms=None,
                              random_state=None, n_local_trials=None, suppress_warning=False):
    """k-means++ seeding (Arthur & Vassilvitskii, 2007) without duplicate centers.

    If :func:`sklearn.cluster.kmeans_plusplus` returns an index twice (possible when rows
    coincide), the missing centers are drawn uniformly from the rows not chosen yet.

    Parameters
    ----------
    x : np.ndarray of shape (n_samples, n_features)
        Data to pick the centers from.
    n_clusters : int
        Number of centers.
    weights : np.ndarray, default=None
        Sample weights (scikit-learn >= 1.3).
    x_squared_norms, random_state, n_local_trials
        Passed on to :func:`sklearn.cluster.kmeans_plusplus`.
    suppress_warning : bool, default=False
        Do not warn when duplicates had to be replaced.

    Returns
    -------
    centers : np.ndarray of shape (n_clusters, n_features)
    indices : np.ndarray of shape (n_clusters,)
    """
    if weights is not None and parse(sklearn.__version__) < parse('1.3.0'):
        raise ValueError('scikit-learn>=1.3.0 is required to use the "weights" argument.')
    kwargs = dict(x_squared_norms=x_squared_norms, random_state=random_state,
                  n_local_trials=n_local_trials)
    if weights is not None:
        kwargs['sample_weight'] = weights
    centers, indices = kmeans_plusplus(x, n_clusters, **kwargs)

    unique_indices = np.unique(indices)
    if unique_indices.shape[0] < n_clusters:
        if not suppress_warning:
            warnings.warn('kmeans_plusplus returned identical cluster centers.')
        remaining = np.setdiff1d(np.arange(x.shape[0]), unique_indices)
        fill = choice(remaining, size=n_clusters - unique_indices.shape[0], replace=False)
        indices = np.hstack([unique_indices, fill])
        centers = x[indices]
    return centers, indices
