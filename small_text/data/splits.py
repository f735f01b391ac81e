"""Splitting a training set into a training and a validation part."""
import numpy as np

from small_text.data.sampling import balanced_sampling, stratified_sampling

_SAMPLING_STRATEGIES = ('balanced', 'stratified')


def split_data(train_set, y=None, strategy='random', validation_set_size=0.1,
               return_indices=False):
    """Split ``train_set`` into a training and a validation part.

    Parameters
    ----------
    train_set : Dataset
        The dataset to split.
    y : np.ndarray or None, default=None
        Labels used by the ``'balanced'`` and ``'stratified'`` strategies (required there).
    strategy : {'random', 'balanced', 'stratified'}, default='random'
        ``'random'``: a random permutation; the first part becomes the training set.
        ``'balanced'`` / ``'stratified'``: the validation set is drawn with
        :func:`~small_text.data.sampling.balanced_sampling` /
        :func:`~small_text.data.sampling.stratified_sampling`; all other indices (ascending)
        form the training set.
    validation_set_size : float, default=0.1
        Fraction of samples in the validation set, within (0.0, 1.0).
    return_indices : bool, default=False
        If True, return index arrays instead of views.

    Returns
    -------
    train, valid : (np.ndarray, np.ndarray) or (DatasetView, DatasetView)
        The training and validation indices, or the corresponding views of ``train_set``.

    Raises
    ------
    ValueError
        If ``validation_set_size`` is outside (0.0, 1.0), if ``train_set`` is empty, if the
        strategy is unknown, or if ``y`` is missing for a strategy that needs it.
    """
    if not 0.0 < validation_set_size < 1.0:
        raise ValueError('Invalid value encountered for "validation_set_size". '
                         'Must be within the interval (0.0, 1.0).')
    if strategy != 'random' and strategy not in _SAMPLING_STRATEGIES:
        raise ValueError('Invalid strategy: ' + str(strategy))
    num_samples = len(train_set)
    if num_samples == 0:
        raise ValueError('Cannot split an empty train_set: it must contain at least one '
                         'sample.')

    train_len = int(num_samples * (1 - validation_set_size))
    if strategy == 'random':
        indices = np.random.permutation(num_samples)
        indices_train, indices_valid = indices[:train_len], indices[train_len:]
    else:
        if y is None:
            raise ValueError(f'y is required for strategy={strategy!r}: pass the labels of '
                             f'train_set.')
        sampling = balanced_sampling if strategy == 'balanced' else stratified_sampling
        indices_valid = sampling(y, n_samples=num_samples - train_len)
        is_train = np.ones(num_samples, dtype=bool)
        is_train[indices_valid] = False
        indices_train = np.flatnonzero(is_train)

    if return_indices:
        return indices_train, indices_valid
    return train_set[indices_train], train_set[indices_valid]


def get_splits(train_set, validation_set, weights=None, multi_label=False,
               validation_set_size=0.1):
    """Return the training and validation sets, splitting ``train_set`` if necessary.

    Parameters
    ----------
    train_set : Dataset
        The training data.
    validation_set : Dataset or None
        A validation set; if None, one is split off ``train_set`` (stratified for
        single-label, random for multi-label data).
    weights : np.ndarray or None, default=None
        Sample weights of ``train_set``; if given, the weights of the returned training set are
        appended to the result.
    multi_label : bool, default=False
        True if ``train_set`` is multi-label.
    validation_set_size : float, default=0.1
        Fraction of ``train_set`` used for validation when it is split.

    Returns
    -------
    train_set, validation_set[, weights] : tuple
        When a split is made, ``weights`` are subset to the training part (small-text 2.0
        returns the unsubsetted, misaligned weights).
    """
    if validation_set is not None:
        result = (train_set, validation_set)
        indices_train = np.arange(len(train_set))
    else:
        if multi_label:
            indices_train, indices_valid = split_data(
                train_set, y=train_set.y.indices, strategy='random',
                validation_set_size=validation_set_size, return_indices=True)
        else:
            indices_train, indices_valid = split_data(
                train_set, y=train_set.y, strategy='stratified',
                validation_set_size=validation_set_size, return_indices=True)
        result = (train_set[indices_train], train_set[indices_valid])

    if weights is not None:
        return result + (weights[indices_train],)
    return result
