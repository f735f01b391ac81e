"""Fine-tuning transformer models for text classification: :class:`TransformerBasedClassification`
and its argument classes."""
import datetime
import logging
import os
import warnings
from contextlib import contextmanager

import numpy as np

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'transformers')) from e

try:
    from transformers import AutoConfig, AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as transformers_logging
except ImportError as e:
    raise PytorchNotFoundError(_missing_extra_message(__name__, ['transformers'],
                                                      'transformers')) from e

from small_text.classifiers.classification import EmbeddingMixin
from small_text.integrations.pytorch.classifiers.base import PytorchClassifier
from small_text.integrations.pytorch.utils.contextmanager import inference_mode
from small_text.integrations.pytorch.utils.data import _length_bucketed_batches
from small_text.integrations.pytorch.utils.misc import (
    _compile_if_possible,
    _fused_optimizer,
    _unwrap,
)
from small_text.integrations.transformers.classifiers.base import (
    _check_managed_kwargs,
    _check_model_loading_strategy,
    _loading_arguments,
    _resolve_pretrained,
)
from small_text.integrations.transformers.datasets import (
    TransformersDataset,
    TransformersDatasetView,
)
from small_text.integrations.transformers.utils.classification import (
    _SlantedTriangular,
    _discriminative_param_groups,
    _inference_batches,
    _layer_groups,
    _masked_mean,
    _output_layer,
    _pad_batch,
    _sequence_lengths,
    _set_trainable_groups,
    _validation_points,
)
from small_text.utils.classification import _multi_label_list_to_multi_hot
from small_text.utils.context import build_pbar_context
from small_text.utils._validation import check_protocol
from small_text.utils.logging import VERBOSITY_MORE_VERBOSE
from small_text.utils.system import get_show_progress_bar_default

logger = logging.getLogger(__name__)

_GRADIENT_CLIP_NORM = 1.0

_MANAGED_KWARGS = {
    'model_kwargs': ('from_tf', 'config', 'cache_dir', 'force_download', 'local_files_only'),
    'tokenizer_kwargs': ('cache_dir', 'force_download', 'local_files_only'),
    'config_kwargs': ('num_labels', 'cache_dir', 'force_download', 'local_files_only'),
}
"""Loader arguments set by small-text, which the ``*_kwargs`` dicts must not contain."""


class TransformerModelArguments:
    """Model arguments for :class:`TransformerBasedClassification`.

    Parameters
    ----------
    model : str or os.PathLike
        Name (hub id) or local folder of the transformer model. Handed to
        ``AutoModelForSequenceClassification.from_pretrained()``.
    tokenizer : str or os.PathLike, default=None
        Name or folder of the tokenizer when it differs from the model's. Handed to
        ``AutoTokenizer.from_pretrained()``.
    config : str or os.PathLike, default=None
        Name or folder of the config when it differs from the model's. Handed to
        ``AutoConfig.from_pretrained()``.
    model_kwargs : dict, default={}
        Further keyword arguments for
        ``AutoModelForSequenceClassification.from_pretrained()``. Arguments that are managed
        by small-text (``from_tf``, ``config``, ``cache_dir``, ``force_download``,
        ``local_files_only``) are not allowed. A copy is stored.
    tokenizer_kwargs : dict, default={}
        Further keyword arguments for ``AutoTokenizer.from_pretrained()``, except
        the managed ``cache_dir`` and ``force_download``. A copy is stored.
    config_kwargs : dict, default={}
        Further keyword arguments for ``AutoConfig.from_pretrained()``, except the
        managed ``num_labels``, ``cache_dir`` and ``force_download``. A copy is stored.
    model_loading_strategy : ModelLoadingStrategy or None, default=None
        Whether the model may be downloaded or must come from local files. None means
        :func:`~small_text.integrations.transformers.classifiers.
        base.get_default_model_loading_strategy`, evaluated when this object is created (the
        reference evaluates it once, at import time).
    compile_model : bool, default=False
        Compiles the model (using ``torch.compile``) if True.
    train_batch_size : int or None, default=None
        Keyword-only. Batch size of the training steps of the classifier; None means its
        ``mini_batch_size``.
    predict_batch_size : int or None, default=None
        Keyword-only. Batch size of validation, prediction and embedding; None means the
        classifier's ``mini_batch_size``.
    show_progress_bar : bool or None, default=None
        Keyword-only. Show progress bars (in ``embed``) unless the classifier sets its own;
        None means the default given by the environment variable ``SMALL_TEXT_PROGRESS_BARS``
        at construction.

    Attributes
    ----------
    model, tokenizer, config : str
        The names or paths; ``tokenizer`` and ``config`` default to ``model``.
    show_progress_bar : bool
        The given value, or the environment's default for None.

    Raises
    ------
    ValueError
        If a ``*_kwargs`` dict contains a managed key ("Cannot override managed keyword
        argument in <name>: <key>"; besides the keys above, ``local_files_only`` in
        ``tokenizer_kwargs`` and ``config_kwargs``), ``model_loading_strategy`` is not a
        ModelLoadingStrategy, or a batch size is not a positive int or None.

    Notes
    -----
    Added in version 2.0.0: ``compile_model``, ``train_batch_size``, ``predict_batch_size``
    and ``show_progress_bar``.
    """

    def __init__(self, model, tokenizer=None, config=None, model_kwargs={},  # noqa: B006
                 tokenizer_kwargs={}, config_kwargs={}, model_loading_strategy=None,  # noqa: B006
                 compile_model=False, *, train_batch_size=None, predict_batch_size=None,
                 show_progress_bar=None):
        self.model = os.fspath(model)
        self.tokenizer = self.model if tokenizer is None else os.fspath(tokenizer)
        self.config = self.model if config is None else os.fspath(config)
        self.model_kwargs = _checked_kwargs('model_kwargs', model_kwargs)
        self.tokenizer_kwargs = _checked_kwargs('tokenizer_kwargs', tokenizer_kwargs)
        self.config_kwargs = _checked_kwargs('config_kwargs', config_kwargs)
        self.model_loading_strategy = _check_model_loading_strategy(model_loading_strategy)
        self.compile_model = compile_model
        for name, value in (('train_batch_size', train_batch_size),
                            ('predict_batch_size', predict_batch_size)):
            if value is not None and (isinstance(value, bool)
                                      or not isinstance(value, (int, np.integer)) or value < 1):
                raise ValueError(f'{name} must be a positive int or None, got {value!r}.')
        self.train_batch_size = train_batch_size
        self.predict_batch_size = predict_batch_size
        self.show_progress_bar = (get_show_progress_bar_default() if show_progress_bar is None
                                  else show_progress_bar)

    def __repr__(self):
        return (f'TransformerModelArguments(model={self.model!r}, tokenizer={self.tokenizer!r}, '
                f'config={self.config!r}, model_loading_strategy={self.model_loading_strategy}, '
                f'compile_model={self.compile_model})')


