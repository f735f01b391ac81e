"""Base classes of the PyTorch classifiers: mixed precision, prediction, losses, training
defaults and model selection."""
import datetime
import math
import warnings
from contextlib import nullcontext

import numpy as np

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.nn.utils.rnn import pad_sequence
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.base import LABEL_UNLABELED
from small_text.classifiers.classification import Classifier
from small_text.data.splits import get_splits
from small_text.integrations.pytorch.utils.contextmanager import inference_mode
from small_text.integrations.pytorch.utils.data import get_class_weights
from small_text.integrations.pytorch.utils.loss import _LossAdapter2DTo1D
from small_text.integrations.pytorch.utils.misc import enable_dropout
from small_text.training.early_stopping import (
    EarlyStopping,
    EarlyStoppingOrCondition,
    NoopEarlyStopping,
)
from small_text.training.metrics import Metric
from small_text.training.model_selection import NoopModelSelection
from small_text.utils.classification import (
    _check_classifier_dataset_consistency,
    prediction_result,
)
from small_text.utils._validation import check_protocol
from small_text.utils.data import check_training_data
from small_text.utils.datetime import format_timedelta

_AMP_DTYPES = (torch.float16, torch.bfloat16)


class AMPArguments:
    """Arguments for configuring Automatic Mixed Precision (AMP).

    Parameters
    ----------
    use_amp : bool, default=False
        Enables AMP if True.
    device_type : str or None, default=None
        Device type for :class:`torch.autocast` (``'cuda'`` or ``'cpu'``). None means the
        device type of the classifier's model.
    dtype : torch.dtype, default=torch.bfloat16
        Data type for :class:`torch.autocast` (``torch.float16`` or ``torch.bfloat16``). With
        ``torch.float16`` training uses a :class:`torch.amp.GradScaler` against gradient
        underflow; ``torch.bfloat16`` has the range of float32 and needs none.

    Raises
    ------
    ValueError
        If ``dtype`` is neither ``torch.float16`` nor ``torch.bfloat16``.

    See Also
    --------
    `torch.amp <https://pytorch.org/docs/stable/amp.html>`_ (PyTorch's mixed-precision package)

    Notes
    -----
    Added in version 2.0.0.
    """

    def __init__(self, use_amp=False, device_type=None, dtype=torch.bfloat16):
        if dtype not in _AMP_DTYPES:
            raise ValueError(f'dtype must be torch.float16 or torch.bfloat16, got {dtype}.')
        self.use_amp = use_amp
        self.device_type = device_type
        self.dtype = dtype

    def __repr__(self):
        return (f'AMPArguments(use_amp={self.use_amp}, device_type={self.device_type!r}, '
                f'dtype={self.dtype})')


class PytorchModelSelectionMixin:
    """Keeps the best model of a training run in memory and restores it afterwards.

    At every evaluation point :meth:`_add_checkpoint` records the measured values with the
    model selection manager. Whenever the manager then selects the model just added, the
    model's and optimizer's states are copied to the CPU. After training,
    :meth:`_restore_selected` loads the copy if it is the manager's final selection.

    Nothing happens when the manager is a
    :class:`~small_text.training.NoopModelSelection`.

    Notes
    -----
    small-text 2.0 writes the model and optimizer states to a temporary directory at every
    evaluation point. Keeping only the best state in memory avoids that I/O (spec §6.8); the
    models are recorded with ``model_path=None``. This relies on the manager's choice among
    k+1 models being its choice among the first k or the new model, which holds for
    :class:`~small_text.training.model_selection.ModelSelection`; a manager that later
    selects an earlier, superseded model gets a warning and the final weights.
    """

    _checkpoint = None
    """``(model_id, (model_state, optimizer_state))`` of the selected model during training."""

    def _add_checkpoint(self, model_selection, model_id, optimizer, measured_values, stop):
        if isinstance(model_selection, NoopModelSelection):
            return
        model_selection.add_model(model_id, None, measured_values, fields={'early_stop': stop})
        selected = model_selection.select()
        if selected is not None and selected.model_id == model_id:
            self._checkpoint = (model_id, _state_to_cpu(self.model, optimizer))

    def _restore_selected(self, model_selection, optimizer):
        if isinstance(model_selection, NoopModelSelection):
            return
        checkpoint_id, state = self._checkpoint or (None, None)
        self._checkpoint = None
        selected = model_selection.select()
        if selected is None:
            return
        if selected.model_id != checkpoint_id:
            warnings.warn(f'The model selection manager selected model {selected.model_id!r}, '
                          f'whose state was not kept (kept: {checkpoint_id!r}); the final '
                          f'model is used instead.', UserWarning, stacklevel=3)
            return
        model_state, optimizer_state = state
        self.model.load_state_dict(model_state)
        optimizer.load_state_dict(optimizer_state)


