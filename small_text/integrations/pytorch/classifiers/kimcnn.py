"""The KimCNN classifier: a convolutional network [Kim14] trained on token-id datasets."""
import datetime
import logging
from contextlib import nullcontext

import numpy as np
from sklearn.preprocessing import MultiLabelBinarizer

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
    import torch.nn.functional as F
    from torch.func import functional_call, grad, vmap
    from torch.nn.utils.rnn import pad_sequence
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.classifiers.classification import EmbeddingMixin
from small_text.integrations.pytorch.classifiers.base import PytorchClassifier
from small_text.integrations.pytorch.datasets import (
    PytorchTextClassificationDataset,
    PytorchTextClassificationDatasetView,
)
from small_text.integrations.pytorch.models.kimcnn import KimCNN
from small_text.integrations.pytorch.utils.contextmanager import inference_mode
from small_text.integrations.pytorch.utils.data import _length_bucketed_batches
from small_text.integrations.pytorch.utils.misc import _compile_if_possible, _unwrap
from small_text.utils.classification import _multi_label_list_to_multi_hot
from small_text.utils.context import build_pbar_context
from small_text.utils.labels import csr_to_list
from small_text.utils.logging import VERBOSITY_MORE_VERBOSE
from small_text.utils.system import get_show_progress_bar_default

logger = logging.getLogger(__name__)

_GRADIENT_CLIP_NORM = 3.0


def kimcnn_collate_fn(batch, multi_label=None, num_classes=None, use_sample_weights=False,
                      max_seq_len=60, padding_idx=0, filter_padding=0):
    """Collate items of a
    :class:`~small_text.integrations.pytorch.PytorchTextClassificationDataset` into a padded
    batch.

    Each token sequence is truncated to ``max_seq_len - 2 * filter_padding`` ids and laid out
    as ``filter_padding`` padding ids, the tokens, padding ids up to
    ``max_seq_len - filter_padding``, and ``filter_padding`` padding ids.

    Parameters
    ----------
    batch : list of tuple
        Items ``(token_ids, label)`` or ``(token_ids, label, weight)``.
    multi_label : bool or None, default=None
        If True, the labels are lists of label ids.
    num_classes : int or None, default=None
        Number of classes (needed for multi-label data).
    use_sample_weights : bool, default=False
        If True, the weights are the last element of each item; otherwise ones.
    max_seq_len : int, default=60
        Width of the batch.
    padding_idx : int, default=0
        The padding id.
    filter_padding : int, default=0
        Padding ids before and after each sequence.

    Returns
    -------
    text : torch.LongTensor
        Shape (B, max_seq_len).
    labels : torch.Tensor
        Long tensor (B,), or multi-hot float tensor (B, num_classes) if ``multi_label``.
    weights : torch.FloatTensor
        Shape (B,).
    """
    text = _pad_token_ids([item[0] for item in batch], max_seq_len, padding_idx,
                          filter_padding)
    if multi_label:
        labels = torch.tensor(_multi_label_list_to_multi_hot([list(item[1]) for item in batch],
                                                             num_classes), dtype=torch.float)
    else:
        labels = torch.tensor([item[1] for item in batch], dtype=torch.long)
    if use_sample_weights:
        weights = torch.tensor([item[-1] for item in batch], dtype=torch.float)
    else:
        weights = torch.ones(len(batch), dtype=torch.float)
    return text, labels, weights


def _pad_token_ids(sequences, max_seq_len, padding_idx, filter_padding):
    """Return the sequences laid out as in :func:`kimcnn_collate_fn`, a long tensor of shape
    (len(sequences), max_seq_len) on the device of the sequences."""
    max_tokens = max_seq_len - 2 * filter_padding
    device = sequences[0].device if len(sequences) > 0 else 'cpu'
    text = torch.full((len(sequences), max_seq_len), padding_idx, dtype=torch.long,
                      device=device)
    if len(sequences) > 0:
        padded = pad_sequence([sequence[:max_tokens].long() for sequence in sequences],
                              batch_first=True, padding_value=padding_idx)
        text[:, filter_padding:filter_padding + padded.shape[1]] = padded
    return text


def _select_fc(modules):
    """The default ``module_selector`` of :meth:`KimCNNEmbeddingMixin.embed`."""
    return modules['fc']