_MODEL_ARGUMENTS_ATTRIBUTES = ('model', 'tokenizer', 'config', 'model_kwargs',
                               'tokenizer_kwargs', 'config_kwargs', 'model_loading_strategy',
                               'compile_model')
"""The attributes of :class:`TransformerModelArguments` that the classifier reads."""

_FINE_TUNING_ARGUMENTS_ATTRIBUTES = ('base_lr', 'layerwise_gradient_decay', 'gradual_unfreezing',
                                     'cut_fraction')
"""The attributes of :class:`FineTuningArguments` that the classifier reads."""


def _checked_kwargs(name, kwargs):
    _check_managed_kwargs(name, kwargs, _MANAGED_KWARGS[name])
    return dict(kwargs)


class FineTuningArguments:
    """Settings for ULMFiT-style fine-tuning [HR18]: discriminative learning rates per layer group
    and gradual unfreezing.

    The model is split into layer groups, bottom to top: the embeddings, each transformer
    block, the pooler (if the model has one) and the classification head.

    Parameters
    ----------
    base_lr : float
        Learning rate of the top layer group (the head). It replaces the classifier's ``lr``.
    layerwise_gradient_decay : float or None
        Discriminative learning rates: the group k levels below the top gets
        ``base_lr * layerwise_gradient_decay**k``. Must lie in (0, 1); None, 0 or -1 disable
        it (all groups get ``base_lr``).
    gradual_unfreezing : int, default=-1
        If g > 0, training starts with only the top g layer groups trainable and one more group
        is unfrozen at the start of each following epoch. -1 disables it (all groups train from
        the start). Must be smaller than the number of layer groups (checked in ``fit``).
    cut_fraction : float, default=0.1
        Fraction of all training steps over which the slanted triangular learning-rate schedule
        rises (linearly, from 1/32 of the peak to the peak) before it decays linearly back to
        1/32 of the peak at the last step. Must lie in (0, 1).

    Raises
    ------
    ValueError
        If ``base_lr <= 0``, ``layerwise_gradient_decay`` is outside (0, 1) and not one of
        None, 0, -1, ``gradual_unfreezing`` is neither -1 nor a positive int, or
        ``cut_fraction`` is outside (0, 1).

    Notes
    -----
    This follows the paper rather than small-text 2.0, which uses the
    classifier's ``lr`` for the top group and ignores ``base_lr``, freezes the lower groups for
    the whole training instead of unfreezing them epoch by epoch, ignores ``cut_fraction`` and
    fails for ``layerwise_gradient_decay=-1``. The learning rates are applied with
    ``AdamW(eps=1e-8)`` and the slanted triangular schedule, stepped after every batch.

    References
    ----------
    .. [HR18] Jeremy Howard and Sebastian Ruder. 2018. Universal Language Model Fine-tuning
       for Text Classification. In Proceedings of ACL 2018, pages 328–339.
    """

    def __init__(self, base_lr, layerwise_gradient_decay, gradual_unfreezing=-1,
                 cut_fraction=0.1):
        if not base_lr > 0:
            raise ValueError(f'FineTuningArguments: base_lr must be greater than 0, got '
                             f'{base_lr!r}.')
        if layerwise_gradient_decay not in (None, 0, -1) \
                and not 0 < layerwise_gradient_decay < 1:
            raise ValueError(f'FineTuningArguments: layerwise_gradient_decay must lie in (0, 1) '
                             f'(or be None, 0 or -1 to disable it), got '
                             f'{layerwise_gradient_decay!r}.')
        if gradual_unfreezing != -1 and (not isinstance(gradual_unfreezing, (int, np.integer))
                                         or isinstance(gradual_unfreezing, bool)
                                         or gradual_unfreezing < 1):
            raise ValueError(f'FineTuningArguments: gradual_unfreezing must be a positive int '
                             f'(or -1 to disable it), got {gradual_unfreezing!r}.')
        if not 0 < cut_fraction < 1:
            raise ValueError(f'FineTuningArguments: cut_fraction must lie in (0, 1), got '
                             f'{cut_fraction!r}.')
        self.base_lr = base_lr
        self.layerwise_gradient_decay = layerwise_gradient_decay
        self.gradual_unfreezing = gradual_unfreezing
        self.cut_fraction = cut_fraction

    def __repr__(self):
        return (f'FineTuningArguments(base_lr={self.base_lr}, layerwise_gradient_decay='
                f'{self.layerwise_gradient_decay}, gradual_unfreezing={self.gradual_unfreezing}, '
                f'cut_fraction={self.cut_fraction})')


