"""Pool-based active learning: the loop of query, label and retrain."""
from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix

from small_text.base import LABEL_IGNORED, LABEL_UNLABELED
from small_text.classifiers.classification import Classifier
from small_text.exceptions import LearnerNotInitializedException
from small_text.utils.data import list_length
from small_text.utils.labels import concatenate, get_ignored_labels_mask, remove_by_index

ACTIVE_LEARNER_CONFIG_FILE = 'active_learning.json'


class ActiveLearner(ABC):
    """Abstract base class of active learners."""

    @abstractmethod
    def query(self, num_samples=10):
        """Select ``num_samples`` samples to be labeled next."""

    @abstractmethod
    def update(self, y):
        """Provide the labels of the samples returned by the last :meth:`query`."""


class AbstractPoolBasedActiveLearner(ActiveLearner):
    """Abstract base class of active learners that select from a fixed pool of samples."""

    def query(self, num_samples=10):
        pass

    def update(self, y):
        pass

    @abstractmethod
    def initialize(self, clf_or_indices=None, indices_validation=None, retrain=True):
        """Set the initial state (labeled samples or an initial classifier)."""

    @property
    @abstractmethod
    def classifier(self):
        """The current classifier."""

    @property
    @abstractmethod
    def query_strategy(self):
        """The query strategy."""


