"""Datasets and read-only views on them.

Single-label labels ``y`` are a 1-D int ndarray in which
:data:`~small_text.base.LABEL_UNLABELED` (-1) marks an unlabeled sample; multi-label labels are
a :class:`scipy.sparse.csr_matrix` indicator matrix of shape (n_samples, n_classes) in which an
unlabeled sample is an empty row.
"""
import copy
import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Sized
from typing import Generic

import numpy as np
from scipy.sparse import csr_matrix, issparse

from small_text.base import LABEL_UNLABELED
from small_text.data._typing import DATA, LABELS, VIEW
from small_text.data.exceptions import UnsupportedOperationException
from small_text.utils.data import list_length


def check_size(expected_num_samples, num_samples):
    """Raise if ``num_samples`` differs from ``expected_num_samples``.

    Raises
    ------
    ValueError
        If the two numbers differ.
    """
    if num_samples != expected_num_samples:
        raise ValueError(f'Size mismatch: expected {expected_num_samples} samples, '
                         f'encountered {num_samples} samples')


def check_dataset_and_labels(x, y):
    """Raise if ``x`` and ``y`` hold a different number of samples.

    Raises
    ------
    ValueError
        If ``list_length(x) != y.shape[0]``.
    """
    num_x, num_y = list_length(x), y.shape[0]
    if num_x != num_y:
        raise ValueError(f'Feature and label dimensions do not match: x has {num_x} samples, '
                         f'y has {num_y} samples. Pass exactly one label (row) per sample.')


def check_text_data(x):
    """Raise if an item of the list of texts ``x`` is None or not a str.

    Raises
    ------
    ValueError
        For the first item that is None or not a str.
    """
    position = next((i for i, text in enumerate(x) if not isinstance(text, str)), None)
    if position is None:
        return
    if x[position] is None:
        raise ValueError(f'instance #{position} is None which is not allowed.')
    raise ValueError(f'instance #{position} is of type {type(x[position]).__name__}, but every '
                     f'text must be a str.')


def check_target_labels(target_labels):
    """Warn (UserWarning) if ``target_labels`` is None; otherwise do nothing."""
    if target_labels is None:
        warnings.warn('Passing target_labels=None is discouraged as it can lead to '
                      'unintended results in combination with indexing and cloning. '
                      'Moreover, explicit target labels might be required in the '
                      'next major version.', UserWarning, stacklevel=2)


def get_updated_target_labels(is_multi_label, y, target_labels):
    """Return ``target_labels`` extended by the labels of ``y`` that it lacks.

    The set only grows and gaps are kept: [0, 1, 2] plus label 5 gives [0, 1, 2, 5].

    Parameters
    ----------
    is_multi_label : bool
        True if ``y`` is a csr indicator matrix.
    y : np.ndarray or csr_matrix
        Labels.
    target_labels : np.ndarray
        The current target labels.

    Returns
    -------
    target_labels : np.ndarray
        The sorted union if ``y`` holds new labels, else ``target_labels`` unchanged.
    """
    labels = np.unique(y.indices) if is_multi_label else np.unique(y)
    new_labels = np.setdiff1d(labels, np.append(target_labels, LABEL_UNLABELED))
    if new_labels.shape[0] > 0:
        return np.union1d(target_labels, new_labels)
    return target_labels


def is_multi_label(y):
    """Return True if ``y`` is a multi-label labeling, i.e. a :class:`csr_matrix`."""
    return isinstance(y, csr_matrix)


def select(dataset, selection):
    """Return the index that selects ``selection`` from ``dataset.x``.

    An int selection on dense data becomes ``np.s_[np.newaxis, selection]`` so that a single
    row stays 2-D; any other selection is returned unchanged.
    """
    return _row_index(dataset.x, selection)


def _row_index(x, selection):
    if isinstance(selection, (int, np.integer)) and not issparse(x):
        return np.s_[np.newaxis, selection]
    return selection


