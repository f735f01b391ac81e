"""Tests of the PyTorch query strategies (EGL family, BADGE, DRL)."""
import subprocess
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.sparse import csr_matrix

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from torch import nn  # noqa: E402

from small_text.active_learner import PoolBasedActiveLearner  # noqa: E402
from small_text.exceptions import ConstraintViolationError  # noqa: E402
from small_text.integrations.pytorch.classifiers import KimCNNClassifierFactory  # noqa: E402
from small_text.integrations.pytorch.classifiers.kimcnn import _pad_token_ids  # noqa: E402
from small_text.integrations.pytorch.query_strategies import (  # noqa: E402
    BADGE,
    DiscriminativeRepresentationLearning,
    ExpectedGradientLength,
    ExpectedGradientLengthLayer,
    ExpectedGradientLengthMaxWord,
)
from small_text.integrations.pytorch.query_strategies.strategies import (  # noqa: E402
    gradient_embedding_scales,
    kmeans_plusplus_gradient_embeddings,
)
from small_text.query_strategies import (  # noqa: E402
    EmptyPoolException,
    PoolExhaustedException,
)
from small_text.utils.clustering import init_kmeans_plusplus_safe  # noqa: E402

from ._helpers import classifier, embedding_matrix, separable_dataset  # noqa: E402

NUM_CLASSES = 3


@pytest.fixture(scope='module')
def fitted():
    """A small fitted KimCNN classifier, its dataset, pool, labeled indices and labels."""
    np.random.seed(0)
    torch.manual_seed(0)
    dataset = separable_dataset(40, NUM_CLASSES)
    clf = classifier(NUM_CLASSES)
    clf.fit(dataset[np.arange(20)])
    indices_labeled = np.arange(20)
    return clf, dataset, np.arange(20, 40), indices_labeled, dataset.y[indices_labeled]


def _egl_strategies():
    return [ExpectedGradientLength(NUM_CLASSES, batch_size=7, device='cpu'),
            ExpectedGradientLengthMaxWord(NUM_CLASSES, 'embedding', batch_size=7, device='cpu'),
            ExpectedGradientLengthLayer(NUM_CLASSES, 'fc', batch_size=7, device='cpu')]


def _all_strategies():
    return _egl_strategies() + [
        BADGE(NUM_CLASSES),
        DiscriminativeRepresentationLearning(num_iterations=2, device='cpu',
                                             train_kwargs={'num_epochs': 1})]


# --- reference computations with one backward pass per item and class -----------------------

def _loop_gradients(clf, dataset, index, cls):
    """Gradients of CE(x_index, cls) with plain autograd: name -> gradient tensor."""
    model = clf.model
    model.eval()
    model.zero_grad()
    x = _pad_token_ids([dataset.x[index]], clf.max_seq_len, clf.padding_idx, 0)
    loss = nn.functional.cross_entropy(model(x), torch.tensor([cls]))
    loss.backward()
    gradients = {name: parameter.grad.clone() for name, parameter in model.named_parameters()
                 if parameter.grad is not None}
    proba = torch.softmax(model(x), dim=1)[0].detach()
    return gradients, proba, x[0]


@pytest.fixture(scope='module')
def loop_gradients(fitted):
    """Per item, per class: the result of :func:`_loop_gradients`."""
    clf, dataset = fitted[:2]
    return [[_loop_gradients(clf, dataset, index, cls) for cls in range(NUM_CLASSES)]
            for index in range(len(dataset))]


def _loop_scores(loop_gradients, reduce):
    return np.array([sum(proba[cls].item() * reduce(gradients, tokens)
                         for cls, (gradients, proba, tokens) in enumerate(per_class))
                     for per_class in loop_gradients])


def _l2_all(gradients, tokens):
    return torch.sqrt(sum(g.pow(2).sum() for g in gradients.values())).item()


def _l2_fc(gradients, tokens):
    return torch.sqrt(gradients['fc.weight'].pow(2).sum()
                      + gradients['fc.bias'].pow(2).sum()).item()


@pytest.mark.parametrize('strategy,reduce', [
    (ExpectedGradientLength(NUM_CLASSES, batch_size=7, device='cpu'), _l2_all),
    (ExpectedGradientLengthLayer(NUM_CLASSES, 'fc', batch_size=7, device='cpu'), _l2_fc),
])
def test_egl_scores_equal_per_sample_loop(fitted, loop_gradients, strategy, reduce):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=5)
    expected = _loop_scores(loop_gradients, reduce)
    assert strategy.scores_.dtype == np.float64
    assert strategy.scores_.shape == (len(dataset),)
    np.testing.assert_allclose(strategy.scores_, expected, rtol=1e-4, atol=1e-6)


