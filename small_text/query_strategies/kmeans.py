"""Selection by k-means clustering of embeddings (the math of
:class:`~small_text.query_strategies.strategies.EmbeddingKMeans`)."""
import numpy as np
from sklearn.cluster import KMeans, MiniBatchKMeans

from small_text.query_strategies._embeddings import check_embeddings, normalize_rows, row_chunks


def embedding_kmeans(embeddings, n, normalize=True, *, mini_batch=False):
    """Cluster the rows of ``embeddings`` into ``n`` clusters and return the row nearest to each
    centre.

    1. If ``normalize``, the rows are scaled to unit L2 norm.
    2. :class:`sklearn.cluster.KMeans` with ``n_clusters=n`` and the library defaults
       (k-means++ initialisation, ``n_init='auto'``, the global NumPy RNG) is fitted; with
       ``mini_batch=True``, :class:`sklearn.cluster.MiniBatchKMeans` instead.
    3. For each centre, in label order, the row with the maximal cosine similarity to the
       centre is picked (the first row on ties).
    4. If two centres picked the same row, the picks are redone sequentially: centre j takes
       its most similar row among those not taken by centres ``0..j-1``.

    Similarities are computed in row chunks, so the extra memory is independent of the
    number of rows.

    Parameters
    ----------
    embeddings : array-like of shape (n_samples, n_features)
        The embeddings to select from (float32 input stays float32).
    n : int
        Number of clusters, i.e. rows to select (``1 <= n <= n_samples``).
    normalize : bool, default=True
        L2-normalise the rows before clustering.
    mini_batch : bool, default=False
        Keyword-only. Fit :class:`sklearn.cluster.MiniBatchKMeans` (library defaults, global
        NumPy RNG) instead of the exact Lloyd iterations of ``KMeans``. This is an
        approximation: the centres, and hence the picks, differ from ``KMeans``. Lloyd's
        algorithm may need hundreds of iterations on large pools without cluster structure
        (about 30 s for 100,000 x 384 on two cores), mini-batch k-means about a second.

    Returns
    -------
    indices : np.ndarray of int64 and shape (n,)
        Distinct row positions, the i-th one nearest to the i-th cluster centre.

    Raises
    ------
    ValueError
        If ``embeddings`` is not 2-D or contains NaN, or ``n`` is out of range.

    References
    ----------
    .. [1] M. Yuan, H.-T. Lin, J. Boyd-Graber. "Cold-start Active Learning through
       Self-supervised Language Modeling." EMNLP 2020.

    Examples
    --------
    Two clusters of three directions each; the middle row of each is nearest to its centre.

    >>> import numpy as np
    >>> x = np.array([[1, 0.1], [1, 0], [1, -0.1], [0.1, 1], [0, 1], [-0.1, 1]])
    >>> np.random.seed(0)
    >>> sorted(embedding_kmeans(x, 2).tolist())
    [1, 4]
    """
    embeddings = check_embeddings(embeddings)
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, (int, np.integer)) \
            or not 1 <= n <= embeddings.shape[0]:
        raise ValueError(f'n must be an integer in [1, {embeddings.shape[0]}] (the number of '
                         f'rows), got n={n!r}')
    if normalize:
        embeddings = normalize_rows(embeddings)

    kmeans = MiniBatchKMeans(n_clusters=n, n_init='auto') if mini_batch else KMeans(n_clusters=n)
    centers = kmeans.fit(embeddings).cluster_centers_.astype(embeddings.dtype)
    return _nearest_distinct_rows(embeddings, centers, rows_normalized=normalize)


def _nearest_distinct_rows(x, centers, rows_normalized):
    """For each centre in order, return the row of ``x`` with maximal cosine similarity,
    never returning a row twice (see :func:`embedding_kmeans`, steps 3 and 4)."""
    centers = normalize_rows(centers)
    row_norms = None if rows_normalized else _row_norms(x)

    best = np.full(centers.shape[0], -np.inf)
    picks = np.zeros(centers.shape[0], dtype=np.int64)
    for rows in row_chunks(x):
        similarity = _cosine_similarity(x[rows], centers, row_norms, rows)
        chunk_best = similarity.argmax(axis=0)
        chunk_values = similarity[chunk_best, np.arange(centers.shape[0])]
        improved = chunk_values > best  # strict: earlier rows win ties
        best[improved] = chunk_values[improved]
        picks[improved] = chunk_best[improved] + rows.start

    if np.unique(picks).shape[0] == picks.shape[0]:
        return picks

    taken = np.zeros(x.shape[0], dtype=bool)
    for j in range(centers.shape[0]):
        if taken[picks[j]]:
            similarity = _cosine_similarity(x, centers[j:j + 1], row_norms, slice(None))[:, 0]
            similarity[taken] = -np.inf
            picks[j] = similarity.argmax()
        taken[picks[j]] = True
    return picks


def _cosine_similarity(x_rows, unit_centers, row_norms, rows):
    """Cosine similarity of ``x_rows`` to the unit-norm ``unit_centers``; ``row_norms`` is None
    if the rows are already normalised."""
    similarity = x_rows @ unit_centers.T
    if row_norms is not None:
        similarity /= row_norms[rows, np.newaxis]
    return similarity


def _row_norms(x):
    norms = np.empty(x.shape[0], dtype=x.dtype)
    for rows in row_chunks(x):
        norms[rows] = np.linalg.norm(x[rows], axis=1)
    norms[norms == 0] = 1
    return norms