def _get_flattened_labels(y, multi_label=False):
    """Return all label ids of ``y`` as a 1-D array (unlabeled entries excluded)."""
    if multi_label:
        return y.indices
    return y[y > LABEL_UNLABELED]


def _infer_target_labels(x, y, multi_label=False):
    """Return ``arange(max_label + 1)``, or ``[0]`` if ``x`` is empty or ``y`` has no labels."""
    if list_length(x) == 0:
        return np.array([0])
    labels = _get_flattened_labels(y, multi_label=multi_label)
    if labels.shape[0] == 0:
        return np.array([0])
    return np.arange(np.max(labels) + 1)


def _check_labels(y):
    """Validate the labels ``y`` of a dataset and return them.

    Integer ndarrays and csr matrices are returned as they are. Float ndarrays whose values are
    all integers (e.g. ``np.array([])``) are converted to int64.

    Raises
    ------
    ValueError
        If ``y`` is neither a 1-D integer ndarray nor a csr matrix, if a single-label ``y``
        holds a label below -1 (``LABEL_UNLABELED``), or if a multi-label ``y`` holds a value
        other than 0 and 1.
    """
    expected = ('y must be a 1-D integer numpy array (single-label) or a '
                'scipy.sparse.csr_matrix (multi-label)')
    if isinstance(y, csr_matrix):
        return _check_indicator_values(y)
    if not isinstance(y, np.ndarray) or issparse(y):
        raise ValueError(f'{expected}, but got an object of type {type(y).__name__}.')
    if y.ndim != 1:
        raise ValueError(f'{expected}, but got an array of shape {y.shape}. '
                         f'Pass multi-label data as csr_matrix.')
    if y.dtype.kind == 'f' and np.all(np.isfinite(y)) and np.all(np.mod(y, 1) == 0):
        y = y.astype(np.int64)
    elif not np.issubdtype(y.dtype, np.integer):
        hint = ''
        if y.dtype.kind == 'f' and np.isneginf(y).any():
            hint = (' LABEL_IGNORED (-inf) only marks samples to ignore in '
                    'PoolBasedActiveLearner.update(); it is not a dataset label.')
        raise ValueError(f'{expected}, but got an array of dtype {y.dtype} whose values are not '
                         f'all integers.{hint}')
    if y.shape[0] > 0 and y.min() < LABEL_UNLABELED:
        position = int(np.argmin(y))
        raise ValueError(f'y must hold label ids >= 0, or {LABEL_UNLABELED} (LABEL_UNLABELED) '
                         f'for unlabeled samples, but holds {y[position]} at position '
                         f'{position}.')
    return y


def _check_indicator_values(y):
    """Return the csr label matrix ``y`` if every stored value is 0 or 1, else raise."""
    invalid = np.flatnonzero((y.data != 0) & (y.data != 1))
    if invalid.shape[0] > 0:
        position = invalid[0]
        row = int(np.searchsorted(y.indptr, position, side='right')) - 1
        raise ValueError(f'y (multi-label) must be a 0/1 indicator matrix with a 1 for each '
                         f'label of a sample, but holds the value {y.data[position]} in row '
                         f'{row}, column {y.indices[position]}.')
    return y


def _check_target_label_values(target_labels):
    """Validate explicitly given target labels and return them as an int ndarray.

    An int ndarray is returned as it is; lists and integral float arrays are converted.

    Raises
    ------
    ValueError
        If ``target_labels`` is not a non-empty 1-D array of distinct non-negative integers.
    """
    expected = 'target_labels must be a non-empty 1-D array of distinct label ids >= 0'
    array = np.asarray(target_labels) if not isinstance(target_labels, np.ndarray) \
        else target_labels
    if array.ndim != 1 or array.shape[0] == 0:
        raise ValueError(f'{expected}, but got {type(target_labels).__name__} of shape '
                         f'{array.shape}.')
    if array.dtype.kind == 'f' and np.all(np.isfinite(array)) and np.all(np.mod(array, 1) == 0):
        array = array.astype(np.int64)
    elif array.dtype.kind not in 'iu':
        raise ValueError(f'{expected}, but got an array of dtype {array.dtype}.')
    if array.min() < 0:
        raise ValueError(f'{expected}, but got {array.min()}. {LABEL_UNLABELED} '
                         f'(LABEL_UNLABELED) marks unlabeled samples and is not a target label.')
    unique, counts = np.unique(array, return_counts=True)
    if unique.shape[0] != array.shape[0]:
        raise ValueError(f'{expected}, but the label ids {unique[counts > 1].tolist()} occur '
                         f'more than once.')
    return array