def test_egl_max_word_equals_per_sample_loop(fitted, loop_gradients):
    """Zhang, Lease & Wallace 2017 (AAAI), EGL-word: max_w sum_c p(c|x) ||dCE(x, c)/dE_w||,
    the maximum over the words of the item of the expected gradient norm of the word's
    embedding row (no equation number cited: the paper's text could not be consulted offline
    to check one)."""
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    strategy = ExpectedGradientLengthMaxWord(NUM_CLASSES, 'embedding', batch_size=7,
                                             device='cpu')
    strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=5)
    expected = []
    for per_class in loop_gradients:
        tokens = torch.unique(per_class[0][2])
        expected_norms = sum(proba[cls].item()
                             * gradients['embedding.weight'][tokens].norm(dim=1)
                             for cls, (gradients, proba, _) in enumerate(per_class))
        expected.append(expected_norms.max().item())
    np.testing.assert_allclose(strategy.scores_, expected, rtol=1e-4, atol=1e-6)


class _TwoPositionModel(nn.Module):
    """logits = W [e(x_0); e(x_1)]: one-dimensional embeddings of the two tokens, concatenated,
    then a linear layer without bias."""

    def __init__(self, weight):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(torch.zeros(2, 1), freeze=False)
        self.fc = nn.Linear(2, 3, bias=False)
        with torch.no_grad():
            self.fc.weight.copy_(torch.tensor(weight))

    def forward(self, x):
        return self.fc(self.embedding(x).flatten(start_dim=1))


def test_egl_max_word_takes_the_max_over_words_of_the_expectation():
    """Zhang, Lease & Wallace 2017 (AAAI), EGL-word:
    score(x) = max_j sum_i P(y_i|x) ||dL(x, y_i)/de_j||, j over the words of x, e_j the
    word's embedding. No equation number is cited: the paper's text could not be consulted
    offline to check one. Remaining deviation: padding and special tokens count as words.

    Item x = tokens (0, 1), both embedded at 0, three classes, so p = (1/3, 1/3, 1/3) and
    dCE(x, c)/de_j = w_j . (p - onehot(c)), with w_0 = (1, 0, 0) and w_1 = (0, 1, 0) the
    columns of W. Word 0: norms 2/3, 1/3, 1/3 for c = 0, 1, 2; word 1: 1/3, 2/3, 1/3.
    Expected norms: 4/9 for both words, so the score is 4/9. (The maximum inside the
    expectation, sum_c p_c max_j, would give (2/3 + 2/3 + 1/3) / 3 = 5/9.)
    """
    model = _TwoPositionModel([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    strategy = ExpectedGradientLengthMaxWord(3, 'embedding', device='cpu')
    scores = strategy._score_words(model, torch.tensor([[0, 1]]))
    np.testing.assert_allclose(scores.numpy(), [4 / 9], rtol=1e-6)


def test_egl_layer_includes_submodules(fitted, loop_gradients):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    strategy = ExpectedGradientLengthLayer(NUM_CLASSES, 'convs', device='cpu')
    strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=5)

    def l2_convs(gradients, tokens):
        return torch.sqrt(sum(g.pow(2).sum() for name, g in gradients.items()
                              if name.startswith('convs.'))).item()

    np.testing.assert_allclose(strategy.scores_, _loop_scores(loop_gradients, l2_convs),
                               rtol=1e-4, atol=1e-6)


def test_egl_selects_best_first_from_the_pool(fitted):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    strategy = ExpectedGradientLength(NUM_CLASSES, device='cpu')
    selected = strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=4)
    pool_scores = strategy.scores_[indices_unlabeled]
    expected = indices_unlabeled[np.argsort(-pool_scores, kind='stable')[:4]]
    np.testing.assert_array_equal(selected, expected)
    assert selected.dtype == np.int64


def test_egl_restores_the_model_device_and_mode(fitted):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    clf.model.train()
    ExpectedGradientLength(NUM_CLASSES, device='cpu').query(clf, dataset, indices_unlabeled,
                                                            indices_labeled, y, n=2)
    assert clf.model.training
    clf.model.eval()
    clf.predict_proba(dataset)


# --- a hand-checkable linear model (also covers the collate-function contract) --------------

class _LinearClassifier:
    """A linear model whose batches come from ``_create_collate_fn`` (reference contract)."""

    def __init__(self, num_features, num_classes):
        self.model = nn.Linear(num_features, num_classes)
        nn.init.zeros_(self.model.weight)
        nn.init.zeros_(self.model.bias)

    @staticmethod
    def _create_collate_fn():
        return lambda items: (torch.stack([item[0] for item in items]),
                              torch.tensor([item[1] for item in items]))