class KimCNNEmbeddingMixin(EmbeddingMixin):
    """Embeddings of a KimCNN classifier (pooled features or gradients)."""

    EMBEDDING_METHOD_POOLED = 'pooled'
    EMBEDDING_METHOD_GRADIENT = 'gradient'

    def embed(self, data_set, return_proba=False, embedding_method='pooled',
              module_selector=_select_fc):
        """Embed the items of ``data_set``.

        Parameters
        ----------
        data_set : PytorchTextClassificationDataset
            The items to embed.
        return_proba : bool, default=False
            If True, also return the predicted probabilities (as :meth:`predict_proba`:
            softmax, or sigmoid for multi-label; small-text 2.0 uses softmax for both).
        embedding_method : {'pooled', 'gradient'}, default='pooled'
            ``'pooled'``: the pooled convolution features before dropout and the final layer,
            shape (N, out_channels * len(kernel_heights)).
            ``'gradient'``: gradient embeddings in the style of BADGE [AZK+20]: for each class
            c, the gradient g_c of the loss with target c with respect to the weight of the
            selected module, flattened to size G, scaled by ``1 - p_c`` if c is the predicted
            class and by ``-p_c`` otherwise; shape (N, C * G).
        module_selector : callable, default=lambda modules: modules['fc']
            Called with ``dict(model.named_modules())``; returns the module whose ``weight``
            the gradients refer to.

        Returns
        -------
        embeddings : np.ndarray[np.float32]
            The embeddings, in the order of ``data_set``.
        proba : np.ndarray[np.float64], optional
            Probabilities of shape (N, C) if ``return_proba`` is True.

        Raises
        ------
        ValueError
            If the classifier has not been fitted or ``embedding_method`` is invalid.

        Notes
        -----
        The gradients are those of the training loss (cross-entropy, or binary cross-entropy
        for binary and multi-label data; without class weights) on the logits. small-text 2.0
        applies the loss to the softmax outputs, fails for binary data and needs a backward
        pass per sample and class. For the final layer (the default) the gradient is computed
        in closed form: the outer product of the logit gradient and the pooled features. Other
        modules use per-sample gradients via :func:`torch.func.vmap`.

        References
        ----------
        .. [AZK+20] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford, A. Agarwal.
           Deep Batch Active Learning by Diverse, Uncertain Gradient Lower Bounds. ICLR 2020.
        """
        if self.model is None:
            raise ValueError(f'This {type(self).__name__} has no model yet: call fit() first.')
        model = _unwrap(self.model)
        # per-sample autograd (for other modules than fc) cannot run in inference mode
        needs_autograd = False
        if embedding_method == self.EMBEDDING_METHOD_POOLED:
            batch_fn, size = self._pooled_embedding_batch, model.fc.in_features
        elif embedding_method == self.EMBEDDING_METHOD_GRADIENT:
            module = module_selector(dict(model.named_modules()))
            if module is model.fc:
                batch_fn = self._fc_gradient_embedding_batch
            else:
                batch_fn, needs_autograd = self._gradient_embedding_batch_fn(module), True
            size = self.num_classes * module.weight.numel()
        else:
            raise ValueError(f'Invalid embedding method: {embedding_method}')
        if len(data_set) == 0:
            embeddings = np.empty((0, size), dtype=np.float32)
            proba = np.empty((0, self.num_classes), dtype=np.float64)
            return (embeddings, proba) if return_proba else embeddings

        self.model.eval()
        pbar_enabled = (get_show_progress_bar_default() if self.show_progress_bar is None
                        else self.show_progress_bar)
        with build_pbar_context(pbar_enabled, dict(total=len(data_set))) as pbar, \
                (nullcontext() if needs_autograd else inference_mode()), self._autocast():
            def tracked_batch_fn(batch_slice, model_inputs):
                result = batch_fn(model_inputs)
                pbar.update(model_inputs[0].shape[0])
                return result

            result = self._collect_in_input_order(data_set, tracked_batch_fn)

        embeddings = result[:, :-self.num_classes]
        if return_proba:
            return embeddings, result[:, -self.num_classes:].astype(np.float64)
        return embeddings

    def _pooled_embedding_batch(self, model_inputs):
        features = self.model.pooled_features(*model_inputs)
        proba = self._proba_from_logits(self.model.classify_features(features))
        return torch.cat([features.float(), proba], dim=1)

    def _fc_gradient_embedding_batch(self, model_inputs):
        features = self.model.pooled_features(*model_inputs).float()
        logits = self.model.classify_features(features).float()
        proba = self._proba_from_logits(logits)
        num_classes = self.num_classes
        targets = torch.eye(num_classes, device=logits.device)
        if self._uses_binary_cross_entropy():
            logit_gradients = (torch.sigmoid(logits)[:, None, :] - targets) / num_classes
        else:
            logit_gradients = proba[:, None, :] - targets
        scaled = logit_gradients * self._gradient_scales(proba)[:, :, None]
        embeddings = scaled[:, :, :, None] * features[:, None, None, :]
        return torch.cat([embeddings.flatten(start_dim=1), proba], dim=1)

    @staticmethod
    def _gradient_scales(proba):
        """``1 - p_c`` for the predicted class c, ``-p_c`` for the others; shape (B, C)."""
        scales = -proba
        predicted = proba.argmax(dim=1, keepdim=True)
        return scales.scatter_add(1, predicted, torch.ones_like(predicted, dtype=proba.dtype))

    def _gradient_embedding_batch_fn(self, module):
        model = _unwrap(self.model)
        names = [name for name, candidate in model.named_modules() if candidate is module]
        if len(names) == 0 or getattr(module, 'weight', None) is None:
            raise ValueError('module_selector must return a module of the model that has a '
                             'weight.')
        weight_name = f'{names[0]}.weight'
        uses_bce = self._uses_binary_cross_entropy()
        num_classes = self.num_classes

        def class_loss(weight, parameters, text, cls):
            parameters = dict(parameters)
            parameters[weight_name] = weight
            logits = functional_call(model, parameters, (text.unsqueeze(0),))
            if uses_bce:
                target = (torch.arange(num_classes, device=text.device) == cls).float()
                return F.binary_cross_entropy_with_logits(logits, target.unsqueeze(0))
            return F.cross_entropy(logits, cls.unsqueeze(0))

        per_class = vmap(grad(class_loss), in_dims=(None, None, None, 0))
        per_sample = vmap(per_class, in_dims=(None, None, 0, None))

        def batch_fn(model_inputs):
            text, = model_inputs
            parameters = {name: parameter.detach()
                          for name, parameter in model.named_parameters()}
            classes = torch.arange(num_classes, device=text.device)
            gradients = per_sample(parameters[weight_name], parameters, text, classes)
            with torch.no_grad():
                proba = self._proba_from_logits(model(text))
            scaled = gradients.flatten(start_dim=2) * self._gradient_scales(proba)[:, :, None]
            return torch.cat([scaled.flatten(start_dim=1), proba], dim=1).detach()

        return batch_fn


