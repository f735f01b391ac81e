"""SetFitClassification, SetFitModelArguments and SetFitClassificationFactory; the model body is
the tiny BERT (sentence-transformers adds mean pooling)."""
import numpy as np
import pytest
from scipy.sparse import csr_matrix

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')

from small_text import base  # noqa: E402
from small_text.data import TextDataset  # noqa: E402
from small_text.exceptions import (  # noqa: E402
    MissingOptionalDependencyError,
    UnsupportedOperationException,
)
from small_text.integrations.transformers import (  # noqa: E402
    ModelLoadingStrategy,
    SetFitClassification,
    SetFitClassificationFactory,
    SetFitModelArguments,
)

from ._helpers import make_texts  # noqa: E402


@pytest.fixture
def without_setfit(monkeypatch):
    monkeypatch.setitem(base.OPTIONAL_DEPENDENCIES, 'setfit', 'small-text-no-such-distribution')


def test_arguments_defaults_and_copies():
    trainer_kwargs = {'warmup_proportion': 0.2}
    args = SetFitModelArguments('model', trainer_kwargs=trainer_kwargs, show_progress_bar=False)
    assert args.sentence_transformer_model == 'model'
    assert (args.train_batch_size, args.predict_batch_size, args.num_epochs, args.max_steps,
            args.sampling_strategy, args.num_iterations, args.body_learning_rate,
            args.head_learning_rate, args.end_to_end, args.seed, args.output_dir,
            args.compile_model) \
        == ((16, 2), 16, (1, 16), -1, 'oversampling', None, (2e-5, 1e-5), 1e-2, False, None,
            'checkpoints', False)
    assert args.trainer_kwargs == {'save_strategy': 'no', 'report_to': 'none',
                                   'warmup_proportion': 0.2}
    assert trainer_kwargs == {'warmup_proportion': 0.2}
    assert SetFitModelArguments('m', trainer_kwargs={'save_strategy': 'epoch'}) \
        .trainer_kwargs['save_strategy'] == 'epoch'
    assert args.model_loading_strategy == ModelLoadingStrategy.DEFAULT


def test_arguments_show_progress_bar_default(monkeypatch):
    monkeypatch.setenv('SMALL_TEXT_PROGRESS_BARS', 'false')
    assert SetFitModelArguments('model').show_progress_bar is False


_MANAGED = 'Cannot override managed keyword argument in '