def test_egl_ranks_a_high_gradient_example_first_with_the_l2_norm():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(12, 4)).astype(np.float32)
    features[7] *= 10.0  # crafted: the largest input norm gives the largest gradients
    dataset = [(torch.from_numpy(row), 0) for row in features]
    clf = _LinearClassifier(4, NUM_CLASSES)
    strategy = ExpectedGradientLength(NUM_CLASSES, batch_size=5, device='cpu')
    selected = strategy.query(clf, dataset, np.arange(12), np.array([], dtype=np.int64),
                              np.array([], dtype=np.int64), n=3)
    assert selected[0] == 7
    # zero weights: p is uniform and grad CE(x, c) = (p - e_c) [x^T, 1], whose L2 norm is
    # sqrt((C - 1) / C) * sqrt(||x||^2 + 1) for every class (the L1 norm would differ)
    expected = np.sqrt((NUM_CLASSES - 1) / NUM_CLASSES) * np.sqrt(
        (features.astype(np.float64) ** 2).sum(axis=1) + 1)
    np.testing.assert_allclose(strategy.scores_, expected, rtol=1e-5)


def test_egl_checks_num_classes():
    dataset = [(torch.ones(4), 0) for _ in range(5)]
    strategy = ExpectedGradientLength(NUM_CLASSES + 1, device='cpu')
    with pytest.raises(ValueError, match='num_classes=4'):
        strategy.query(_LinearClassifier(4, NUM_CLASSES), dataset, np.arange(5),
                       np.array([], dtype=np.int64), np.array([], dtype=np.int64), n=2)


# --- validation and constraints ---------------------------------------------------------------

@pytest.mark.parametrize('strategy', _egl_strategies() + [BADGE(NUM_CLASSES)],
                         ids=str)
def test_single_label_constraint(fitted, strategy):
    clf, dataset, indices_unlabeled, indices_labeled, _ = fitted
    y = csr_matrix(np.eye(NUM_CLASSES, dtype=np.int64)[np.arange(20) % NUM_CLASSES])
    with pytest.raises(ConstraintViolationError, match='requires classification_type='
                                                       'single-label'):
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=2)


@pytest.mark.parametrize('strategy', _all_strategies(), ids=str)
def test_pool_validation_and_full_pool_shortcut(fitted, strategy):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    with pytest.raises(PoolExhaustedException, match='21 requested'):
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=21)
    with pytest.raises(EmptyPoolException):
        strategy.query(clf, dataset, np.array([], dtype=np.int64), indices_labeled, y, n=1)
    pool = indices_unlabeled[::-1].copy()
    np.testing.assert_array_equal(
        strategy.query(clf, dataset, pool, indices_labeled, y, n=pool.shape[0]), pool)


@pytest.mark.parametrize('strategy', [
    ExpectedGradientLengthMaxWord(NUM_CLASSES, 'embedding', device='cpu'),
    ExpectedGradientLengthLayer(NUM_CLASSES, 'fc', device='cpu'),
    ExpectedGradientLength(NUM_CLASSES, device='cpu')], ids=str)
def test_untrained_model_raises(fitted, strategy):
    _, dataset, indices_unlabeled, indices_labeled, y = fitted
    with pytest.raises(ValueError, match='Initial model must be trained!'):
        strategy.query(SimpleNamespace(model=None), dataset, indices_unlabeled,
                       indices_labeled, y, n=2)


@pytest.mark.parametrize('strategy', [
    ExpectedGradientLengthMaxWord(NUM_CLASSES, 'nope', device='cpu'),
    ExpectedGradientLengthLayer(NUM_CLASSES, 'nope', device='cpu')], ids=str)
def test_missing_layer_raises(fitted, strategy):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    with pytest.raises(ValueError, match='Given layer "nope" does not exist in the model!'):
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=2)


def test_max_word_requires_an_embedding_layer(fitted):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    strategy = ExpectedGradientLengthMaxWord(NUM_CLASSES, 'fc', device='cpu')
    with pytest.raises(ValueError, match=r'Given parameter \(layer_name=fc\) is not an '
                                         r'embedding layer.'):
        strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=2)


def test_attributes_and_str():
    egl = ExpectedGradientLength(4)
    assert (egl.num_classes, egl.batch_size, egl.device, egl.pbar, egl.scores_) == \
        (4, 50, 'cuda', 'tqdm', None)
    word = ExpectedGradientLengthMaxWord(4, 'embedding')
    assert (word.layer_name, word._words, word.device) == ('embedding', None, 'cuda')
    layer = ExpectedGradientLengthLayer(4, 'fc', 10)
    assert (layer.layer_name, layer.batch_size, layer.device) == ('fc', 10, 'cuda')
    assert str(egl) == 'ExpectedGradientLength()'
    assert str(word) == 'ExpectedGradientLengthMaxWord()'
    assert str(layer) == 'ExpectedGradientLengthLayer()'
    assert str(BADGE(4)) == 'BADGE(num_classes=4)'
    assert str(DiscriminativeRepresentationLearning()) == (
        'DiscriminativeRepresentationLearning(num_iterations=10, selection=stochastic, '
        'temperature=0.01, unlabeled_factor=10, mini_batch_size=32, device=cuda)')


