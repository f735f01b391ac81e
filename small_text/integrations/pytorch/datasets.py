"""Datasets of token-id tensors for the PyTorch integration.

A :class:`PytorchTextClassificationDataset` holds one ``(token_ids, label)`` tuple per text:
``token_ids`` is a 1-d integer tensor of any length (no padding is stored; batches are padded
when they are built), the label is an int (single-label; -1 or None means unlabeled) or a list
of label ids (multi-label; an empty list means unlabeled).
"""
from abc import abstractmethod

import numpy as np
from scipy.sparse import csr_matrix

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.base import LABEL_UNLABELED
from small_text.data.datasets import (
    Dataset,
    _check_labels,
    _check_target_label_values,
    _labels_outside,
    _SelectionView,
    check_size,
    check_target_labels,
    get_updated_target_labels,
)
from small_text.data.exceptions import UnsupportedOperationException
from small_text.integrations.pytorch.vocabulary import RegexTokenizer
from small_text.utils.labels import csr_to_list, list_to_csr


class PytorchDataset(Dataset):
    """Abstract base class of datasets whose data are PyTorch tensors."""

    @abstractmethod
    def to(self, other, non_blocking=False, copy=False):
        """Move the tensors with :meth:`torch.Tensor.to`.

        Parameters
        ----------
        other : str or torch.device or torch.dtype or torch.Tensor
            The first argument of :meth:`torch.Tensor.to`.
        non_blocking : bool, default=False
            Passed to :meth:`torch.Tensor.to`.
        copy : bool, default=False
            If True, return a new dataset (with copied tensors and labels and the same
            ``multi_label``) and leave this one unchanged; otherwise move the tensors of this
            dataset and return it.

        Returns
        -------
        dataset : PytorchDataset
        """


class PytorchDatasetView(_SelectionView):
    """A read-only view on a :class:`PytorchDataset` (or on another view of one).

    Parameters
    ----------
    dataset : PytorchDataset or PytorchDatasetView
        The parent.
    selection : int, slice, list of int or bool, np.ndarray of int or bool
        The selected items, relative to the parent. An int selects a single item (a view of
        length 1).

    Attributes
    ----------
    obj_class : type
        The class of the views returned by indexing this view.
    selection : object
        The given selection.
    """

    def _positions(self):
        """The selected positions of the parent as a 1-d int array."""
        return np.atleast_1d(np.arange(len(self._dataset))[self.selection])

    @property
    def data(self):
        """A list of the selected items (tuples)."""
        parent_data = self._dataset.data
        return [parent_data[i] for i in self._positions()]

    @property
    def x(self):
        """A list of the selected token-id tensors. Views are read-only."""
        parent_x = self._dataset.x
        return [parent_x[i] for i in self._positions()]

    @x.setter
    def x(self, x):
        raise UnsupportedOperationException('Cannot set x on a DatasetView')

    @property
    def y(self):
        """The selected labels: an int ndarray, or a csr matrix for multi-label data."""
        return self._dataset.y[self._positions()]

    @y.setter
    def y(self, y):
        raise UnsupportedOperationException('Cannot set y on a DatasetView')

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return self._positions().shape[0]