def transformers_collate_fn(batch, multi_label=None, num_classes=None, use_sample_weights=False,
                            *, pad_token_id=0):
    """Collate items of a :class:`~small_text.integrations.transformers.TransformersDataset`
    into a batch padded to its longest member.

    Parameters
    ----------
    batch : list of tuple
        Items ``(input_ids, attention_mask, label)`` or ``(input_ids, attention_mask, label,
        weight)``; the tensors have shape (1, L_i).
    multi_label : bool or None, default=None
        If True, the labels are lists of label ids.
    num_classes : int or None, default=None
        Number of classes (needed for multi-label data).
    use_sample_weights : bool, default=False
        If True, the weights are the last element of each item; otherwise ones.
    pad_token_id : int, default=0
        Keyword-only. The id the token ids are padded with (attention masks get 0).

    Returns
    -------
    input_ids, attention_mask : torch.LongTensor
        Shape (B, max L_i).
    labels : torch.Tensor
        Long tensor (B,), or multi-hot float tensor (B, num_classes) if ``multi_label``.
    weights : torch.FloatTensor
        Shape (B,).
    """
    input_ids, attention_mask = _pad_batch([item[TransformersDataset.INDEX_TEXT] for item in
    batch],
                                           [item[TransformersDataset.INDEX_MASK] for item in
                                           batch],
                                           pad_token_id=pad_token_id)
    label_index = TransformersDataset.INDEX_LABEL
    if multi_label:
        labels = torch.tensor(_multi_label_list_to_multi_hot(
            [list(item[label_index]) for item in batch], num_classes), dtype=torch.float)
    else:
        labels = torch.tensor([item[label_index] for item in batch], dtype=torch.long)
    if use_sample_weights:
        weights = torch.tensor([item[-1] for item in batch], dtype=torch.float)
    else:
        weights = torch.ones(len(batch), dtype=torch.float)
    return input_ids, attention_mask, labels, weights


