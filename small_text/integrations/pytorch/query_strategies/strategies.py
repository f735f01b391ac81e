"""Query strategies that need PyTorch: expected gradient length, BADGE and DRL."""
import copy
import warnings
from functools import partial

import numpy as np

from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
    from torch.func import functional_call, grad, vmap
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e

from small_text.integrations.pytorch.classifiers.base import AMPArguments
from small_text.integrations.pytorch.models.mlp import MLP
from small_text.integrations.pytorch.utils.data import dataloader
import small_text.query_strategies._params as _params
from small_text.query_strategies._embeddings import check_embeddings
from small_text.query_strategies.base import QueryStrategy, _check_indices, constraints
from small_text.query_strategies.strategies import (
    DiscriminativeActiveLearning,
    EmbeddingBasedQueryStrategy,
)
from small_text.query_strategies.uncertainty import select_smallest
from small_text.utils._validation import check_probabilities
from small_text.utils.data import list_length

_KMEANS_CHUNK_SIZE = 8192
"""Rows per chunk when BADGE computes distances to new centres."""


# --- per-sample gradients --------------------------------------------------------------------

def _model_input_batches(clf, dataset, batch_size):
    """Yield ``(positions, x)``: the first model input ``x`` of at most ``batch_size`` items
    of ``dataset`` and their positions in ``dataset``.

    Classifiers with ``_create_collate_fn()`` (small-text 2.0's contract) are batched
    sequentially with :func:`~small_text.integrations.pytorch.utils.data.dataloader`;
    :class:`~small_text.integrations.pytorch.classifiers.base.PytorchClassifier` subclasses
    through their length-sorted inference batches, which are split to ``batch_size``.
    """
    if hasattr(clf, '_create_collate_fn'):
        start = 0
        for batch in dataloader(dataset, batch_size, clf._create_collate_fn(), train=False):
            x = batch[0]
            yield np.arange(start, start + x.shape[0]), x
            start += x.shape[0]
        return
    order, batches = clf._sorted_inference_batches(dataset)
    for batch_slice, model_inputs in batches:
        positions = order[batch_slice]
        for start in range(0, positions.shape[0], batch_size):
            yield positions[start:start + batch_size], model_inputs[0][start:start + batch_size]


def _add_probe(probes, name, module, inputs, output):
    """Forward hook: add the probe of ``name`` (if set) to the module's output."""
    if name in probes:
        return output + probes[name]
    return None


def _class_gradients(model, x, parameter_names, embedding_names):
    """Per-sample, per-class gradients of the cross-entropy loss.

    For each item x_i of the batch and each class c, the gradient of ``CE(model(x_i), c)``
    is taken with :func:`torch.func.grad`, vectorised over items and classes with
    :func:`torch.func.vmap` (one forward/backward graph instead of B * C backward passes).

    The weight of an :class:`torch.nn.Embedding` is not differentiated directly (its gradient
    would be a dense vocabulary-sized matrix per item and class); instead the gradient with
    respect to the module's output is taken. Row w of the weight gradient is the sum of the
    output gradients at the positions whose token id is w (see :func:`_token_gradient_sq_norms`).

    Parameters
    ----------
    model : torch.nn.Module
        Maps ``x`` to logits of shape (B, C); in eval mode.
    x : torch.Tensor
        One batch of model inputs.
    parameter_names : list of str
        The parameters to differentiate.
    embedding_names : list of str
        Names of embedding modules whose weight gradients are wanted.

    Returns
    -------
    proba : torch.Tensor
        Softmax probabilities, shape (B, C).
    parameter_gradients : dict
        Name to a tensor of shape (B, C, *parameter.shape).
    embedding_gradients : dict
        Name to ``(token_ids, output_gradients)`` of shapes (B, T) and (B, C, T, E).
    """
    modules = dict(model.named_modules())
    token_ids, output_shapes = {}, {}

    def record(name, module, inputs, output):
        token_ids[name], output_shapes[name] = inputs[0], output.shape[1:]

    probes = {}
    hooks = [modules[name].register_forward_hook(partial(record, name))
             for name in embedding_names]
    try:
        with torch.no_grad():
            logits = model(x)
    finally:
        for hook in hooks:
            hook.remove()
    proba = F.softmax(logits.float(), dim=1)

    parameters = {name: parameter.detach() for name, parameter in model.named_parameters()}
    buffers = dict(model.named_buffers())
    differentiated = {name: parameters[name] for name in parameter_names}
    zero_probes = {name: torch.zeros((1,) + tuple(output_shapes[name]), device=x.device)
                   for name in embedding_names}

    def loss(differentiated, probe_values, x_i, cls):
        probes.update(probe_values)
        try:
            logits = functional_call(model, ({**parameters, **differentiated}, buffers),
                                     (x_i.unsqueeze(0),))
        finally:
            probes.clear()
        return F.cross_entropy(logits.float(), cls.unsqueeze(0))

    per_class = vmap(grad(loss, argnums=(0, 1)), in_dims=(None, None, None, 0))
    per_sample = vmap(per_class, in_dims=(None, None, 0, None))
    hooks = [modules[name].register_forward_hook(partial(_add_probe, probes, name))
             for name in embedding_names]
    try:
        classes = torch.arange(proba.shape[1], device=x.device)
        parameter_gradients, probe_gradients = per_sample(differentiated, zero_probes, x,
                                                          classes)
    finally:
        for hook in hooks:
            hook.remove()

    batch_size, num_classes = proba.shape
    embedding_gradients = {}
    for name in embedding_names:
        gradients = probe_gradients[name]
        embedding_gradients[name] = (
            token_ids[name].reshape(batch_size, -1),
            gradients.reshape(batch_size, num_classes, -1, gradients.shape[-1]))
    return proba, parameter_gradients, embedding_gradients


