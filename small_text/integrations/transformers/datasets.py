"""Datasets of tokenized texts for transformer models.

A :class:`TransformersDataset` holds one ``(input_ids, attention_mask, label)`` tuple per text.
``input_ids`` and ``attention_mask`` are integer tensors of shape (1, L).
:meth:`TransformersDataset.from_arrays` stores them unpadded (L is the text's own token count);
the classifiers pad each batch to its longest member, so no batch is wider than it has to be.
"""
import numpy as np
from scipy.sparse import csr_matrix

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'transformers')) from e

from small_text.base import LABEL_UNLABELED
from small_text.data.datasets import check_size
from small_text.integrations.pytorch.datasets import (
    PytorchDataset,
    PytorchDatasetView,
    _TupleDatasetMixin,
    _describe,
)
from small_text.utils.labels import csr_to_list


class TransformersDataset(_TupleDatasetMixin, PytorchDataset):
    """A dataset of tokenized texts (token ids and attention masks) and labels.

    Parameters
    ----------
    data : list of tuple
        One ``(input_ids, attention_mask, label)`` tuple per text. ``input_ids`` and
        ``attention_mask`` are integer tensors of the same shape (1, L); L may differ between
        texts. Single-label: ``label`` is an int, where -1 (``NO_LABEL``) or None means
        unlabeled. Multi-label: a list or array of label ids; an empty one means unlabeled.
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

    Raises
    ------
    ValueError
        If an item is not an ``(input_ids, attention_mask, label, ...)`` tuple of two integer
        tensors of the same shape (1, L).
    """

    INDEX_TEXT = 0
    INDEX_MASK = 1
    INDEX_LABEL = 2
    NO_LABEL = LABEL_UNLABELED

    def __init__(self, data, multi_label=False, target_labels=None):
        self._init_data(data, multi_label, target_labels)

    @classmethod
    def from_arrays(cls, texts, y, tokenizer, target_labels=None, max_length=512):
        """Tokenize ``texts`` (in one batched call) and build a dataset.

        Parameters
        ----------
        texts : list of str or np.ndarray of str
            The texts.
        y : np.ndarray or csr_matrix
            Single-label: an int array (-1 means unlabeled). Multi-label: a csr indicator
            matrix, which makes the dataset multi-label; each row's label ids are stored as a
            sorted array.
        tokenizer : transformers.PreTrainedTokenizerBase
            A transformers tokenizer (e.g. from ``AutoTokenizer.from_pretrained``). Texts get
            special tokens and ``'longest_first'`` truncation to ``max_length`` tokens.
        target_labels : np.ndarray or None, default=None
            The possible label ids (see the class description).
        max_length : int, default=512
            The maximum number of tokens per text, special tokens included.

        Returns
        -------
        dataset : TransformersDataset
            Token ids and attention masks are stored unpadded, as int64 tensors of shape
            (1, L). small-text 2.0 pads every text to ``max_length``, which makes every batch
            ``max_length`` tokens wide.

        Raises
        ------
        ValueError
            If ``texts`` and ``y`` differ in length or ``max_length < 1``.
        """
        if max_length < 1:
            raise ValueError(f'max_length must be at least 1, got {max_length}.')
        texts = [str(text) for text in texts]
        check_size(len(texts), y.shape[0])
        multi_label = isinstance(y, csr_matrix)
        encodings = tokenizer(texts, add_special_tokens=True, truncation='longest_first',
                              max_length=max_length, padding=False,
                              return_attention_mask=True) if len(texts) > 0 \
            else {'input_ids': [], 'attention_mask': []}
        if multi_label:
            labels = [np.sort(np.asarray(row, dtype=np.int64)) for row in csr_to_list(y)]
        else:
            labels = np.asarray(y).tolist()
        data = [(torch.tensor([ids], dtype=torch.long), torch.tensor([mask], dtype=torch.long),
                 label)
                for ids, mask, label in zip(encodings['input_ids'],
                                            encodings['attention_mask'], labels)]
        return cls(data, multi_label=multi_label, target_labels=target_labels)

    def clone(self):
        """Return a deep copy: copied tensors and labels, the same ``multi_label``, a copy of
        the target labels and the same ``track_target_labels``."""
        return _new_dataset([_copy_item(item) for item in self._data], self.multi_label,
                            self._target_labels, self.track_target_labels)

    def to(self, other, non_blocking=False, copy=False):
        """Apply :meth:`torch.Tensor.to` to every token-id and attention-mask tensor; see
        :meth:`PytorchDataset.to`."""
        def move(item):
            ids, mask = (tensor.to(other, non_blocking=non_blocking, copy=copy)
                         for tensor in item[:self.INDEX_LABEL])
            rest = _copy_label(item) if copy else tuple(item[self.INDEX_LABEL:])
            return (ids, mask) + rest

        data = [move(item) for item in self._data]
        if copy:
            return _new_dataset(data, self.multi_label, self._target_labels,
                                self.track_target_labels)
        self._data = data
        return self

    @staticmethod
    def _checked_data(data):
        return _check_data(data)

    @staticmethod
    def _multi_labels(y):
        return [np.asarray(row, dtype=np.int64) for row in csr_to_list(y)]

    def __getitem__(self, item):
        return TransformersDatasetView(self, item)


