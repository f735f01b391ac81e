"""Coreset query strategies: greedy k-center (farthest-first) and lightweight coresets.

The functions :func:`greedy_coreset` and :func:`lightweight_coreset` hold the math and work on
plain arrays; :class:`GreedyCoreset` and :class:`LightweightCoreset` adapt them to the query
interface.

Distances (``distance_metric``):

* ``'cosine'``: the angular distance ``arccos(cos_sim) / pi`` in [0, 1]. With
  ``normalized=True`` the rows are declared unit-norm and ``cos_sim`` is the dot product;
  otherwise it is divided by both norms (zero vectors get ``cos_sim = 0``).
* ``'euclidean'``: the L2 distance.

:func:`lightweight_coreset` and :class:`LightweightCoreset` read ``'cosine'`` differently:
Bachem et al.'s sampling distribution needs the squared Euclidean distance to the mean of
the points, so ``'cosine'`` there means the points are the L2-normalised rows (the geometry
in which Euclidean distances order pairs as cosine similarities do) and ``d`` is the
Euclidean distance between them and their mean.

All pairwise work is done in row chunks in the input's float dtype (float32 stays float32),
so no matrix of all pairs is ever built.
"""
import numpy as np

import small_text.query_strategies._params as _params
from small_text.query_strategies._embeddings import check_embeddings, row_chunks
from small_text.query_strategies.base import _check_indices
from small_text.query_strategies.strategies import EmbeddingBasedQueryStrategy

_DISTANCE_METRICS = ['cosine', 'euclidean']

_CHUNK_ELEMENTS = 1 << 22
"""Elements of a (pool rows x centres) distance block (16 MiB of float32)."""


def greedy_coreset(x, indices_unlabeled, indices_labeled, n, distance_metric='cosine',
                   batch_size=100, normalized=False, *, normalize=False):
    """Select ``n`` pool items by greedy k-center selection (farthest-first traversal).

    Each pool item u starts with ``d(u) = min_{s in L} dist(x_u, x_s)`` (``+inf`` if L is
    empty). Then ``n`` times, the pool item with the largest ``d`` is picked (the first one
    on ties) and ``d`` is lowered to the distance to the new centre where that is smaller;
    picked items are never picked again.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features)
        The embeddings; rows are addressed by ``indices_unlabeled`` and ``indices_labeled``.
    indices_unlabeled : np.ndarray of int
        Rows of ``x`` forming the pool.
    indices_labeled : np.ndarray of int
        Rows of ``x`` that are already labeled (the initial centres); may be empty.
    n : int
        Number of pool items to select (``0 <= n <= len(indices_unlabeled)``).
    distance_metric : {'cosine', 'euclidean'}, default='cosine'
        See the module docstring.
    batch_size : int, default=100
        Number of centres whose distances are computed at once; bounds the memory together
        with an internal chunking of the pool rows.
    normalized : bool, default=False
        Declares the rows unit-norm, so that the cosine similarity is a plain dot product.
    normalize : bool, default=False
        Keyword-only. Measure distances between the L2-normalised rows, computing the
        normalisation on the fly instead of copying ``x``.

    Returns
    -------
    indices : np.ndarray of int64 and shape (n,)
        Positions in ``indices_unlabeled``, in selection order.

    Raises
    ------
    ValueError
        If ``n`` exceeds the number of rows (checked first) or the pool size, if the metric is
        unknown, or if ``x`` contains NaN or the indices are invalid.

    Notes
    -----
    Differences from small-text 2.0 (each fixes a defect there):

    * The pool item at position p is read from row ``indices_unlabeled[p]`` of ``x``; the
      reference read row p, which is correct only when the pool is ``arange``.
    * An empty labeled set is allowed (the first pick is position 0); small-text 2.0 crashed.
    * The cosine similarity is clipped to [-1, 1] before ``arccos``; small-text 2.0 produced
      NaN for rounding errors above 1 and then selected the NaN.
    * small-text 2.0 recomputed the distances to all centres in each of the ``n`` rounds.
      Here a running minimum-distance vector is updated with the new centre only, which
      needs ``O(|U| (|L| + n) D)`` time and ``O(|U|)`` extra memory.

    If ``indices_unlabeled`` is not a contiguous ascending range, the pool rows are copied
    once.

    References
    ----------
    .. [1] O. Sener, S. Savarese. "Active Learning for Convolutional Neural Networks: A
       Core-Set Approach." ICLR 2018.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[0.0], [1.0], [2.0], [3.0], [10.0]])
    >>> greedy_coreset(x, np.arange(4), np.array([4]), 2, distance_metric='euclidean')
    array([0, 3])
    """
    x = np.asarray(x)
    if n > x.shape[0]:
        raise ValueError(f'n (n={n}) is greater the number of available samples '
                         f'(num_samples={x.shape[0]})')
    _check_distance_metric(distance_metric)
    x = check_embeddings(x, name='x')
    indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', x.shape[0])
    indices_labeled = _check_indices(indices_labeled, 'indices_labeled', x.shape[0])
    if n > indices_unlabeled.shape[0]:
        raise ValueError(f'n (n={n}) is greater than the pool size '
                         f'({indices_unlabeled.shape[0]} unlabeled indices)')
    if batch_size < 1:
        raise ValueError(f'batch_size must be a positive integer, got batch_size={batch_size}')

    pool = _rows(x, indices_unlabeled)
    unit = normalize or normalized
    pool_geometry = _geometry(pool, normalize)
    min_distances = np.full(pool.shape[0], np.inf, dtype=x.dtype)
    for start in range(0, indices_labeled.shape[0], batch_size):
        centers = x[indices_labeled[start:start + batch_size]]
        _lower_min_distances(min_distances, pool, pool_geometry, centers,
                             _geometry(centers, normalize), unit, distance_metric)

    selected = np.empty(n, dtype=np.int64)
    for i in range(n):
        selected[i] = np.argmax(min_distances)
        window = slice(selected[i], selected[i] + 1)
        _lower_min_distances(min_distances, pool, pool_geometry, pool[window],
                             _window(pool_geometry, window), unit, distance_metric)
        min_distances[selected[i]] = -np.inf
    return selected