def _token_gradient_sq_norms(token_ids, output_gradients, padding_idx):
    """Squared norms of the embedding-weight gradient rows of each position's token.

    Parameters
    ----------
    token_ids : torch.Tensor
        Shape (B, T).
    output_gradients : torch.Tensor
        Gradients with respect to the embedding output, shape (B, C, T, E).
    padding_idx : int or None
        The embedding's padding id, whose weight row gets no gradient.

    Returns
    -------
    sq_norms : torch.Tensor
        Shape (B, C, T): ``||dL/dE_w||^2`` with w the token at that position.
    counts : torch.Tensor
        Shape (B, T): how often the token of each position occurs in its row.
    """
    same_token = (token_ids[:, :, None] == token_ids[:, None, :]).to(output_gradients.dtype)
    token_gradients = torch.einsum('bts,bcse->bcte', same_token, output_gradients)
    sq_norms = token_gradients.pow(2).sum(dim=-1)
    if padding_idx is not None:
        sq_norms = sq_norms.masked_fill((token_ids == padding_idx)[:, None, :], 0.0)
    return sq_norms, same_token.sum(dim=-1)


def _gradient_parts(module, prefix=''):
    """Split the trainable parameters of ``module`` into embedding modules (handled through
    their outputs) and the other parameters; return ``(parameter_names, embedding_names)``
    with names relative to the model (``prefix`` is the module's name in it)."""
    prefix = f'{prefix}.' if prefix else ''
    embedding_names = [prefix + name for name, sub in module.named_modules()
                       if isinstance(sub, nn.Embedding) and sub.weight.requires_grad]
    embedding_weights = {f'{name}.weight' for name in embedding_names}
    parameter_names = [prefix + name for name, parameter in module.named_parameters()
                       if parameter.requires_grad and prefix + name not in embedding_weights]
    return parameter_names, embedding_names


def _get_layer(model, layer_name):
    """Return the submodule ``layer_name`` of ``model``; ValueError if there is none."""
    modules = dict(model.named_modules())
    if layer_name not in modules or layer_name == '':
        raise ValueError(f'Given layer "{layer_name}" does not exist in the model!')
    return modules[layer_name]


def _expected_gradient_length(proba, sq_norms):
    """``sum_c p(c|x) * sqrt(sq_norms[:, c])`` as float64, shape (B,)."""
    return (proba.double() * sq_norms.double().clamp_min(0).sqrt()).sum(dim=1)


# --- expected gradient length ----------------------------------------------------------------