def _labels_outside(y, multi_label, target_labels):
    """Return the sorted label ids that occur in ``y`` but not in ``target_labels``."""
    return np.setdiff1d(_get_flattened_labels(y, multi_label=multi_label), target_labels)


def _check_features(x):
    """Return ``x`` if it is a 2-D numeric ndarray or a csr matrix, else raise a ValueError."""
    expected = ('x must be a 2-D numpy array or a scipy.sparse.csr_matrix of shape '
                '(n_samples, n_features)')
    if isinstance(x, csr_matrix):
        return x
    if issparse(x):
        raise ValueError(f'{expected}, but got a {type(x).__name__}; convert it with '
                         f'scipy.sparse.csr_matrix(x).')
    if not isinstance(x, np.ndarray):
        raise ValueError(f'{expected}, but got an object of type {type(x).__name__}.')
    if x.ndim != 2:
        raise ValueError(f'{expected}, but got an array of shape {x.shape}. A single feature '
                         f'per sample is a column: x.reshape(-1, 1).')
    if x.dtype.kind not in 'biuf':
        raise ValueError(f'{expected} holding numbers, but got an array of dtype {x.dtype}. '
                         f'Vectorise texts first, e.g. with SklearnDataset.from_arrays().')
    return x


def _check_texts(x):
    """Return the texts ``x`` as a list (a 1-D ndarray is converted with ``tolist()``), or
    raise a ValueError if ``x`` is not a list of str."""
    if isinstance(x, np.ndarray) and x.ndim == 1:
        x = x.tolist()
    elif not isinstance(x, list):
        hint = ' A single str would be read as one text per character; wrap it in a list.' \
            if isinstance(x, str) else ' Convert it with list(x).'
        raise ValueError(f'x must be a list of str (or a 1-D numpy array of str), but got an '
                         f'object of type {type(x).__name__}.{hint}')
    check_text_data(x)
    return x


def _check_label_type_unchanged(multi_label, y):
    if is_multi_label(y) != multi_label:
        kind = 'a csr_matrix (multi-label)' if multi_label else 'an integer array (single-label)'
        raise ValueError(f'y must be {kind} like the labels this dataset was created with. '
                         f'Create a new dataset to change between single- and multi-label.')


class Dataset(Sized, Generic[VIEW, DATA, LABELS], metaclass=ABCMeta):
    """Abstract base class of all datasets."""

    @property
    @abstractmethod
    def x(self):
        """The features."""

    @x.setter
    @abstractmethod
    def x(self, x):
        pass

    @property
    @abstractmethod
    def y(self):
        """The labels: an int ndarray (single-label) or a csr_matrix (multi-label)."""

    @y.setter
    @abstractmethod
    def y(self, y):
        pass

    @property
    @abstractmethod
    def is_multi_label(self):
        """True if the labels are multi-label (a csr_matrix)."""

    @property
    @abstractmethod
    def target_labels(self):
        """The int ndarray of possible label ids."""

    @target_labels.setter
    @abstractmethod
    def target_labels(self, target_labels):
        pass

    @abstractmethod
    def clone(self):
        """Return a deep copy as a new (non-view) dataset."""

    @abstractmethod
    def __getitem__(self, item):
        """Return a view on the selected samples."""

    @abstractmethod
    def __len__(self):
        """Return the number of samples."""


