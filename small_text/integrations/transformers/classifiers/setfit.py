"""SetFit [TRE+22]: contrastive fine-tuning of a sentence transformer followed by a
classification head. Needs the extra ``setfit`` (checked when a classifier is created)."""
import os

import numpy as np

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'transformers')) from e

from small_text.base import check_optional_dependency
from small_text.classifiers.classification import Classifier, EmbeddingMixin
from small_text.exceptions import UnsupportedOperationException
from small_text.integrations.pytorch.classifiers.base import AMPArguments
from small_text.integrations.pytorch.utils.misc import _compile_if_possible
from small_text.integrations.transformers.classifiers.base import (
    _check_managed_kwargs,
    _check_model_loading_strategy,
    _loading_arguments,
    _resolve_pretrained,
)
from small_text.integrations.transformers.utils.setfit import (
    _dropout_enabled,
    _full_columns,
    _training_records,
)
from small_text.utils.classification import (
    _check_classifier_dataset_consistency,
    empty_result,
    prediction_result,
)
from small_text.utils._validation import check_protocol
from small_text.utils.data import check_training_data
from small_text.utils.system import get_show_progress_bar_default

_SAMPLING_STRATEGIES = ('oversampling', 'undersampling', 'unique')
_FORBIDDEN_MODEL_KWARGS = ('use_differentiable_head', 'force_download', 'local_files_only')
_FORBIDDEN_TRAINER_KWARGS = ('batch_size', 'show_progress_bar', 'seed')
_SETFIT_ARGUMENTS_ATTRIBUTES = (
    'sentence_transformer_model', 'max_length', 'train_batch_size', 'predict_batch_size',
    'num_epochs', 'max_steps', 'sampling_strategy', 'num_iterations', 'body_learning_rate',
    'head_learning_rate', 'end_to_end', 'show_progress_bar', 'seed', 'output_dir',
    'model_kwargs', 'trainer_kwargs', 'model_loading_strategy', 'compile_model')
"""The attributes of :class:`SetFitModelArguments` that the classifier reads."""


