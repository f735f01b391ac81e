"""TransformerBasedClassification, TransformerModelArguments and its factory, on a tiny BERT."""
import inspect
import pickle
import socket

import numpy as np
import pytest
from scipy.sparse import csr_matrix

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')

import torch  # noqa: E402

from small_text.integrations.pytorch.classifiers.base import AMPArguments  # noqa: E402
from small_text.integrations.transformers import (  # noqa: E402
    ModelLoadingStrategy,
    TransformerBasedClassification,
    TransformerBasedClassificationFactory,
    TransformerModelArguments,
    TransformersDataset,
)
from small_text.integrations.transformers.classifiers import classification  # noqa: E402
from small_text.training.early_stopping import EarlyStoppingHandler  # noqa: E402
from small_text.training.model_selection import ModelSelection  # noqa: E402
from small_text.utils.logging import VERBOSITY_QUIET  # noqa: E402

from ._helpers import make_texts  # noqa: E402

NO_DROPOUT = {'hidden_dropout_prob': 0.0, 'attention_probs_dropout_prob': 0.0}


@pytest.fixture
def dataset(tiny_tokenizer):
    texts, y = make_texts(10)
    return TransformersDataset.from_arrays(texts, y, tiny_tokenizer, target_labels=np.arange(3),
                                           max_length=32)


@pytest.fixture
def multi_label_dataset(tiny_tokenizer):
    texts, y = make_texts(6)
    indicator = np.eye(3, dtype=np.int64)[y]
    indicator[::4, (y[::4] + 1) % 3] = 1
    return TransformersDataset.from_arrays(texts, csr_matrix(indicator), tiny_tokenizer,
                                           target_labels=np.arange(3), max_length=32)


def _classifier(model, num_classes=3, config_kwargs=None, **kwargs):
    kwargs = {'device': 'cpu', 'verbosity': VERBOSITY_QUIET, 'show_progress_bar': False,
              'num_epochs': 2, **kwargs}
    return TransformerBasedClassification(
        TransformerModelArguments(model, config_kwargs=config_kwargs or {}), num_classes,
        **kwargs)


class _Recorder(EarlyStoppingHandler):
    """Records every early-stopping check; optionally stops at the ``stop_at``-th check."""

    def __init__(self, stop_at=None, on_check=None):
        self.checks = []
        self.stop_at = stop_at
        self.on_check = on_check

    def check_early_stop(self, epoch, measured_values):
        self.checks.append((epoch, dict(measured_values)))
        if self.on_check is not None:
            self.on_check(epoch)
        return self.stop_at is not None and len(self.checks) >= self.stop_at


# --- arguments --------------------------------------------------------------------------------

def test_model_arguments_defaults_and_copies():
    kwargs = {'revision': 'main'}
    args = TransformerModelArguments('bert', model_kwargs=kwargs)
    assert (args.model, args.tokenizer, args.config) == ('bert', 'bert', 'bert')
    assert args.model_kwargs == kwargs and args.model_kwargs is not kwargs
    assert args.tokenizer_kwargs == {} and args.config_kwargs == {}
    assert args.compile_model is False
    assert args.model_loading_strategy == ModelLoadingStrategy.DEFAULT
    other = TransformerModelArguments('bert', tokenizer='tok', config='cfg')
    assert (other.tokenizer, other.config) == ('tok', 'cfg')


def test_model_arguments_resolve_default_strategy_at_construction(monkeypatch):
    monkeypatch.setenv('SMALL_TEXT_OFFLINE', '1')
    assert TransformerModelArguments('bert').model_loading_strategy \
        == ModelLoadingStrategy.ALWAYS_LOCAL


@pytest.mark.parametrize('name, key', [('model_kwargs', 'local_files_only'),
                                       ('model_kwargs', 'config'),
                                       ('model_kwargs', 'from_tf'),
                                       ('tokenizer_kwargs', 'cache_dir'),
                                       ('tokenizer_kwargs', 'local_files_only'),
                                       ('config_kwargs', 'num_labels'),
                                       ('config_kwargs', 'force_download'),
                                       ('config_kwargs', 'local_files_only')])