def lightweight_coreset(x, x_mean, n, batch_size=100, distance_metric='cosine',
                        normalized=False, proba=None, *, normalize=False):
    """Sample ``n`` rows from the lightweight-coreset distribution [BLK18]_.

    Bachem et al. (Algorithm 1) sample point x of X with probability
    ``q(x) = 1/2 * 1/|X| + 1/2 * d(x, mu)^2 / sum_x' d(x', mu)^2``, where ``d`` is the
    Euclidean distance and ``mu`` the mean of X. The points X are

    * ``distance_metric='euclidean'``: the rows of ``x``, or the L2-normalised rows if
      ``normalize``;
    * ``distance_metric='cosine'``: the L2-normalised rows of ``x`` (computed on the fly
      unless ``normalized`` declares the rows unit-norm already).

    ``mu = x_mean`` is used as given: pass the mean of the points (for ``'cosine'`` the mean
    of the normalised rows, which is not a unit vector). With ``proba`` the first term becomes
    ``1/2 * proba(x) / sum(proba)``. ``q`` is renormalised to sum to one, and ``n`` distinct
    rows are drawn with ``np.random.choice(arange(|X|), n, replace=False, p=q)`` (global NumPy
    RNG). If every point lies at ``mu`` (all distances zero), the second term is the uniform
    distribution.

    Parameters
    ----------
    x : array-like of shape (n_samples, n_features)
        The embeddings.
    x_mean : array-like of shape (n_features,)
        The mean ``mu`` of the points the distances are measured to.
    n : int
        Number of rows to draw (``0 <= n <= n_samples``).
    batch_size : int, default=100
        Accepted for compatibility; the distances are computed in internal row chunks.
    distance_metric : {'cosine', 'euclidean'}, default='cosine'
        Which points the rows stand for (see above); the distance is Euclidean in both cases.
    normalized : bool, default=False
        Declares the rows of ``x`` unit-norm, so that ``'cosine'`` uses them as they are.
    proba : array-like of shape (n_samples,), default=None
        Non-negative weights replacing the uniform term.
    normalize : bool, default=False
        Keyword-only. Use the L2-normalised rows as the points also for ``'euclidean'``,
        computing the normalisation on the fly instead of copying ``x``.

    Returns
    -------
    indices : np.ndarray of int64 and shape (n,)
        Distinct row positions, in draw order.

    Raises
    ------
    ValueError
        If the metric is unknown (checked first), ``n`` exceeds the number of rows, or the
        inputs have the wrong shape or contain NaN.

    Notes
    -----
    Bachem et al. draw the coreset with replacement and weight its points by
    ``1 / (m q(x))``; an active learner needs ``n`` distinct items, so they are drawn without
    replacement from the same ``q``, and no weights are returned.

    Differences from small-text 2.0: it drew ``n`` rows per batch of ``batch_size`` rows using
    batch-local positions, which returned ``n`` times the number of batches of wrong indices
    (or crashed) for more than ``batch_size`` rows; here ``q`` is computed over all rows and
    drawn from once, which is identical for at most ``batch_size`` rows. With ``'cosine'`` it
    used the angular distance to ``mu`` instead of the Euclidean distance between the
    normalised points and their mean, so ``q`` was not the paper's distribution.

    References
    ----------
    .. [BLK18] O. Bachem, M. Lucic, A. Krause. "Scalable k-Means Clustering via Lightweight
       Coresets." KDD 2018.
    """
    _check_distance_metric(distance_metric)
    x = np.asarray(x)
    if n > x.shape[0]:
        raise ValueError(f'n (n={n}) is greater the number of available samples '
                         f'(num_samples={x.shape[0]})')
    x = check_embeddings(x, name='x')
    x_mean = check_embeddings(np.reshape(x_mean, (1, -1)), name='x_mean').astype(x.dtype)
    if x_mean.shape[1] != x.shape[1]:
        raise ValueError(f'x_mean must have {x.shape[1]} entries (the columns of x), got '
                         f'{x_mean.shape[1]}')

    normalize_points = normalize or (distance_metric == 'cosine' and not normalized)
    q = _lightweight_coreset_distribution(x, x_mean, normalize_points, proba)
    return np.random.choice(np.arange(x.shape[0]), n, replace=False, p=q).astype(np.int64)