class SetFitModelArguments:
    """Model and training arguments for :class:`SetFitClassification`.

    Pairs of values are (body, head): the first applies to the contrastive fine-tuning of the
    sentence transformer, the second to the training of a differentiable head.

    Parameters
    ----------
    sentence_transformer_model : str or os.PathLike
        Hub id or local folder of a sentence transformer (or any transformer model, which then
        gets mean pooling).
    max_length : int or None, default=None
        Token limit given to setfit's ``TrainingArguments`` (used when training a
        differentiable head).
    train_batch_size : int or (int, int), default=(16, 2)
        Training batch sizes.
    predict_batch_size : int, default=16
        Batch size for prediction and embedding.
    num_epochs : int or (int, int), default=(1, 16)
        Training epochs; the second value applies only to a differentiable head.
    max_steps : int, default=-1
        If greater than 0, the number of training steps, overriding ``num_epochs``.
    sampling_strategy : {'oversampling', 'undersampling', 'unique'}, default='oversampling'
        How setfit draws the contrastive pairs.
    num_iterations : int or None, default=None
        If given, the number of pairs per text, overriding ``sampling_strategy``.
    body_learning_rate : float or (float, float), default=(2e-5, 1e-5)
        Learning rates of the body (contrastive phase, end-to-end phase).
    head_learning_rate : float, default=1e-2
        Learning rate of a differentiable head.
    end_to_end : bool, default=False
        Train the body and a differentiable head jointly.
    show_progress_bar : bool or None, default=None
        Show progress bars; None means the default given by ``SMALL_TEXT_PROGRESS_BARS``.
    seed : int or None, default=None
        Training seed; None draws one from NumPy's global random generator at each fit.
    output_dir : str, default='checkpoints'
        setfit's output folder.
    model_kwargs : dict, default={}
        Passed to ``SetFitModel.from_pretrained``; must not contain
        ``use_differentiable_head``, ``force_download`` or ``local_files_only``. Copied.
    trainer_kwargs : dict, default={}
        Passed to setfit's ``TrainingArguments``; must not contain ``batch_size``,
        ``show_progress_bar`` or ``seed``. Copied; ``save_strategy='no'`` and
        ``report_to='none'`` are added to the copy if absent (no checkpoints, no experiment
        trackers; small-text 2.0 mutates the given dict and keeps setfit's ``report_to``).
    model_loading_strategy : ModelLoadingStrategy or None, default=None
        None means :func:`~small_text.integrations.transformers.classifiers.base.
        get_default_model_loading_strategy`, evaluated when this object is created.
    compile_model : bool, default=False
        Compiles the sentence transformer with ``torch.compile`` if True.

    Raises
    ------
    ValueError
        If ``model_kwargs`` or ``trainer_kwargs`` contain a forbidden key, or
        ``sampling_strategy`` is invalid.
    """

    def __init__(self, sentence_transformer_model, max_length=None, train_batch_size=(16, 2),
                 predict_batch_size=16, num_epochs=(1, 16), max_steps=-1,
                 sampling_strategy='oversampling', num_iterations=None,
                 body_learning_rate=(2e-5, 1e-5), head_learning_rate=1e-2, end_to_end=False,
                 show_progress_bar=None, seed=None, output_dir='checkpoints',
                 model_kwargs={}, trainer_kwargs={},  # noqa: B006 (copied below)
                 model_loading_strategy=None, compile_model=False):
        _check_managed_kwargs('model_kwargs', model_kwargs, _FORBIDDEN_MODEL_KWARGS)
        _check_managed_kwargs('trainer_kwargs', trainer_kwargs, _FORBIDDEN_TRAINER_KWARGS)
        if sampling_strategy not in _SAMPLING_STRATEGIES:
            raise ValueError(f'sampling_strategy must be one of {list(_SAMPLING_STRATEGIES)}, '
                             f'got {sampling_strategy!r}.')
        self.sentence_transformer_model = os.fspath(sentence_transformer_model)
        self.max_length = max_length
        self.train_batch_size = train_batch_size
        self.predict_batch_size = predict_batch_size
        self.num_epochs = num_epochs
        self.max_steps = max_steps
        self.sampling_strategy = sampling_strategy
        self.num_iterations = num_iterations
        self.body_learning_rate = body_learning_rate
        self.head_learning_rate = head_learning_rate
        self.end_to_end = end_to_end
        self.show_progress_bar = (get_show_progress_bar_default() if show_progress_bar is None
                                  else show_progress_bar)
        self.seed = seed
        self.output_dir = output_dir
        self.model_kwargs = dict(model_kwargs)
        self.trainer_kwargs = {'save_strategy': 'no', 'report_to': 'none', **trainer_kwargs}
        self.model_loading_strategy = _check_model_loading_strategy(model_loading_strategy)
        self.compile_model = compile_model

    def __repr__(self):
        return (f'SetFitModelArguments(sentence_transformer_model='
                f'{self.sentence_transformer_model!r}, train_batch_size='
                f'{self.train_batch_size}, num_epochs={self.num_epochs}, '
                f'model_loading_strategy={self.model_loading_strategy})')




class SetFitClassificationEmbeddingMixin(EmbeddingMixin):
    """Embeddings of a SetFit classifier: the sentence embeddings of its body."""

    def embed(self, data_set, return_proba=False, multi_label_threshold=0.5):
        """Embed the texts of ``data_set`` with the sentence transformer.

        Parameters
        ----------
        data_set : TextDataset
            The texts to embed.
        return_proba : bool, default=False
            If True, also return the head's probabilities (computed from the same
            embeddings, without encoding the texts twice).
        multi_label_threshold : float, default=0.5
            Unused, as in :meth:`SetFitClassification.predict_proba`: the probabilities are
            returned dense, also for multi-label classification.

        Returns
        -------
        embeddings : np.ndarray[np.float32]
            Shape (N, embedding_size).
        proba : np.ndarray[np.float64], optional
            Shape (N, num_classes), if ``return_proba`` is True.

        Raises
        ------
        ValueError
            If the classifier has no model, or its logistic-regression head is unfitted.
        """
        self._check_fitted()
        embeddings = self._encode(data_set.x)
        if return_proba:
            return embeddings, self._head_proba(embeddings)
        return embeddings