def test_model_arguments_reject_managed_keys(name, key):
    with pytest.raises(ValueError,
                       match=f'Cannot override managed keyword argument in {name}: {key}'):
        TransformerModelArguments('bert', **{name: {key: 1}})


def test_model_arguments_reject_invalid_strategy():
    with pytest.raises(ValueError, match='must be a ModelLoadingStrategy'):
        TransformerModelArguments('bert', model_loading_strategy='always-local')


def test_signature_follows_the_seed():
    parameters = inspect.signature(TransformerBasedClassification).parameters
    assert list(parameters)[:15] == [
        'transformer_model', 'num_classes', 'multi_label', 'num_epochs', 'lr',
        'mini_batch_size', 'validation_set_size', 'validations_per_epoch',
        'fine_tuning_arguments', 'device', 'memory_fix', 'class_weight', 'amp_args',
        'verbosity', 'cache_dir']
    clf = TransformerBasedClassification(TransformerModelArguments('bert'), 2)
    assert (clf.num_epochs, clf.lr, clf.mini_batch_size, clf.validation_set_size,
            clf.validations_per_epoch, clf.memory_fix, clf.cache_dir) \
        == (10, 2e-5, 12, 0.1, 1, 1, '.active_learning_lib_cache/')
    assert clf.model is None and clf.config is None and clf.criterion is None
    assert clf.optimizer is None and clf.scheduler is None


@pytest.mark.parametrize('kwargs, message', [
    ({'num_epochs': 0}, 'num_epochs must be a positive int'),
    ({'mini_batch_size': 0}, 'mini_batch_size must be a positive int'),
    ({'validations_per_epoch': 0}, 'validations_per_epoch must be a positive int'),
    ({'validation_set_size': 1.0}, 'validation_set_size must lie in'),
    ({'fine_tuning_arguments': {'base_lr': 1}}, 'must be a FineTuningArguments'),
])
def test_constructor_rejects_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        TransformerBasedClassification(TransformerModelArguments('bert'), 2, **kwargs)
    with pytest.raises(ValueError, match='must be a TransformerModelArguments'):
        TransformerBasedClassification('bert', 2)


def test_device_accepts_torch_device():
    clf = TransformerBasedClassification(TransformerModelArguments('bert'), 2,
                                         device=torch.device('cpu'))
    assert clf.device == torch.device('cpu')


# --- loading ----------------------------------------------------------------------------------

@pytest.fixture
def no_network(monkeypatch):
    """Make every attempt to open a connection fail loudly."""
    def refuse(*args, **kwargs):
        raise AssertionError('a network connection was attempted')
    monkeypatch.setattr(socket.socket, 'connect', refuse)
    monkeypatch.setattr(socket, 'create_connection', refuse)


def test_initialize_loads_config_and_model_with_new_head(tiny_bert, no_network):
    clf = _classifier(tiny_bert, num_classes=4)
    model = clf.initialize()
    assert model is clf.model
    assert clf.config.num_labels == 4
    assert model.classifier.out_features == 4
    assert next(model.parameters()).dtype == torch.float32


def test_tokenizer_is_loaded_lazily(tiny_bert, monkeypatch):
    loads = []
    original = classification.AutoTokenizer.from_pretrained
    monkeypatch.setattr(classification.AutoTokenizer, 'from_pretrained',
                        lambda *args, **kwargs: loads.append(args) or original(*args, **kwargs))
    clf = _classifier(tiny_bert)
    clf.initialize()
    assert loads == []
    assert clf.tokenizer.cls_token == '[CLS]'
    assert clf.tokenizer is clf.tokenizer and len(loads) == 1


def test_missing_model_folder_fails_at_once_and_names_the_path(tmp_path, no_network):
    missing = str(tmp_path / 'no-such-model')
    clf = _classifier(missing)
    with pytest.raises(FileNotFoundError, match="the model '.*no-such-model'") as info:
        clf.initialize()
    assert 'save_pretrained()' in str(info.value)


@pytest.mark.parametrize('strategy', [ModelLoadingStrategy.DEFAULT,
                                      ModelLoadingStrategy.ALWAYS_LOCAL])