def _lightweight_coreset_distribution(x, x_mean, normalize, proba):
    """Return the sampling distribution ``q`` of :func:`lightweight_coreset` (sums to one):
    squared Euclidean distances of the rows (normalised on the fly if ``normalize``) to
    ``x_mean`` as given."""
    distances = np.empty(x.shape[0], dtype=np.float64)
    x_geometry = _geometry(x, normalize)
    mean_geometry = (np.ones(1, dtype=x.dtype) if normalize else None,
                     _geometry(x_mean, False)[1])
    for rows in row_chunks(x, _CHUNK_ELEMENTS * x.shape[1]):  # (rows, 1) distance blocks
        distances[rows] = _pairwise_distances(x[rows], _window(x_geometry, rows), x_mean,
                                              mean_geometry, False, 'euclidean')[:, 0]
    squared = distances ** 2
    total = squared.sum()
    distance_term = squared / total if total > 0 else np.full(x.shape[0], 1 / x.shape[0])
    q = 0.5 * _first_term(proba, x.shape[0]) + 0.5 * distance_term
    return q / q.sum()


def _first_term(proba, num_rows):
    if proba is None:
        return np.full(num_rows, 1 / num_rows)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape != (num_rows,) or not np.all(np.isfinite(proba)) or np.any(proba < 0) \
            or not proba.sum() > 0:
        raise ValueError(f'proba must hold {num_rows} non-negative weights (finite, one per '
                         f'row of x) with a positive sum, got shape {proba.shape}')
    return proba / proba.sum()


def _check_distance_metric(distance_metric):
    if distance_metric not in _DISTANCE_METRICS:
        raise ValueError(f'Invalid distance metric: {distance_metric}. '
                         f'Possible values: {_DISTANCE_METRICS}')


def _rows(x, indices):
    """Return ``x[indices]``, as a view if ``indices`` is a contiguous ascending range."""
    if indices.shape[0] > 0 and indices[-1] - indices[0] == indices.shape[0] - 1 \
            and np.all(np.diff(indices) == 1):
        return x[indices[0]:indices[-1] + 1]
    return x[indices]