class TransformerBasedEmbeddingMixin(EmbeddingMixin):
    """Embeddings of a transformer classifier: the [CLS] token or the averaged tokens of a
    hidden layer, or the input of the output layer of the classification head."""

    EMBEDDING_METHOD_AVG = 'avg'
    EMBEDDING_METHOD_CLS_TOKEN = 'cls'
    EMBEDDING_METHOD_HEAD_INPUT = 'head'

    def embed(self, data_set, return_proba=False, embedding_method='avg', hidden_layer_index=-1):
        """Embed the items of ``data_set`` with the hidden states of the transformer.

        Parameters
        ----------
        data_set : TransformersDataset
            The items to embed.
        return_proba : bool, default=False
            If True, also return the predicted probabilities (as :meth:`predict_proba`:
            softmax, or sigmoid for multi-label; small-text 2.0 uses softmax for both).
        embedding_method : {'avg', 'cls', 'head'}, default='avg'
            ``'avg'``: the mean of the hidden states of the real tokens after the first one
            (padding is excluded via the attention mask; small-text 2.0 includes padding
            positions, so its result depends on the padding). ``'cls'``: the hidden state of
            the first ([CLS]) token. ``'head'``: the vector the output layer of the
            classification head sees (for BERT the pooled [CLS] vector), so that the logits
            are a linear function of it; BADGE's gradient embeddings need it. The output
            layer is the last linear layer of the model with one output per class.
        hidden_layer_index : int, default=-1
            The layer whose outputs are used, indexing the transformer blocks' outputs (the
            embedding layer's output excluded): -1 is the last layer, 0 the first. Not used
            by ``'head'``.

        Returns
        -------
        embeddings : np.ndarray[np.float32]
            Shape (N, hidden_size), in the order of ``data_set``.
        proba : np.ndarray[np.float64], optional
            Shape (N, num_classes), if ``return_proba`` is True.

        Raises
        ------
        ValueError
            If the classifier has not been fitted, ``embedding_method`` is invalid or
            ``hidden_layer_index`` is out of range.
        """
        if self.model is None:
            raise ValueError(f'This {type(self).__name__} has no model yet: call fit() first.')
        if embedding_method not in (self.EMBEDDING_METHOD_AVG, self.EMBEDDING_METHOD_CLS_TOKEN,
                                    self.EMBEDDING_METHOD_HEAD_INPUT):
            raise ValueError(f'Invalid embedding_method: {embedding_method}')
        config = _unwrap(self.model).config
        num_layers = config.num_hidden_layers
        if not -num_layers <= hidden_layer_index < num_layers:
            raise ValueError(f'hidden_layer_index must lie in [{-num_layers}, {num_layers}) for '
                             f'a model with {num_layers} layers, got {hidden_layer_index}.')
        head_inputs = []
        if embedding_method == self.EMBEDDING_METHOD_HEAD_INPUT:
            output_layer = _output_layer(_unwrap(self.model), self.num_classes)
            hook = output_layer.register_forward_hook(
                lambda module, inputs, output: head_inputs.append(inputs[0]))
            try:
                return self._embed(data_set, return_proba, embedding_method, hidden_layer_index,
                                   head_inputs, output_layer.in_features)
            finally:
                hook.remove()
        return self._embed(data_set, return_proba, embedding_method, hidden_layer_index,
                           head_inputs, config.hidden_size)

    def _embed(self, data_set, return_proba, embedding_method, hidden_layer_index, head_inputs,
               dimension):
        if len(data_set) == 0:
            embeddings = np.empty((0, dimension), dtype=np.float32)
            proba = np.empty((0, self.num_classes), dtype=np.float64)
            return (embeddings, proba) if return_proba else embeddings

        pbar_enabled = self._show_progress_bar()
        self.model.eval()
        with build_pbar_context(pbar_enabled, dict(total=len(data_set))) as pbar, \
                inference_mode(), self._autocast():
            def batch_fn(batch_slice, model_inputs):
                input_ids, attention_mask = model_inputs
                outputs = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                     output_hidden_states=True)
                hidden = outputs.hidden_states[1:][hidden_layer_index]
                if embedding_method == self.EMBEDDING_METHOD_HEAD_INPUT:
                    embeddings = head_inputs.pop()
                elif embedding_method == self.EMBEDDING_METHOD_CLS_TOKEN:
                    embeddings = hidden[:, 0]
                else:
                    embeddings = _masked_mean(hidden[:, 1:].float(), attention_mask[:, 1:])
                pbar.update(input_ids.shape[0])
                return torch.cat([embeddings.float(), self._proba_from_logits(outputs.logits)],
                                 dim=1)

            result = self._collect_in_input_order(data_set, batch_fn)

        embeddings = np.ascontiguousarray(result[:, :-self.num_classes])
        if return_proba:
            return embeddings, result[:, -self.num_classes:].astype(np.float64)
        return embeddings