class _TupleDatasetMixin:
    """Data and label handling of the datasets that store one tuple per text, with the
    token ids at ``INDEX_TEXT``, the label at ``INDEX_LABEL`` and any tensors in between.

    Subclasses provide ``_checked_data(data)``, which validates a list of items and returns
    it, and ``_multi_labels(y)``, the label of every row of a csr matrix as it is stored.
    """

    def _init_data(self, data, multi_label, target_labels):
        self._data = self._checked_data(data)
        self.multi_label = multi_label
        check_target_labels(target_labels)
        if target_labels is None:
            self.track_target_labels = True
            labels = self._flattened_labels()
            self._target_labels = (np.arange(labels.max() + 1) if labels.shape[0] > 0
                                   else np.array([0]))
        else:
            self.track_target_labels = False
            self._target_labels = _check_target_label_values(target_labels)
            outside = np.setdiff1d(self._flattened_labels(), self._target_labels)
            if outside.shape[0] > 0:
                raise ValueError(f'The data holds the labels {outside.tolist()}, which are not '
                                 f'in target_labels {self._target_labels.tolist()}. Add them '
                                 f'to target_labels (or pass target_labels=None to infer them).')
        labels = self._flattened_labels() if self.multi_label else self.y
        if labels.shape[0] > 0 and labels.min() < (0 if self.multi_label else LABEL_UNLABELED):
            raise ValueError(f'Labels must be ids >= 0 (None or {LABEL_UNLABELED} marks an '
                             f'unlabeled item), but the data holds {labels.min()}.')

    @property
    def data(self):
        """The underlying list of tuples."""
        return self._data

    @property
    def x(self):
        """A list of the token-id tensors. The setter replaces them position-wise and keeps
        the other tuple elements (e.g. attention masks, whose shape a new tensor must have)."""
        return [item[self.INDEX_TEXT] for item in self._data]

    @x.setter
    def x(self, x):
        x = list(x)
        check_size(len(self._data), len(x))
        self._data = self._checked_data([(tensor,) + tuple(item[self.INDEX_TEXT + 1:])
                                         for tensor, item in zip(x, self._data)])

    @property
    def y(self):
        """The labels.

        Single-label: an int64 array of shape (N,), where unlabeled items are -1.
        Multi-label: an int64 csr indicator matrix of shape (N, K) with
        ``K = max(max(target_labels), max label) + 1``.
        """
        if self.multi_label:
            labels = self._flattened_labels()
            num_columns = int(max(np.max(self._target_labels),
                                  labels.max() if labels.shape[0] > 0 else -1)) + 1
            return list_to_csr(self._label_lists(), shape=(len(self._data), num_columns))
        return np.fromiter((LABEL_UNLABELED if item[self.INDEX_LABEL] is None
                            else item[self.INDEX_LABEL] for item in self._data),
                           dtype=np.int64, count=len(self._data))

    @y.setter
    def y(self, y):
        self._check_new_labels(y)
        if self.track_target_labels:
            new_target_labels = get_updated_target_labels(self.multi_label, y,
                                                          self._target_labels)
        labels = self._multi_labels(y) if self.multi_label else np.asarray(y).tolist()
        self._data = [item[:self.INDEX_LABEL] + (label,) + tuple(item[self.INDEX_LABEL + 1:])
                      for item, label in zip(self._data, labels)]
        if self.track_target_labels:
            # the union with the new labels: holds every label of the data by construction
            self._target_labels = new_target_labels

    def _check_new_labels(self, y):
        if self.multi_label and not isinstance(y, csr_matrix):
            raise ValueError(f'This dataset is multi-label: y must be a csr_matrix, got '
                             f'{type(y).__name__}.')
        if not self.multi_label and (not isinstance(y, np.ndarray) or y.ndim != 1
                                     or not np.issubdtype(y.dtype, np.integer)):
            raise ValueError('This dataset is single-label: y must be a 1-d integer ndarray.')
        check_size(len(self._data), y.shape[0])
        _check_labels(y)
        if not self.track_target_labels:
            labels = y.indices if self.multi_label else y[y > LABEL_UNLABELED]
            if labels.shape[0] > 0 and labels.max() > np.max(self._target_labels):
                raise ValueError(f'Error while assigning new labels to dataset: Encountered '
                                 f'label with id {labels.max()} which is outside of the '
                                 f'configured set of target labels (largest id: '
                                 f'{np.max(self._target_labels)}) [track_target_labels=False]')
            outside = _labels_outside(y, self.multi_label, self._target_labels)
            if outside.shape[0] > 0:
                raise ValueError(f'Error while assigning new labels to dataset: the labels '
                                 f'{outside.tolist()} are not in the configured target labels '
                                 f'{self._target_labels.tolist()} [track_target_labels=False]')

    @property
    def is_multi_label(self):
        return self.multi_label

    @property
    def target_labels(self):
        """The int ndarray of possible label ids."""
        return self._target_labels

    @target_labels.setter
    def target_labels(self, target_labels):
        target_labels = np.asarray(target_labels)
        missing = np.setdiff1d(np.unique(self._flattened_labels()), target_labels)
        if missing.shape[0] > 0:
            raise ValueError(f'Cannot remove existing labels from target_labels as long as they '
                             f'still exists in the data (missing: {missing.tolist()}). Create a '
                             f'new dataset instead.')
        self._target_labels = target_labels

    def _label_lists(self):
        """The label ids of every item (multi-label only); None counts as empty."""
        return [[] if item[self.INDEX_LABEL] is None else item[self.INDEX_LABEL]
                for item in self._data]

    def _flattened_labels(self):
        """All label ids of the data as an int64 array, unlabeled entries excluded."""
        if self.multi_label:
            label_lists = self._label_lists()
            return np.fromiter((label for labels in label_lists for label in labels),
                               dtype=np.int64, count=sum(len(labels) for labels in label_lists))
        y = self.y
        return y[y > LABEL_UNLABELED]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)


