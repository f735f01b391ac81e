"""Pool-based active learning: the loop of query, label and retrain."""
from abc import ABC, abstractmethod
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, vstack

from small_text.base import LABEL_IGNORED, LABEL_UNLABELED
from small_text.classifiers.classification import Classifier
from small_text.exceptions import LearnerNotInitializedException
from small_text.utils.data import list_length
from small_text.utils.labels import concatenate, get_ignored_labels_mask, remove_by_index

ACTIVE_LEARNER_CONFIG_FILE = 'active_learning.json'

_STATE_ATTRIBUTES = ('indices_labeled', 'indices_ignored', 'indices_queried', 'y', 'mask',
                     'multi_label', '_clf', '_index_to_position')
"""Everything a state-changing method may replace; restored when such a method fails."""


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

        Calling it again starts over: earlier labels, ignored samples and a pending query are
        discarded.

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
            On any other argument type, on invalid, duplicate or unlabeled indices, or on
            labels outside the classes. The learner is left unchanged.

        Notes
        -----
        Differences from small-text 2.0: a failed call (invalid arguments, or a classifier that
        raises during training) leaves the learner as it was, and a repeated call resets the
        ignored samples and the pending query as well.
        """
        if isinstance(clf_or_indices, np.ndarray):
            indices = self._check_indices(clf_or_indices, 'clf_or_indices')
            y = self.dataset.y[indices]
            self._check_initial_labels(y)
            if retrain:
                self._check_validation_indices(indices_validation, indices.shape[0])
            with self._rollback_on_error():
                self._reset(indices, y, multi_label=isinstance(y, csr_matrix))
                if retrain:
                    self._retrain(indices_validation=indices_validation)
        elif isinstance(clf_or_indices, Classifier):
            with self._rollback_on_error():
                self._reset(np.empty((0,), dtype=int), np.empty((0,), dtype=int),
                            multi_label=clf_or_indices.multi_label)
                self._clf = clf_or_indices
        elif clf_or_indices is None:
            with self._rollback_on_error():
                self._reset(np.empty((0,), dtype=int), np.empty((0,), dtype=int),
                            multi_label=None)
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
            If ``num_samples`` is not a positive int, ``representation`` has the wrong length,
            or the query strategy returns anything but ``num_samples`` distinct positions of
            unlabeled samples as an int array. The learner is left unchanged (a pending query
            stays pending).
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

        mask = self._pool_mask()
        data = self.dataset if representation is None else representation
        indices = self._query_strategy.query(
            self._clf, data, np.arange(size)[mask], self.indices_labeled, self.y, n=num_samples,
            **query_strategy_kwargs)
        self._check_query_result(indices, mask, num_samples)
        self.mask = mask
        self.indices_queried = indices
        return indices

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
            If no query is pending, ``y`` has the wrong length, type or values (a label outside
            the classes, ``LABEL_UNLABELED``), or the pending query holds positions that are
            labeled or ignored by now. The learner is left unchanged.

        Notes
        -----
        Differences from small-text 2.0: every check happens before anything changes, and a
        classifier that raises during retraining rolls the update back, so a failed call can
        simply be repeated.
        """
        if self.indices_queried is None:
            raise ValueError('update() needs a pending query: call query() first and pass one '
                             'label per queried sample.')
        num_labels = list_length(y) if hasattr(y, 'shape') or hasattr(y, '__len__') else None
        if num_labels is None or self.indices_queried.shape[0] != num_labels:
            raise ValueError(f'Query-update mismatch: indices queried - '
                             f'{self.indices_queried.shape[0]} / labels provided - {num_labels}')
        y = self._check_update_labels(y)
        queried = self._check_pending_query()

        ignored = get_ignored_labels_mask(y, LABEL_IGNORED)
        y_new = self._labels_to_store(remove_by_index(y, np.flatnonzero(ignored)))
        indices_new = queried[~ignored]
        if indices_new.shape[0] > 0:
            num_train = indices_new.shape[0] if self._trains_incrementally() \
                else self.indices_labeled.shape[0] + indices_new.shape[0]
            self._check_validation_indices(indices_validation, num_train)

        with self._rollback_on_error():
            self.indices_ignored = np.concatenate([self.indices_ignored, queried[ignored]])
            self.indices_labeled = np.concatenate([self.indices_labeled, indices_new])
            self._index_to_position = self._build_index_to_position()
            if self.multi_label is None and indices_new.shape[0] > 0:
                self.multi_label = isinstance(y_new, csr_matrix)
            self.indices_queried = None
            self.mask = None
            if indices_new.shape[0] > 0:
                self.y = y_new if self.y is None or self.y.shape[0] == 0 \
                    else concatenate(self.y, y_new)
                if self._trains_incrementally():
                    self._train_incrementally(indices_new, y_new, indices_validation)
                else:
                    self._retrain(indices_validation=indices_validation)

    def update_label_at(self, index, y, retrain=False, indices_validation=None):
        """Replace the label of the labeled sample at dataset position ``index``.

        Parameters
        ----------
        index : int
            Dataset position of a labeled sample.
        y : int or np.ndarray or csr_matrix
            The new label: an int for single-label learners; a 0/1 row of length
            ``num_classes`` (dense or a 1-row csr_matrix) for multi-label ones.
        retrain : bool, default=False
            Retrain the classifier afterwards.
        indices_validation : np.ndarray, default=None
            Positions within ``indices_labeled`` to use as validation set when retraining.

        Raises
        ------
        KeyError
            If the sample at ``index`` is not labeled.
        ValueError
            If ``index`` is not an int or ``y`` is not a valid label. The learner is left
            unchanged.
        """
        position = self._labeled_position(index, 'index')
        y_new = self._replace_label(position, y)
        if retrain:
            self._check_validation_indices(indices_validation, self.indices_labeled.shape[0])
        with self._rollback_on_error():
            self.y = y_new
            if retrain:
                self._retrain(indices_validation=indices_validation)

    def remove_label_at(self, x_index, retrain=False, x_indices_validation=None):
        """Remove the label of the sample at dataset position ``x_index``; it returns to the pool.

        Raises
        ------
        KeyError
            If the sample at ``x_index`` is not labeled.
        ValueError
            If ``x_index`` is not an int. The learner is left unchanged.
        """
        position = self._labeled_position(x_index, 'x_index')
        if retrain:
            self._check_validation_indices(x_indices_validation,
                                           self.indices_labeled.shape[0] - 1)
        with self._rollback_on_error():
            self._remove_labeled(position)
            if retrain:
                self._retrain(indices_validation=x_indices_validation)

    def ignore_sample_at(self, index, retrain=False, indices_validation=None):
        """Exclude the sample at ``index`` from the pool, removing its label if it has one.

        Retrains only if a label was removed and ``retrain`` is set.

        Raises
        ------
        LearnerNotInitializedException
            If :meth:`initialize` has not been called.
        ValueError
            If ``index`` is not an int position of the dataset, is already ignored, or belongs
            to the pending query (label or ignore it through :meth:`update`). The learner is
            left unchanged.

        Notes
        -----
        Differences from small-text 2.0: out-of-range, repeated and pending-query positions
        are rejected instead of being stored.
        """
        self._check_initialized()
        index = self._check_position(index, 'index')
        if np.any(self.indices_ignored == index):
            raise ValueError(f'index {index} is already ignored')
        if self.indices_queried is not None and np.any(self.indices_queried == index):
            raise ValueError(f'index {index} belongs to the pending query: pass LABEL_IGNORED '
                             f'for it in update() instead')
        position = self._index_to_position.get(index)
        if position is not None and retrain:
            self._check_validation_indices(indices_validation,
                                           self.indices_labeled.shape[0] - 1)
        with self._rollback_on_error():
            if position is not None:
                self._remove_labeled(position)
            self.indices_ignored = np.append(self.indices_ignored, index)
            if position is not None and retrain:
                self._retrain(indices_validation=indices_validation)

    def save(self, folder, create_folder=False):
        """Save the learner into ``folder``; see :mod:`small_text.serialization`.

        The save is atomic: the files are written into a hidden folder beside ``folder`` and
        renamed into place, so a crash leaves ``folder`` as it was (missing, empty, or holding
        the previous save) and the save can simply be repeated.

        Parameters
        ----------
        folder : str or Path
            A missing (with ``create_folder``) or empty folder, or one that holds a previous
            save (``active_learning.json`` and ``objects.skops`` and nothing else), which is
            replaced.
        create_folder : bool, default=False
            Create the folder (with parents) if it does not exist.

        Raises
        ------
        FileNotFoundError
            If the folder does not exist and ``create_folder`` is False.
        ValueError
            If the folder holds anything but a previous save, or is a file.
        SerializationException
            If writing fails; ``folder`` is then unchanged.

        Notes
        -----
        Differences from small-text 2.0: a folder that holds exactly a previous save is
        replaced instead of refused.
        """
        from small_text.serialization import save_active_learner
        save_active_learner(self, Path(folder), create_folder=create_folder)

    @classmethod
    def load(cls, folder, trusted=None):
        """Load a learner saved with :meth:`save`.

        Loading runs no code from the folder: only the exact classes that small-text writes,
        skops' default types and the types named in ``trusted`` are rebuilt, and the manifest
        is checked for consistency before the learner is built.

        Parameters
        ----------
        folder : str or Path
            The folder written by :meth:`save`.
        trusted : list of str or type, default=None
            Further types to trust when loading the model file, as exact fully qualified names
            (``"my_package.MyEstimator"``, not a prefix) or the types themselves. Functions
            are never trusted (see :mod:`small_text.serialization` for the trust model).

        Raises
        ------
        FileNotFoundError
            If the folder or one of its files is missing (also a SerializationException).
        SerializationException
            If the folder is invalid (extra files, damaged or edited files, inconsistent
            indices or labels), from a newer format version, or holds untrusted types.
        TypeError
            If ``trusted`` is not a list of type names or types.
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

    @contextmanager
    def _rollback_on_error(self):
        """Restore the learner's state if the block raises (the state is only ever replaced,
        never modified in place, so keeping references is enough)."""
        saved = {name: getattr(self, name) for name in _STATE_ATTRIBUTES}
        try:
            yield
        except BaseException:
            for name, value in saved.items():
                setattr(self, name, value)
            raise

    def _reset(self, indices_labeled, y, multi_label):
        self.indices_labeled = indices_labeled
        self.indices_ignored = np.empty((0,), dtype=int)
        self.indices_queried = None
        self.mask = None
        self.y = y
        self.multi_label = multi_label
        self._index_to_position = self._build_index_to_position()

    def _remove_labeled(self, position):
        self.y = remove_by_index(self.y, position)
        self.indices_labeled = np.delete(self.indices_labeled, position)
        self._index_to_position = self._build_index_to_position()

    def _check_initialized(self):
        if self._index_to_position is None:
            raise LearnerNotInitializedException('call initialize() first')

    def _check_position(self, index, name):
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise ValueError(f'{name} must be an int position in the dataset, got {index!r}')
        size = list_length(self.dataset)
        if not 0 <= index < size:
            raise ValueError(f'{name}={index} is outside [0, {size}) of the dataset')
        return int(index)

    def _labeled_position(self, index, name):
        self._check_initialized()
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise ValueError(f'{name} must be the int dataset position of a labeled sample, '
                             f'got {index!r}')
        if int(index) not in self._index_to_position:
            raise KeyError(f'{name}={index} is not the position of a labeled sample')
        return self._index_to_position[int(index)]

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

    def _check_query_result(self, indices, mask, num_samples):
        strategy = type(self._query_strategy).__name__
        if not isinstance(indices, np.ndarray) or indices.ndim != 1 \
                or not np.issubdtype(indices.dtype, np.integer):
            found = (f'an array of dtype {indices.dtype} and shape {indices.shape}'
                     if isinstance(indices, np.ndarray) else f'a {type(indices).__name__}')
            raise ValueError(f'The query strategy {strategy} returned {found}; expected a 1-D '
                             f'int ndarray of {num_samples} dataset positions.')
        if indices.shape[0] != num_samples:
            raise ValueError(f'The query strategy {strategy} returned {indices.shape[0]} '
                             f'positions; expected exactly num_samples={num_samples}.')
        if np.unique(indices).shape[0] != indices.shape[0]:
            raise ValueError(f'The query strategy {strategy} returned duplicate positions.')
        outside = (indices < 0) | (indices >= mask.shape[0])
        outside[~outside] = ~mask[indices[~outside]]
        if outside.any():
            raise ValueError(f'The query strategy {strategy} returned positions that are not '
                             f'in the unlabeled pool (out of range, labeled or ignored): '
                             f'{indices[outside][:10].tolist()}')

    def _check_pending_query(self):
        queried = np.asarray(self.indices_queried)
        mask = self._pool_mask()
        if queried.ndim != 1 or not np.issubdtype(queried.dtype, np.integer) \
                or np.any((queried < 0) | (queried >= mask.shape[0])):
            raise ValueError('indices_queried must be a 1-D int array of dataset positions; '
                             'query() again.')
        if np.unique(queried).shape[0] != queried.shape[0] or not mask[queried].all():
            raise ValueError('Duplicate indices detected in the labeled pool! Please re-examine '
                             'your query strategy.')
        return queried

    def _check_validation_indices(self, indices_validation, num_train):
        if indices_validation is None:
            return
        indices = np.asarray(indices_validation)
        if indices.ndim != 1 or (indices.size > 0 and not np.issubdtype(indices.dtype,
                                                                        np.integer)):
            raise ValueError(f'indices_validation must be a 1-D int array of positions within '
                             f'the training set, got shape {indices.shape} and dtype '
                             f'{indices.dtype}')
        if indices.size > 0 and (indices.min() < 0 or indices.max() >= num_train):
            raise ValueError(f'indices_validation must hold positions in [0, {num_train}) of '
                             f'the training set')
        if np.unique(indices).shape[0] != indices.shape[0]:
            raise ValueError('indices_validation contains duplicate positions')
        if indices.shape[0] == num_train:
            raise ValueError('indices_validation selects every training sample: at least one '
                             'must remain for training')

    def _check_initial_labels(self, y):
        if not isinstance(y, csr_matrix) and np.any(y == LABEL_UNLABELED):
            raise ValueError('clf_or_indices selects samples without a label '
                             '(LABEL_UNLABELED) in dataset.y: the initial samples must be '
                             'labeled')
        self._check_label_values(y, 'dataset.y[clf_or_indices]')

    def _expects_multi_label(self):
        if self.multi_label is not None:
            return bool(self.multi_label)
        return bool(getattr(self.dataset, 'is_multi_label', False))

    def _check_update_labels(self, y):
        if self._expects_multi_label():
            if isinstance(y, csr_matrix):
                self._check_label_values(y, 'y')
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
        if not np.issubdtype(y.dtype, np.integer):
            kept = y[y != LABEL_IGNORED] if np.issubdtype(y.dtype, np.floating) else None
            if kept is None or not np.all(np.isfinite(kept)) or not np.all(np.mod(kept, 1) == 0):
                raise ValueError(f'y must hold int labels (or LABEL_IGNORED), got dtype '
                                 f'{y.dtype}')
            self._check_label_values(kept.astype(np.int64), 'y')
        else:
            self._check_label_values(y, 'y')
        return y

    def _label_space(self):
        """Return ``(num_classes, fixed_target_labels)``, either of them None if unknown."""
        num_classes = getattr(self._clf_factory, 'num_classes', None)
        if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) \
                or num_classes <= 0:
            num_classes = None
        target_labels = None
        if getattr(self.dataset, 'track_target_labels', True) is False:
            target_labels = np.asarray(self.dataset.target_labels)
        return num_classes, target_labels

    def _check_label_values(self, y, name):
        """Raise ValueError unless ``y`` (int array or csr indicator matrix) holds valid labels."""
        num_classes, target_labels = self._label_space()
        if isinstance(y, csr_matrix):
            if num_classes is not None and y.shape[1] != num_classes:
                raise ValueError(f'{name} must have num_classes={num_classes} columns, got '
                                 f'{y.shape[1]}')
            data = y.data[y.data != 0]
            if np.any((data != 1) & (data != LABEL_IGNORED)):
                raise ValueError(f'{name} must be a 0/1 indicator matrix (or hold '
                                 f'LABEL_IGNORED in the rows to ignore)')
            values = np.unique(y.indices)
        else:
            values = np.unique(y)
            if values.size > 0 and values[0] < 0:
                raise ValueError(f'{name} contains negative labels {values[values < 0][:5]}; '
                                 f'labels are class ids >= 0 (use LABEL_IGNORED to skip a '
                                 f'sample)')
        if num_classes is not None and values.size > 0 and values[-1] >= num_classes:
            raise ValueError(f'{name} contains labels {values[values >= num_classes][:5]} '
                             f'outside the classes 0..{num_classes - 1} '
                             f'(num_classes={num_classes})')
        if target_labels is not None:
            unknown = np.setdiff1d(values, target_labels)
            if unknown.size > 0:
                raise ValueError(f'{name} contains labels {unknown[:5]} that are not in the '
                                 f'dataset\'s target_labels')

    def _labels_to_store(self, y):
        if isinstance(y, csr_matrix):
            y = y.copy()
            y.eliminate_zeros()
            return y.astype(np.int64)
        return np.asarray(y).astype(np.int64)

    def _replace_label(self, position, y):
        """Return a copy of ``self.y`` with the label at ``position`` replaced by ``y``."""
        if isinstance(self.y, csr_matrix):
            row = y if isinstance(y, csr_matrix) else np.asarray(y)
            if isinstance(row, np.ndarray) and (row.ndim != 1 or row.shape[0] != self.y.shape[1]
                                                or not np.all((row == 0) | (row == 1))):
                raise ValueError(f'y must be a 0/1 row of length {self.y.shape[1]} for a '
                                 f'multi-label learner')
            row = csr_matrix(row.reshape(1, -1)) if isinstance(row, np.ndarray) else row
            if row.shape != (1, self.y.shape[1]):
                raise ValueError(f'y must be a csr_matrix of shape (1, {self.y.shape[1]})')
            self._check_label_values(row, 'y')
            row = self._labels_to_store(row)
            return vstack([self.y[:position], row, self.y[position + 1:]], format='csr')
        if isinstance(y, bool) or not isinstance(y, (int, np.integer)):
            raise ValueError(f'y must be an int label for a single-label learner, got {y!r}')
        self._check_label_values(np.array([y]), 'y')
        y_new = self.y.copy()
        y_new[position] = y
        return y_new

    def _trains_incrementally(self):
        return self.incremental_training and self._clf is not None

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