@constraints(classification_type='single-label')
class ExpectedGradientLength(QueryStrategy):
    """Expected Gradient Length (EGL) [SCR07]_: select the items whose expected gradient norm
    (the change the model would undergo if the item were labeled) is largest.

    The score of an item x is ``G(x) = sum_c p(c|x) * ||grad_theta CE(x, c)||_2``, with p the
    softmax of the logits and theta all trainable parameters of ``clf.model``. Single-label
    only.

    Parameters
    ----------
    num_classes : int
        Number of classes.
    batch_size : int, default=50
        Items per vectorised gradient computation.
    device : str or torch.device, default='cuda'
        Device on which the gradients are computed.
    pbar : str or None, default='tqdm'
        Accepted for compatibility; no progress bar is shown.

    Attributes
    ----------
    scores_ : np.ndarray of float64 or None
        The scores of all dataset items from the last :meth:`query`.

    Notes
    -----
    * small-text 2.0 uses the L1 norm of the gradient; this implementation follows the paper
      and uses the L2 norm.
    * small-text 2.0 runs one backward pass per item and class; here the per-item, per-class
      gradients come from :func:`torch.func.vmap` over :func:`torch.func.grad`, and an
      embedding layer's weight gradient is computed from the gradient of its output (a sum
      over the positions of each token), so no vocabulary-sized gradient is materialised.
    * The model is moved to ``device`` for the query and then back to its previous device,
      so the classifier keeps working afterwards.
    * The model's first input (the first element of each batch) must map to logits (B, C).

    References
    ----------
    .. [SCR07] B. Settles, M. Craven, S. Ray. "Multiple-Instance Active Learning." NIPS 2007.
    """

    _PARAMETER_CHECKS = {'num_classes': _params.at_least_two,
                         'batch_size': _params.positive_int,
                         'device': _params.torch_device}

    def __init__(self, num_classes, batch_size=50, device='cuda', pbar='tqdm'):
        self.num_classes = num_classes
        self.batch_size = batch_size
        self.device = device
        self.pbar = pbar
        self.scores_ = None

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar=None):
        """Select the ``n`` pool items with the largest scores, best first (ties by ascending
        position in ``indices_unlabeled``).

        All items of ``dataset`` are scored (see ``scores_``). If ``n`` equals the pool size,
        the pool is returned without scoring. See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters; ``pbar`` is accepted for compatibility.

        Returns
        -------
        indices : np.ndarray of int64 and shape (n,)

        Raises
        ------
        ConstraintViolationError
            If ``y`` is multi-label.
        EmptyPoolException, PoolExhaustedException
            If the pool is empty or smaller than ``n``.
        ValueError
            If ``clf.model`` is None, the indices are invalid, or the model's output does not
            have ``num_classes`` columns.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        if getattr(clf, 'model', None) is None:
            raise ValueError('Initial model must be trained!')

        model = clf.model
        original_device = next(model.parameters()).device
        was_training = model.training
        model.eval()
        model.to(self.device)
        try:
            scores = np.empty(num_samples, dtype=np.float64)
            score_batch = self._batch_scorer(model)
            for positions, x in _model_input_batches(clf, dataset, self.batch_size):
                scores[positions] = score_batch(x.to(self.device)).cpu().numpy()
        finally:
            model.to(original_device)
            model.train(was_training)
        self.scores_ = scores
        return indices_unlabeled[select_smallest(-scores[indices_unlabeled], n)]

    def _batch_scorer(self, model):
        """Return a function that maps a batch of model inputs to the scores (B,)."""
        parameter_names, embedding_names = _gradient_parts(model)
        return partial(self._score_batch, model, parameter_names, embedding_names)

    def _score_batch(self, model, parameter_names, embedding_names, x):
        proba, parameter_gradients, embedding_gradients = _class_gradients(
            model, x, parameter_names, embedding_names)
        self._check_num_classes(proba)
        sq_norms = torch.zeros_like(proba)
        for gradients in parameter_gradients.values():
            sq_norms += gradients.flatten(start_dim=2).pow(2).sum(dim=2)
        modules = dict(model.named_modules())
        for name, (token_ids, output_gradients) in embedding_gradients.items():
            token_sq_norms, counts = _token_gradient_sq_norms(token_ids, output_gradients,
                                                              modules[name].padding_idx)
            # each distinct token is counted once
            sq_norms += (token_sq_norms / counts[:, None, :]).sum(dim=2)
        return _expected_gradient_length(proba, sq_norms)

    def _check_num_classes(self, proba):
        if proba.shape[1] != self.num_classes:
            raise ValueError(f'The model returns {proba.shape[1]} logits per item, but '
                             f'num_classes={self.num_classes}.')

    def __str__(self):
        return 'ExpectedGradientLength()'


@constraints(classification_type='single-label')
class ExpectedGradientLengthMaxWord(ExpectedGradientLength):
    """EGL-word [ZLW17]_: the largest expected gradient length of a word of the item.

    The score of an item x is
    ``G(x) = max_{w in tokens(x)} sum_c p(c|x) * ||dCE(x, c)/dE_w||_2``, where ``E_w`` is the
    row of token id w in the embedding layer ``layer_name``: the expected change of the
    embedding of the word that is expected to change most. Padding and special tokens are
    included (the padding row gets no gradient, so its norm is 0). Single-label only.

    Parameters
    ----------
    num_classes : int
        Number of classes.
    layer_name : str
        Name of an :class:`torch.nn.Embedding` module of the model (as in
        ``model.named_modules()``).
    batch_size : int, default=50
        Items per vectorised gradient computation.
    device : str or torch.device, default='cuda'
        Device on which the gradients are computed.

    Notes
    -----
    Remaining deviation from Zhang et al., who take the maximum over the words of the
    sentence: every token id of the model input counts, special tokens (such as [CLS] and
    [SEP]) included, as in small-text 2.0; padding adds nothing where the embedding layer
    declares it as ``padding_idx`` (that row gets no gradient).

    Differences from small-text 2.0: it computed ``sum_c p(c|x) max_w ||dCE(x, c)/dE_w||``,
    which takes the maximum inside the expectation (per hypothesised label a possibly
    different word), where Zhang et al. take the maximum over words of the expected gradient
    norm. It also took the tokens of row k from the batch-wise unique columns
    (``torch.unique(x, dim=1)[k]``) and built ``torch.cuda.LongTensor`` objects, so it ran
    only on CUDA. Here the tokens of row k are the ids of row k, and every device works. See
    also the notes of :class:`ExpectedGradientLength`.

    References
    ----------
    .. [ZLW17] Y. Zhang, M. Lease, B. C. Wallace. "Active Discriminative Text Representation
       Learning." AAAI 2017.
    """

    _PARAMETER_CHECKS = {**ExpectedGradientLength._PARAMETER_CHECKS,
                         'layer_name': _params.non_empty_string}

    def __init__(self, num_classes, layer_name, batch_size=50, device='cuda'):
        super().__init__(num_classes, batch_size=batch_size, device=device)
        self.layer_name = layer_name
        self._words = None

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar=None):
        """See :meth:`ExpectedGradientLength.query`.

        Raises
        ------
        ValueError
            Also if ``layer_name`` does not exist or is not an embedding layer.
        """
        self._check_parameters()
        model = getattr(clf, 'model', None)
        if model is None:
            raise ValueError('Initial model must be trained!')
        layer = _get_layer(model, self.layer_name)
        if not isinstance(layer, nn.Embedding):
            raise ValueError(f'Given parameter (layer_name={self.layer_name}) is not an '
                             f'embedding layer.')
        return super().query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n,
                             pbar=pbar)

    def _batch_scorer(self, model):
        return partial(self._score_words, model)

    def _score_words(self, model, x):
        proba, _, embedding_gradients = _class_gradients(model, x, [], [self.layer_name])
        self._check_num_classes(proba)
        token_ids, output_gradients = embedding_gradients[self.layer_name]
        padding_idx = dict(model.named_modules())[self.layer_name].padding_idx
        token_sq_norms, _ = _token_gradient_sq_norms(token_ids, output_gradients, padding_idx)
        # (B, C, T) -> expected gradient norm per word (B, T) -> the largest per item
        expected = (proba.double()[:, :, None]
                    * token_sq_norms.double().clamp_min(0).sqrt()).sum(dim=1)
        return expected.max(dim=1).values

    def __str__(self):
        return 'ExpectedGradientLengthMaxWord()'


@constraints(classification_type='single-label')
class ExpectedGradientLengthLayer(ExpectedGradientLength):
    """EGL restricted to one layer [ZLW17]_ (EGL-sm, generalised to any module).

    The score is ``G(x) = sum_c p(c|x) * ||grad CE(x, c)||_2`` over the trainable parameters
    of the module ``layer_name``, submodules included. Single-label only.

    Parameters
    ----------
    num_classes : int
        Number of classes.
    layer_name : str
        Name of a module of the model (as in ``model.named_modules()``).
    batch_size : int, default=50
        Items per vectorised gradient computation.
    device : str or torch.device, default='cuda'
        Keyword-only. Device on which the gradients are computed. small-text 2.0 has no such
        argument and always uses CUDA.

    Notes
    -----
    See the notes of :class:`ExpectedGradientLength`.

    References
    ----------
    .. [ZLW17] Y. Zhang, M. Lease, B. C. Wallace. "Active Discriminative Text Representation
       Learning." AAAI 2017.
    """

    _PARAMETER_CHECKS = ExpectedGradientLengthMaxWord._PARAMETER_CHECKS

    def __init__(self, num_classes, layer_name, batch_size=50, *, device='cuda'):
        super().__init__(num_classes, batch_size=batch_size, device=device)
        self.layer_name = layer_name

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar=None):
        """See :meth:`ExpectedGradientLength.query`.

        Raises
        ------
        ValueError
            Also if ``layer_name`` does not exist.
        """
        self._check_parameters()
        model = getattr(clf, 'model', None)
        if model is None:
            raise ValueError('Initial model must be trained!')
        _get_layer(model, self.layer_name)
        return super().query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n,
                             pbar=pbar)

    def _batch_scorer(self, model):
        parameter_names, embedding_names = _gradient_parts(_get_layer(model, self.layer_name),
                                                           prefix=self.layer_name)
        return partial(self._score_batch, model, parameter_names, embedding_names)

    def __str__(self):
        return 'ExpectedGradientLengthLayer()'


# --- BADGE -----------------------------------------------------------------------------------

def gradient_embedding_scales(proba):
    """The class factors s of BADGE's gradient embeddings ``g = s (outer) h``.

    ``s_c = 1 - p_c`` for the predicted class (the first maximum), ``-p_c`` otherwise, i.e.
    the negated gradient of the cross-entropy with respect to the logits, for the
    hypothesised label.

    Parameters
    ----------
    proba : np.ndarray of shape (N, C)

    Returns
    -------
    scales : np.ndarray of float32 and shape (N, C)
    """
    proba = np.asarray(proba, dtype=np.float32)
    scales = -proba
    scales[np.arange(proba.shape[0]), proba.argmax(axis=1)] += 1.0
    return scales


def kmeans_plusplus_gradient_embeddings(hidden, scales, n_clusters, n_local_trials=None,
                                        chunk_size=_KMEANS_CHUNK_SIZE):
    """Greedy k-means++ seeding [AV07]_ on the gradient embeddings ``g_i = s_i (outer) h_i``
    without building them.

    The draws are those of :func:`sklearn.cluster.kmeans_plusplus` (with the global NumPy
    RNG) on the dense class-major matrix ``[s_i1 h_i, ..., s_iC h_i]``: the first centre is
    uniform; each further centre is the best of ``n_local_trials`` candidates drawn with
    probability proportional to D^2, the one that minimises the total potential. The squared
    distances come from the factorisation ``||g_i||^2 = ||h_i||^2 ||s_i||^2`` and
    ``<g_i, g_j> = <h_i, h_j> <s_i, s_j>``; they are computed chunk by chunk, so memory beyond
    the inputs is O(N * n_local_trials), never O(N * C * D). Duplicate centres (possible when
    rows coincide) are replaced by random unchosen rows with a warning, as in
    :func:`small_text.utils.clustering.init_kmeans_plusplus_safe`.

    Parameters
    ----------
    hidden : np.ndarray of shape (N, D)
        Hidden representations h (used as float32).
    scales : np.ndarray of shape (N, C)
        Class factors s (see :func:`gradient_embedding_scales`; used as float32).
    n_clusters : int
        Number of centres, ``1 <= n_clusters <= N``.
    n_local_trials : int or None, default=None
        Candidates per centre; None means ``2 + floor(ln n_clusters)``.
    chunk_size : int, default=8192
        Rows per distance chunk.

    Returns
    -------
    indices : np.ndarray of int64 and shape (n_clusters,)
        Row positions of the centres, in the order they were chosen.

    Raises
    ------
    ValueError
        If the shapes do not match or ``n_clusters`` is out of range.

    References
    ----------
    .. [AV07] D. Arthur, S. Vassilvitskii. "k-means++: The Advantages of Careful Seeding."
       SODA 2007.
    """
    hidden = np.asarray(hidden, dtype=np.float32)
    scales = np.asarray(scales, dtype=np.float32)
    if hidden.ndim != 2 or scales.ndim != 2 or hidden.shape[0] != scales.shape[0]:
        raise ValueError(f'hidden (N, D) and scales (N, C) must be 2-d with the same number of '
                         f'rows, got shapes {hidden.shape} and {scales.shape}.')
    num_rows = hidden.shape[0]
    if not 1 <= n_clusters <= num_rows:
        raise ValueError(f'n_clusters must be in [1, {num_rows}], got {n_clusters}.')
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))

    sq_norms = (np.einsum('ij,ij->i', hidden, hidden, dtype=np.float64)
                * np.einsum('ij,ij->i', scales, scales, dtype=np.float64))
    weights = np.ones(num_rows)
    indices = np.empty(n_clusters, dtype=np.int64)
    indices[0] = np.random.choice(num_rows, p=weights / weights.sum())
    closest = _factorised_sq_distances(hidden, scales, sq_norms, indices[:1], chunk_size)[:, 0]
    potential = closest.sum()
    for c in range(1, n_clusters):
        thresholds = np.random.uniform(size=n_local_trials) * potential
        candidates = np.searchsorted(np.cumsum(closest), thresholds)
        np.clip(candidates, None, num_rows - 1, out=candidates)
        distances = _factorised_sq_distances(hidden, scales, sq_norms, candidates, chunk_size)
        np.minimum(closest[:, None], distances, out=distances)
        potentials = distances.sum(axis=0)
        best = np.argmin(potentials)
        potential = potentials[best]
        closest = distances[:, best].copy()
        indices[c] = candidates[best]

    unique_indices = np.unique(indices)
    if unique_indices.shape[0] < n_clusters:
        warnings.warn('kmeans_plusplus returned identical cluster centers.')
        remaining = np.setdiff1d(np.arange(num_rows), unique_indices)
        fill = np.random.choice(remaining, size=n_clusters - unique_indices.shape[0],
                                replace=False)
        indices = np.hstack([unique_indices, fill]).astype(np.int64)
    return indices


def _factorised_sq_distances(hidden, scales, sq_norms, centers, chunk_size):
    """Squared distances (float64, shape (N, len(centers))) between all gradient embeddings
    and those of the rows ``centers``, chunk by chunk."""
    center_hidden, center_scales = hidden[centers], scales[centers]
    distances = np.empty((hidden.shape[0], len(centers)), dtype=np.float64)
    for start in range(0, hidden.shape[0], chunk_size):
        rows = slice(start, start + chunk_size)
        inner = ((hidden[rows] @ center_hidden.T).astype(np.float64)
                 * (scales[rows] @ center_scales.T))
        distances[rows] = sq_norms[rows, None] + sq_norms[centers][None, :] - 2.0 * inner
    return np.maximum(distances, 0.0, out=distances)


@constraints(classification_type='single-label')
class BADGE(EmbeddingBasedQueryStrategy):
    """Batch Active learning by Diverse Gradient Embeddings (BADGE) [AZK+20]_.

    Each pool item gets the gradient embedding ``g = [s_1 h, ..., s_C h]`` of the last layer
    (s: see :func:`gradient_embedding_scales`), and ``n`` items are selected by greedy
    k-means++ seeding on these embeddings (see :func:`kmeans_plusplus_gradient_embeddings`),
    which favours items that are both uncertain (large gradients) and diverse. Labeled
    samples are not used. Single-label only.

    ``g`` is the gradient of the cross-entropy (with the predicted label) with respect to the
    weights of the output layer only if ``h`` is that layer's input. So unless
    ``embed_kwargs`` choose another ``embedding_method``, ``h`` is the input of the
    classification head's output layer: ``embedding_method='head'`` for the transformer
    classifiers (for BERT the pooled [CLS] vector), and ``'pooled'`` (the default) for
    KimCNN. Other classifiers' ``embed`` output is used as it is.

    Parameters
    ----------
    num_classes : int
        Number of classes C; must match the classifier's probabilities.

    Notes
    -----
    * Remaining deviation from Ash et al. (Algorithm 1), kept from small-text 2.0: the
      centres are chosen by scikit-learn's greedy k-means++ seeding, which draws
      ``2 + floor(ln n)`` candidates per centre proportionally to D^2 and keeps the one that
      lowers the potential most, where the paper's k-means++ seeding draws one.
    * Differences from small-text 2.0: with transformer classifiers it used the default
      ``'avg'`` embeddings, the mean of the last hidden layer, which the output layer does not
      see, so its gradient embeddings were not last-layer gradients.
    * small-text 2.0 builds the dense float64 matrix of all gradient embeddings (N x C*D,
      e.g. 12 GB for 100,000 x 768 x 20) with a Python loop per class; here k-means++ runs on
      the factorised form, in float32 chunks.
    * small-text 2.0 draws from an unseeded ``np.random.RandomState()``; here all draws come
      from the global NumPy RNG, so ``np.random.seed`` makes the selection reproducible.

    References
    ----------
    .. [AZK+20] J. T. Ash, C. Zhang, A. Krishnamurthy, J. Langford, A. Agarwal. "Deep Batch
       Active Learning by Diverse, Uncertain Gradient Lower Bounds." ICLR 2020.
    """

    _PARAMETER_CHECKS = {'num_classes': _params.at_least_two}

    def __init__(self, num_classes):
        self.num_classes = num_classes

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10, pbar='tqdm',
              embeddings=None, embed_kwargs={}):  # noqa: B006 (read only)
        """Select ``n`` pool items; see
        :meth:`EmbeddingBasedQueryStrategy.query
        <small_text.query_strategies.strategies.EmbeddingBasedQueryStrategy.query>`.

        If the classifier offers the input of its head's output layer as an embedding
        (``clf.EMBEDDING_METHOD_HEAD_INPUT``) and ``embed_kwargs`` do not name an
        ``embedding_method``, that embedding is used.
        """
        head_input = getattr(clf, 'EMBEDDING_METHOD_HEAD_INPUT', None)
        if embeddings is None and head_input is not None and 'embedding_method' not in embed_kwargs:
            embed_kwargs = {**embed_kwargs, 'embedding_method': head_input}
        return super().query(clf, dataset, indices_unlabeled, indices_labeled, y, n=n, pbar=pbar,
                             embeddings=embeddings, embed_kwargs=embed_kwargs)

    def sample(self, clf, dataset, indices_unlabeled, indices_labeled, y, n, embeddings,
               embeddings_proba=None):
        """Return ``n`` pool positions chosen by k-means++ on the gradient embeddings (see
        :meth:`EmbeddingBasedQueryStrategy.sample`). Without ``embeddings_proba``, the
        probabilities come from ``clf.predict_proba``.

        Raises
        ------
        ValueError
            If the probabilities do not have ``num_classes`` columns or a row is not a class
            distribution (finite values in [0, 1] that sum to 1).
        """
        if embeddings_proba is None:
            proba, name = clf.predict_proba(dataset[indices_unlabeled]), 'clf.predict_proba()'
        else:
            proba, name = np.asarray(embeddings_proba)[indices_unlabeled], 'embeddings_proba'
        proba = check_probabilities(proba, name, distributions=True)
        if proba.shape[1] != self.num_classes:
            raise ValueError(f'The classifier\'s probabilities must have num_classes='
                             f'{self.num_classes} columns, got shape {proba.shape}.')
        return kmeans_plusplus_gradient_embeddings(embeddings[indices_unlabeled],
                                                   gradient_embedding_scales(proba), n)

    def __str__(self):
        return f'BADGE(num_classes={self.num_classes})'


# --- discriminative representation learning ----------------------------------------------------

_DRL_TRAIN_DEFAULTS = {'lr': 3e-4, 'num_epochs': 100, 'clip_grad_norm': 1.0,
                       'stop_accuracy': 0.98}
"""Training settings of DRL's discriminator that ``train_kwargs`` can override."""