def _geometry(rows, normalize):
    """Return ``(scale, sq_norms)`` for computing distances of ``rows`` from dot products.

    ``scale`` multiplies the dot products: the inverse row norms if the rows are normalised
    on the fly (``normalize``), else None. ``sq_norms`` are the squared norms of the (scaled)
    rows; zero rows stay zero.
    """
    sq_norms = np.empty(rows.shape[0], dtype=rows.dtype)
    for chunk in row_chunks(rows):
        np.einsum('ij,ij->i', rows[chunk], rows[chunk], out=sq_norms[chunk])
    if not normalize:
        return None, sq_norms
    nonzero = sq_norms > 0
    scale = np.zeros_like(sq_norms)
    scale[nonzero] = 1 / np.sqrt(sq_norms[nonzero])
    return scale, nonzero.astype(rows.dtype)


def _window(geometry, rows):
    scale, sq_norms = geometry
    return None if scale is None else scale[rows], sq_norms[rows]


def _lower_min_distances(min_distances, pool, pool_geometry, centers, center_geometry, unit,
                         distance_metric):
    """``min_distances = min(min_distances, min_c dist(pool, c))``, in pool-row chunks."""
    chunk_rows = max(1, _CHUNK_ELEMENTS // max(centers.shape[0], 1))
    for start in range(0, pool.shape[0], chunk_rows):
        rows = slice(start, start + chunk_rows)
        distances = _pairwise_distances(pool[rows], _window(pool_geometry, rows), centers,
                                        center_geometry, unit, distance_metric)
        # fmin ignores NaN distances, so a picked item (at -inf) is never picked again
        np.fmin(min_distances[rows], distances.min(axis=1), out=min_distances[rows])


def _pairwise_distances(a, a_geometry, c, c_geometry, unit, distance_metric):
    """Return the (len(a), len(c)) distances of the (scaled) rows ``a`` and ``c``; ``unit``
    says that the scaled rows have unit norm."""
    (a_scale, a_sq), (c_scale, c_sq) = a_geometry, c_geometry
    dot = a @ c.T
    if a_scale is not None:
        dot *= a_scale[:, np.newaxis]
        dot *= c_scale[np.newaxis, :]

    if distance_metric == 'euclidean':
        dot *= -2
        dot += a_sq[:, np.newaxis]
        dot += c_sq[np.newaxis, :]
        np.maximum(dot, 0, out=dot)
        return np.sqrt(dot, out=dot)

    if not unit:
        norms = np.sqrt(a_sq)[:, np.newaxis] * np.sqrt(c_sq)[np.newaxis, :]
        norms[norms == 0] = np.inf  # a zero vector has cosine similarity 0 to everything
        dot /= norms
    np.clip(dot, -1, 1, out=dot)
    np.arccos(dot, out=dot)
    dot /= np.pi
    return dot


class GreedyCoreset(EmbeddingBasedQueryStrategy):
    """Select a coreset of the embeddings by greedy k-center selection.

    The labeled samples are the initial centres; then, ``n`` times, the pool item farthest
    from all centres becomes a centre (see :func:`greedy_coreset`). Works for single- and
    multi-label data and with an empty labeled set.

    Parameters
    ----------
    distance_metric : {'cosine', 'euclidean'}, default='euclidean'
        See :mod:`small_text.query_strategies.coresets`.
    normalize : bool, default=True
        Measure distances between the L2-normalised embeddings. The normalisation is applied
        on the fly, so the embeddings are not copied.
    batch_size : int, default=100
        Bounds the memory of the distance computation; it does not change the selection.

    Raises
    ------
    ValueError
        If ``distance_metric`` is invalid (checked here and when ``query()`` starts), or, from
        ``query()``, if ``batch_size`` is not a positive integer.

    References
    ----------
    .. [1] O. Sener, S. Savarese. "Active Learning for Convolutional Neural Networks: A
       Core-Set Approach." ICLR 2018.
    """

    _PARAMETER_CHECKS = {'distance_metric': _params.one_of(*_DISTANCE_METRICS),
                         'batch_size': _params.positive_int}

    def __init__(self, distance_metric: str = 'euclidean', normalize: bool = True,
                 batch_size: int = 100):
        _check_distance_metric(distance_metric)  # as small-text 2.0 did
        self.distance_metric = distance_metric
        self.normalize = normalize
        self.batch_size = batch_size

    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        """Return ``n`` pool positions in farthest-first order (see
        :meth:`EmbeddingBasedQueryStrategy.sample`)."""
        return greedy_coreset(embeddings, indices_unlabeled, indices_labeled, n,
                              distance_metric=self.distance_metric,
                              normalized=self.normalize, normalize=self.normalize)

    def __str__(self):
        return (f'GreedyCoreset(distance_metric={self.distance_metric}, '
                f'normalize={self.normalize}, batch_size={self.batch_size})')


class LightweightCoreset(EmbeddingBasedQueryStrategy):
    """Sample the pool from the lightweight-coreset distribution [BLK18]_.

    Pool item x is drawn with probability
    ``q(x) = 1/2 * 1/|U| + 1/2 * d(x, mu)^2 / sum_x' d(x', mu)^2`` (Bachem et al.,
    Algorithm 1), where ``d`` is the Euclidean distance between the points that
    stand for the pool items and ``mu`` is the mean of those points:

    * ``distance_metric='cosine'`` (the default): the L2-normalised embeddings, whatever
      ``normalize`` says, so the distances follow the cosine similarities;
    * ``distance_metric='euclidean'``: the embeddings, or the L2-normalised embeddings if
      ``normalize``.

    ``n`` items are drawn without replacement from the global NumPy RNG (see
    :func:`lightweight_coreset`). Labeled samples are not used. Works for single- and
    multi-label data.

    Parameters
    ----------
    distance_metric : {'cosine', 'euclidean'}, default='cosine'
        Which points the distances are measured between (see above).
    normalize : bool, default=True
        With ``'euclidean'``: sample by the L2-normalised embeddings (normalised on the fly,
        without copying them). ``'cosine'`` always normalises.
    batch_size : int, default=100
        Accepted for compatibility; it does not change the selection.

    Raises
    ------
    ValueError
        If ``distance_metric`` is invalid (checked here and when ``query()`` starts), or, from
        ``query()``, if ``batch_size`` is not a positive integer.

    Notes
    -----
    The default metric stays small-text 2.0's ``'cosine'``; it now names the geometry of the
    normalised embeddings, in which Bachem et al.'s squared Euclidean distance to the mean is
    computed, instead of an angular distance. With the default ``normalize=True`` both metrics
    give the same distribution; ``LightweightCoreset('euclidean', normalize=False)`` samples
    by the raw embeddings.

    Remaining deviation from the paper: Bachem et al. draw the coreset with replacement and
    weight its points; an active learner needs ``n`` distinct items, so they are drawn
    without replacement from the same ``q``.

    Differences from small-text 2.0: it measured the angular distance
    ``arccos(cos(x, mu)) / pi`` to ``mu``, the mean of the raw embeddings normalised
    afterwards, so the distances were neither Euclidean nor measured to the mean of the
    vectors being compared. For the pool (2, 0), (4, 0), (0, 3) the paper's distribution on
    the normalised vectors is (1/4, 1/4, 1/2); small-text 2.0 gave (0.232, 0.232, 0.537).

    References
    ----------
    .. [BLK18] O. Bachem, M. Lucic, A. Krause. "Scalable k-Means Clustering via Lightweight
       Coresets." KDD 2018.
    """

    _PARAMETER_CHECKS = GreedyCoreset._PARAMETER_CHECKS

    def __init__(self, distance_metric: str = 'cosine', normalize: bool = True,
                 batch_size: int = 100):
        _check_distance_metric(distance_metric)  # as small-text 2.0 did
        self.distance_metric = distance_metric
        self.normalize = normalize
        self.batch_size = batch_size

    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        """Return ``n`` pool positions drawn from the lightweight-coreset distribution (see
        :meth:`EmbeddingBasedQueryStrategy.sample`)."""
        pool = _rows(embeddings, np.asarray(indices_unlabeled))
        normalize = self.normalize or self.distance_metric == 'cosine'
        return lightweight_coreset(pool, _mean(pool, normalize), n,
                                   batch_size=self.batch_size,
                                   distance_metric=self.distance_metric, normalize=normalize)

    def __str__(self):
        return (f'LightweightCoreset(distance_metric={self.distance_metric}, '
                f'normalize={self.normalize})')


def _mean(rows, normalize):
    """Return the mean of ``rows``, or of the L2-normalised rows (zero rows stay zero)."""
    if not normalize:
        return rows.mean(axis=0)
    scale, _ = _geometry(rows, True)
    return (scale @ rows) / rows.shape[0]