class PytorchTextClassificationDataset(_TupleDatasetMixin, PytorchDataset):
    """A dataset of token-id tensors and labels for text classification.

    Parameters
    ----------
    data : list of tuple
        One ``(token_ids, label)`` tuple per text. ``token_ids`` is a 1-d integer tensor of any
        length. Single-label: ``label`` is an int, where -1 (``LABEL_UNLABELED``) or None means
        unlabeled. Multi-label: a list (or array) of label ids; an empty list means unlabeled.
    multi_label : bool, default=False
        Whether the labels are multi-label.
    target_labels : np.ndarray or None, default=None
        The possible label ids. If None (discouraged, warns), they are inferred as
        ``arange(max_label + 1)`` (``[0]`` without labels) and grow when new labels are
        assigned (``track_target_labels=True``).

    Attributes
    ----------
    multi_label : bool
        Whether the labels are multi-label.
    track_target_labels : bool
        True if the target labels are inferred and updated from the labels.
    tokenizer : object or None
        The tokenizer used by :meth:`from_arrays`, None otherwise. Reuse it to encode further
        texts (e.g. a test set) with the same ids.

    Raises
    ------
    ValueError
        If an item is not a ``(token_ids, label, ...)`` tuple with a 1-d integer tensor.

    Notes
    -----
    There is no vocabulary object: ids come from a tokenizer (see :meth:`from_arrays`), the
    rows of a classifier's embedding matrix must follow those ids, and the classifier's
    ``padding_idx`` must be the tokenizer's padding id.
    """

    INDEX_TEXT = 0
    INDEX_LABEL = 1

    def __init__(self, data, multi_label=False, target_labels=None):
        self._init_data(data, multi_label, target_labels)
        self.tokenizer = None

    @classmethod
    def from_arrays(cls, texts, y, tokenizer=None, target_labels=None, max_length=512):
        """Tokenize ``texts`` and build a dataset.

        Parameters
        ----------
        texts : list of str or np.ndarray of str
            The texts.
        y : np.ndarray or csr_matrix
            Single-label: an int array (-1 means unlabeled). Multi-label: a csr indicator
            matrix; each row's label ids are stored as a list.
        tokenizer : tokenizers.Tokenizer or RegexTokenizer or None, default=None
            Any object whose ``encode(text).ids`` are the token ids (``encode_batch(texts)``
            is used if present). None fits a new
            :class:`~small_text.integrations.pytorch.vocabulary.RegexTokenizer` on ``texts``.
            Either way the tokenizer is available as the returned dataset's ``tokenizer``
            attribute; pass it here again to encode further texts with the same vocabulary.
        target_labels : np.ndarray or None, default=None
            The possible label ids (see the class description).
        max_length : int, default=512
            Each text keeps at most its first ``max_length`` token ids. The tokenizer is not
            modified (small-text 2.0 enables truncation on the caller's tokenizer).

        Returns
        -------
        dataset : PytorchTextClassificationDataset
            Token ids are stored unpadded as int64 tensors.

        Raises
        ------
        ValueError
            If ``texts`` and ``y`` differ in length or ``max_length < 1``.
        """
        if max_length < 1:
            raise ValueError(f'max_length must be at least 1, got {max_length}.')
        texts = list(texts)
        check_size(len(texts), y.shape[0])
        if tokenizer is None:
            tokenizer = RegexTokenizer().fit(texts)
        if hasattr(tokenizer, 'encode_batch'):
            encodings = tokenizer.encode_batch(texts)
        else:
            encodings = [tokenizer.encode(text) for text in texts]
        multi_label = isinstance(y, csr_matrix)
        labels = csr_to_list(y) if multi_label else np.asarray(y).tolist()
        data = [(torch.tensor(encoding.ids[:max_length], dtype=torch.long), label)
                for encoding, label in zip(encodings, labels)]
        dataset = cls(data, multi_label=multi_label, target_labels=target_labels)
        dataset.tokenizer = tokenizer
        return dataset

    def clone(self):
        """Return a deep copy: copied tensors and labels, the same ``multi_label``, a copy
        of the target labels and the same ``track_target_labels`` and ``tokenizer``."""
        return self._derive([(item[self.INDEX_TEXT].clone(),) + _copy_rest(item)
                             for item in self._data])

    def to(self, other, non_blocking=False, copy=False):
        """Apply :meth:`torch.Tensor.to` to every token-id tensor; see
        :meth:`PytorchDataset.to`."""
        if copy:
            return self._derive([(item[self.INDEX_TEXT].to(other, non_blocking=non_blocking,
                                                            copy=True),) + _copy_rest(item)
                                 for item in self._data])
        self._data = [(item[self.INDEX_TEXT].to(other, non_blocking=non_blocking),)
                      + tuple(item[self.INDEX_TEXT + 1:]) for item in self._data]
        return self

    @staticmethod
    def _checked_data(data):
        return _check_data(data)

    @staticmethod
    def _multi_labels(y):
        return csr_to_list(y)

    def _derive(self, data):
        dataset = PytorchTextClassificationDataset(data, multi_label=self.multi_label,
                                                   target_labels=np.copy(self._target_labels))
        dataset.track_target_labels = self.track_target_labels
        dataset.tokenizer = self.tokenizer
        return dataset

    def __getitem__(self, item):
        return PytorchTextClassificationDatasetView(self, item)