class DatasetView(Dataset):
    """Abstract base class of read-only views on a dataset."""

    @property
    @abstractmethod
    def dataset(self):
        """The parent, a :class:`Dataset` or :class:`DatasetView`."""


class _LabeledDataset(Dataset):
    """Label and target-label handling shared by :class:`SklearnDataset` and
    :class:`TextDataset`. Subclasses validate and store ``x``, then call ``_init_labels``."""

    def _init_labels(self, y, target_labels):
        check_target_labels(target_labels)
        multi_label = is_multi_label(y)
        if target_labels is not None:
            target_labels = _check_target_label_values(target_labels)
            outside = _labels_outside(y, multi_label, target_labels)
            if outside.shape[0] > 0:
                raise ValueError(f'y holds the label ids {outside.tolist()}, which are not in '
                                 f'target_labels {target_labels.tolist()}. Add them to '
                                 f'target_labels (or pass target_labels=None to infer the '
                                 f'target labels from y).')
        self._y = y
        self.multi_label = multi_label
        if target_labels is None:
            self.track_target_labels = True
            self._target_labels = _infer_target_labels(self._x, y, multi_label=self.multi_label)
        else:
            self.track_target_labels = False
            self._target_labels = target_labels

    @property
    def y(self):
        return self._y

    @y.setter
    def y(self, y):
        y = _check_labels(y)
        _check_label_type_unchanged(self.multi_label, y)
        if self.track_target_labels:
            new_target_labels = get_updated_target_labels(self.multi_label, y,
                                                          self._target_labels)
        check_dataset_and_labels(self._x, y)
        if not self.track_target_labels:
            outside = _labels_outside(y, self.multi_label, self._target_labels)
            if outside.shape[0] > 0:
                raise ValueError(f'Error while assigning new labels to dataset: Encountered '
                                 f'label with id {outside[0]} which is outside of the '
                                 f'configured set of target labels '
                                 f'{self._target_labels.tolist()} [track_target_labels=False]')
        self._y = y
        if self.track_target_labels:
            self.target_labels = new_target_labels

    @property
    def is_multi_label(self):
        return self.multi_label

    @property
    def target_labels(self):
        return self._target_labels

    @target_labels.setter
    def target_labels(self, target_labels):
        target_labels = _check_target_label_values(target_labels)
        if _labels_outside(self._y, self.multi_label, target_labels).shape[0] > 0:
            raise ValueError('Cannot remove existing labels from target_labels as long as they '
                             'still exists in the data. Create a new dataset instead.')
        self._target_labels = target_labels

    @staticmethod
    @abstractmethod
    def _copy_x(x):
        """Return a copy of features of this dataset type."""

    def clone(self):
        target_labels = None if self.track_target_labels else np.copy(self._target_labels)
        dataset = type(self)(self._copy_x(self._x), self._y.copy(), target_labels=target_labels)
        dataset.track_target_labels = self.track_target_labels
        return dataset