class DiscriminativeRepresentationLearning(QueryStrategy):
    """Discriminative Active Learning on representations (DRL) [GS19]_.

    The classifier's embeddings of all items are computed once. In each of
    ``num_iterations`` rounds a fresh MLP learns to tell a random sample S of the pool
    (``unlabeled_factor`` times as many items as are labeled; label 1) from the labeled items
    (label 0), and the round's share of ``n`` items is taken from S: the most confidently
    "unlabeled" ones (``selection='greedy'``) or a draw without replacement from
    ``softmax(z / temperature)`` over S with z the MLP's "unlabeled" logit
    (``'stochastic'``, Gumbel-top-k [JGP17]_). The picks count as labeled in later rounds.

    As in Gissin & Shalev-Shwartz's procedure, the two classes are weighted inversely to
    their sizes (class c gets weight ``|S ∪ L| / |c|``), so the discriminator is not rewarded for
    calling everything "unlabeled", and training stops once an epoch ends with a training
    accuracy of at least 98 %, or after at most 100 epochs; the learning rate is 3e-4.

    Parameters
    ----------
    num_iterations : int, default=10
        Number of rounds (at most ``n``).
    selection : {'stochastic', 'greedy'}, default='stochastic'
        How a round picks its items.
    temperature : float, default=0.01
        Softmax temperature of the stochastic selection (> 0).
    unlabeled_factor : int, default=10
        Size of S relative to the number of labeled items (capped at the pool size).
    mini_batch_size : int, default=32
        Training batch size of the MLP.
    device : str or torch.device or None, default='cuda'
        Device of the MLP; None means the CPU.
    amp_args : AMPArguments or None, default=None
        Mixed precision settings for training (see :attr:`amp_args`).
    embed_kwargs : dict, default={}
        Ignored, as in small-text 2.0 (a copy is stored).
    train_kwargs : dict, default={}
        Training settings: ``lr`` (3e-4), ``num_epochs`` (the maximum, 100),
        ``stop_accuracy`` (0.98), ``clip_grad_norm`` (1.0). A copy is stored.
    pbar : str or None, default='tqdm'
        Accepted for compatibility; no progress bar is shown.

    Attributes
    ----------
    clf_ : MLP or None
        The discriminator of the last round.

    Raises
    ------
    ValueError
        If ``selection`` or ``temperature`` is invalid.

    Notes
    -----
    Remaining differences from the paper: the discriminator is the library's MLP with two
    hidden layers of the classifier's hidden size (smaller than the authors' three-layer
    network, and trained with smaller batches), and the default selection is the stochastic
    one with a low temperature (``selection='greedy'`` is the paper's top-k).

    Differences from small-text 2.0: it trained the discriminator for 4 epochs at a learning
    rate of 2e-5 without class weights, which left it close to its initialisation, so on two
    well separated clusters it picked from the unlabeled cluster at about chance level. It
    also trained on the first ``|S| + |L|`` dataset rows instead of the embeddings of S and
    of the labeled items, treated the picks as pool positions instead of mapping them
    through S, duplicated items or crashed when S was smaller than a round's share (here the
    whole pool is the candidate set then), and accepted an empty labeled set (here a
    ValueError).

    References
    ----------
    .. [GS19] D. Gissin, S. Shalev-Shwartz. "Discriminative Active Learning."
       arXiv:1907.06347, 2019.
    .. [JGP17] E. Jang, S. Gu, B. Poole. "Categorical Reparameterization with
       Gumbel-Softmax." ICLR 2017.
    """

    _SELECTIONS = ('stochastic', 'greedy')

    _PARAMETER_CHECKS = {'num_iterations': _params.positive_int,
                         'selection': _params.one_of(*_SELECTIONS),
                         'temperature': _params.positive_number,
                         'unlabeled_factor': _params.positive_int,
                         'mini_batch_size': _params.positive_int,
                         'device': _params.torch_device,
                         'embed_kwargs': _params.keyword_arguments,
                         'train_kwargs': _params.keyword_arguments}

    def __init__(self, num_iterations: int = 10, selection: str = 'stochastic',
                 temperature: float = 0.01, unlabeled_factor: int = 10,
                 mini_batch_size: int = 32, device='cuda', amp_args=None,
                 embed_kwargs: dict = {}, train_kwargs: dict = {},  # noqa: B006 (copied)
                 pbar='tqdm'):
        # small-text 2.0 checked these two here
        _params.check_in_constructor(_params.one_of(*self._SELECTIONS), selection, 'selection',
                                     f'Invalid selection strategy: {selection}.')
        _params.check_in_constructor(_params.positive_number, temperature, 'temperature',
                                     'Invalid temperature: temperature must be greater zero.')
        self.num_iterations = num_iterations
        self.selection = selection
        self.temperature = temperature
        self.unlabeled_factor = unlabeled_factor
        self.mini_batch_size = mini_batch_size
        self.device = device
        self._amp_args = amp_args
        self.embed_kwargs = _params.copied(embed_kwargs)
        self.train_kwargs = _params.copied(train_kwargs)
        self.pbar = pbar
        self.clf_ = None

    @property
    def amp_args(self):
        """The effective AMP settings (a new object on each access).

        Without user settings: AMP off, ``device_type`` the device (``'cpu'`` for None),
        ``torch.bfloat16``. User settings are copied. AMP is always off on the CPU.
        """
        if self._amp_args is None:
            amp_args = AMPArguments(device_type=self.device or 'cpu', dtype=torch.bfloat16)
        else:
            amp_args = copy.copy(self._amp_args)
        if self.device is None or self.device == 'cpu':
            amp_args.use_amp = False
        return amp_args

    def query(self, clf, dataset, indices_unlabeled, indices_labeled, y, n=10):
        """Select ``n`` pool items in ``num_iterations`` rounds (see the class docstring).

        ``y`` is not used. If ``n`` equals the pool size, the pool is returned without
        training. See
        :meth:`QueryStrategy.query <small_text.query_strategies.base.QueryStrategy.query>`
        for the parameters.

        Returns
        -------
        indices : np.ndarray of int64 and shape (n,)
            Dataset positions, in the order of the rounds that selected them.

        Raises
        ------
        EmptyPoolException, PoolExhaustedException
            If the pool is empty or smaller than ``n``.
        ValueError
            If ``num_iterations > n``, no item is labeled, the indices are invalid, or the
            classifier's model is not supported.
        """
        self._check_parameters()
        self._validate_query_input(indices_unlabeled, n)
        num_samples = list_length(dataset)
        indices_unlabeled = _check_indices(indices_unlabeled, 'indices_unlabeled', num_samples)
        indices_labeled = _check_indices(indices_labeled, 'indices_labeled', num_samples)
        if n == indices_unlabeled.shape[0]:
            return indices_unlabeled.copy()
        query_sizes = DiscriminativeActiveLearning._get_query_sizes(self.num_iterations, n)
        if indices_labeled.shape[0] == 0:
            raise ValueError('DiscriminativeRepresentationLearning needs at least one labeled '
                             'item to train the labeled-vs-unlabeled discriminator.')
        hidden_size = _hidden_size(clf.model)
        embeddings = torch.as_tensor(check_embeddings(clf.embed(dataset), name='clf.embed(dataset)',
                                                      num_rows=num_samples).astype(np.float32, copy=False))

        unlabeled, labeled = indices_unlabeled.copy(), indices_labeled.copy()
        selected = []
        for query_size in query_sizes:
            num_subsample = min(labeled.shape[0] * self.unlabeled_factor, unlabeled.shape[0])
            if num_subsample < query_size:
                candidates = unlabeled
            else:
                candidates = np.random.choice(unlabeled, num_subsample, replace=False)
            self.clf_ = self._train(embeddings, candidates, labeled, hidden_size)
            logits = self._logits(self.clf_, embeddings[candidates])
            picks = candidates[self._select(logits, query_size)]
            selected.append(picks)
            labeled = np.concatenate([labeled, picks])
            unlabeled = unlabeled[~np.isin(unlabeled, picks)]
        return np.concatenate(selected)

    def _train(self, embeddings, candidates, labeled, hidden_size):
        """Train a fresh MLP to tell ``candidates`` (label 1) from ``labeled`` (label 0).

        Each class's loss is weighted by (number of items) / (number of items of the class),
        and training stops after the first epoch that ends with a training accuracy of at
        least ``stop_accuracy``, or after ``num_epochs`` epochs.
        """
        device = self.device or 'cpu'
        model = MLP(embeddings.shape[1], hidden_size, 2).to(device)
        x = embeddings[np.concatenate([candidates, labeled])].to(device)
        is_candidate = torch.zeros(x.shape[0], dtype=torch.bool, device=device)
        is_candidate[:candidates.shape[0]] = True
        targets = torch.stack([~is_candidate, is_candidate], dim=1).float()
        class_weights = x.shape[0] / torch.tensor([labeled.shape[0], candidates.shape[0]],
                                                  dtype=torch.float, device=device)
        sample_weights = class_weights[is_candidate.long()]

        train_kwargs = {**_DRL_TRAIN_DEFAULTS, **self.train_kwargs}
        optimizer = torch.optim.Adam(model.parameters(), lr=train_kwargs['lr'], eps=1e-8)
        criterion = nn.BCEWithLogitsLoss(reduction='none')
        amp_args = self.amp_args
        scaler = torch.amp.GradScaler(amp_args.device_type,
                                      enabled=amp_args.use_amp and amp_args.dtype == torch.float16)
        for _ in range(train_kwargs['num_epochs']):
            model.train()
            order = torch.from_numpy(np.random.permutation(x.shape[0])).to(device)
            for start in range(0, x.shape[0], self.mini_batch_size):
                batch = order[start:start + self.mini_batch_size]
                optimizer.zero_grad(set_to_none=True)
                with torch.autocast(device_type=amp_args.device_type, dtype=amp_args.dtype,
                                    enabled=amp_args.use_amp):
                    losses = criterion(model(x[batch]).float(), targets[batch]).mean(dim=1)
                    loss = (losses * sample_weights[batch]).sum() / sample_weights[batch].sum()
                scaler.scale(loss).backward()
                scaler.unscale_(optimizer)
                nn.utils.clip_grad_norm_(model.parameters(), train_kwargs['clip_grad_norm'])
                scaler.step(optimizer)
                scaler.update()
            model.eval()
            with torch.no_grad():
                logits = model(x)
                accuracy = ((logits[:, 1] > logits[:, 0]) == is_candidate).float().mean()
            if accuracy.item() >= train_kwargs['stop_accuracy']:
                break
        return model

    def _logits(self, model, x):
        model.eval()
        with torch.no_grad():
            return model(x.to(self.device or 'cpu')).float().cpu().numpy().astype(np.float64)

    def _select(self, logits, query_size):
        """Positions (in the rows of ``logits``) of the round's picks, best first."""
        if self.selection == 'greedy':
            proba_unlabeled = torch.softmax(torch.from_numpy(logits), dim=1)[:, 1].numpy()
            return select_smallest(-proba_unlabeled, query_size)
        # Gumbel-top-k: a draw of query_size items without replacement from softmax(z / T)
        perturbed = logits[:, 1] / self.temperature + np.random.gumbel(size=logits.shape[0])
        return select_smallest(-perturbed, query_size)

    def __str__(self):
        return (f'DiscriminativeRepresentationLearning(num_iterations={self.num_iterations}, '
                f'selection={self.selection}, temperature={self.temperature}, '
                f'unlabeled_factor={self.unlabeled_factor}, '
                f'mini_batch_size={self.mini_batch_size}, device={self.device})')


def _hidden_size(model):
    """The hidden size of DRL's MLP, taken from the classifier's model."""
    config = getattr(model, 'config', None)
    if config is not None and hasattr(config, 'hidden_size'):
        return config.hidden_size
    model_body = getattr(model, 'model_body', None)
    if model_body is not None and hasattr(model_body, 'encode'):
        return len(model_body.encode(''))
    if hasattr(model, 'convs'):
        return model.embedding.embedding_dim
    raise ValueError(f'Incompatible model class {type(model).__name__}')