@pytest.mark.parametrize('kwargs, message', [
    ({'model_kwargs': {'local_files_only': True}}, _MANAGED + 'model_kwargs: local_files_only'),
    ({'model_kwargs': {'use_differentiable_head': True}},
     _MANAGED + 'model_kwargs: use_differentiable_head'),
    ({'trainer_kwargs': {'seed': 1}}, _MANAGED + 'trainer_kwargs: seed'),
    ({'trainer_kwargs': {'batch_size': 1}}, _MANAGED + 'trainer_kwargs: batch_size'),
    ({'sampling_strategy': 'random'}, 'sampling_strategy must be one of'),
])
def test_arguments_reject_invalid_values(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SetFitModelArguments('model', **kwargs)


def test_missing_setfit_raises(without_setfit):
    with pytest.raises(MissingOptionalDependencyError, match="'setfit' is required"):
        SetFitClassification(SetFitModelArguments('model'), 2)
    factory = SetFitClassificationFactory(SetFitModelArguments('model'), 2)
    with pytest.raises(MissingOptionalDependencyError):
        factory.new()


def test_constructor_stores_arguments():
    args = SetFitModelArguments('model')
    clf = SetFitClassification(args, 3)
    assert clf.setfit_model_args is args
    assert (clf.num_classes, clf.multi_label, clf.max_length, clf.use_differentiable_head,
            clf.device, clf.model) == (3, False, 512, False, None, None)
    assert clf.amp_args.use_amp is False
    with pytest.raises(ValueError, match='must be a SetFitModelArguments'):
        SetFitClassification('model', 3)


def test_factory_creates_new_classifiers():
    args = SetFitModelArguments('model')
    factory = SetFitClassificationFactory(args, 3, classification_kwargs={'max_length': 64})
    first, second = factory.new(), factory.new()
    assert first is not second and first.setfit_model_args is args
    assert first.max_length == 64 and first.num_classes == 3


@pytest.fixture
def setfit_args(tiny_bert, tmp_path):
    pytest.importorskip('setfit', reason='needs the setfit extra: pip install "small-text[setfit]"')
    return SetFitModelArguments(tiny_bert, num_iterations=1, seed=0, show_progress_bar=False,
                                output_dir=str(tmp_path / 'checkpoints'))


@pytest.fixture
def text_dataset():
    texts, y = make_texts(4)
    return TextDataset.from_arrays(texts, y, target_labels=np.arange(3))


def test_fit_predict_embed(setfit_args, text_dataset):
    clf = SetFitClassification(setfit_args, 3, max_length=16)
    assert clf.fit(text_dataset) is clf
    assert clf.model.model_body.max_seq_length == 16
    predictions, proba = clf.predict(text_dataset, return_proba=True)
    assert predictions.shape == (12,) and predictions.dtype == np.int64
    assert proba.shape == (12, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(clf.predict_proba(text_dataset), proba)
    embeddings, embed_proba = clf.embed(text_dataset, return_proba=True)
    assert embeddings.shape == (12, 32) and embeddings.dtype == np.float32
    np.testing.assert_allclose(embed_proba, proba, atol=1e-6)
    assert clf.embed(text_dataset).shape == (12, 32)
    with pytest.raises(UnsupportedOperationException):
        clf.validate(text_dataset)


def test_head_trained_on_some_classes_gives_all_columns(setfit_args, text_dataset):
    clf = SetFitClassification(setfit_args, 3)
    two_classes = text_dataset[text_dataset.y < 2]
    clf.fit(two_classes)
    proba = clf.predict_proba(text_dataset)
    assert proba.shape == (12, 3)
    assert np.all(proba[:, 2] == 0)


def test_dropout_sampling(setfit_args, text_dataset):
    clf = SetFitClassification(setfit_args, 3)
    clf.fit(text_dataset)
    samples = clf.predict_proba(text_dataset, dropout_sampling=3)
    assert samples.shape == (12, 3, 3)
    assert not np.allclose(samples[:, 0], samples[:, 1])
    body = clf.model.model_body
    assert 'eval' not in vars(body) and not body.training
    with pytest.raises(ValueError, match='dropout_sampling must be an int >= 1'):
        clf.predict_proba(text_dataset, dropout_sampling=0)


def test_empty_and_unfitted(setfit_args, text_dataset):
    clf = SetFitClassification(setfit_args, 3)
    with pytest.raises(ValueError, match='call fit\\(\\) first'):
        clf.predict(text_dataset)
    with pytest.raises(ValueError, match='no model yet'):
        clf.embed(text_dataset)
    empty = text_dataset[np.array([], dtype=np.int64)]
    assert clf.predict(empty).shape == (0,)
    assert clf.predict_proba(empty).shape == (0, 3)
    clf.initialize()
    with pytest.raises(ValueError, match='head .* is not fitted'):
        clf.embed(text_dataset, return_proba=True)


def test_multi_label(setfit_args, text_dataset):
    indicator = np.eye(3, dtype=np.int64)[text_dataset.y]
    indicator[0, 1] = 1
    dataset = TextDataset.from_arrays(text_dataset.x, csr_matrix(indicator),
                                      target_labels=np.arange(3))
    clf = SetFitClassification(setfit_args, 3, multi_label=True)
    clf.fit(dataset)
    predictions, proba = clf.predict(dataset, return_proba=True)
    assert isinstance(predictions, csr_matrix) and predictions.shape == (12, 3)
    assert isinstance(proba, np.ndarray) and proba.shape == (12, 3)
    assert clf.predict(dataset, multi_label_threshold=0.0).nnz == 36


def test_differentiable_head(setfit_args, text_dataset):
    clf = SetFitClassification(setfit_args, 3, use_differentiable_head=True)
    clf.fit(text_dataset)
    proba = clf.predict_proba(text_dataset)
    assert proba.shape == (12, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    with pytest.raises(NotImplementedError):
        clf.validate(text_dataset)


def test_fit_rejects_mismatched_data(setfit_args, text_dataset):
    with pytest.raises(ValueError, match='set up to handle 4 classes'):
        SetFitClassification(setfit_args, 4).fit(text_dataset)


def test_missing_model_fails_at_once(tmp_path):
    pytest.importorskip('setfit', reason='needs the setfit extra: pip install "small-text[setfit]"')
    clf = SetFitClassification(SetFitModelArguments(str(tmp_path / 'missing-body')), 2)
    with pytest.raises(FileNotFoundError, match='missing-body'):
        clf.initialize()
