"""The convolutional sentence classifier of Kim (2014)."""
from small_text.base import _missing_extra_message
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError

try:
    import torch
    import torch.nn.functional as F
    from torch import nn
except ImportError as e:
    raise PytorchNotFoundError('Could not import pytorch: ' + _missing_extra_message(
        __name__, ['torch'], 'pytorch')) from e


class KimCNN(nn.Module):
    """Convolutional neural network for sentence classification [Kim14]_.

    Token ids are embedded; for each kernel height k, a convolution with ``out_channels``
    filters spanning k tokens and the whole embedding, followed by a ReLU and max-over-time
    pooling, yields one feature per filter. The concatenated features pass dropout and a
    linear layer that gives the logits.

    Parameters
    ----------
    vocabulary_size : int
        Number of rows of the embedding.
    max_seq_length : int
        The longest input (in tokens, padding included) that :meth:`forward` accepts.
    num_classes : int, default=2
        Number of outputs (logits).
    out_channels : int, default=100
        Number of filters per kernel height.
    embed_dim : int, default=300
        Embedding size. Ignored if ``embedding_matrix`` is given: its width is used.
    padding_idx : int or None, default=0
        Id of the padding token. Its embedding gets no gradient.
    kernel_heights : list of int, default=[3, 4, 5]
        Heights (in tokens) of the filters; one convolution per height. A copy is stored.
    dropout : float, default=0.5
        Dropout probability before the final layer.
    embedding_matrix : torch.Tensor or np.ndarray or None, default=None
        Initial embeddings of shape (vocabulary_size, d), cast to float32 (and copied); the
        embedding size is its width d. If None, PyTorch's default initialisation is used.
    freeze_embedding_layer : bool, default=False
        If True, the embedding is not trained.

    Attributes
    ----------
    embed_dim : int
        The embedding size.
    in_channels : int
        Input channels of the convolutions (1).
    num_kernels : int
        Number of kernel heights K.
    pool_sizes : list of tuple
        Per kernel height k, the largest pooling window ``(max_seq_length - k + 1, 1)``, i.e.
        the number of filter positions of an input of ``max_seq_length`` tokens.
    embedding, convs, pools, dropout, fc : torch.nn.Module
        The layers.

    Raises
    ------
    ValueError
        If a kernel height exceeds ``max_seq_length``, or ``embedding_matrix`` is not 2-d or
        its number of rows differs from ``vocabulary_size``.

    Notes
    -----
    Pooling is max-over-time over the filter positions of each text: positions whose window
    contains padding only are left out (as in the paper, where each sentence has its own
    feature map). Predictions therefore do not depend on how much padding a batch has, which
    lets batches be padded to their longest member only. small-text 2.0 pools with a fixed
    ``MaxPool2d((max_seq_length - k, 1))`` over inputs padded to ``max_seq_length``, which
    includes the padding-only positions and drops the last position.

    References
    ----------
    .. [Kim14] Y. Kim. Convolutional Neural Networks for Sentence Classification.
       EMNLP 2014.
    """

    def __init__(self, vocabulary_size, max_seq_length, num_classes=2, out_channels=100,
                 embed_dim=300, padding_idx=0, kernel_heights=[3, 4, 5], dropout=0.5,
                 embedding_matrix=None, freeze_embedding_layer=False):
        super().__init__()
        kernel_heights = list(kernel_heights)
        if len(kernel_heights) == 0 or max(kernel_heights) > max_seq_length:
            raise ValueError(f'kernel_heights must be non-empty and at most max_seq_length='
                             f'{max_seq_length}, got {kernel_heights}.')

        self.max_seq_length = max_seq_length
        self.num_classes = num_classes
        self.out_channels = out_channels
        self.in_channels = 1
        self.kernel_heights = kernel_heights
        self.num_kernels = len(kernel_heights)
        self.pool_sizes = [(max_seq_length - k + 1, 1) for k in kernel_heights]

        if embedding_matrix is None:
            self.embedding = nn.Embedding(vocabulary_size, embed_dim, padding_idx=padding_idx)
        else:
            weight = torch.as_tensor(embedding_matrix).float()
            if weight.dim() != 2 or weight.shape[0] != vocabulary_size:
                raise ValueError(f'embedding_matrix must have the shape (vocabulary_size, '
                                 f'embedding size) with vocabulary_size={vocabulary_size}, got '
                                 f'{tuple(weight.shape)}.')
            embed_dim = weight.shape[1]
            self.embedding = nn.Embedding(vocabulary_size, embed_dim, padding_idx=padding_idx,
                                          _weight=weight.clone())
        self.embed_dim = embed_dim
        self.embedding.weight.requires_grad_(not freeze_embedding_layer)

        self.convs = nn.ModuleList([nn.Conv2d(self.in_channels, out_channels, (k, embed_dim))
                                    for k in kernel_heights])
        self.pools = nn.ModuleList([nn.AdaptiveMaxPool1d(1) for _ in kernel_heights])
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(out_channels * self.num_kernels, num_classes)

    @property
    def device(self):
        """The device of the embedding."""
        return self.embedding.weight.device

    def forward(self, x):
        """Return the logits.

        Parameters
        ----------
        x : torch.LongTensor
            Token ids of shape (B, L) with ``max(kernel_heights) <= L <= max_seq_length``.

        Returns
        -------
        logits : torch.Tensor
            Shape (B, num_classes).
        """
        return self.classify_features(self.pooled_features(x))

    def pooled_features(self, x):
        """Return the pooled features before dropout and the final layer.

        Parameters
        ----------
        x : torch.LongTensor
            Token ids of shape (B, L) with ``max(kernel_heights) <= L <= max_seq_length``.

        Returns
        -------
        features : torch.Tensor
            Shape (B, out_channels * num_kernels). A text without any non-padding token gets
            zero features.

        Raises
        ------
        ValueError
            If ``x`` is not 2-d or its length is out of range.
        """
        if x.dim() != 2 or not max(self.kernel_heights) <= x.shape[1] <= self.max_seq_length:
            raise ValueError(f'x must have the shape (batch_size, length) with '
                             f'{max(self.kernel_heights)} <= length <= {self.max_seq_length}, '
                             f'got {tuple(x.shape)}.')
        if self.embedding.padding_idx is None:
            is_token = torch.ones_like(x, dtype=torch.int32)
        else:
            is_token = (x != self.embedding.padding_idx).int()
        tokens_before = F.pad(is_token.cumsum(dim=1), (1, 0))

        # Conv2d(1, C, (k, E)) over (B, 1, L, E) equals conv1d over (B, E, L) with the weight
        # viewed as (C, E, k), which runs (and back-propagates) faster; the transposed input is
        # made contiguous once, not by each convolution.
        embedded = self.embedding(x).transpose(1, 2).contiguous()
        features = []
        for k, conv, pool in zip(self.kernel_heights, self.convs, self.pools):
            activations = F.conv1d(embedded, conv.weight.squeeze(1).transpose(1, 2), conv.bias)
            window_has_token = (tokens_before[:, k:] - tokens_before[:, :-k]) > 0
            activations = F.relu(activations).masked_fill(~window_has_token.unsqueeze(1), 0.0)
            features.append(pool(activations).squeeze(2))
        return torch.cat(features, dim=1)

    def classify_features(self, features):
        """Apply dropout and the final layer to the output of :meth:`pooled_features`."""
        return self.fc(self.dropout(features))