def test_uncached_hub_id_offline_fails_at_once(tmp_path, no_network, monkeypatch, strategy):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    clf = TransformerBasedClassification(
        TransformerModelArguments('small-text-tests/not-a-model',
                                  model_loading_strategy=strategy), 2,
        cache_dir=str(tmp_path), device='cpu')
    with pytest.raises(FileNotFoundError, match='small-text-tests/not-a-model') as info:
        clf.initialize()
    assert 'huggingface-cli download' in str(info.value)


def test_compile_model_compiles(tiny_bert, monkeypatch):
    compiled = []
    monkeypatch.setattr(torch, 'compile', lambda model: compiled.append(model) or model)
    clf = TransformerBasedClassification(TransformerModelArguments(tiny_bert,
                                                                   compile_model=True), 3,
                                         device='cpu')
    clf.initialize()
    assert compiled == [clf.model]


# --- fit, predict, embed ----------------------------------------------------------------------

def test_fit_predict_shapes_and_learning(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=15, lr=5e-3)
    assert clf.fit(dataset, early_stopping='none') is clf
    predictions = clf.predict(dataset)
    assert predictions.shape == (30,) and predictions.dtype == np.int64
    assert np.mean(predictions == dataset.y) > 0.6
    predictions, proba = clf.predict(dataset, return_proba=True)
    assert proba.shape == (30, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(predictions, proba.argmax(axis=1))


def test_predictions_do_not_depend_on_batching(tiny_bert, dataset):
    """Length-sorted, dynamically padded batches give the results of one text at a time."""
    clf = _classifier(tiny_bert, mini_batch_size=7)
    clf.initialize()
    proba = clf.predict_proba(dataset)
    clf.mini_batch_size = 1
    np.testing.assert_allclose(clf.predict_proba(dataset), proba, atol=1e-5)
    embeddings = clf.embed(dataset)
    clf.mini_batch_size = 7
    np.testing.assert_allclose(clf.embed(dataset), embeddings, atol=1e-5)


def test_predictions_equal_padding_to_max_length(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    model = clf.initialize().eval()
    padded_ids = torch.zeros((len(dataset), 32), dtype=torch.long)
    padded_masks = torch.zeros((len(dataset), 32), dtype=torch.long)
    for i, (ids, mask, _) in enumerate(dataset.data):
        padded_ids[i, :ids.shape[1]] = ids[0]
        padded_masks[i, :ids.shape[1]] = mask[0]
    with torch.no_grad():
        expected = torch.softmax(model(input_ids=padded_ids, attention_mask=padded_masks).logits,
                                 dim=1).numpy()
    np.testing.assert_allclose(clf.predict_proba(dataset), expected, atol=1e-5)


def test_inference_batches_are_sorted_and_bounded(tiny_bert, dataset):
    clf = _classifier(tiny_bert, mini_batch_size=4)
    clf.initialize()
    order, batches = clf._sorted_inference_batches(dataset)
    lengths = np.array([ids.shape[1] for ids in dataset.x])
    assert sorted(order.tolist()) == list(range(len(dataset)))
    assert np.all(np.diff(lengths[order]) >= 0)
    seen = 0
    for batch_slice, (ids, mask) in batches:
        assert ids.shape == mask.shape
        assert ids.shape[0] * ids.shape[1] <= 4 * lengths.max()
        assert ids.shape[1] == lengths[order[batch_slice]].max()
        seen += ids.shape[0]
    assert seen == len(dataset)


def test_multi_label_fit_predict(tiny_bert, multi_label_dataset):
    clf = _classifier(tiny_bert, multi_label=True, num_epochs=1)
    clf.fit(multi_label_dataset)
    predictions, proba = clf.predict(multi_label_dataset, return_proba=True)
    assert isinstance(predictions, csr_matrix) and predictions.shape == (18, 3)
    assert proba.shape == (18, 3) and np.all((proba >= 0) & (proba <= 1))
    assert not np.allclose(proba.sum(axis=1), 1.0)
    low_threshold = clf.predict(multi_label_dataset, multi_label_threshold=0.0)
    assert low_threshold.nnz == 18 * 3
    _, embed_proba = clf.embed(multi_label_dataset, return_proba=True)
    np.testing.assert_allclose(embed_proba, proba, atol=1e-5)


def test_binary_fit_uses_two_logits(tiny_bert, tiny_tokenizer):
    texts, y = make_texts(6, num_classes=2)
    dataset = TransformersDataset.from_arrays(texts, y, tiny_tokenizer,
                                              target_labels=np.arange(2))
    clf = _classifier(tiny_bert, num_classes=2, num_epochs=1)
    clf.fit(dataset)
    assert clf.predict_proba(dataset).shape == (12, 2)


def test_empty_predictions(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    clf.initialize()
    empty = dataset[np.array([], dtype=np.int64)]
    assert clf.predict(empty).shape == (0,)
    assert clf.predict_proba(empty).shape == (0, 3)
    embeddings, proba = clf.embed(empty, return_proba=True)
    assert embeddings.shape == (0, 32) and proba.shape == (0, 3)


def test_dropout_sampling_shape(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    clf.initialize()
    samples = clf.predict_proba(dataset, dropout_sampling=3)
    assert samples.shape == (30, 3, 3)
    assert not np.allclose(samples[:, 0], samples[:, 1])
    assert not clf.model.training


@pytest.mark.parametrize('method', ['avg', 'cls'])
def test_embed_shapes_and_proba(tiny_bert, dataset, method):
    clf = _classifier(tiny_bert)
    clf.initialize()
    embeddings = clf.embed(dataset, embedding_method=method)
    assert embeddings.shape == (30, 32) and embeddings.dtype == np.float32
    embeddings_first, proba = clf.embed(dataset, return_proba=True, embedding_method=method,
                                        hidden_layer_index=0)
    assert not np.allclose(embeddings_first, embeddings)
    np.testing.assert_allclose(proba, clf.predict_proba(dataset), atol=1e-6)


def test_avg_embedding_is_the_mean_of_the_real_tokens(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    model = clf.initialize().eval()
    ids, mask, _ = dataset.data[0]
    with torch.no_grad():
        hidden = model(input_ids=ids, attention_mask=mask, output_hidden_states=True) \
            .hidden_states[-1]
    expected = hidden[0, 1:].mean(dim=0).numpy()
    np.testing.assert_allclose(clf.embed(dataset)[0], expected, atol=1e-5)


def test_head_embedding_is_the_input_of_the_output_layer(tiny_bert, dataset):
    """For BERT the output layer ``classifier`` sees the pooled [CLS] vector (dropout is off in
    eval mode), and the logits are ``classifier(h)``."""
    clf = _classifier(tiny_bert)
    model = clf.initialize().eval()
    embeddings, proba = clf.embed(dataset, return_proba=True, embedding_method='head')
    assert embeddings.shape == (30, 32) and embeddings.dtype == np.float32
    ids, mask, _ = dataset.data[0]
    with torch.no_grad():
        outputs = model(input_ids=ids, attention_mask=mask, output_hidden_states=True)
        pooled = model.bert.pooler(outputs.hidden_states[-1])
        np.testing.assert_allclose(embeddings[0], pooled[0].numpy(), atol=1e-5)
        logits = model.classifier(torch.from_numpy(embeddings[:1]))
    np.testing.assert_allclose(logits.numpy(), outputs.logits.numpy(), atol=1e-5)
    np.testing.assert_allclose(proba, clf.predict_proba(dataset), atol=1e-6)


def test_head_embedding_of_an_empty_dataset(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    clf.initialize()
    assert clf.embed(dataset[np.array([], dtype=int)], embedding_method='head').shape == (0, 32)


def test_embed_rejects_invalid_arguments(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    with pytest.raises(ValueError, match='no model yet'):
        clf.embed(dataset)
    clf.initialize()
    with pytest.raises(ValueError, match='Invalid embedding_method: max'):
        clf.embed(dataset, embedding_method='max')
    with pytest.raises(ValueError, match='hidden_layer_index must lie in \\[-2, 2\\)'):
        clf.embed(dataset, hidden_layer_index=2)


def test_predict_before_fit_raises(tiny_bert, dataset):
    with pytest.raises(ValueError, match='call fit\\(\\) first'):
        _classifier(tiny_bert).predict(dataset)


def test_validate(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    clf.fit(dataset)
    loss, acc = clf.validate(dataset)
    assert isinstance(loss, float) and loss > 0
    assert 0 <= acc <= 1
    assert not clf.model.training
    with pytest.raises(ValueError, match='must not be empty'):
        clf.validate(dataset[np.array([], dtype=np.int64)])


def test_pickle_round_trip(tiny_bert, dataset):
    clf = _classifier(tiny_bert)
    clf.fit(dataset)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(dataset), clf.predict_proba(dataset))


def test_amp_on_cpu(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=1, amp_args=AMPArguments(use_amp=True))
    clf.fit(dataset)
    assert clf.amp_args.use_amp
    assert clf.predict_proba(dataset).dtype == np.float64
    assert clf.embed(dataset).dtype == np.float32


# --- training control -------------------------------------------------------------------------

def test_validations_per_epoch(tiny_bert, dataset):
    """20 training samples, batch size 10 and 2 validations per epoch give 2 intra-epoch
    checks and one at the end of each epoch."""
    recorder = _Recorder()
    clf = _classifier(tiny_bert, mini_batch_size=10, validations_per_epoch=2, num_epochs=2)
    clf.fit(dataset[np.arange(20)], validation_set=dataset[np.arange(20, 30)],
            early_stopping=recorder)
    assert [epoch for epoch, _ in recorder.checks] == [1, 1, 1, 2, 2, 2]
    assert set(recorder.checks[0][1]) == {'val_loss', 'val_acc'}
    assert set(recorder.checks[2][1]) == {'train_loss', 'train_acc', 'val_loss', 'val_acc'}
    intra = [values['val_loss'] for _, values in recorder.checks[:2]]
    assert recorder.checks[2][1]['val_loss'] == pytest.approx(np.mean(intra))


def test_too_many_validations_per_epoch_warn(tiny_bert, dataset):
    recorder = _Recorder()
    clf = _classifier(tiny_bert, mini_batch_size=10, validations_per_epoch=5, num_epochs=1)
    with pytest.warns(RuntimeWarning, match='validations_per_epoch=5 is greater than the '
                                            'maximum possible batches of 2'):
        clf.fit(dataset[np.arange(20)], validation_set=dataset[np.arange(20, 30)],
                early_stopping=recorder)
    assert len(recorder.checks) == 3


def test_early_stop_is_final(tiny_bert, dataset):
    recorder = _Recorder(stop_at=1)
    clf = _classifier(tiny_bert, mini_batch_size=5, validations_per_epoch=2, num_epochs=5)
    clf.fit(dataset[np.arange(20)], validation_set=dataset[np.arange(20, 30)],
            early_stopping=recorder)
    assert [epoch for epoch, _ in recorder.checks] == [1, 1]


def test_default_early_stopping_stops_on_high_train_accuracy(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=40, lr=2e-2)
    epochs = []
    original = clf._add_checkpoint

    def record(model_selection, model_id, *args):
        epochs.append(model_id)
        return original(model_selection, model_id, *args)

    clf._add_checkpoint = record
    clf.fit(dataset)
    assert len(epochs) < 40


def test_model_selection_restores_the_selected_model(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=3, lr=1e-2)
    model_selection = ModelSelection()
    clf.fit(dataset[np.arange(20)], validation_set=dataset[np.arange(20, 30)],
            early_stopping='none', model_selection=model_selection)
    selected = model_selection.select()
    assert selected is not None
    assert clf.validate(dataset[np.arange(20, 30)])[0] == pytest.approx(
        model_selection.models[model_selection.models['model_id'] == selected.model_id][
            'val_loss'][0], rel=1e-4)


@pytest.mark.parametrize('model_selection', [None, 'none'])
def test_model_selection_can_be_disabled(tiny_bert, dataset, model_selection):
    _classifier(tiny_bert, num_epochs=1).fit(dataset, model_selection=model_selection)


def test_sample_weights(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=1)
    clf.fit(dataset, weights=np.linspace(0.5, 2.0, 30))
    with pytest.raises(ValueError, match='same size'):
        clf.fit(dataset, weights=np.ones(5))
    with pytest.raises(ValueError, match='greater zero'):
        clf.fit(dataset, weights=np.zeros(30))


def test_class_weight(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=1, class_weight='balanced')
    clf.fit(dataset)
    assert clf.class_weights_.shape == (3,)
    with pytest.raises(ValueError, match='Invalid value for class_weight'):
        _classifier(tiny_bert, class_weight='inverse').fit(dataset)


def test_custom_optimizer_and_scheduler(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=1)
    model = clf.initialize()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    clf.fit(dataset, optimizer=optimizer, scheduler=scheduler)
    assert optimizer.param_groups[0]['lr'] < 0.1
    with pytest.raises(ValueError, match='You must also pass an optimizer'):
        clf.fit(dataset, scheduler=scheduler)


def test_default_schedule_decays_linearly_to_zero(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=2)
    model = clf.initialize()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    clf.fit(dataset, optimizer=optimizer, early_stopping='none')
    assert optimizer.param_groups[0]['lr'] == pytest.approx(0.0)


@pytest.mark.parametrize('multi_label, num_classes, message', [
    (True, 3, 'configured for'),
    (False, 4, 'set up to handle 4 classes'),
])
def test_fit_rejects_mismatched_data(tiny_bert, dataset, multi_label, num_classes, message):
    clf = _classifier(tiny_bert, num_classes=num_classes, multi_label=multi_label)
    with pytest.raises(ValueError, match=message):
        clf.fit(dataset)


def test_fit_rejects_unlabeled_data_and_wrong_types(tiny_bert, dataset):
    unlabeled = dataset.clone()
    unlabeled.y = np.concatenate([[-1], dataset.y[1:]])
    with pytest.raises(ValueError, match='must be labeled'):
        _classifier(tiny_bert).fit(unlabeled)
    with pytest.raises(TypeError, match='must be a TransformersDataset'):
        _classifier(tiny_bert).fit(dataset.x)
    with pytest.raises(ValueError, match='too small to split off a validation set'):
        _classifier(tiny_bert).fit(dataset[np.array([0])])


def test_memory_fix_on_cpu(tiny_bert, dataset):
    _classifier(tiny_bert, num_epochs=2, memory_fix=1).fit(dataset)


def test_training_batches_are_padded_to_their_longest_member(tiny_bert, dataset):
    clf = _classifier(tiny_bert, num_epochs=1, mini_batch_size=4)
    masks = []

    def record(module, args, kwargs, output):
        if module.training:
            masks.append(kwargs['attention_mask'])

    clf.initialize()
    clf.model.register_forward_hook(record, with_kwargs=True)
    clf.fit(dataset, validation_set=dataset[:3], early_stopping='none')
    assert sum(mask.shape[0] for mask in masks) == len(dataset)
    assert all(bool(mask.all(dim=1).any()) for mask in masks)  # no all-padding column


# --- factory ----------------------------------------------------------------------------------

def test_factory_creates_new_classifiers():
    args = TransformerModelArguments('bert')
    kwargs = {'lr': 0.123}
    factory = TransformerBasedClassificationFactory(args, 4, classification_kwargs=kwargs)
    kwargs['lr'] = 1.0
    first, second = factory.new(), factory.new()
    assert first is not second
    assert first.lr == 0.123 and first.num_classes == 4
    assert first.transformer_model is args
    assert 'TransformerBasedClassificationFactory' in str(factory)


def test_default_optimizer_falls_back_to_unfused_adamw(monkeypatch):
    original = torch.optim.AdamW

    def no_fused(params, fused=None, **kwargs):
        if fused:
            raise RuntimeError('fused is not supported here')
        return original(params, **kwargs)

    monkeypatch.setattr(torch.optim, 'AdamW', no_fused)
    groups = [{'params': [torch.nn.Parameter(torch.ones(2))], 'lr': 0.5}]
    optimizer = classification._adamw(groups)
    assert optimizer.defaults['eps'] == 1e-8 and optimizer.param_groups[0]['lr'] == 0.5
    assert not optimizer.defaults.get('fused')