class TransformerBasedClassification(TransformerBasedEmbeddingMixin, PytorchClassifier):
    """A text classifier that fine-tunes a pretrained transformer model.

    Parameters
    ----------
    transformer_model : TransformerModelArguments
        Which model, tokenizer and config to load, and how.
    num_classes : int
        Number of classes.
    multi_label : bool, default=False
        Whether an item may carry several labels; when False every prediction is exactly one class.
    num_epochs : int, default=10
        Epochs to train.
    lr : float, default=2e-5
        Learning rate (unused with ``fine_tuning_arguments``, whose ``base_lr`` applies).
    mini_batch_size : int, default=12
        Size of the mini batches for training, validation, prediction and embedding, unless
        ``transformer_model`` sets ``train_batch_size`` or ``predict_batch_size``.
    validation_set_size : float, default=0.1
        Share of the training set held out for validation, within (0, 1).
    validations_per_epoch : int, default=1
        How often the validation set is evaluated during one epoch: at this many evenly spread
        points, the last one at the end of the epoch.
    fine_tuning_arguments : FineTuningArguments or None, default=None
        Discriminative learning rates, gradual unfreezing and the slanted triangular schedule
        of ULMFiT.
    device : str or torch.device, default=None
        Device that runs training and inference (None: ``'cuda'`` if
        available, else ``'cpu'``).
    memory_fix : int, default=1
        When positive, the CUDA cache is emptied every ``memory_fix`` epochs so that unused GPU
        memory is released.
    class_weight : 'balanced' or None, default=None
        If 'balanced', each class's loss is weighted by the inverse of its frequency in the current
        training set.
    amp_args : AMPArguments, default=None
        Settings for automatic mixed precision (AMP).
    verbosity : int, default=VERBOSITY_MORE_VERBOSE
        Epoch summaries are logged (at INFO level) if ``verbosity >= VERBOSITY_MORE_VERBOSE``.
    cache_dir : str, default='.active_learning_lib_cache/'
        Cache folder for models downloaded from the Hugging Face hub, passed to every loader.
        A hub id that is cached only in the default Hugging Face cache is loaded from there
        when downloads are off.
    show_progress_bar : bool or None, default=None
        Keyword-only. Show a progress bar in :meth:`embed`; None means
        ``transformer_model.show_progress_bar``.

    Attributes
    ----------
    model : transformers.PreTrainedModel or None
        The model, created by :meth:`initialize` (on the first :meth:`fit`).
    config : transformers.PretrainedConfig or None
        The model's config, loaded by :meth:`initialize`.
    tokenizer : transformers.PreTrainedTokenizerBase
        The tokenizer of ``transformer_model``, loaded on first access (the classifier itself
        does not need it).
    criterion : torch.nn.Module or None
        The per-sample loss of the last :meth:`fit`.
    optimizer, scheduler : None
        Defaults for :meth:`fit` (its arguments take precedence).
    class_weights_ : torch.FloatTensor or None
        The class weights of the last :meth:`fit`.

    Raises
    ------
    ValueError
        If an argument is of the wrong type or out of range.

    Notes
    -----
    Texts are tokenized once (by :meth:`TransformersDataset.from_arrays`), and batches are
    padded to their longest member, not to the dataset's ``max_length``. Inference
    (prediction, validation, embedding) sorts the texts by length, fills each batch with up to
    the prediction batch size times the longest text's length in tokens (so batches of short
    texts hold more texts, and memory stays bounded by one batch of the longest texts), and
    returns the results in the input order. Training batches group texts of similar length:
    random chunks of 50 batches are sorted by length and cut into batches, which are visited
    in random order (as ``group_by_length`` of the transformers Trainer).

    Pretrained models are loaded without waiting for the network when downloads are off: a
    missing folder, or a hub id without a local copy while offline, raises a
    :class:`FileNotFoundError` at once.
    """

    _DATASET_TYPES = (TransformersDataset, TransformersDatasetView)

    def __init__(self, transformer_model, num_classes, multi_label=False, num_epochs=10, lr=2e-5,
                 mini_batch_size=12, validation_set_size=0.1, validations_per_epoch=1,
                 fine_tuning_arguments=None, device=None, memory_fix=1, class_weight=None,
                 amp_args=None, verbosity=VERBOSITY_MORE_VERBOSE,
                 cache_dir='.active_learning_lib_cache/', *, show_progress_bar=None):
        super().__init__(multi_label=multi_label, device=device,
                         mini_batch_size=mini_batch_size, amp_args=amp_args)
        check_protocol(transformer_model, 'transformer_model', 'TransformerModelArguments',
                       _MODEL_ARGUMENTS_ATTRIBUTES)
        if fine_tuning_arguments is not None:
            check_protocol(fine_tuning_arguments, 'fine_tuning_arguments',
                           'FineTuningArguments (or None)', _FINE_TUNING_ARGUMENTS_ATTRIBUTES)
        for name, value in (('num_classes', num_classes), ('num_epochs', num_epochs),
                            ('mini_batch_size', mini_batch_size),
                            ('validations_per_epoch', validations_per_epoch)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f'{name} must be a positive int, got {value!r}.')
        if not 0 < validation_set_size < 1:
            raise ValueError(f'validation_set_size must lie in (0, 1), got '
                             f'{validation_set_size!r}.')
        self.transformer_model = transformer_model
        self.num_classes = num_classes
        self.num_epochs = num_epochs
        self.lr = lr
        self.validation_set_size = validation_set_size
        self.validations_per_epoch = validations_per_epoch
        self.fine_tuning_arguments = fine_tuning_arguments
        self.memory_fix = memory_fix
        self.class_weight = class_weight
        self.verbosity = verbosity
        self.cache_dir = cache_dir
        self.show_progress_bar = show_progress_bar

        self.config = None
        self._tokenizer = None
        self.criterion = None
        self.optimizer = None
        self.scheduler = None
        self.model_selection_manager = None
        self.class_weights_ = None

    @property
    def tokenizer(self):
        """The tokenizer of ``transformer_model``, loaded on first access."""
        if self._tokenizer is None:
            loading_args = _loading_arguments(self.transformer_model.model_loading_strategy)
            name, cache_dir = _resolve_pretrained(self.transformer_model.tokenizer, loading_args,
                                                  self.cache_dir, what='tokenizer')
            with _quiet_transformers():
                self._tokenizer = AutoTokenizer.from_pretrained(
                    name, cache_dir=cache_dir, force_download=loading_args.force_download,
                    local_files_only=loading_args.local_files_only,
                    **self.transformer_model.tokenizer_kwargs)
        return self._tokenizer

    def initialize(self):
        """Load the config and the pretrained model (with a new classification head of
        ``num_classes`` outputs) and move the model to ``device``.

        Both loaders get the same ``cache_dir``, ``force_download`` and ``local_files_only``;
        transformers' warnings about newly initialised weights are silenced. The model is
        compiled if ``transformer_model.compile_model`` is set.

        Returns
        -------
        model : transformers.PreTrainedModel
            The model, also stored as ``self.model``.

        Raises
        ------
        FileNotFoundError
            If the model or config is a folder that does not exist, or a hub id without a
            local copy while downloads are off.
        """
        args = self.transformer_model
        loading_args = _loading_arguments(args.model_loading_strategy)
        model_name, model_cache_dir = _resolve_pretrained(args.model, loading_args,
                                                          self.cache_dir, what='model')
        config_name, config_cache_dir = _resolve_pretrained(args.config, loading_args,
                                                            self.cache_dir, what='config')
        model_kwargs = dict(args.model_kwargs)
        if 'dtype' not in model_kwargs and 'torch_dtype' not in model_kwargs:
            model_kwargs['dtype'] = torch.float32
        with _quiet_transformers():
            self.config = AutoConfig.from_pretrained(
                config_name, num_labels=self.num_classes, cache_dir=config_cache_dir,
                force_download=loading_args.force_download,
                local_files_only=loading_args.local_files_only, **args.config_kwargs)
            model = AutoModelForSequenceClassification.from_pretrained(
                model_name, config=self.config, cache_dir=model_cache_dir,
                force_download=loading_args.force_download,
                local_files_only=loading_args.local_files_only, **model_kwargs)
        self.model = _compile_if_possible(model.to(self.device),
                                          compile_model=args.compile_model)
        return self.model

    def fit(self, train_set, validation_set=None, weights=None, early_stopping=None,
            model_selection=None, optimizer=None, scheduler=None):
        """Fit the classifier on a training set.

        Parameters
        ----------
        train_set : TransformersDataset
            Training set.
        validation_set : TransformersDataset, default=None
            Data to validate on during training. When None, ``fit`` holds out part of ``train_set``
            instead; its size comes from ``self.validation_set_size`` (stratified for single-label
            data,
            random for multi-label data).
        weights : np.ndarray[np.float32] or None, default=None
            Sample weights (one positive weight per item of ``train_set``) or None.
        early_stopping : EarlyStoppingHandler or 'none' or None, default=None
            A strategy for early stopping. None means: stop when the validation loss has not
            improved for ``5 * validations_per_epoch`` checks or the training accuracy exceeds
            0.99. Passing 'none' disables early stopping. A stop is final: the rest of the
            epoch is skipped.
        model_selection : ModelSelectionManager or 'none' or None, default=None
            A model selection handler; after training, the model it selects is restored.
            Passing None or 'none' disables model selection.
        optimizer : torch.optim.Optimizer or None, default=None
            A pytorch optimizer over the parameters of ``self.model`` (call
            :meth:`initialize` first). None means ``self.optimizer``, and if that is None too,
            ``AdamW(trainable parameters, lr=self.lr, eps=1e-8)`` (the fused implementation
            where the device supports it).
        scheduler : torch.optim.lr_scheduler.LRScheduler or 'linear' or None, default=None
            A pytorch scheduler, stepped after every batch. None means ``self.scheduler``,
            and if that is None too, 'linear': a linear decay to 0 over all training steps.

        Returns
        -------
        self : TransformerBasedClassification
            The classifier itself, now fitted.

        Raises
        ------
        TypeError
            If a dataset is not a TransformersDataset (or a view of one).
        ValueError
            If a dataset does not match ``multi_label`` or ``num_classes``, contains
            unlabeled items (single-label) or label ids outside ``[0, num_classes)``, the
            weights are invalid, a scheduler is given without an optimizer, an optimizer or a
            scheduler is given together with ``fine_tuning_arguments``, or the train set is
            too small to split off a validation set.
        """
        (sub_train, sub_valid, sub_weights, early_stopping, model_selection, optimizer,
         scheduler) = self._prepare_fit(train_set, validation_set, weights, early_stopping,
                                        model_selection, optimizer, scheduler,
                                        self.validations_per_epoch)
        num_steps = self._num_training_steps(len(sub_train), self._train_batch_size(),
                                             self.num_epochs)
        layer_groups = None
        if self.fine_tuning_arguments is None:
            if optimizer is None:
                optimizer = _adamw([parameter for parameter in self.model.parameters()
                                    if parameter.requires_grad], lr=self.lr)
            scheduler = self._default_scheduler(optimizer,
                                                'linear' if scheduler is None else scheduler,
                                                num_steps)
        else:
            layer_groups = self._checked_layer_groups()
            optimizer = _adamw(_discriminative_param_groups(
                layer_groups, self.fine_tuning_arguments.base_lr,
                self.fine_tuning_arguments.layerwise_gradient_decay))
            scheduler = torch.optim.lr_scheduler.LambdaLR(
                optimizer, _SlantedTriangular(num_steps, self.fine_tuning_arguments.cut_fraction))

        self._checkpoint = None
        try:
            self._train(sub_train, sub_valid, sub_weights, early_stopping, model_selection,
                        optimizer, scheduler, layer_groups)
        finally:
            if layer_groups is not None:
                _set_trainable_groups(layer_groups, len(layer_groups))
        self._restore_selected(model_selection, optimizer)
        return self

    def _checked_layer_groups(self):
        groups = _layer_groups(_unwrap(self.model))
        gradual_unfreezing = self.fine_tuning_arguments.gradual_unfreezing
        if gradual_unfreezing >= len(groups):
            raise ValueError(f'FineTuningArguments: gradual_unfreezing={gradual_unfreezing} '
                             f'leaves no layer group to unfreeze: the model has '
                             f'{len(groups)} layer groups, so it must be smaller than that '
                             f'(or -1 to train all groups from the start).')
        return groups

    def _check_fit_arguments(self, train_set, validation_set, weights, optimizer, scheduler):
        super()._check_fit_arguments(train_set, validation_set, weights, optimizer, scheduler)
        if self.fine_tuning_arguments is not None and (optimizer is not None
                                                       or scheduler is not None):
            raise ValueError('fine_tuning_arguments configure their own optimizer and '
                             'schedule: do not pass an optimizer or a scheduler as well.')

    def _train(self, sub_train, sub_valid, weights, early_stopping, model_selection, optimizer,
               scheduler, layer_groups):
        data = sub_train.data
        ids = [item[TransformersDataset.INDEX_TEXT] for item in data]
        masks = [item[TransformersDataset.INDEX_MASK] for item in data]
        lengths = _sequence_lengths(ids)
        labels = self._labels_tensor(sub_train)
        targets = self._loss_targets(labels)
        weights = self._weights_tensor(weights, len(sub_train))
        amp_args = self.amp_args
        scaler = self._grad_scaler(amp_args)
        validation_points = self._intra_epoch_validation_points(len(sub_train))
        gradual_unfreezing = (-1 if self.fine_tuning_arguments is None
                              else self.fine_tuning_arguments.gradual_unfreezing)

        start_time = datetime.datetime.now()
        stop = False
        for epoch in range(self.num_epochs):
            if self.memory_fix and (epoch + 1) % self.memory_fix == 0 \
                    and torch.cuda.is_available():
                torch.cuda.empty_cache()
            if gradual_unfreezing > 0:
                _set_trainable_groups(layer_groups,
                                      min(gradual_unfreezing + epoch, len(layer_groups)))
            self.model.train()
            parameters = [parameter for parameter in self.model.parameters()
                          if parameter.requires_grad]
            loss_sum = torch.zeros((), device=self.device)
            correct_sum = torch.zeros((), device=self.device)
            validations = []
            batches = _length_bucketed_batches(lengths, self._train_batch_size())
            # one gather per epoch; each batch's labels and weights are then views
            order = self._to_device(torch.from_numpy(np.concatenate(batches)))
            epoch_labels, epoch_targets, epoch_weights = (
                tensor[order] for tensor in (labels, targets, weights))
            start = 0
            for i, batch in enumerate(batches):
                end = start + batch.shape[0]
                input_ids, attention_mask = self._model_inputs(ids, masks, batch)
                optimizer.zero_grad(set_to_none=True)
                with self._autocast(amp_args):
                    logits = self.model(input_ids=input_ids, attention_mask=attention_mask).logits
                    loss = self._weighted_loss(logits, epoch_targets[start:end],
                                               epoch_weights[start:end])
                scaler.scale(loss).backward()
                self._optimizer_step(optimizer, scheduler, scaler, parameters,
                                     _GRADIENT_CLIP_NORM)
                loss_sum += loss.detach()
                correct_sum += self._correct_per_sample(logits.detach(),
                                                        epoch_labels[start:end]).sum()
                start = end

                if i + 1 in validation_points:
                    val_loss, val_acc = self.validate(sub_valid)
                    self.model.train()
                    validations.append((val_loss, val_acc))
                    values = {'val_loss': val_loss, 'val_acc': val_acc}
                    stop = early_stopping.check_early_stop(epoch + 1, values) or stop
                    self._add_checkpoint(model_selection, f'{epoch}-b{i + 1}', optimizer,
                                         values, stop)
                    if stop:
                        break

            if len(validations) > 0:
                val_loss, val_acc = np.mean(validations, axis=0).tolist()
            else:
                val_loss, val_acc = self.validate(sub_valid)
            train_loss, train_acc = (torch.stack([loss_sum, correct_sum])
                                     / len(sub_train)).tolist()
            values = {'train_loss': train_loss, 'train_acc': train_acc,
                      'val_loss': val_loss, 'val_acc': val_acc}
            stop = early_stopping.check_early_stop(epoch + 1, values) or stop
            self._add_checkpoint(model_selection, f'{epoch}-b0', optimizer, values, stop)
            if self.verbosity >= VERBOSITY_MORE_VERBOSE:
                logger.info(self._epoch_summary(epoch, start_time, len(sub_train), train_loss,
                                                train_acc, val_loss, val_acc))
            if stop:
                break

    def _intra_epoch_validation_points(self, num_samples):
        if self.validations_per_epoch <= 1:
            return set()
        num_batches = self._num_training_steps(num_samples, self._train_batch_size(), 1)
        if self.validations_per_epoch > num_batches:
            warnings.warn(f'validations_per_epoch={self.validations_per_epoch} is greater than '
                          f'the maximum possible batches of {num_batches}', RuntimeWarning,
                          stacklevel=3)
        return _validation_points(num_batches, self.validations_per_epoch)

    def _train_batch_size(self):
        batch_size = getattr(self.transformer_model, 'train_batch_size', None)
        return self.mini_batch_size if batch_size is None else batch_size

    def _predict_batch_size(self):
        batch_size = getattr(self.transformer_model, 'predict_batch_size', None)
        return self.mini_batch_size if batch_size is None else batch_size

    def _show_progress_bar(self):
        if self.show_progress_bar is not None:
            return self.show_progress_bar
        show_progress_bar = getattr(self.transformer_model, 'show_progress_bar', None)
        return get_show_progress_bar_default() if show_progress_bar is None else show_progress_bar

    def _pad_token_id(self):
        pad_token_id = getattr(_unwrap(self.model).config, 'pad_token_id', None)
        return 0 if pad_token_id is None else pad_token_id

    def _model_inputs(self, ids, masks, indices):
        """The padded ids and masks of the items ``indices`` on the device."""
        input_ids, attention_mask = _pad_batch([ids[i] for i in indices],
                                               [masks[i] for i in indices],
                                               pad_token_id=self._pad_token_id())
        return input_ids.to(self.device), attention_mask.to(self.device)

    def _sorted_inference_batches(self, dataset):
        self._check_dataset_type(dataset, 'dataset')
        data = dataset.data
        ids = [item[TransformersDataset.INDEX_TEXT] for item in data]
        masks = [item[TransformersDataset.INDEX_MASK] for item in data]
        order, bounds = _inference_batches(_sequence_lengths(ids), self._predict_batch_size())

        def batches():
            for start, end in bounds:
                yield slice(start, end), self._model_inputs(ids, masks, order[start:end])

        return order, batches()

    def _logits(self, model_inputs):
        input_ids, attention_mask = model_inputs
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits

    def __repr__(self):
        return (f'TransformerBasedClassification(transformer_model={self.transformer_model!r}, '
                f'num_classes={self.num_classes}, multi_label={self.multi_label}, '
                f'num_epochs={self.num_epochs}, lr={self.lr}, '
                f'mini_batch_size={self.mini_batch_size})')


def _adamw(params, **kwargs):
    """``AdamW(params, eps=1e-8, **kwargs)``, fused where the device supports it."""
    return _fused_optimizer(torch.optim.AdamW, params, eps=1e-8, **kwargs)


@contextmanager
def _quiet_transformers():
    """Silence transformers' logging (e.g. the report on newly initialised weights) and
    progress bars while loading; restore the previous settings afterwards."""
    verbosity = transformers_logging.get_verbosity()
    progress_bars = transformers_logging.is_progress_bar_enabled()
    transformers_logging.set_verbosity_error()
    transformers_logging.disable_progress_bar()
    try:
        yield
    finally:
        transformers_logging.set_verbosity(verbosity)
        if progress_bars:
            transformers_logging.enable_progress_bar()