class TransformersDatasetView(PytorchDatasetView):
    """A read-only view on a :class:`TransformersDataset` (or on another view of one).

    Parameters
    ----------
    dataset : TransformersDataset or TransformersDatasetView
        The parent.
    selection : int, slice, list of int or bool, np.ndarray of int or bool
        The selected items, relative to the parent. An int selects a single item (a view of
        length 1).
    """

    def clone(self):
        """Return a new :class:`TransformersDataset` holding copies of the selected items
        (token ids, attention masks and labels), with a copy of the target labels and the
        ``track_target_labels`` of the root dataset. Works for views of views."""
        root = self._dataset
        while isinstance(root, TransformersDatasetView):
            root = root.dataset
        return _new_dataset([_copy_item(item) for item in self.data], self.is_multi_label,
                            self.target_labels, root.track_target_labels)


def _new_dataset(data, multi_label, target_labels, track_target_labels):
    dataset = TransformersDataset(data, multi_label=multi_label,
                                  target_labels=np.copy(target_labels))
    dataset.track_target_labels = track_target_labels
    return dataset


def _copy_item(item):
    """Copy the tensors and the label; keep any further tuple elements."""
    return (item[TransformersDataset.INDEX_TEXT].clone(),
            item[TransformersDataset.INDEX_MASK].clone()) + _copy_label(item)


def _copy_label(item):
    """The label (copied into an array for multi-label data) and any further tuple
    elements."""
    label = item[TransformersDataset.INDEX_LABEL]
    if isinstance(label, (list, np.ndarray)):
        label = np.array(label, dtype=np.int64)
    return (label,) + tuple(item[TransformersDataset.INDEX_LABEL + 1:])


def _check_data(data):
    """Return ``data`` as a list after checking the shape of every item."""
    data = list(data)
    for position, item in enumerate(data):
        if not isinstance(item, tuple) or len(item) < 3:
            raise ValueError(f'Item #{position} must be a tuple (input_ids, attention_mask, '
                             f'label), got {type(item).__name__}.')
        ids, mask = item[TransformersDataset.INDEX_TEXT], item[TransformersDataset.INDEX_MASK]
        for name, tensor in (('input_ids', ids), ('attention_mask', mask)):
            if not isinstance(tensor, torch.Tensor) or tensor.dim() != 2 \
                    or tensor.shape[0] != 1 or tensor.is_floating_point() \
                    or tensor.is_complex():
                raise ValueError(f'Item #{position}: {name} must be an integer tensor of shape '
                                 f'(1, L), got {_describe(tensor)}.')
        if ids.shape != mask.shape:
            raise ValueError(f'Item #{position}: input_ids and attention_mask must have the '
                             f'same shape, got {tuple(ids.shape)} and {tuple(mask.shape)}.')
    return data