class SetFitClassification(SetFitClassificationEmbeddingMixin, Classifier):
    """A SetFit classifier [TRE+22]: a sentence transformer fine-tuned contrastively on pairs
    of training texts, followed by a logistic-regression (or differentiable) head.

    Parameters
    ----------
    setfit_model_args : SetFitModelArguments
        Model and training arguments.
    num_classes : int
        Number of classes.
    multi_label : bool, default=False
        If True, the head is trained one-vs-rest on multi-hot labels.
    max_length : int, default=512
        Texts are truncated to this many tokens (special tokens included), or to the body's
        own limit if that is smaller.
    use_differentiable_head : bool, default=False
        Use setfit's differentiable (PyTorch) head instead of logistic regression.
    amp_args : AMPArguments or None, default=None
        Automatic Mixed Precision; affects training only (setfit's ``use_amp``).
    device : str or torch.device or None, default=None
        Device of the sentence transformer; None lets sentence-transformers decide.

    Attributes
    ----------
    model : setfit.SetFitModel or None
        The model, created by :meth:`initialize` (on the first :meth:`fit`).

    Raises
    ------
    MissingOptionalDependencyError
        If setfit is not installed.
    ValueError
        If ``setfit_model_args`` is not a SetFitModelArguments.

    Notes
    -----
    The texts are truncated by the body's tokenizer (its ``max_seq_length`` is set to the
    limit) rather than by re-encoding and decoding every text as small-text 2.0 does, so each
    text is tokenized once per call. Probabilities are dense (N, C) arrays for multi-label
    data too, as for the other classifiers of this version (small-text 2.0 returns a
    thresholded csr matrix).

    References
    ----------
    .. [TRE+22] Lewis Tunstall, Nils Reimers, Unso Eun Seo Jo, Luke Bates, Daniel Korat,
       Moshe Wasserblat, Oren Pereg. 2022. Efficient Few-Shot Learning Without Prompts.
       arXiv:2209.11055.
    """

    def __init__(self, setfit_model_args, num_classes, multi_label=False, max_length=512,
                 use_differentiable_head=False, amp_args=None, device=None):
        check_optional_dependency('setfit')
        check_protocol(setfit_model_args, 'setfit_model_args', 'SetFitModelArguments',
                       _SETFIT_ARGUMENTS_ATTRIBUTES)
        self.setfit_model_args = setfit_model_args
        self.num_classes = num_classes
        self.multi_label = multi_label
        self.model = None
        self.max_length = max_length
        self.use_differentiable_head = use_differentiable_head
        self.device = device
        self._amp_args = amp_args

    @property
    def amp_args(self):
        """The effective AMP settings (a new object on each access); AMP is off without a
        model. The device type is that of the model body (``'cpu'`` without a model)."""
        device_type = 'cpu' if self.model is None else self.model.model_body.device.type
        if self._amp_args is None:
            return AMPArguments(use_amp=False, device_type=device_type, dtype=torch.bfloat16)
        return AMPArguments(use_amp=bool(self._amp_args.use_amp) and self.model is not None,
                            device_type=self._amp_args.device_type or device_type,
                            dtype=self._amp_args.dtype)

    def initialize(self):
        """Load the sentence transformer and create the head.

        A differentiable head gets ``num_classes`` outputs. Multi-label classifiers use
        ``multi_target_strategy='one-vs-rest'`` unless ``model_kwargs`` sets one.

        Returns
        -------
        model : setfit.SetFitModel
            The model, also stored as ``self.model``.

        Raises
        ------
        FileNotFoundError
            If the model is a folder that does not exist, or a hub id without a local copy
            while downloads are off.
        """
        from setfit import SetFitModel

        args = self.setfit_model_args
        loading_args = _loading_arguments(args.model_loading_strategy)
        name, cache_dir = _resolve_pretrained(args.sentence_transformer_model, loading_args,
                                              None, what='sentence transformer')
        model_kwargs = dict(args.model_kwargs)
        if cache_dir is not None:
            model_kwargs.setdefault('cache_dir', cache_dir)
        if self.use_differentiable_head:
            model_kwargs['head_params'] = {**model_kwargs.get('head_params', {}),
                                           'out_features': self.num_classes}
        if self.multi_label:
            model_kwargs.setdefault('multi_target_strategy', 'one-vs-rest')
        model = SetFitModel.from_pretrained(
            name, use_differentiable_head=self.use_differentiable_head,
            force_download=loading_args.force_download,
            local_files_only=loading_args.local_files_only, **model_kwargs)
        body = model.model_body
        limit = body.max_seq_length
        body.max_seq_length = self.max_length if limit is None else min(limit, self.max_length)
        if args.compile_model:
            model.model_body = _compile_if_possible(body)
        self.model = model
        return model

    def fit(self, train_set, validation_set=None):
        """Train the model on the given texts.

        Parameters
        ----------
        train_set : TextDataset
            Training texts and labels.
        validation_set : TextDataset or None, default=None
            Evaluation data for setfit's trainer, or None.

        Returns
        -------
        self : SetFitClassification

        Raises
        ------
        ValueError
            If a dataset does not match ``multi_label`` or ``num_classes``, or contains
            unlabeled items (single-label).
        """
        from datasets import Dataset
        from setfit import Trainer, TrainingArguments

        _check_classifier_dataset_consistency(self, train_set, dataset_name_in_error='training')
        _check_classifier_dataset_consistency(self, validation_set,
                                              dataset_name_in_error='validation')
        check_training_data(train_set, validation_set)
        if self.model is None:
            self.initialize()
        train = Dataset.from_dict(self._records(train_set))
        valid = None if validation_set is None \
            else Dataset.from_dict(self._records(validation_set))
        if self.device is not None:
            self.model.to(self.device)

        args = self.setfit_model_args
        seed = args.seed if args.seed is not None \
            else int(np.random.randint(0, 2**32, dtype=np.uint64))
        training_args = TrainingArguments(
            output_dir=args.output_dir, batch_size=args.train_batch_size,
            num_epochs=args.num_epochs, max_steps=args.max_steps,
            sampling_strategy=args.sampling_strategy, num_iterations=args.num_iterations,
            body_learning_rate=args.body_learning_rate,
            head_learning_rate=args.head_learning_rate, end_to_end=args.end_to_end,
            max_length=args.max_length, show_progress_bar=args.show_progress_bar,
            seed=seed, use_amp=self.amp_args.use_amp, **args.trainer_kwargs)
        trainer = Trainer(model=self.model, args=training_args, train_dataset=train,
                          eval_dataset=valid)
        trainer.train(args=training_args)
        return self

    def _records(self, dataset):
        return _training_records(dataset.x, dataset.y, self.multi_label, self.num_classes)

    def validate(self, validation_set):
        """Not supported.

        Raises
        ------
        NotImplementedError
            With a differentiable head.
        UnsupportedOperationException
            With a logistic-regression head.
        """
        if self.use_differentiable_head:
            raise NotImplementedError('validate() is not implemented for SetFitClassification '
                                      'with a differentiable head.')
        raise UnsupportedOperationException('validate() is not available for '
                                            'SetFitClassification with a logistic-regression '
                                            'head.')

    def predict(self, dataset, return_proba=False, multi_label_threshold=0.5):
        """Predict the labels for the given dataset.

        Parameters
        ----------
        dataset : TextDataset
            The texts.
        return_proba : bool, default=False
            If True, additionally returns the probabilities (dense, as :meth:`predict_proba`).
        multi_label_threshold : float, default=0.5
            Multi-label only: a label is predicted iff its probability exceeds this value.

        Returns
        -------
        predictions : np.ndarray[np.int64] or csr_matrix[np.int64]
            Shape (N,), or (N, num_classes) for multi-label.
        proba : np.ndarray[np.float64], optional
            Shape (N, num_classes).
        """
        if len(dataset) == 0:
            predictions = empty_result(self.multi_label, self.num_classes, return_proba=False)
            if not self.multi_label:
                predictions = np.empty((0,), dtype=np.int64)
            proba = np.empty((0, self.num_classes), dtype=np.float64)
            return (predictions, proba) if return_proba else predictions
        proba = self.predict_proba(dataset)
        predictions = prediction_result(proba, self.multi_label, self.num_classes,
                                        multi_label_threshold=multi_label_threshold)
        return (predictions, proba) if return_proba else predictions

    def predict_proba(self, dataset, multi_label_threshold=0.5, dropout_sampling=1):
        """Predict the label distributions.

        Parameters
        ----------
        dataset : TextDataset
            The texts.
        multi_label_threshold : float, default=0.5
            Unused: the probabilities are returned dense.
        dropout_sampling : int, default=1
            If greater than 1, the body's dropout is switched on (its ``eval`` is temporarily a
            no-op; not thread-safe) and this many predictions are sampled per text.

        Returns
        -------
        proba : np.ndarray[np.float64]
            Shape (N, num_classes), or (N, dropout_sampling, num_classes).

        Raises
        ------
        ValueError
            If the classifier has no model or ``dropout_sampling < 1``.
        """
        if not isinstance(dropout_sampling, (int, np.integer)) or dropout_sampling < 1:
            raise ValueError(f'dropout_sampling must be an int >= 1, got {dropout_sampling!r}.')
        sample_shape = (dropout_sampling,) if dropout_sampling > 1 else ()
        if len(dataset) == 0:
            return np.empty((0,) + sample_shape + (self.num_classes,), dtype=np.float64)
        self._check_fitted()
        texts = dataset.x
        if dropout_sampling == 1:
            return self._head_proba(self._encode(texts))
        with _dropout_enabled(self.model.model_body):
            samples = [self._head_proba(self._encode(texts)) for _ in range(dropout_sampling)]
        return np.stack(samples, axis=1)

    def _check_fitted(self):
        if self.model is None:
            raise ValueError('This SetFitClassification has no model yet: call fit() first.')

    def _encode(self, texts):
        """Sentence embeddings (float32, (N, D)); sentence-transformers sorts the texts by
        length and pads each batch to its longest member."""
        embeddings = self.model.model_body.encode(
            [str(text) for text in texts], batch_size=self.setfit_model_args.predict_batch_size,
            convert_to_numpy=True, normalize_embeddings=self.model.normalize_embeddings,
            show_progress_bar=self.setfit_model_args.show_progress_bar)
        return np.asarray(embeddings, dtype=np.float32)

    def _head_proba(self, embeddings):
        head = self.model.model_head
        if isinstance(head, torch.nn.Module):
            device = next(head.parameters()).device
            with torch.no_grad():
                proba = head.predict_proba(torch.from_numpy(embeddings).to(device))
            return proba.float().cpu().numpy().astype(np.float64)
        from sklearn.exceptions import NotFittedError
        try:
            proba = head.predict_proba(embeddings)
        except NotFittedError as e:
            raise ValueError('The head of this SetFitClassification is not fitted: call fit() '
                             'first.') from e
        if isinstance(proba, list):  # MultiOutputClassifier: one (N, 2) array per class
            proba = np.stack([column[:, 1] for column in proba], axis=1)
        return _full_columns(np.asarray(proba, dtype=np.float64),
                             getattr(head, 'classes_', None) if not self.multi_label else None,
                             self.num_classes)