# --- BADGE ------------------------------------------------------------------------------------

def _dense_gradient_embeddings(hidden, proba):
    scales = -proba.astype(np.float64)
    scales[np.arange(proba.shape[0]), proba.argmax(axis=1)] += 1.0
    # class-major: block c covers columns c*D ... (c+1)*D - 1
    return (scales[:, :, None] * hidden.astype(np.float64)[:, None, :]).reshape(
        hidden.shape[0], -1)


def _random_badge_input(num_rows=200, dim=16, num_classes=4, seed=0):
    rng = np.random.default_rng(seed)
    hidden = rng.normal(size=(num_rows, dim)).astype(np.float32)
    logits = rng.normal(size=(num_rows, num_classes)) * 2
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return hidden, proba.astype(np.float32)


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_factorised_kmeans_plusplus_equals_dense_computation(seed):
    hidden, proba = _random_badge_input(seed=seed)
    np.random.seed(seed)
    _, expected = init_kmeans_plusplus_safe(_dense_gradient_embeddings(hidden, proba), 15)
    np.random.seed(seed)
    indices = kmeans_plusplus_gradient_embeddings(hidden, gradient_embedding_scales(proba), 15,
                                                  chunk_size=37)
    np.testing.assert_array_equal(indices, expected)
    assert indices.dtype == np.int64


def test_gradient_embedding_scales():
    """Ash et al. 2020: the last-layer gradient of CE(f(x), yhat) with respect to logit c is
    p_c - 1[c = yhat]; the scales are its negation, 1 - p_c for yhat (the first maximum) and
    -p_c otherwise: [.2, .5, .3] -> [-.2, .5, -.3]; [.4, .4, .2] (tie, yhat = 0) ->
    [.6, -.4, -.2]."""
    proba = np.array([[0.2, 0.5, 0.3], [0.4, 0.4, 0.2]])
    np.testing.assert_allclose(gradient_embedding_scales(proba),
                               [[-0.2, 0.5, -0.3], [0.6, -0.4, -0.2]], rtol=1e-6)


def test_badge_hand_checked_selection():
    """Ash et al. 2020 (ICLR), BADGE, Algorithm 1: gradient embeddings
    g_x = [(p_c - 1[c = yhat(x)]) h(x)]_{c=1..C} (up to sign), then k-means++ seeding on them
    (the first centre uniform, every later one drawn with probability proportional to D^2,
    the squared distance to the nearest chosen centre). No equation number is cited: the
    paper's text could not be consulted offline to check one. Remaining deviation:
    scikit-learn's greedy seeding draws 2 + ln(n) candidates per centre and keeps the best.

    Pool: h = (1, 0) for items 0, 1, 2. Items 0 and 1 are certain, p = (1, 0), so g = 0.
    Item 2 has p = (.5, .5): yhat = 0, g = (.5, 0, -.5, 0), D^2 to 0 is 0.5. With n = 2:
    if the first centre is item 0 (or 1), the other certain item has D^2 = 0 and item 2 has
    0.5, so every candidate is item 2; if the first centre is item 2, the second is 0 or 1.
    So item 2, the uncertain one, is selected under every seed, with one certain item.
    """
    hidden = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (4, 1))
    proba = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5], [1.0, 0.0]], dtype=np.float32)
    clf = _EmbeddingClassifier(hidden, proba)
    for seed in range(10):
        np.random.seed(seed)
        selected = BADGE(2).query(clf, np.arange(4), np.arange(3), np.array([3]),
                                  np.zeros(1, dtype=np.int64), n=2)
        assert 2 in selected and np.unique(selected).shape == (2,), (seed, selected)


def test_factorised_kmeans_plusplus_replaces_duplicates():
    hidden = np.ones((6, 3), dtype=np.float32)
    scales = np.tile([[0.5, -0.5]], (6, 1))
    np.random.seed(0)
    with pytest.warns(UserWarning, match='identical cluster centers'):
        indices = kmeans_plusplus_gradient_embeddings(hidden, scales, 4)
    assert np.unique(indices).shape[0] == 4