class PytorchTextClassificationDatasetView(PytorchDatasetView):
    """A read-only view on a :class:`PytorchTextClassificationDataset` (or on another view
    of one); see :class:`PytorchDatasetView`."""

    @property
    def tokenizer(self):
        """The tokenizer of the parent."""
        return self._dataset.tokenizer

    def clone(self):
        """Return a new :class:`PytorchTextClassificationDataset` holding copies of the
        selected items, with a copy of the target labels (explicit, i.e. not tracked)."""
        data = [(item[PytorchTextClassificationDataset.INDEX_TEXT].clone(),) + _copy_rest(item)
                for item in self.data]
        dataset = PytorchTextClassificationDataset(data, multi_label=self.is_multi_label,
                                                   target_labels=np.copy(self.target_labels))
        dataset.tokenizer = self.tokenizer
        return dataset


def _copy_rest(item):
    """Copy the label (a list for multi-label data) and keep any further tuple elements."""
    label = item[PytorchTextClassificationDataset.INDEX_LABEL]
    if isinstance(label, (list, np.ndarray)):
        label = list(label)
    return (label,) + tuple(item[PytorchTextClassificationDataset.INDEX_LABEL + 1:])


def _check_data(data):
    """Return ``data`` as a list after checking that every item is a tuple whose first
    element is a 1-d integer tensor followed by a label."""
    data = list(data)
    for position, item in enumerate(data):
        if not isinstance(item, tuple) or len(item) < 2:
            raise ValueError(f'Item #{position} must be a tuple (token_ids, label), got '
                             f'{type(item).__name__}.')
        tensor = item[PytorchTextClassificationDataset.INDEX_TEXT]
        if not isinstance(tensor, torch.Tensor) or tensor.dim() != 1 \
                or tensor.is_floating_point() or tensor.is_complex():
            raise ValueError(f'Item #{position}: token_ids must be a 1-d integer tensor, got '
                             f'{_describe(tensor)}.')
    return data


def _describe(value):
    if isinstance(value, torch.Tensor):
        return f'a tensor of shape {tuple(value.shape)} and dtype {value.dtype}'
    return f'an object of type {type(value).__name__}'