def _state_to_cpu(model, optimizer):
    model_state = {name: tensor.detach().to('cpu', copy=True)
                   for name, tensor in model.state_dict().items()}
    optimizer_state = _map_tensors(optimizer.state_dict(),
                                   lambda tensor: tensor.detach().to('cpu', copy=True))
    return model_state, optimizer_state


def _map_tensors(obj, fn):
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, dict):
        return {key: _map_tensors(value, fn) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_map_tensors(value, fn) for value in obj)
    return obj


class _ConstantFactor:
    """Learning-rate factor 1 (a picklable scheduler lambda)."""

    def __call__(self, step):
        return 1.0


class _LinearDecay:
    """Learning-rate factor decaying linearly from 1 to 0 over ``num_steps`` steps."""

    def __init__(self, num_steps):
        self.num_steps = num_steps

    def __call__(self, step):
        return max(0.0, (self.num_steps - step) / max(1, self.num_steps))


class PytorchClassifier(PytorchModelSelectionMixin, Classifier):
    """Abstract base class of the PyTorch classifiers.

    Subclasses implement :meth:`fit`, set ``num_classes`` and build ``self.model``; this class
    implements prediction, validation, class weights, losses, accuracies and the handling of
    the training arguments. By default, prediction feeds the model batches of the items'
    zero-padded ``x`` tensors; a subclass whose model takes other inputs overrides
    ``_sorted_inference_batches`` (see its docstring) or :meth:`predict_proba`.

    Parameters
    ----------
    multi_label : bool, default=False
        Whether an item may carry several labels; when False every prediction is exactly one class.
    device : str or torch.device or None, default=None
        Device that runs training and inference. None means ``'cuda'`` if
        available, else ``'cpu'``.
    mini_batch_size : int, default=32
        Size of the mini batches during training and inference.
    amp_args : AMPArguments or None, default=None
        Configures Automatic Mixed Precision; None disables it.

    Attributes
    ----------
    model : torch.nn.Module or None
        The model, None before it is initialised.
    """

    _DATASET_TYPES = ()
    """The dataset classes a subclass accepts: its dataset class first, then its view."""

    def __init__(self, multi_label=False, device=None, mini_batch_size=32, amp_args=None):
        self.multi_label = multi_label
        self.mini_batch_size = mini_batch_size
        if device is None:
            device = 'cuda' if torch.cuda.is_available() else 'cpu'
        self.device = device
        self.model = None
        self._amp_args = amp_args

    @property
    def amp_args(self):
        """The effective AMP settings (a new object on each access).

        Without user settings, AMP is off and ``device_type`` is the model's device type
        (``'cpu'`` without a model). User settings are copied; a missing ``device_type`` is
        filled in the same way. AMP is always off while there is no model.

        Unlike small-text 2.0, which also turns AMP off on the CPU, AMP is honoured there:
        CPU autocast with ``torch.bfloat16`` is supported and is what the default dtype gives.
        """
        device_type = 'cpu' if self.model is None else _model_device(self.model).type
        if self._amp_args is None:
            return AMPArguments(use_amp=False, device_type=device_type, dtype=torch.bfloat16)
        return AMPArguments(use_amp=bool(self._amp_args.use_amp) and self.model is not None,
                            device_type=self._amp_args.device_type or device_type,
                            dtype=self._amp_args.dtype)

    def _autocast(self, amp_args=None):
        amp_args = self.amp_args if amp_args is None else amp_args
        return torch.autocast(device_type=amp_args.device_type, dtype=amp_args.dtype,
                              enabled=amp_args.use_amp)

    def _grad_scaler(self, amp_args):
        enabled = amp_args.use_amp and amp_args.dtype == torch.float16
        return torch.amp.GradScaler(amp_args.device_type, enabled=enabled)

    def _sorted_inference_batches(self, dataset):
        """Return ``(order, batches)`` for inference on ``dataset``.

        ``order`` is an int array: the k-th row of the concatenated batch outputs belongs to
        item ``order[k]`` of ``dataset``. ``batches`` is an iterable of
        ``(batch_slice, model_inputs)``: ``order[batch_slice]`` are the batch's items and
        ``model_inputs`` a tuple of tensors on ``self.device``, passed to :meth:`_logits`.

        This default keeps the input order and takes consecutive batches of
        :meth:`_predict_batch_size` items; the model input is the items' ``x`` tensors
        (flattened), padded with zeros to the longest one of the batch. The library's
        classifiers override it with length-sorted batches; a subclass whose model takes other
        inputs overrides it (or :meth:`predict_proba`).
        """
        sequences = [torch.as_tensor(x).reshape(-1) for x in dataset.x]
        batch_size = self._predict_batch_size()
        bounds = [(start, min(start + batch_size, len(sequences)))
                  for start in range(0, len(sequences), batch_size)]

        def batches():
            for start, end in bounds:
                padded = pad_sequence(sequences[start:end], batch_first=True, padding_value=0)
                yield slice(start, end), (self._to_device(padded),)

        return np.arange(len(sequences)), batches()

    def _train_batch_size(self):
        """The batch size of training steps (``mini_batch_size`` unless a subclass has a
        separate setting)."""
        return self.mini_batch_size

    def _predict_batch_size(self):
        """The batch size of prediction, validation and embedding (``mini_batch_size``
        unless a subclass has a separate setting)."""
        return self.mini_batch_size

    def _logits(self, model_inputs):
        """Return the logits of the model for one batch of model inputs."""
        return self.model(*model_inputs)

    def _proba_from_logits(self, logits):
        """Softmax (single-label) or element-wise sigmoid (multi-label), in float32."""
        logits = logits.float()
        return torch.sigmoid(logits) if self.multi_label else F.softmax(logits, dim=-1)

    def predict(self, dataset, return_proba=False, *, multi_label_threshold=0.5):
        """Predict the labels for the given dataset.

        Parameters
        ----------
        dataset : Dataset
            The items to predict.
        return_proba : bool, default=False
            Whether to return the class probabilities as well.
        multi_label_threshold : float, default=0.5
            Multi-label only: a label is predicted iff its probability exceeds this value.

        Returns
        -------
        predictions : np.ndarray[np.int64] or csr_matrix[np.int64]
            The argmax class per instance, shape (N,), if the classifier is single-label;
            otherwise a csr matrix of shape (N, num_classes) with ones at the predicted labels.
        probas : np.ndarray[np.float64], optional
            The dense probabilities of shape (N, num_classes), the output of
            :meth:`predict_proba`, if ``return_proba`` is True.

        Notes
        -----
        An empty dataset gives predictions of shape (0,) (small-text 2.0 returns (0, C)) or an
        empty csr matrix, and probabilities of shape (0, C).
        """
        proba = self.predict_proba(dataset)
        if len(dataset) == 0 and not self.multi_label:
            predictions = np.empty((0,), dtype=np.int64)
        else:
            predictions = prediction_result(proba, self.multi_label, self.num_classes,
                                            multi_label_threshold=multi_label_threshold)
        return (predictions, proba) if return_proba else predictions

    def predict_proba(self, dataset, dropout_sampling=1):
        """Predict the label distributions.

        Parameters
        ----------
        dataset : Dataset
            The items to predict.
        dropout_sampling : int, default=1
            If greater than 1, all dropout modules are enabled during prediction and this many
            predictions are sampled for each instance (Monte Carlo dropout).

        Returns
        -------
        scores : np.ndarray[np.float64]
            Softmax (single-label) or sigmoid (multi-label) scores of shape
            (N, num_classes), or (N, dropout_sampling, num_classes) if
            ``dropout_sampling > 1``.

        Raises
        ------
        ValueError
            If the classifier has not been fitted or ``dropout_sampling < 1``.

        Notes
        -----
        Inputs are processed in batches of the prediction batch size (``mini_batch_size``
        unless configured otherwise), sorted by length (results are returned in the input
        order) in eval and inference mode, under autocast with the
        configured AMP dtype (small-text 2.0 always uses bfloat16).
        """
        if not isinstance(dropout_sampling, (int, np.integer)) or dropout_sampling < 1:
            raise ValueError(f'dropout_sampling must be an int >= 1, got {dropout_sampling!r}.')
        sample_shape = (dropout_sampling,) if dropout_sampling > 1 else ()
        if len(dataset) == 0:
            return np.empty((0,) + sample_shape + (self.num_classes,), dtype=np.float64)
        self._check_fitted()

        def batch_proba(batch_slice, model_inputs):
            if dropout_sampling > 1:
                model_inputs = tuple(tensor.repeat_interleave(dropout_sampling, dim=0)
                                     for tensor in model_inputs)
            proba = self._proba_from_logits(self._logits(model_inputs))
            return proba.view((-1,) + sample_shape + (self.num_classes,))

        self.model.eval()
        with inference_mode(), self._autocast(), self._dropout_context(dropout_sampling):
            proba = self._collect_in_input_order(dataset, batch_proba)
        return proba.astype(np.float64)

    def _dropout_context(self, dropout_sampling):
        if dropout_sampling > 1:
            return enable_dropout(self.model)
        return nullcontext()

    def _collect_in_input_order(self, dataset, batch_fn):
        """Call ``batch_fn(batch_slice, model_inputs)`` on the length-sorted inference batches
        of ``dataset`` and return the concatenated outputs as a float32 NumPy array in the
        order of ``dataset``."""
        return self._collect_batches(*self._sorted_inference_batches(dataset), batch_fn)

    @staticmethod
    def _collect_batches(order, batches, batch_fn):
        """Call ``batch_fn`` on ``batches`` (see ``_sorted_inference_batches``) and return
        the concatenated outputs as a float32 NumPy array whose row i belongs to item i. The
        outputs stay on the device until one copy at the end."""
        outputs = torch.cat([batch_fn(batch_slice, model_inputs)
                             for batch_slice, model_inputs in batches]).float().cpu()
        result = np.empty(tuple(outputs.shape), dtype=np.float32)
        result[order] = outputs.numpy()
        return result

    def _to_device(self, tensor):
        """``tensor`` on ``self.device``. A copy to a CUDA device goes from pinned memory and
        does not block the host (the stream orders it before any use)."""
        if torch.device(self.device).type == 'cuda' and tensor.device.type == 'cpu':
            return tensor.pin_memory().to(self.device, non_blocking=True)
        return tensor.to(self.device)

    def _check_fitted(self):
        if self.model is None:
            raise ValueError(f'This {type(self).__name__} has no model yet: call fit() first.')

    def _check_label_range(self, dataset):
        """Raise a ValueError if a label id of ``dataset`` lies outside [0, num_classes)."""
        y = dataset.y
        labels = y.indices if self.multi_label else y[y > LABEL_UNLABELED]
        if labels.shape[0] > 0 and (labels.min() < 0 or labels.max() >= self.num_classes):
            raise ValueError(f'Label ids must lie in [0, num_classes={self.num_classes}), got '
                             f'ids from {labels.min()} to {labels.max()}.')

    def _labels_tensor(self, dataset):
        """Class ids (long, (N,)) or multi-hot targets (float, (N, C)) on the device."""
        if self.multi_label:
            labels = torch.from_numpy(dataset.y[:, :self.num_classes].toarray()).float()
        else:
            labels = torch.from_numpy(dataset.y).long()
        return self._to_device(labels)

    def _check_dataset_type(self, dataset, name):
        """Raise a TypeError unless ``dataset`` is of one of ``self._DATASET_TYPES`` (the
        classifier's dataset class first, then its view class); no check if that is empty."""
        if len(self._DATASET_TYPES) > 0 and not isinstance(dataset, self._DATASET_TYPES):
            raise TypeError(f'{name} must be a {self._DATASET_TYPES[0].__name__} (or a view of '
                            f'one), got {type(dataset).__name__}.')

    def _check_fit_arguments(self, train_set, validation_set, weights, optimizer, scheduler):
        """Validate the arguments of ``fit``: dataset types, consistency with the classifier,
        labels, weights and the optimizer/scheduler combination."""
        self._check_dataset_type(train_set, 'train_set')
        if validation_set is not None:
            self._check_dataset_type(validation_set, 'validation_set')
        _check_classifier_dataset_consistency(self, train_set, dataset_name_in_error='training')
        _check_classifier_dataset_consistency(self, validation_set,
                                              dataset_name_in_error='validation')
        check_training_data(train_set, validation_set, weights=weights)
        for dataset in (train_set, validation_set):
            if dataset is not None:
                self._check_label_range(dataset)
        self._check_optimizer_and_scheduler(optimizer, scheduler)

    def _prepare_fit(self, train_set, validation_set, weights, early_stopping, model_selection,
                     optimizer, scheduler, validations_per_epoch=1):
        """The steps of ``fit`` before training: check the arguments, split off the
        validation set, resolve the handlers, set ``class_weights_`` and ``criterion`` and
        make sure the model exists on the device.

        Returns
        -------
        (sub_train, sub_valid, sub_weights, early_stopping, model_selection, optimizer,
        scheduler), where ``optimizer`` and ``scheduler`` fall back to the classifier's own.
        """
        optimizer = self.optimizer if optimizer is None else optimizer
        scheduler = self.scheduler if scheduler is None else scheduler
        self._check_fit_arguments(train_set, validation_set, weights, optimizer, scheduler)

        splits = get_splits(train_set, validation_set, weights=weights,
                            multi_label=self.multi_label,
                            validation_set_size=self.validation_set_size)
        sub_train, sub_valid = splits[0], splits[1]
        sub_weights = splits[2] if weights is not None else None
        if len(sub_train) == 0 or len(sub_valid) == 0:
            raise ValueError(f'The training set of {len(train_set)} items is too small to split '
                             f'off a validation set of fraction {self.validation_set_size}: '
                             f'pass more data or a validation_set.')

        early_stopping = self._resolve_early_stopping(early_stopping, validations_per_epoch)
        model_selection = self._resolve_model_selection(model_selection)
        self.class_weights_ = self.initialize_class_weights(sub_train)
        self.criterion = self._build_criterion(self.class_weights_)

        if self.model is None:
            self.initialize()
        self.model.to(self.device)
        return (sub_train, sub_valid, sub_weights, early_stopping, model_selection, optimizer,
                scheduler)

    def _weights_tensor(self, weights, num_samples):
        """The sample weights as a float tensor on the device (all ones for None)."""
        weights = (torch.ones(num_samples) if weights is None
                   else torch.as_tensor(np.asarray(weights), dtype=torch.float32))
        return self._to_device(weights)

    @staticmethod
    def _optimizer_step(optimizer, scheduler, scaler, parameters, max_grad_norm):
        """Unscale and clip the gradients of ``parameters`` to ``max_grad_norm``, then step
        the optimizer (through the grad scaler) and the scheduler."""
        scaler.unscale_(optimizer)
        nn.utils.clip_grad_norm_(parameters, max_grad_norm)
        scaler.step(optimizer)
        scaler.update()
        scheduler.step()

    @staticmethod
    def _epoch_summary(epoch, start_time, num_samples, train_loss, train_acc, val_loss,
                       val_acc):
        """The log message on a finished epoch (``epoch`` counted from 0)."""
        elapsed = format_timedelta(datetime.datetime.now() - start_time)
        return (f'Epoch: {epoch + 1} | {elapsed}\n'
                f'\tTrain Set Size: {num_samples}\n'
                f'\tLoss: {train_loss:.4f} (train)\t|\tAcc: {train_acc * 100:.1f}% '
                f'(train)\n'
                f'\tLoss: {val_loss:.4f} (valid)\t|\tAcc: {val_acc * 100:.1f}% '
                f'(valid)')

    def validate(self, validation_set):
        """Compute the loss and accuracy on a validation set.

        Parameters
        ----------
        validation_set : Dataset
            Validation set (labeled), of the dataset type the classifier trains on.

        Returns
        -------
        validation_loss : float
            Validation loss: the sum over consecutive batches of the prediction batch size
            (``mini_batch_size`` unless configured otherwise; in the order of the set) of the
            batch-mean loss, divided by the set size, as in small-text 2.0.
        validation_acc : float
            Validation accuracy in [0, 1] (multi-label: the mean fraction of correctly
            predicted label positions).

        Raises
        ------
        ValueError
            If the classifier has not been fitted or ``validation_set`` is empty.

        Notes
        -----
        Runs in eval and inference mode, under autocast, over the batches of
        ``_sorted_inference_batches``; the model stays in eval mode.
        """
        self._check_fitted()
        self._check_dataset_type(validation_set, 'validation_set')
        num_samples = len(validation_set)
        if num_samples == 0:
            raise ValueError('validation_set must not be empty.')
        if getattr(self, 'criterion', None) is None:
            self.criterion = self._build_criterion(getattr(self, 'class_weights_', None))
        return self._validate_prepared(self._prepare_validation(validation_set))

    def _prepare_validation(self, validation_set):
        """The device-side inputs of :meth:`validate` on ``validation_set``: ``(labels,
        targets, order, batches)``. Training reuses them at every evaluation point where
        ``batches`` is a sequence (not a one-shot iterator)."""
        labels = self._labels_tensor(validation_set)
        order, batches = self._sorted_inference_batches(validation_set)
        return labels, self._loss_targets(labels), order, batches

    def _validate_prepared(self, prepared):
        """``(loss, accuracy)`` of the model on the output of :meth:`_prepare_validation`."""
        labels, targets, order, batches = prepared
        num_samples = order.shape[0]
        device_order = self._to_device(torch.from_numpy(order))

        def batch_scores(batch_slice, model_inputs):
            indices = device_order[batch_slice]
            logits = self._logits(model_inputs).float()
            losses = self.criterion(logits, targets[indices])
            return torch.stack([losses, self._correct_per_sample(logits, labels[indices])], 1)

        self.model.eval()
        with inference_mode(), self._autocast():
            scores = self._collect_batches(order, batches, batch_scores)
        batch_size = self._predict_batch_size()
        sequential_batch_sizes = np.minimum(
            batch_size, num_samples - (np.arange(num_samples) // batch_size) * batch_size)
        loss = float(np.sum(scores[:, 0] / sequential_batch_sizes) / num_samples)
        return loss, float(scores[:, 1].sum() / num_samples)

    def initialize_class_weights(self, sub_train):
        """Return the class weights for the loss, as configured by ``class_weight``.

        Parameters
        ----------
        sub_train : Dataset
            The training data.

        Returns
        -------
        class_weights : torch.FloatTensor or None
            :func:`~small_text.integrations.pytorch.utils.data.get_class_weights` on
            ``self.device`` if ``class_weight == 'balanced'``, None if it is None.

        Raises
        ------
        ValueError
            For any other value of ``class_weight``.
        """
        if self.class_weight == 'balanced':
            if self.multi_label:
                warnings.warn('class_weight=\'balanced\' is experimental for multi-label '
                              'classification: the weights are computed from the label '
                              'occurrences.', UserWarning, stacklevel=2)
            return get_class_weights(sub_train.y, self.num_classes).to(self.device)
        if self.class_weight is None:
            return None
        raise ValueError(f'Invalid value for class_weight: {self.class_weight!r}. Use '
                         f'\'balanced\' or None.')

    def _uses_binary_cross_entropy(self):
        return self.multi_label or self.num_classes == 2

    def _build_criterion(self, class_weights):
        """Return the per-sample loss: binary cross-entropy (averaged over the classes) for
        multi-label or binary data, else cross-entropy."""
        if self._uses_binary_cross_entropy():
            return _LossAdapter2DTo1D(nn.BCEWithLogitsLoss(pos_weight=class_weights,
                                                           reduction='none'))
        return nn.CrossEntropyLoss(weight=class_weights, reduction='none')

    def _loss_targets(self, labels):
        """The loss targets for ``labels`` (class ids, or multi-hot floats if multi-label):
        one-hot floats for binary single-label data, the labels otherwise."""
        if self.num_classes == 2 and not self.multi_label:
            return F.one_hot(labels, num_classes=2).float()
        return labels

    def _weighted_loss(self, logits, targets, weights):
        """Mean over the batch of the per-sample losses times the sample weights."""
        return (self.criterion(logits.float(), targets) * weights).mean()

    def sum_up_accuracy_(self, logits, cls):
        """Return the number of correct predictions in a batch (as a tensor).

        Parameters
        ----------
        logits : torch.Tensor
            Logits of shape (B, C).
        cls : torch.Tensor
            Class ids (B,) or, multi-label, multi-hot targets (B, C).

        Returns
        -------
        correct : torch.Tensor
            Single-label: the number of correct argmax predictions. Multi-label: the sum over
            the samples of the fraction of the C labels where ``sigmoid > 0.5`` agrees with
            the target.
        """
        return self._correct_per_sample(logits, cls).sum()

    def _correct_per_sample(self, logits, cls):
        """1 or 0 per sample (single-label), or the fraction of correct label positions."""
        if self.multi_label:
            return ((torch.sigmoid(logits.float()) > 0.5).float() == cls).float().mean(dim=1)
        return (logits.argmax(dim=1) == cls).float()

    @staticmethod
    def _resolve_early_stopping(early_stopping, validations_per_epoch=1):
        """Return the early stopping handler for ``fit``'s argument: the default for None,
        a :class:`NoopEarlyStopping` for ``'none'``."""
        if early_stopping is None:
            return EarlyStoppingOrCondition([
                EarlyStopping(Metric('val_loss'), patience=5 * validations_per_epoch),
                EarlyStopping(Metric('train_acc', lower_is_better=False), patience=-1,
                              threshold=0.99),
            ])
        if isinstance(early_stopping, str) and early_stopping == 'none':
            return NoopEarlyStopping()
        check_protocol(early_stopping, 'early_stopping',
                       'EarlyStoppingHandler, None or \'none\'', ('check_early_stop',))
        return early_stopping

    @staticmethod
    def _resolve_model_selection(model_selection):
        """Return the model selection manager for ``fit``'s argument: a
        :class:`NoopModelSelection` for None and ``'none'``."""
        if model_selection is None or (isinstance(model_selection, str)
                                       and model_selection == 'none'):
            return NoopModelSelection()
        check_protocol(model_selection, 'model_selection',
                       'ModelSelectionManager, None or \'none\'', ('add_model', 'select'))
        return model_selection

    @staticmethod
    def _check_optimizer_and_scheduler(optimizer, scheduler):
        if scheduler is not None and optimizer is None:
            raise ValueError('You must also pass an optimizer if you pass a scheduler to fit()')

    @staticmethod
    def _default_scheduler(optimizer, scheduler, num_training_steps):
        """Return ``scheduler``, or the linear decay to 0 over ``num_training_steps`` steps
        for ``'linear'``, or a constant schedule for None."""
        if scheduler is None:
            return torch.optim.lr_scheduler.LambdaLR(optimizer, _ConstantFactor())
        if isinstance(scheduler, str):
            if scheduler != 'linear':
                raise ValueError(f'Invalid scheduler: {scheduler!r}. Pass a scheduler object, '
                                 f'\'linear\' or None.')
            return torch.optim.lr_scheduler.LambdaLR(optimizer, _LinearDecay(num_training_steps))
        return scheduler

    @staticmethod
    def _num_training_steps(num_samples, batch_size, num_epochs):
        return math.ceil(num_samples / batch_size) * num_epochs


def _model_device(model):
    parameter = next(model.parameters(), None)
    return torch.device('cpu') if parameter is None else parameter.device