def test_factorised_kmeans_plusplus_validates():
    with pytest.raises(ValueError, match='same number of rows'):
        kmeans_plusplus_gradient_embeddings(np.ones((3, 2)), np.ones((4, 2)), 2)
    with pytest.raises(ValueError, match=r'n_clusters must be in \[1, 3\]'):
        kmeans_plusplus_gradient_embeddings(np.ones((3, 2)), np.ones((3, 2)), 4)


class _EmbeddingClassifier:
    """Returns fixed embeddings and probabilities (rows follow the dataset positions)."""

    def __init__(self, hidden, proba, with_proba=True):
        self.hidden, self.proba, self.with_proba = hidden, proba, with_proba

    def embed(self, dataset, **kwargs):
        if not self.with_proba and 'return_proba' in kwargs:
            raise TypeError("embed() got an unexpected keyword argument 'return_proba'")
        rows = np.asarray(dataset)
        if kwargs.get('return_proba'):
            return self.hidden[rows], self.proba[rows]
        return self.hidden[rows]

    def predict_proba(self, dataset):
        return self.proba[np.asarray(dataset)]


@pytest.mark.parametrize('with_proba', [True, False])
def test_badge_selects_as_dense_kmeans_plusplus_on_the_pool(with_proba):
    hidden, proba = _random_badge_input(num_rows=60)
    dataset = np.arange(60)  # the "dataset" is its own positions
    indices_unlabeled = np.arange(10, 60)[::-1].copy()
    indices_labeled = np.arange(10)
    clf = _EmbeddingClassifier(hidden, proba, with_proba=with_proba)

    np.random.seed(3)
    selected = BADGE(4).query(clf, dataset, indices_unlabeled, indices_labeled,
                              np.zeros(10, dtype=np.int64), n=8)
    np.random.seed(3)
    _, expected = init_kmeans_plusplus_safe(
        _dense_gradient_embeddings(hidden[indices_unlabeled], proba[indices_unlabeled]), 8)
    np.testing.assert_array_equal(selected, indices_unlabeled[expected])


class _HeadInputClassifier(_EmbeddingClassifier):
    """Offers a head-input embedding and records the embed keyword arguments."""

    EMBEDDING_METHOD_HEAD_INPUT = 'head'

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.embed_calls = []

    def embed(self, dataset, return_proba=False, **kwargs):
        self.embed_calls.append(kwargs)
        return super().embed(dataset, return_proba=return_proba)


def test_badge_asks_for_the_head_input_unless_told_otherwise():
    hidden, proba = _random_badge_input(num_rows=30)
    clf = _HeadInputClassifier(hidden, proba)
    BADGE(proba.shape[1]).query(clf, np.arange(30), np.arange(20), np.arange(20, 30),
                                np.zeros(10, dtype=int), n=3)
    BADGE(proba.shape[1]).query(clf, np.arange(30), np.arange(20), np.arange(20, 30),
                                np.zeros(10, dtype=int), n=3,
                                embed_kwargs={'embedding_method': 'cls'})
    assert clf.embed_calls == [{'embedding_method': 'head'}, {'embedding_method': 'cls'}]


def test_badge_gradient_embeddings_are_last_layer_gradients_for_transformers(tmp_path):
    """Ash et al. 2020 (ICLR), BADGE gradient embedding (Algorithm 1, the embedding step; no
    equation number is cited, as the paper's text could not be consulted offline to check
    one): g_x = d CE(f(x), yhat) / d W_out with yhat the predicted label, i.e.
    (g_x)_c = (p_c - 1[yhat = c]) h(x) up to sign, where h(x) is the input of the output
    layer. With a tiny BERT, the negated autograd gradient of the
    classifier weight equals s (outer) h for the embedding that BADGE requests ('head') and
    differs for the default 'avg' embedding."""
    pytest.importorskip('transformers')
    from small_text.integrations.transformers import (
        TransformerBasedClassification,
        TransformerModelArguments,
        TransformersDataset,
    )
    from ..transformers._helpers import make_texts, save_tiny_bert
    from transformers import AutoTokenizer

    folder = save_tiny_bert(tmp_path)
    texts, y = make_texts(2)
    dataset = TransformersDataset.from_arrays(texts, y, AutoTokenizer.from_pretrained(folder),
                                              target_labels=np.arange(3), max_length=32)
    clf = TransformerBasedClassification(TransformerModelArguments(folder), 3, device='cpu',
                                         show_progress_bar=False)
    model = clf.initialize().eval()
    head, proba = clf.embed(dataset, return_proba=True,
                            embedding_method=clf.EMBEDDING_METHOD_HEAD_INPUT)
    average = clf.embed(dataset)
    ids, mask, _ = dataset.data[0]
    logits = model(input_ids=ids, attention_mask=mask).logits
    loss = nn.functional.cross_entropy(logits, logits.argmax(dim=1))
    (weight_gradient,) = torch.autograd.grad(loss, model.classifier.weight)
    scales = gradient_embedding_scales(proba[:1])
    np.testing.assert_allclose(np.outer(scales[0], head[0]), -weight_gradient.numpy(),
                               atol=1e-5)
    assert not np.allclose(np.outer(scales[0], average[0]), -weight_gradient.numpy(),
                           atol=1e-3)