class KimCNNClassifier(KimCNNEmbeddingMixin, PytorchClassifier):
    """A text classifier based on the convolutional network of Kim (2014).

    Parameters
    ----------
    num_classes : int
        Number of classes.
    multi_label : bool, default=False
        Whether an item may carry several labels; when False every prediction is exactly one class.
    embedding_matrix : torch.FloatTensor or np.ndarray
        A tensor of embeddings of shape (vocab_size, embedding_size); required. Its rows
        follow the token ids of the datasets. Stored as a float32 tensor.
    device : str or torch.device, default=None
        Device that runs training and inference (None: ``'cuda'`` if
        available, else ``'cpu'``).
    num_epochs : int, default=10
        Epochs to train.
    mini_batch_size : int, default=25
        Size of the mini batches for training, validation, prediction and embedding.
    lr : float, default=0.001
        Learning rate.
    max_seq_len : int, default=60
        Maximum sequence length (padding included); longer texts are truncated.
    out_channels : int, default=100
        Number of output channels (filters) per kernel height.
    filter_padding : int, default=0
        Zero padding added to both ends of each sequence before the convolutions.
    dropout : float, default=0.5
        Dropout rate applied before KimCNN's output layer.
    validation_set_size : float, default=0.1
        Share of the training set held out for validation, within (0, 1).
    padding_idx : int, default=0
        Vocabulary id of the padding token (from the tokenizer).
    kernel_heights : list of int, default=[3, 4, 5]
        Kernel sizes. A copy is stored.
    class_weight : 'balanced' or None, default=None
        If 'balanced', each class's loss is weighted by the inverse of its frequency in the current
        training set.
    amp_args : AMPArguments, default=None
        Settings for automatic mixed precision (AMP).
    compile_model : bool, default=False
        Compiles the model with :func:`torch.compile` if True.
    verbosity : int, default=VERBOSITY_MORE_VERBOSE
        Epoch summaries are logged (at INFO level) if ``verbosity >= VERBOSITY_MORE_VERBOSE``.
    show_progress_bar : bool or None, default=None
        Keyword-only. Show a progress bar in :meth:`embed`; None means the default given by
        the environment variable ``SMALL_TEXT_PROGRESS_BARS``.
    train_batch_size : int or None, default=None
        Keyword-only. Batch size of the training steps; None means ``mini_batch_size``.
    predict_batch_size : int or None, default=None
        Keyword-only. Batch size of validation, prediction and embedding; None means
        ``mini_batch_size``.

    Attributes
    ----------
    model : KimCNN or None
        The network, created by :meth:`initialize` (on the first :meth:`fit`).
    criterion : torch.nn.Module or None
        The per-sample loss of the last :meth:`fit`.
    optimizer, scheduler : None
        Defaults for :meth:`fit` (its arguments take precedence).
    model_selection : None
        Unused; model selection is configured per :meth:`fit`.
    enc_ : MultiLabelBinarizer or None
        Fitted on the training labels after a multi-label :meth:`fit`, otherwise None.
    class_weights_ : torch.FloatTensor or None
        The class weights of the last :meth:`fit`.

    Raises
    ------
    ValueError
        If ``embedding_matrix`` is None or not 2-d.

    Notes
    -----
    Texts are padded per batch to the longest member (see
    :class:`~small_text.integrations.pytorch.models.kimcnn.KimCNN` for why that does not change the predictions), not to
    ``max_seq_len``. Training batches are formed from random chunks of
    50 * ``mini_batch_size`` items sorted by length, and visited in random order; inference
    batches are sorted by length and the results are returned in the input order. The whole
    padded data set is moved to the device once, and the training loss and accuracy are
    accumulated on the device, so no step waits for the host.
    """

    _DATASET_TYPES = (PytorchTextClassificationDataset, PytorchTextClassificationDatasetView)

    def __init__(self, num_classes, multi_label=False, embedding_matrix=None, device=None,
                 num_epochs=10, mini_batch_size=25, lr=0.001, max_seq_len=60, out_channels=100,
                 filter_padding=0, dropout=0.5, validation_set_size=0.1, padding_idx=0,
                 kernel_heights=[3, 4, 5], class_weight=None, amp_args=None,
                 compile_model=False, verbosity=VERBOSITY_MORE_VERBOSE, *,
                 show_progress_bar=None, train_batch_size=None, predict_batch_size=None):
        super().__init__(multi_label=multi_label, device=device,
                         mini_batch_size=mini_batch_size, amp_args=amp_args)
        if embedding_matrix is None:
            raise ValueError('This implementation requires an embedding matrix: pass '
                             'embedding_matrix of shape (vocab_size, embedding_size).')
        embedding_matrix = torch.as_tensor(embedding_matrix, dtype=torch.float32)
        if embedding_matrix.dim() != 2:
            raise ValueError(f'embedding_matrix must be 2-d (vocab_size, embedding_size), got '
                             f'shape {tuple(embedding_matrix.shape)}.')
        self.num_classes = num_classes
        self.embedding_matrix = embedding_matrix
        self.num_epochs = num_epochs
        self.lr = lr
        self.max_seq_len = max_seq_len
        self.out_channels = out_channels
        self.filter_padding = filter_padding
        self.dropout = dropout
        self.validation_set_size = validation_set_size
        self.padding_idx = padding_idx
        self.kernel_heights = list(kernel_heights)
        self.class_weight = class_weight
        self.compile_model = compile_model
        self.verbosity = verbosity
        self.show_progress_bar = show_progress_bar
        self.train_batch_size = train_batch_size
        self.predict_batch_size = predict_batch_size

        self.criterion = None
        self.optimizer = None
        self.scheduler = None
        self.model_selection = None
        self.enc_ = None
        self.class_weights_ = None

    def initialize(self):
        """Create the network (compiled if ``compile_model``) on ``device``.

        Returns
        -------
        model : KimCNN
            The new model, also stored as ``self.model``.
        """
        model = KimCNN(self.embedding_matrix.shape[0], self.max_seq_len, self.num_classes,
                       out_channels=self.out_channels,
                       embed_dim=self.embedding_matrix.shape[1], padding_idx=self.padding_idx,
                       kernel_heights=self.kernel_heights, dropout=self.dropout,
                       embedding_matrix=self.embedding_matrix, freeze_embedding_layer=False)
        self.model = _compile_if_possible(model.to(self.device), compile_model=self.compile_model)
        return self.model

    def fit(self, train_set, validation_set=None, weights=None, early_stopping=None,
            model_selection=None, optimizer=None, scheduler=None):
        """Fit the classifier on a training set.

        Parameters
        ----------
        train_set : PytorchTextClassificationDataset
            The training data.
        validation_set : PytorchTextClassificationDataset or None, default=None
            Data to validate on during training. When None, ``fit`` holds out part of ``train_set``
            instead; its size comes from ``self.validation_set_size`` (stratified for single-label
            data,
            random for multi-label data).
        weights : np.ndarray[np.float32] or None, default=None
            Sample weights (one positive weight per item of ``train_set``) or None.
        early_stopping : EarlyStoppingHandler or 'none' or None, default=None
            A strategy for early stopping. None means: stop when the validation loss has not
            improved for 5 epochs or the training accuracy exceeds 0.99. Passing 'none'
            disables early stopping.
        model_selection : ModelSelectionManager or 'none' or None, default=None
            A model selection handler; after training, the model it selects is restored.
            Passing None or 'none' disables model selection.
        optimizer : torch.optim.Optimizer or None, default=None
            A pytorch optimizer over the parameters of ``self.model`` (call
            :meth:`initialize` first). None means ``self.optimizer``, and if that is None too,
            ``Adadelta(trainable parameters, lr=self.lr, eps=1e-8)``.
        scheduler : torch.optim.lr_scheduler.LRScheduler or 'linear' or None, default=None
            A pytorch scheduler, stepped after every batch. None means ``self.scheduler``,
            and if that is None too, a constant learning rate. 'linear' decays the learning
            rate linearly to 0 over all training steps (implemented here, so that, unlike in
            small-text 2.0, transformers is not needed).

        Returns
        -------
        self : KimCNNClassifier
            The classifier itself, now fitted.

        Raises
        ------
        TypeError
            If a dataset is not a PytorchTextClassificationDataset (or a view of one).
        ValueError
            If a dataset does not match ``multi_label`` or ``num_classes``, contains
            unlabeled items (single-label) or label ids outside ``[0, num_classes)``, the
            weights are invalid, a scheduler is given without an optimizer, the train set is
            too small to split off a validation set, or a setting is invalid.
        """
        (sub_train, sub_valid, sub_weights, early_stopping, model_selection, optimizer,
         scheduler) = self._prepare_fit(train_set, validation_set, weights, early_stopping,
                                        model_selection, optimizer, scheduler)
        self.enc_ = (MultiLabelBinarizer(classes=list(range(self.num_classes)))
                     .fit(csr_to_list(sub_train.y)) if self.multi_label else None)
        if optimizer is None:
            optimizer = torch.optim.Adadelta(
                [parameter for parameter in self.model.parameters() if parameter.requires_grad],
                lr=self.lr, eps=1e-8)
        scheduler = self._default_scheduler(
            optimizer, scheduler,
            self._num_training_steps(len(sub_train), self._train_batch_size(),
                                    self.num_epochs))

        self._checkpoint = None
        self._train(sub_train, sub_valid, sub_weights, early_stopping, model_selection,
                    optimizer, scheduler)
        self._restore_selected(model_selection, optimizer)
        return self

    def _check_fit_arguments(self, train_set, validation_set, weights, optimizer, scheduler):
        super()._check_fit_arguments(train_set, validation_set, weights, optimizer, scheduler)
        if not 0 <= 2 * self.filter_padding < self.max_seq_len:
            raise ValueError(f'filter_padding must satisfy 0 <= 2 * filter_padding < '
                             f'max_seq_len={self.max_seq_len}, got {self.filter_padding}.')
        for name in ('num_epochs', 'mini_batch_size', 'train_batch_size', 'predict_batch_size'):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise ValueError(f'{name} must be at least 1, got {value}.')

    def _train(self, sub_train, sub_valid, weights, early_stopping, model_selection, optimizer,
               scheduler):
        tokens, widths = self._padded_tokens(sub_train)
        labels = self._labels_tensor(sub_train)
        targets = self._loss_targets(labels)
        weights = self._weights_tensor(weights, len(sub_train))
        amp_args = self.amp_args
        scaler = self._grad_scaler(amp_args)

        validation = self._prepare_validation(sub_valid)  # padded and sorted once per fit

        start_time = datetime.datetime.now()
        for epoch in range(self.num_epochs):
            train_loss, train_acc = self._train_epoch(tokens, widths, labels, targets, weights,
                                                      optimizer, scheduler, scaler, amp_args)
            val_loss, val_acc = self._validate_prepared(validation)
            measured_values = {'train_loss': train_loss, 'train_acc': train_acc,
                               'val_loss': val_loss, 'val_acc': val_acc}
            stop = early_stopping.check_early_stop(epoch + 1, measured_values)
            self._add_checkpoint(model_selection, f'{epoch}-0', optimizer, measured_values, stop)
            if self.verbosity >= VERBOSITY_MORE_VERBOSE:
                logger.info(self._epoch_summary(epoch, start_time, len(sub_train), train_loss,
                                                train_acc, val_loss, val_acc))
            if stop:
                break

    def _train_epoch(self, tokens, widths, labels, targets, weights, optimizer, scheduler,
                     scaler, amp_args):
        """Train one epoch; return (train_loss, train_acc) as Σ(batch-mean loss)/N and the
        fraction of correct predictions. Host and device synchronise once, at the end."""
        self.model.train()
        num_samples = tokens.shape[0]
        order, bounds, batch_widths = _bucketed_training_batches(widths, self._train_batch_size())
        # one gather per epoch; each batch is then a view (no per-batch indexing)
        order = self._to_device(torch.from_numpy(order))
        tokens, labels, targets, weights = (tensor[order]
                                            for tensor in (tokens, labels, targets, weights))
        parameters = [parameter for parameter in self.model.parameters()
                      if parameter.requires_grad]
        loss_sum = torch.zeros((), device=self.device)
        correct_sum = torch.zeros((), device=self.device)
        for (start, end), width in zip(bounds, batch_widths):
            optimizer.zero_grad(set_to_none=True)
            with self._autocast(amp_args):
                logits = self.model(tokens[start:end, :width])
                loss = self._weighted_loss(logits, targets[start:end], weights[start:end])
            scaler.scale(loss).backward()
            self._optimizer_step(optimizer, scheduler, scaler, parameters, _GRADIENT_CLIP_NORM)
            loss_sum += loss.detach()
            correct_sum += self.sum_up_accuracy_(logits.detach(), labels[start:end])
        train_loss, train_acc = (torch.stack([loss_sum, correct_sum]) / num_samples).tolist()
        return train_loss, train_acc

    def _padded_tokens(self, dataset):
        """The padded token ids of ``dataset`` (on the device) and per item the narrowest
        batch width that gives the same results as ``max_seq_len`` (see KimCNN)."""
        x = dataset.x
        max_tokens = self.max_seq_len - 2 * self.filter_padding
        lengths = np.fromiter((min(tensor.shape[0], max_tokens) for tensor in x),
                              dtype=np.int64, count=len(x))
        max_kernel_height = max(self.kernel_heights)
        widths = np.clip(lengths + 2 * self.filter_padding + max_kernel_height - 1,
                         max_kernel_height, self.max_seq_len)
        tokens = _pad_token_ids(x, self.max_seq_len, self.padding_idx, self.filter_padding)
        return self._to_device(tokens), widths

    def _train_batch_size(self):
        return self.mini_batch_size if self.train_batch_size is None else self.train_batch_size

    def _predict_batch_size(self):
        return (self.mini_batch_size if self.predict_batch_size is None
                else self.predict_batch_size)

    def _sorted_inference_batches(self, dataset):
        self._check_dataset_type(dataset, 'dataset')
        tokens, widths = self._padded_tokens(dataset)
        order = np.argsort(widths, kind='stable')
        sorted_tokens = tokens[self._to_device(torch.from_numpy(order))]
        batches = []
        batch_size = self._predict_batch_size()
        for start in range(0, len(order), batch_size):
            end = min(start + batch_size, len(order))
            width = int(widths[order[end - 1]])
            batches.append((slice(start, end), (sorted_tokens[start:end, :width],)))
        return order, batches


def _bucketed_training_batches(widths, batch_size):
    """Return ``(order, bounds, batch_widths)`` for one training epoch: the length-bucketed
    batches of :func:`~small_text.integrations.pytorch.utils.data._length_bucketed_batches`,
    with ``order`` concatenating their item indices, ``bounds`` holding each batch's
    ``(start, end)`` in ``order`` and ``batch_widths`` its largest width."""
    batches = _length_bucketed_batches(widths, batch_size)
    ends = np.cumsum([batch.shape[0] for batch in batches])
    bounds = list(zip((ends - [batch.shape[0] for batch in batches]).tolist(), ends.tolist()))
    batch_widths = [int(widths[batch].max()) for batch in batches]
    return np.concatenate(batches), bounds, batch_widths