class SklearnDataset(_LabeledDataset):
    """A dataset of vectorised features for scikit-learn estimators.

    Parameters
    ----------
    x : np.ndarray or csr_matrix
        Numeric features of shape (n_samples, n_features). Stored by reference.
    y : np.ndarray or csr_matrix
        Single-label: a 1-D int array of label ids >= 0, where -1 (``LABEL_UNLABELED``)
        marks an unlabeled sample. Multi-label: a 0/1 csr indicator matrix of shape
        (n_samples, n_classes), where an empty row marks an unlabeled sample. Stored by
        reference.
    target_labels : np.ndarray or None, default=None
        The possible label ids: distinct integers >= 0 that include every label of ``y``.
        If None (discouraged, warns), they are inferred from ``y`` and extended whenever new
        labels are assigned (``track_target_labels=True``).

    Attributes
    ----------
    multi_label : bool
        True if ``y`` is a csr matrix.
    track_target_labels : bool
        True if the target labels are inferred and updated from ``y``.

    Raises
    ------
    ValueError
        If ``x`` is not a 2-D numeric ndarray or csr matrix, if ``y`` is not an int ndarray
        of labels >= -1 or a 0/1 csr matrix, if ``x`` and ``y`` differ in length, or if
        ``target_labels`` holds duplicates or negative ids or misses a label of ``y``. The
        setters of ``x``, ``y`` and ``target_labels`` raise on the same conditions.

    Notes
    -----
    Differences from small-text 2.0: the arguments are validated as described above
    (small-text 2.0 accepts e.g. a 1-D ``x``, negative labels and labels outside
    ``target_labels``). Assigning ``y`` with ``track_target_labels=False`` raises for any
    label id that is not a target label, also for multi-label data, and leaves the dataset
    unchanged; small-text 2.0 compares only the largest id (for csr matrices the largest
    stored value, so it never raises there) and has already replaced ``y`` when it raises.
    """

    def __init__(self, x, y, target_labels=None):
        x = _check_features(x)
        y = _check_labels(y)
        check_dataset_and_labels(x, y)
        self._x = x
        self._init_labels(y, target_labels)

    @property
    def x(self):
        """The features, (n_samples, n_features) ndarray or csr_matrix."""
        return self._x

    @x.setter
    def x(self, x):
        x = _check_features(x)
        check_dataset_and_labels(x, self._y)
        self._x = x

    @staticmethod
    def _copy_x(x):
        return x.copy()

    @classmethod
    def from_arrays(cls, texts, y, vectorizer, target_labels=None, train=True):
        """Vectorise ``texts`` and build a dataset.

        Parameters
        ----------
        texts : list of str or np.ndarray of str
            The texts.
        y : np.ndarray or csr_matrix
            The labels.
        vectorizer : object
            A scikit-learn style vectorizer, e.g. ``TfidfVectorizer``.
        target_labels : np.ndarray or None, default=None
            The possible label ids.
        train : bool, default=True
            If True, ``vectorizer.fit_transform(texts)`` is used, else
            ``vectorizer.transform(texts)``.

        Returns
        -------
        dataset : SklearnDataset
        """
        x = vectorizer.fit_transform(texts) if train else vectorizer.transform(texts)
        return cls(x, y, target_labels=target_labels)

    def __getitem__(self, item):
        return SklearnDatasetView(self, item)

    def __len__(self):
        return self._x.shape[0]


class TextDataset(_LabeledDataset):
    """A dataset of raw texts.

    Parameters
    ----------
    x : list of str
        The texts. A 1-D ndarray is converted with ``tolist()``.
    y : np.ndarray or csr_matrix
        Labels as for :class:`SklearnDataset`.
    target_labels : np.ndarray or None, default=None
        The possible label ids, as for :class:`SklearnDataset`.

    Raises
    ------
    ValueError
        If ``x`` is not a list of str (a single str is refused rather than read as one text
        per character), if a text is None or not a str, or on the label conditions of
        :class:`SklearnDataset`. The setters raise on the same conditions.

    Notes
    -----
    Differences from small-text 2.0: version 2.0 accepts any sequence as ``x`` (so
    ``TextDataset('hello', y)`` holds five one-character texts) and texts of any type; labels
    are validated as described in :class:`SklearnDataset`.
    """

    def __init__(self, x, y, target_labels=None):
        x = _check_texts(x)
        y = _check_labels(y)
        check_dataset_and_labels(x, y)
        self._x = x
        self._init_labels(y, target_labels)

    @property
    def x(self):
        """The texts, a list of str."""
        return self._x

    @x.setter
    def x(self, x):
        x = _check_texts(x)
        check_dataset_and_labels(x, self._y)
        self._x = x

    @staticmethod
    def _copy_x(x):
        return copy.copy(x)

    @classmethod
    def from_arrays(cls, texts, y, target_labels=None):
        """Return ``TextDataset(texts, y, target_labels)``."""
        return cls(texts, y, target_labels)

    def __getitem__(self, item):
        return TextDatasetView(self, item)

    def __len__(self):
        return len(self._x)