def test_badge_checks_num_classes():
    hidden, proba = _random_badge_input(num_rows=20)
    with pytest.raises(ValueError, match='num_classes=3'):
        BADGE(3).query(_EmbeddingClassifier(hidden, proba), np.arange(20), np.arange(5, 20),
                       np.arange(5), np.zeros(5, dtype=np.int64), n=3)


# --- DRL --------------------------------------------------------------------------------------

def test_drl_constructor_validation_and_attributes():
    with pytest.raises(ValueError, match='Invalid selection strategy: best'):
        DiscriminativeRepresentationLearning(selection='best')
    with pytest.raises(ValueError, match='temperature must be greater zero'):
        DiscriminativeRepresentationLearning(temperature=0)
    train_kwargs = {'lr': 0.1}
    strategy = DiscriminativeRepresentationLearning(train_kwargs=train_kwargs)
    train_kwargs['lr'] = 1.0
    assert strategy.train_kwargs == {'lr': 0.1}
    assert (strategy.num_iterations, strategy.selection, strategy.temperature,
            strategy.unlabeled_factor, strategy.mini_batch_size, strategy.device,
            strategy.clf_) == (10, 'stochastic', 0.01, 10, 32, 'cuda', None)


def test_drl_amp_args():
    amp_args = DiscriminativeRepresentationLearning(device='cuda').amp_args
    assert (amp_args.use_amp, amp_args.device_type, amp_args.dtype) == \
        (False, 'cuda', torch.bfloat16)
    assert DiscriminativeRepresentationLearning(device=None).amp_args.device_type == 'cpu'
    from small_text.integrations.pytorch.classifiers import AMPArguments
    user = AMPArguments(use_amp=True, device_type='cuda', dtype=torch.float16)
    strategy = DiscriminativeRepresentationLearning(device='cpu', amp_args=user)
    assert strategy.amp_args is not user
    assert strategy.amp_args.use_amp is False
    assert DiscriminativeRepresentationLearning(device='cuda', amp_args=user).amp_args.use_amp


class _DRLClassifier:
    """Fixed embeddings; the model has a ``config.hidden_size``."""

    def __init__(self, embeddings):
        self.embeddings = embeddings
        self.model = SimpleNamespace(config=SimpleNamespace(hidden_size=16))

    def embed(self, dataset, **kwargs):
        return self.embeddings[np.asarray(dataset)]


def _drl_data():
    """Labeled items near the origin; pool items 20..29 far away, 30..59 like the labeled."""
    rng = np.random.default_rng(0)
    embeddings = rng.normal(scale=0.1, size=(60, 4)).astype(np.float32)
    embeddings[20:30] += 5.0
    return embeddings, np.arange(20, 60), np.arange(20)


class _FixedDiscriminator(nn.Module):
    """logits = (0, e) for the one-dimensional embedding e: P(unlabeled | x) = sigmoid(e)."""

    def forward(self, x):
        return torch.cat([torch.zeros_like(x[:, :1]), x[:, :1]], dim=1)


def test_drl_greedy_rounds_hand_checked(monkeypatch):
    """Gissin & Shalev-Shwartz 2019 (arXiv:1907.06347), DAL: the batch is split into
    sub-batches; for each, a discriminator is trained to tell the labeled set (class
    'labeled') from the unlabeled pool (class 'unlabeled'), the items with the largest
    P(y = unlabeled | psi(x)) are picked, and they join the labeled set before the next
    sub-batch. No equation number is cited: the paper's text could not be consulted offline
    to check one.

    The trained discriminator is replaced by the fixed map e -> logits (0, e), so
    P(unlabeled | x) = 1 / (1 + exp(-e)) grows with e. Pool embeddings e = 0.3, 2.0, -1.0,
    1.0 at positions 0..3, one labeled item at 4; n = 2 in two rounds, greedy: round 1 picks
    position 1 (e = 2.0), which then counts as labeled, and round 2 picks position 3
    (e = 1.0).
    """
    embeddings = np.array([[0.3], [2.0], [-1.0], [1.0], [0.0]], dtype=np.float32)
    trained_on = []

    def fixed_train(self, all_embeddings, candidates, labeled, hidden_size):
        trained_on.append((np.sort(candidates), np.sort(labeled)))
        return _FixedDiscriminator()

    monkeypatch.setattr(DiscriminativeRepresentationLearning, '_train', fixed_train)
    np.random.seed(0)
    selected = DiscriminativeRepresentationLearning(
        num_iterations=2, selection='greedy', device='cpu').query(
        _DRLClassifier(embeddings), np.arange(5), np.arange(4), np.array([4]),
        np.zeros(1, dtype=np.int64), n=2)
    np.testing.assert_array_equal(selected, [1, 3])
    np.testing.assert_array_equal(trained_on[0][1], [4])
    np.testing.assert_array_equal(trained_on[1][0], [0, 2, 3])
    np.testing.assert_array_equal(trained_on[1][1], [1, 4])


