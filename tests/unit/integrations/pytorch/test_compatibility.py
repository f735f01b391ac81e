"""Code written for small-text 2.0 runs unchanged on the PyTorch integration: subclasses of
PytorchClassifier, the keyword-only batch sizes of KimCNNClassifier, embedding matrices of any
width, and argument objects from a reloaded module."""
import inspect

import numpy as np
import pytest

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from small_text.integrations.pytorch.classifiers import (  # noqa: E402
    KimCNNClassifier,
    PytorchClassifier,
)
from small_text.integrations.pytorch.models.kimcnn import KimCNN  # noqa: E402

from .._helpers import fresh_copy  # noqa: E402
from ._helpers import VOCAB_SIZE, classifier, random_dataset  # noqa: E402


# --- a user's subclass of PytorchClassifier ---------------------------------------------------

class _BagOfEmbeddings(torch.nn.Module):
    def __init__(self, num_classes):
        super().__init__()
        self.embedding = torch.nn.Embedding(VOCAB_SIZE, 4, padding_idx=0)
        self.fc = torch.nn.Linear(4, num_classes)
        self.batch_sizes = []

    def forward(self, ids):
        self.batch_sizes.append(ids.shape[0])
        return self.fc(self.embedding(ids).sum(dim=1))


class UserClassifier(PytorchClassifier):
    """Implements only what small-text 2.0 documents as abstract (``fit``)."""

    def __init__(self, num_classes, mini_batch_size=4):
        super().__init__(device='cpu', mini_batch_size=mini_batch_size)
        self.num_classes = num_classes

    def fit(self, train_set, weights=None):
        torch.manual_seed(0)
        self.model = _BagOfEmbeddings(self.num_classes)
        return self


def test_user_subclass_implementing_the_documented_abstract_methods_can_be_instantiated():
    clf = UserClassifier(3)
    assert isinstance(clf, PytorchClassifier)


