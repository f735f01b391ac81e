"""Tests of the KimCNN and MLP models."""
import numpy as np
import pytest

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from small_text.integrations.pytorch.models import KimCNN  # noqa: E402
from small_text.integrations.pytorch.models.mlp import MLP  # noqa: E402


def _model(**kwargs):
    settings = dict(vocabulary_size=30, max_seq_length=16, num_classes=3, out_channels=5,
                    embed_dim=7, kernel_heights=[2, 3, 4])
    settings.update(kwargs)
    return KimCNN(**settings)


def test_attributes_and_layers():
    model = _model()
    assert model.out_channels == 5
    assert model.in_channels == 1
    assert model.num_kernels == 3
    assert model.max_seq_length == 16
    assert model.num_classes == 3
    assert model.pool_sizes == [(15, 1), (14, 1), (13, 1)]
    assert isinstance(model.embedding, nn.Embedding)
    assert [tuple(conv.weight.shape) for conv in model.convs] == [(5, 1, 2, 7), (5, 1, 3, 7),
                                                                   (5, 1, 4, 7)]
    assert len(model.pools) == 3
    assert isinstance(model.dropout, nn.Dropout) and model.dropout.p == 0.5
    assert (model.fc.in_features, model.fc.out_features) == (15, 3)
    assert model.device == torch.device('cpu')


def test_default_hyperparameters():
    model = KimCNN(10, 20)
    assert model.num_classes == 2
    assert model.out_channels == 100
    assert model.embedding.embedding_dim == 300
    assert model.embedding.padding_idx == 0
    assert model.kernel_heights == [3, 4, 5]
    assert model.fc.in_features == 300


def test_kernel_heights_are_copied():
    heights = [2, 3]
    model = _model(kernel_heights=heights)
    heights.append(4)
    assert model.kernel_heights == [2, 3]


def test_forward_shape():
    x = torch.randint(1, 30, (6, 10))
    assert _model()(x).shape == (6, 3)
    assert _model().pooled_features(x).shape == (6, 15)


def test_forward_is_classify_of_pooled_features():
    model = _model().eval()
    x = torch.randint(1, 30, (4, 9))
    torch.testing.assert_close(model(x), model.classify_features(model.pooled_features(x)))


def test_pooled_features_equal_masked_conv2d_reference():
    """The matrix-product convolution equals Conv2d followed by max-over-time pooling over the
    windows that contain a token."""
    model = _model().eval()
    x = torch.randint(1, 30, (4, 16))
    x[0, 5:] = 0
    x[1, 1:] = 0
    embedded = model.embedding(x).unsqueeze(1)
    tokens_before = F.pad((x != 0).int().cumsum(1), (1, 0))
    expected = []
    for k, conv in zip(model.kernel_heights, model.convs):
        activations = F.relu(conv(embedded)).squeeze(3)
        has_token = (tokens_before[:, k:] - tokens_before[:, :-k]) > 0
        expected.append(activations.masked_fill(~has_token.unsqueeze(1), 0).amax(dim=2))
    torch.testing.assert_close(model.pooled_features(x), torch.cat(expected, dim=1))


def test_padding_beyond_the_windows_does_not_change_the_output():
    model = _model().eval()
    x = torch.zeros((2, 16), dtype=torch.long)
    x[0, :5] = torch.tensor([3, 4, 5, 6, 7])
    x[1, :2] = torch.tensor([8, 9])
    full = model(x)
    # the longest text (5 tokens) needs 5 + max(kernel_heights) - 1 = 8 positions
    torch.testing.assert_close(model(x[:, :8]), full)
    torch.testing.assert_close(model(x[1:, :5]), full[1:])


def test_text_without_tokens_gives_zero_features():
    model = _model()
    features = model.pooled_features(torch.zeros((1, 6), dtype=torch.long))
    assert torch.all(features == 0)


def test_padding_idx_none_uses_all_positions():
    model = _model(padding_idx=None)
    assert model.pooled_features(torch.zeros((1, 6), dtype=torch.long)).abs().sum() > 0


@pytest.mark.parametrize('shape', [(2, 3), (2, 17), (16,)])
def test_invalid_input_shape_raises(shape):
    with pytest.raises(ValueError, match='x must have the shape'):
        _model()(torch.ones(shape, dtype=torch.long))


def test_kernel_height_above_max_seq_length_raises():
    with pytest.raises(ValueError, match='kernel_heights'):
        _model(max_seq_length=3)


def test_embedding_matrix_initialises_embedding():
    matrix = np.arange(30 * 7, dtype=np.float64).reshape(30, 7)
    model = _model(embedding_matrix=torch.from_numpy(matrix))
    assert model.embedding.weight.dtype == torch.float32
    np.testing.assert_array_equal(model.embedding.weight.detach().numpy(), matrix)
    assert model.embedding.weight.requires_grad


def test_embedding_matrix_shape_mismatch_raises():
    with pytest.raises(ValueError, match='embedding_matrix must have the shape'):
        _model(embedding_matrix=torch.zeros(29, 7))


def test_freeze_embedding_layer():
    assert not _model(freeze_embedding_layer=True).embedding.weight.requires_grad


def test_gradients_reach_all_trainable_layers():
    model = _model()
    model(torch.randint(1, 30, (3, 8))).sum().backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None and parameter.grad.abs().sum() > 0, name


def test_mlp():
    model = MLP(4, 6, 2)
    assert [type(layer) for layer in model.layers] == [nn.Linear, nn.ReLU, nn.Linear, nn.ReLU,
                                                       nn.Linear]
    assert (model.layers[2].in_features, model.layers[2].out_features) == (6, 6)
    assert model(torch.randn(3, 4)).shape == (3, 2)