@pytest.mark.parametrize('selection', ['greedy', 'stochastic'])
def test_drl_trains_on_the_sampled_rows_and_selects_the_distinct_items(selection):
    embeddings, indices_unlabeled, indices_labeled = _drl_data()
    # the dataset's first rows are the labeled ones: the reference trains on them as "pool"
    strategy = DiscriminativeRepresentationLearning(
        num_iterations=1, selection=selection, temperature=0.01, unlabeled_factor=2,
        device='cpu', train_kwargs={'lr': 1e-2, 'num_epochs': 30})
    np.random.seed(0)
    torch.manual_seed(0)
    selected = strategy.query(_DRLClassifier(embeddings), np.arange(60), indices_unlabeled,
                              indices_labeled, np.zeros(20, dtype=np.int64), n=5)
    assert selected.shape == (5,) and selected.dtype == np.int64
    assert np.unique(selected).shape[0] == 5
    assert np.all((selected >= 20) & (selected < 30))
    assert isinstance(strategy.clf_, nn.Module)


@pytest.mark.integration
def test_drl_at_its_defaults_picks_from_the_unlabeled_cluster():
    """Gissin & Shalev-Shwartz 2019 (arXiv:1907.06347), DAL: select
    argmax_x P(y = unlabeled | psi(x)) from a classifier trained to tell the labeled set from
    the pool, with the classes weighted inversely to their sizes and trained to 98 % training
    accuracy. No equation number is cited: the paper's text could not be consulted offline
    to check one. Remaining deviations: a smaller MLP, and the default stochastic selection
    (low temperature) instead of the paper's top-k.

    Two clusters 8.5 apart in 8 dimensions: the 20 labeled items and 60 pool items lie in
    cluster A, 40 pool items in cluster B. The density ratio pool/labeled is about 0.6 / 1 in
    A and unbounded in B, so P(unlabeled) is largest in B and the 10 picks (default selection
    and training, two rounds to keep the test short) should come from B; random sampling
    would take 40 % from B.
    """
    rng = np.random.default_rng(0)
    embeddings = rng.normal(size=(120, 8)).astype(np.float32)
    embeddings[20:60] += 3.0
    shares = []
    for seed in range(3):
        np.random.seed(seed)
        torch.manual_seed(seed)
        selected = DiscriminativeRepresentationLearning(num_iterations=2, device='cpu').query(
            _DRLClassifier(embeddings), np.arange(120), np.arange(20, 120), np.arange(20),
            np.zeros(20, dtype=np.int64), n=10)
        shares.append(np.mean((selected >= 20) & (selected < 60)))
    assert np.mean(shares) >= 0.85 and min(shares) >= 0.7, shares


def test_drl_stops_training_at_the_accuracy_threshold():
    """Well separated data: the discriminator reaches 98 % training accuracy long before the
    epoch limit, so training stops early (one epoch with a high learning rate)."""
    embeddings, indices_unlabeled, indices_labeled = _drl_data()
    strategy = DiscriminativeRepresentationLearning(num_iterations=1, device='cpu',
                                                    train_kwargs={'lr': 1e-2})
    epochs = []
    original_permutation = np.random.permutation

    def counting_permutation(*args):
        epochs.append(1)
        return original_permutation(*args)

    np.random.seed(0)
    torch.manual_seed(0)
    candidates = np.arange(20, 30)
    try:
        np.random.permutation = counting_permutation
        model = strategy._train(torch.from_numpy(embeddings), candidates, indices_labeled, 16)
    finally:
        np.random.permutation = original_permutation
    assert 1 <= len(epochs) < 100
    with torch.no_grad():
        logits = model(torch.from_numpy(embeddings[np.concatenate([candidates,
                                                                   indices_labeled])]))
    predicted_candidate = (logits[:, 1] > logits[:, 0]).numpy()
    assert np.mean(predicted_candidate == (np.arange(30) < 10)) >= 0.98