class _SelectionView(DatasetView):
    """A read-only view defined by a ``selection`` of its parent: stores the parent and the
    selection, delegates ``is_multi_label`` and ``target_labels`` to the parent, and nests
    (indexing a view returns a view of the same class on it). Shared by the views of the core
    datasets and of the integrations."""

    def __init__(self, dataset, selection):
        self.obj_class = type(self)
        self._dataset = dataset
        self.selection = selection

    @property
    def dataset(self):
        """The parent dataset or view."""
        return self._dataset

    @property
    def is_multi_label(self):
        return self._dataset.is_multi_label

    @property
    def target_labels(self):
        """The target labels of the parent."""
        return self._dataset.target_labels

    @target_labels.setter
    def target_labels(self, target_labels):
        raise UnsupportedOperationException('Cannot set target_labels on a DatasetView')

    def __getitem__(self, item):
        return self.obj_class(self, item)


class _LabeledDatasetView(_SelectionView):
    """Behaviour shared by :class:`SklearnDatasetView` and :class:`TextDatasetView`.

    ``selection`` may be an int, a slice, a list of ints or bools, an int ndarray or a boolean
    ndarray mask; it is relative to the parent, so views nest.
    """

    _dataset_class = None
    """The dataset class that :meth:`clone` returns."""

    @property
    def x(self):
        """The selected features (a new object; views are read-only)."""
        return self._select_x(self._dataset.x)

    @x.setter
    def x(self, x):
        raise UnsupportedOperationException('Cannot set x on a DatasetView')

    @abstractmethod
    def _select_x(self, x):
        """Return the selected part of the parent's features ``x``."""

    @property
    def y(self):
        """The selected labels; single-label results are at least 1-D."""
        y = self._dataset.y[self.selection]
        return y if self.is_multi_label else np.atleast_1d(y)

    @y.setter
    def y(self, y):
        raise UnsupportedOperationException('Cannot set y on a DatasetView')

    def _selected_positions(self, num_parent_samples):
        return np.atleast_1d(np.arange(num_parent_samples)[self.selection])

    def clone(self):
        """Return a new dataset holding copies of the selected samples.

        If the root dataset tracks its target labels, the clone's target labels are
        re-inferred from the selected labels (and may be fewer than the root's); otherwise
        they are a copy of the root's.
        """
        root = self._dataset
        while isinstance(root, DatasetView):
            root = root.dataset
        target_labels = None if root.track_target_labels else np.copy(root.target_labels)
        dataset_class = self._dataset_class
        return dataset_class(dataset_class._copy_x(self.x), self.y.copy(),
                             target_labels=target_labels)

    def __len__(self):
        return self._selected_positions(len(self._dataset)).shape[0]


class SklearnDatasetView(_LabeledDatasetView):
    """A read-only view on a :class:`SklearnDataset` (or on another view of one).

    Parameters
    ----------
    dataset : SklearnDataset or SklearnDatasetView
        The parent.
    selection : int, slice, list, np.ndarray of int or np.ndarray of bool
        The selected samples, relative to the parent. An int gives a single-row view whose
        ``x`` is 2-D and whose ``y`` is 1-D.
    """

    _dataset_class = SklearnDataset

    def _select_x(self, x):
        return x[_row_index(x, self.selection)]


class TextDatasetView(_LabeledDatasetView):
    """A read-only view on a :class:`TextDataset` (or on another view of one).

    Parameters
    ----------
    dataset : TextDataset or TextDatasetView
        The parent.
    selection : int, slice, list, np.ndarray of int or np.ndarray of bool
        The selected samples, relative to the parent.

    Notes
    -----
    A boolean ndarray mask selects like a list of bools. (small-text 2.0 iterates over an
    ndarray selection directly, so a boolean mask raises a TypeError there.)
    """

    _dataset_class = TextDataset

    def _select_x(self, x):
        return [x[i] for i in self._selected_positions(len(x))]