class PoolBasedActiveLearner(AbstractPoolBasedActiveLearner):
    """A pool-based active learner for single- and multi-label classification.

    The pool is the whole ``dataset``; the learner partitions its positions into labeled,
    ignored and unlabeled samples. Each :meth:`update` stores the new labels and retrains the
    classifier on all labeled samples.

    Parameters
    ----------
    clf_factory : AbstractClassifierFactory
        Creates a new classifier for every (re)training.
    query_strategy : QueryStrategy
        Selects the samples to be labeled next.
    dataset : Dataset
        The pool. It is referenced, never modified.
    fit_kwargs : dict, default={}
        Keyword arguments passed to the classifier's ``fit()``.
    reuse_model : bool, default=False
        If True, the existing classifier is re-fitted instead of a new one being created.
    incremental_training : bool, default=False
        Keyword-only. If True, the classifier is kept between rounds and, after each
        :meth:`update`, fitted on the newly labeled samples only (the first training uses all
        labeled samples). Use it with classifiers that continue training on each ``fit`` call
        (e.g. PyTorch models, or scikit-learn estimators with ``warm_start``).

    Attributes
    ----------
    indices_labeled : np.ndarray
        Positions (in ``dataset``) of the labeled samples.
    indices_ignored : np.ndarray
        Positions of samples that were ignored and are excluded from the pool.
    indices_queried : np.ndarray or None
        Positions returned by the last query, until :meth:`update` consumes them.
    y : np.ndarray or csr_matrix or None
        Labels aligned with ``indices_labeled``.
    """

    def __init__(self, clf_factory, query_strategy, dataset,
                 fit_kwargs={}, reuse_model=False, *, incremental_training=False):  # noqa: B006
        self.dataset = dataset
        self.fit_kwargs = dict(fit_kwargs)  # a copy: the default dict is shared
        self.reuse_model = reuse_model
        self.incremental_training = incremental_training

        self.indices_labeled = np.empty((0,), dtype=int)
        self.indices_ignored = np.empty((0,), dtype=int)
        self.indices_queried = None
        self.y = None
        self.mask = None
        self.multi_label = None

        self._clf = None
        self._clf_factory = clf_factory
        self._query_strategy = query_strategy
        self._index_to_position = None

    @property
    def classifier(self):
        """The current classifier (None before the first training)."""
        return self._clf

    @property
    def query_strategy(self):
        """The query strategy."""
        return self._query_strategy

    @property
    def indices_unlabeled(self):
        """Positions of the samples that are neither labeled nor ignored (the pool)."""
        return np.arange(list_length(self.dataset))[self._pool_mask()]

    def initialize(self, clf_or_indices=None, indices_validation=None, retrain=True):
        """Set the initial state of the learner.

        Parameters
        ----------
        clf_or_indices : np.ndarray or Classifier or None, default=None
            * ndarray: positions of initially labeled samples; their labels are taken from
              ``dataset.y`` and must not be ``LABEL_UNLABELED``.
            * Classifier: an initial (unfitted) classifier; no samples are labeled.
            * None: a cold start without labels or classifier.
        indices_validation : np.ndarray, default=None
            Positions within ``clf_or_indices`` used as validation set for the first training.
        retrain : bool, default=True
            Train the classifier on the initial labels (ndarray case only).

        Raises
        ------
        ValueError
            On any other argument type, or on invalid, duplicate or unlabeled indices.
        """
        if isinstance(clf_or_indices, np.ndarray):
            indices = self._check_indices(clf_or_indices, 'clf_or_indices')
            y = self.dataset.y[indices]
            self._check_initial_labels(y)
            self.indices_labeled = indices
            self.y = y
            self.multi_label = isinstance(y, csr_matrix)
            self._index_to_position = self._build_index_to_position()
            if retrain:
                self._retrain(indices_validation=indices_validation)
        elif isinstance(clf_or_indices, Classifier):
            self.multi_label = clf_or_indices.multi_label
            self._clf = clf_or_indices
            self.y = np.empty((0,), dtype=int)
            self._index_to_position = self._build_index_to_position()
        elif clf_or_indices is None:
            self.y = np.empty((0,), dtype=int)
            self._index_to_position = self._build_index_to_position()
        else:
            raise ValueError('Initialization failed: argument "clf_or_indices" must be of type '
                             'Classifier or ndarray')

    def query(self, num_samples=10, representation=None, query_strategy_kwargs={}):  # noqa: B006
        """Query the strategy for the next ``num_samples`` samples to label.

        Parameters
        ----------
        num_samples : int, default=10
            Number of samples to select (a positive int).
        representation : np.ndarray or csr_matrix, default=None
            An alternative representation of the dataset (one row per sample) passed to the
            query strategy instead of the dataset.
        query_strategy_kwargs : dict, default={}
            Keyword arguments passed to the query strategy (not modified).

        Returns
        -------
        indices : np.ndarray
            Positions in ``dataset`` of the selected samples.

        Raises
        ------
        LearnerNotInitializedException
            If :meth:`initialize` has not been called.
        ValueError
            If ``num_samples`` is not a positive int or ``representation`` has the wrong length.
        """
        if self._index_to_position is None:
            raise LearnerNotInitializedException()
        if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) \
                or num_samples <= 0:
            raise ValueError(f'num_samples must be a positive int, got {num_samples!r}')

        size = list_length(self.dataset)
        if representation is not None and list_length(representation) != size:
            raise ValueError('Number of rows of alternative representation x must match the '
                             'train set (dim 0).')

        self.mask = self._pool_mask()
        indices_unlabeled = np.arange(size)[self.mask]
        data = self.dataset if representation is None else representation
        self.indices_queried = self._query_strategy.query(
            self._clf, data, indices_unlabeled, self.indices_labeled, self.y, n=num_samples,
            **query_strategy_kwargs)
        return self.indices_queried

    def update(self, y, indices_validation=None):
        """Store the labels of the last queried samples and retrain.

        Parameters
        ----------
        y : np.ndarray or csr_matrix
            Labels for ``indices_queried``, in that order: an int array for single-label
            learners, a csr indicator matrix for multi-label ones. Rows holding
            ``LABEL_IGNORED`` mark samples to ignore.
        indices_validation : np.ndarray, default=None
            Positions within ``indices_labeled`` to use as validation set.

        Raises
        ------
        ValueError
            If no query is pending, or ``y`` has the wrong length, type or values.
        """
        if self.indices_queried is None:
            raise ValueError('update() needs a pending query: call query() first and pass one '
                             'label per queried sample.')
        num_labels = y.shape[0] if hasattr(y, 'shape') else len(y)
        if self.indices_queried.shape[0] != num_labels:
            raise ValueError(f'Query-update mismatch: indices queried - '
                             f'{self.indices_queried.shape[0]} / labels provided - {num_labels}')
        y = self._check_update_labels(y)

        ignored = get_ignored_labels_mask(y, LABEL_IGNORED)
        if ignored.any():
            y = remove_by_index(y, np.flatnonzero(ignored))
            if not isinstance(y, csr_matrix):
                y = y.astype(np.int64)
            self.indices_ignored = np.concatenate([self.indices_ignored,
                                                   self.indices_queried[ignored]])
        indices_new = self.indices_queried[~ignored]
        self.indices_labeled = np.concatenate([self.indices_labeled, indices_new])
        self._index_to_position = self._build_index_to_position()

        if np.unique(self.indices_labeled).shape[0] != self.indices_labeled.shape[0]:
            raise ValueError('Duplicate indices detected in the labeled pool! Please re-examine '
                             'your query strategy.')

        if indices_new.shape[0] > 0:
            self.y = y if self.y is None or self.y.shape[0] == 0 else concatenate(self.y, y)
            if self.incremental_training and self._clf is not None:
                self._train_incrementally(indices_new, y, indices_validation)
            else:
                self._retrain(indices_validation=indices_validation)

        self.indices_queried = None
        self.mask = None

    def update_label_at(self, index, y, retrain=False, indices_validation=None):
        """Replace the label of the labeled sample at dataset position ``index``.

        Raises
        ------
        KeyError
            If the sample at ``index`` is not labeled.
        """
        self.y[self._index_to_position[index]] = y
        if retrain:
            self._retrain(indices_validation=indices_validation)

    def remove_label_at(self, x_index, retrain=False, x_indices_validation=None):
        """Remove the label of the sample at dataset position ``x_index``; it returns to the pool.

        Raises
        ------
        KeyError
            If the sample at ``x_index`` is not labeled.
        """
        self._remove_labeled(x_index)
        if retrain:
            self._retrain(indices_validation=x_indices_validation)

    def ignore_sample_at(self, index, retrain=False, indices_validation=None):
        """Exclude the sample at ``index`` from the pool, removing its label if it has one.

        Retrains only if a label was removed and ``retrain`` is set.
        """
        was_labeled = index in self._index_to_position
        if was_labeled:
            self._remove_labeled(index)
        self.indices_ignored = np.append(self.indices_ignored, index)
        if was_labeled and retrain:
            self._retrain(indices_validation=indices_validation)

    def save(self, folder, create_folder=False):
        """Save the learner into ``folder``; see :mod:`small_text.serialization`.

        Parameters
        ----------
        folder : str or Path
            An empty (or, with ``create_folder``, missing) folder.
        create_folder : bool, default=False
            Create the folder (with parents) if it does not exist.

        Raises
        ------
        FileNotFoundError
            If the folder does not exist and ``create_folder`` is False.
        ValueError
            If the folder is not empty.
        SerializationException
            If writing fails.
        """
        from small_text.serialization import save_active_learner
        save_active_learner(self, Path(folder), create_folder=create_folder)

    @classmethod
    def load(cls, folder, trusted=None):
        """Load a learner saved with :meth:`save`.

        Parameters
        ----------
        folder : str or Path
            The folder written by :meth:`save`.
        trusted : list of str, default=None
            Further types to trust when loading the model file (see
            :mod:`small_text.serialization` for the trust model).

        Raises
        ------
        SerializationException
            If the folder is invalid, from a newer format version, or holds untrusted types.
        """
        from small_text.serialization import load_active_learner
        return load_active_learner(Path(folder), trusted=trusted)

    def _pool_mask(self):
        mask = np.ones(list_length(self.dataset), dtype=bool)
        mask[self.indices_labeled] = False
        mask[self.indices_ignored] = False
        return mask

    def _build_index_to_position(self):
        return {int(idx): pos for pos, idx in enumerate(self.indices_labeled)}

    def _remove_labeled(self, index):
        position = self._index_to_position[index]
        self.y = remove_by_index(self.y, position)
        self.indices_labeled = np.delete(self.indices_labeled, position)
        self._index_to_position = self._build_index_to_position()

    def _check_indices(self, indices, name):
        size = list_length(self.dataset)
        if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer):
            raise ValueError(f'{name} must be a 1-D int array of dataset positions, got an '
                             f'array of dtype {indices.dtype} and shape {indices.shape}')
        if indices.size > 0 and (indices.min() < 0 or indices.max() >= size):
            raise ValueError(f'{name} contains positions outside [0, {size}) of the dataset')
        if np.unique(indices).shape[0] != indices.shape[0]:
            raise ValueError(f'{name} contains duplicate positions')
        return indices

    @staticmethod
    def _check_initial_labels(y):
        if not isinstance(y, csr_matrix) and np.any(y == LABEL_UNLABELED):
            raise ValueError('clf_or_indices selects samples without a label '
                             '(LABEL_UNLABELED) in dataset.y: the initial samples must be '
                             'labeled')

    def _check_update_labels(self, y):
        if self.multi_label:
            if isinstance(y, csr_matrix):
                return y
            y = np.asarray(y)
            if y.ndim == 1 and np.all(y == LABEL_IGNORED):
                return y
            raise ValueError('y must be a csr_matrix of shape (num_queried, num_classes) for a '
                             'multi-label learner (or LABEL_IGNORED for every sample)')
        if isinstance(y, csr_matrix):
            raise ValueError('y is a multi-label csr_matrix, but this learner is single-label: '
                             'pass a 1-D int array with one label per queried sample')
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f'y must be a 1-D array of labels, got shape {y.shape}')
        if np.issubdtype(y.dtype, np.integer):
            return y
        if np.issubdtype(y.dtype, np.floating):
            kept = y[y != LABEL_IGNORED]
            if np.all(np.mod(kept, 1) == 0):
                return y
        raise ValueError(f'y must hold int labels (or LABEL_IGNORED), got dtype {y.dtype}')

    def _train_incrementally(self, indices_new, y_new, indices_validation):
        ds = self.dataset[indices_new].clone()
        ds.y = y_new
        self._fit(ds, indices_validation)

    def _retrain(self, indices_validation=None):
        if self._clf is None or not (self.reuse_model or self.incremental_training):
            self._clf = self._clf_factory.new()
        ds = self.dataset[self.indices_labeled].clone()
        ds.y = self.y
        self._fit(ds, indices_validation)

    def _fit(self, ds, indices_validation):
        if indices_validation is None:
            self._clf.fit(ds, **self.fit_kwargs)
        else:
            mask = np.zeros(len(ds), dtype=bool)
            mask[indices_validation] = True
            self._clf.fit(ds[~mask], validation_set=ds[mask], **self.fit_kwargs)