def test_user_subclass_predicts_with_the_default_batching_in_input_order():
    dataset = random_dataset(num_samples=10)
    clf = UserClassifier(3, mini_batch_size=4).fit(dataset)
    proba = clf.predict_proba(dataset)

    assert clf.model.batch_sizes == [4, 4, 2]
    expected = [torch.softmax(clf.model(x.unsqueeze(0)), dim=1)[0].detach().numpy()
                for x in dataset.x]
    np.testing.assert_allclose(proba, np.stack(expected), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(clf.predict(dataset), proba.argmax(axis=1))


def test_user_subclass_validates_with_the_default_batching():
    dataset = random_dataset(num_samples=9)
    clf = UserClassifier(3).fit(dataset)
    loss, acc = clf.validate(dataset)
    assert loss > 0 and 0 <= acc <= 1


# --- keyword-only batch sizes of KimCNNClassifier ---------------------------------------------

def test_kimcnn_batch_sizes_are_keyword_only_after_the_seed_parameters():
    parameters = inspect.signature(KimCNNClassifier).parameters
    assert list(parameters).index('mini_batch_size') == 5
    for name in ('train_batch_size', 'predict_batch_size', 'show_progress_bar'):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[name].default is None


def test_kimcnn_batch_sizes_are_stored():
    clf = classifier(train_batch_size=3, predict_batch_size=7)
    assert (clf.mini_batch_size, clf.train_batch_size, clf.predict_batch_size) == (8, 3, 7)


def _record_batch_sizes(clf):
    sizes = []
    clf.initialize()
    clf.model.register_forward_hook(lambda module, inputs, output:
                                    sizes.append((module.training, inputs[0].shape[0])))
    return sizes


def test_kimcnn_train_batch_size_overrides_mini_batch_size_for_training_only():
    dataset = random_dataset(num_samples=30)
    clf = classifier(num_epochs=1, mini_batch_size=8, train_batch_size=3)
    sizes = _record_batch_sizes(clf)
    clf.fit(dataset, validation_set=random_dataset(num_samples=20, seed=1),
            early_stopping='none')
    train_sizes = [size for training, size in sizes if training]
    valid_sizes = [size for training, size in sizes if not training]
    assert sorted(train_sizes) == [3] * 10
    assert sorted(valid_sizes) == [4, 8, 8]


def test_kimcnn_predict_batch_size_overrides_mini_batch_size_for_inference_only():
    dataset = random_dataset(num_samples=30)
    clf = classifier(num_epochs=1, mini_batch_size=8, predict_batch_size=16)
    sizes = _record_batch_sizes(clf)
    clf.fit(dataset, validation_set=random_dataset(num_samples=20, seed=1),
            early_stopping='none')
    assert sorted(size for training, size in sizes if training) == [6, 8, 8, 8]
    assert sorted(size for training, size in sizes if not training) == [4, 16]
    sizes.clear()
    clf.predict_proba(dataset)
    assert sorted(size for _, size in sizes) == [14, 16]


@pytest.mark.parametrize('name', ['train_batch_size', 'predict_batch_size'])
def test_kimcnn_invalid_batch_size_raises(name):
    with pytest.raises(ValueError, match=f'{name} must be at least 1'):
        classifier(**{name: 0}).fit(random_dataset())


# --- embedding matrices of another width than embed_dim ---------------------------------------

def test_kimcnn_model_takes_the_embedding_width_from_the_matrix():
    matrix = np.random.default_rng(0).normal(size=(VOCAB_SIZE, 5)).astype(np.float32)
    model = KimCNN(VOCAB_SIZE, 10, num_classes=2, out_channels=3, kernel_heights=[2, 3],
                   embedding_matrix=matrix)  # embed_dim keeps its default of 300
    assert model.embed_dim == 5
    assert model.embedding.weight.shape == (VOCAB_SIZE, 5)
    assert all(conv.weight.shape[-1] == 5 for conv in model.convs)
    np.testing.assert_array_equal(model.embedding.weight.detach().numpy(), matrix)
    assert model(torch.randint(1, VOCAB_SIZE, (4, 10))).shape == (4, 2)


def test_kimcnn_model_uses_embed_dim_without_a_matrix():
    model = KimCNN(VOCAB_SIZE, 10, embed_dim=6, kernel_heights=[2])
    assert model.embed_dim == 6 and model.embedding.weight.shape == (VOCAB_SIZE, 6)


def test_kimcnn_model_rejects_a_matrix_with_another_number_of_rows():
    with pytest.raises(ValueError, match='vocabulary_size=30'):
        KimCNN(VOCAB_SIZE, 10, embedding_matrix=np.zeros((VOCAB_SIZE + 1, 5)))


# --- argument objects of a reloaded module ----------------------------------------------------

def test_training_arguments_from_a_reloaded_module_are_accepted():
    early_stopping_module = fresh_copy('small_text.training.early_stopping')
    model_selection_module = fresh_copy('small_text.training.model_selection')
    metrics_module = fresh_copy('small_text.training.metrics')

    early_stopping = early_stopping_module.EarlyStoppingOrCondition([
        early_stopping_module.EarlyStopping(metrics_module.Metric('val_loss'), patience=1)])
    model_selection = model_selection_module.ModelSelection(
        metrics=[metrics_module.Metric('val_loss'),
                 metrics_module.Metric('val_acc', lower_is_better=False),
                 metrics_module.Metric('train_loss'),
                 metrics_module.Metric('train_acc', lower_is_better=False)])
    clf = classifier(num_epochs=2)
    clf.fit(random_dataset(), early_stopping=early_stopping, model_selection=model_selection)
    assert model_selection.select() is not None


def test_objects_without_the_protocol_are_still_rejected():
    with pytest.raises(ValueError, match='early_stopping must be .*check_early_stop'):
        classifier().fit(random_dataset(), early_stopping=object())
    with pytest.raises(ValueError, match='model_selection must be .*add_model'):
        classifier().fit(random_dataset(), model_selection=object())