def test_drl_uses_the_whole_pool_when_the_sample_is_too_small():
    embeddings, indices_unlabeled, _ = _drl_data()
    strategy = DiscriminativeRepresentationLearning(
        num_iterations=1, selection='greedy', unlabeled_factor=1, device='cpu',
        train_kwargs={'lr': 1e-2, 'num_epochs': 30})
    np.random.seed(0)
    torch.manual_seed(0)
    selected = strategy.query(_DRLClassifier(embeddings), np.arange(60), indices_unlabeled,
                              np.array([0, 1]), np.zeros(2, dtype=np.int64), n=5)
    assert np.unique(selected).shape[0] == 5
    assert np.all((selected >= 20) & (selected < 30))


def test_drl_errors():
    embeddings, indices_unlabeled, _ = _drl_data()
    strategy = DiscriminativeRepresentationLearning(num_iterations=2, device='cpu')
    clf = _DRLClassifier(embeddings)
    with pytest.raises(ValueError, match='at least one labeled item'):
        strategy.query(clf, np.arange(60), indices_unlabeled, np.array([], dtype=np.int64),
                       np.array([], dtype=np.int64), n=4)
    with pytest.raises(ValueError, match='num_iterations cannot be greater'):
        strategy.query(clf, np.arange(60), indices_unlabeled, np.arange(20),
                       np.zeros(20, dtype=np.int64), n=1)
    clf.model = nn.Linear(2, 2)
    with pytest.raises(ValueError, match='Incompatible model class Linear'):
        strategy.query(clf, np.arange(60), indices_unlabeled, np.arange(20),
                       np.zeros(20, dtype=np.int64), n=4)


def test_drl_hidden_size_from_kimcnn(fitted):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    strategy = DiscriminativeRepresentationLearning(num_iterations=1, device='cpu',
                                                    train_kwargs={'num_epochs': 1})
    strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y, n=2)
    assert strategy.clf_.layers[0].out_features == clf.model.embedding.embedding_dim


# --- determinism and a real active learning loop ----------------------------------------------

@pytest.mark.parametrize('strategy', _all_strategies(), ids=str)
def test_determinism_under_seeds(fitted, strategy):
    clf, dataset, indices_unlabeled, indices_labeled, y = fitted
    results = []
    for _ in range(2):
        np.random.seed(42)
        torch.manual_seed(42)
        results.append(strategy.query(clf, dataset, indices_unlabeled, indices_labeled, y,
                                      n=4))
    np.testing.assert_array_equal(results[0], results[1])
    assert np.unique(results[0]).shape[0] == 4
    assert np.all(np.isin(results[0], indices_unlabeled))


@pytest.mark.parametrize('strategy', _all_strategies(), ids=str)
def test_active_learning_loop_with_kimcnn(strategy):
    np.random.seed(1)
    torch.manual_seed(1)
    dataset = separable_dataset(45, NUM_CLASSES, seed=1)
    factory = KimCNNClassifierFactory(NUM_CLASSES, classification_kwargs=dict(
        embedding_matrix=embedding_matrix(), device='cpu', num_epochs=1, mini_batch_size=8,
        max_seq_len=20, out_channels=4, kernel_heights=[2, 3], verbosity=0,
        show_progress_bar=False))
    learner = PoolBasedActiveLearner(factory, strategy, dataset)
    learner.initialize(np.arange(12))
    for _ in range(2):
        queried = learner.query(num_samples=4)
        assert queried.shape == (4,) and np.unique(queried).shape[0] == 4
        assert not np.any(np.isin(queried, learner.indices_labeled))
        learner.update(dataset.y[queried])
    assert learner.indices_labeled.shape == (20,)


# --- packaging --------------------------------------------------------------------------------

def test_package_exports():
    import small_text.integrations.pytorch as pytorch_integration
    import small_text.integrations.pytorch.query_strategies as module
    assert module.__all__ == ['BADGE', 'DiscriminativeRepresentationLearning',
                              'ExpectedGradientLength', 'ExpectedGradientLengthLayer',
                              'ExpectedGradientLengthMaxWord']
    for name in module.__all__[1:]:
        assert getattr(pytorch_integration, name) is getattr(module, name)
        assert name in pytorch_integration.__all__
    assert 'BADGE' not in pytorch_integration.__all__


def test_import_without_torch_raises_pytorch_not_found_error():
    code = ('import sys; sys.modules["torch"] = None\n'
            'from small_text.integrations.pytorch.exceptions import PytorchNotFoundError\n'
            'try:\n'
            '    import small_text.integrations.pytorch.query_strategies.strategies\n'
            'except PytorchNotFoundError:\n'
            '    print("raised")\n')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == 'raised'
