"""Tests of KimCNNClassifier (training, prediction, embeddings, settings and bad inputs)."""
import logging
import pickle

import numpy as np
import pytest

torch = pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

from scipy.sparse import csr_matrix  # noqa: E402

from small_text.classifiers.classification import Classifier, EmbeddingMixin  # noqa: E402
from small_text.data.datasets import SklearnDataset  # noqa: E402
from small_text.integrations.pytorch.classifiers import (  # noqa: E402
    AMPArguments,
    KimCNNClassifier,
    KimCNNEmbeddingMixin,
    PytorchClassifier,
    PytorchModelSelectionMixin,
)
from small_text.integrations.pytorch.classifiers.kimcnn import (  # noqa: E402
    _bucketed_training_batches,
    kimcnn_collate_fn,
)
from small_text.integrations.pytorch.models.kimcnn import KimCNN  # noqa: E402
from small_text.training.early_stopping import (  # noqa: E402
    EarlyStopping,
    EarlyStoppingHandler,
    EarlyStoppingOrCondition,
    NoopEarlyStopping,
)
from small_text.training.metrics import Metric  # noqa: E402
from small_text.training.model_selection import (  # noqa: E402
    ModelSelection,
    ModelSelectionManager,
    ModelSelectionResult,
)
from small_text.utils.logging import VERBOSITY_MORE_VERBOSE  # noqa: E402

from ._helpers import (  # noqa: E402
    EMBED_DIM,
    VOCAB_SIZE,
    classifier,
    embedding_matrix,
    random_dataset,
    separable_dataset,
)


class _RecordingEarlyStopping(EarlyStoppingHandler):
    """Records the measured values (and the model state) of each check; stops at
    ``stop_at_epoch``."""

    def __init__(self, clf=None, stop_at_epoch=None):
        self.clf = clf
        self.stop_at_epoch = stop_at_epoch
        self.calls = []
        self.states = []

    def check_early_stop(self, epoch, measured_values):
        self.calls.append((epoch, dict(measured_values)))
        if self.clf is not None:
            self.states.append({name: tensor.clone()
                                for name, tensor in self.clf.model.state_dict().items()})
        return epoch == self.stop_at_epoch


def _fitted(num_classes=3, multi_label=False, num_samples=30, **kwargs):
    clf = classifier(num_classes, multi_label=multi_label, **kwargs)
    dataset = random_dataset(num_samples=num_samples, num_classes=num_classes,
                             multi_label=multi_label)
    clf.fit(dataset, early_stopping='none')
    return clf, dataset


# --- constructor ------------------------------------------------------------------------------

def test_class_hierarchy():
    assert issubclass(KimCNNClassifier, KimCNNEmbeddingMixin)
    assert issubclass(KimCNNClassifier, PytorchClassifier)
    assert issubclass(KimCNNClassifier, PytorchModelSelectionMixin)
    assert issubclass(KimCNNClassifier, Classifier)
    assert issubclass(KimCNNClassifier, EmbeddingMixin)


def test_seed_defaults_and_attributes():
    matrix = embedding_matrix()
    clf = KimCNNClassifier(4, embedding_matrix=matrix)
    assert clf.num_classes == 4
    assert clf.multi_label is False
    assert clf.device == 'cpu'
    assert clf.num_epochs == 10
    assert clf.mini_batch_size == 25
    assert clf.lr == 0.001
    assert clf.max_seq_len == 60
    assert clf.out_channels == 100
    assert clf.filter_padding == 0
    assert clf.dropout == 0.5
    assert clf.validation_set_size == 0.1
    assert clf.padding_idx == 0
    assert clf.kernel_heights == [3, 4, 5]
    assert clf.class_weight is None
    assert clf.compile_model is False
    assert clf.verbosity == VERBOSITY_MORE_VERBOSE
    assert clf.show_progress_bar is None
    assert clf.model is None and clf.criterion is None and clf.optimizer is None
    assert clf.scheduler is None and clf.model_selection is None and clf.enc_ is None
    assert clf.embedding_matrix.dtype == torch.float32
    np.testing.assert_array_equal(clf.embedding_matrix.numpy(), matrix)


def test_kernel_heights_default_is_not_shared():
    first = KimCNNClassifier(2, embedding_matrix=embedding_matrix())
    first.kernel_heights.append(7)
    assert KimCNNClassifier(2, embedding_matrix=embedding_matrix()).kernel_heights == [3, 4, 5]


def test_device_accepts_torch_device():
    clf = classifier(device=torch.device('cpu'))
    dataset = random_dataset()
    clf.fit(dataset, early_stopping='none')
    assert clf.predict(dataset).shape == (len(dataset),)


def test_missing_embedding_matrix_raises():
    with pytest.raises(ValueError, match='requires an embedding matrix'):
        KimCNNClassifier(2)


def test_embedding_matrix_must_be_2d():
    with pytest.raises(ValueError, match='must be 2-d'):
        KimCNNClassifier(2, embedding_matrix=np.zeros(5))


def test_initialize_builds_model_from_settings():
    clf = classifier(3, out_channels=6, kernel_heights=[2, 4], dropout=0.25)
    model = clf.initialize()
    assert model is clf.model
    assert isinstance(model, KimCNN)
    assert model.embedding.weight.shape == (VOCAB_SIZE, EMBED_DIM)
    assert model.max_seq_length == 20
    assert model.out_channels == 6
    assert model.kernel_heights == [2, 4]
    assert model.dropout.p == 0.25
    assert model.fc.out_features == 3
    np.testing.assert_allclose(model.embedding.weight.detach().numpy(), embedding_matrix())


# --- training ---------------------------------------------------------------------------------

@pytest.mark.parametrize('num_classes', [2, 3])
def test_tiny_model_overfits_50_examples(num_classes):
    dataset = separable_dataset(num_samples=50, num_classes=num_classes)
    clf = classifier(num_classes, num_epochs=30, dropout=0.0)
    clf.initialize()
    optimizer = torch.optim.Adam(clf.model.parameters(), lr=0.05)
    clf.fit(dataset, validation_set=dataset, early_stopping='none', optimizer=optimizer)
    np.testing.assert_array_equal(clf.predict(dataset), dataset.y)
    assert clf.validate(dataset)[1] == 1.0


def test_multi_label_fit_learns_separable_labels():
    dataset = separable_dataset(num_samples=60, num_classes=3, multi_label=True)
    clf = classifier(3, multi_label=True, num_epochs=40, dropout=0.0)
    clf.initialize()
    optimizer = torch.optim.Adam(clf.model.parameters(), lr=0.05)
    clf.fit(dataset, validation_set=dataset, early_stopping='none', optimizer=optimizer)
    np.testing.assert_array_equal(clf.predict(dataset).toarray(), dataset.y.toarray())
    assert clf.enc_ is not None
    np.testing.assert_array_equal(clf.enc_.classes_, [0, 1, 2])


def test_default_optimizer_changes_the_weights():
    clf = classifier(3, lr=1.0)
    clf.initialize()
    before = clf.model.fc.weight.detach().clone()
    clf.fit(random_dataset(), early_stopping='none')
    assert not torch.equal(before, clf.model.fc.weight.detach())


def test_fit_returns_self_and_second_fit_continues_the_same_model():
    clf = classifier()
    dataset = random_dataset()
    assert clf.fit(dataset, early_stopping='none') is clf
    model = clf.model
    clf.fit(dataset, early_stopping='none')
    assert clf.model is model


def test_validation_split_is_stratified_with_the_configured_size(monkeypatch):
    dataset = separable_dataset(num_samples=50, num_classes=2)
    clf = classifier(2, num_epochs=1, validation_set_size=0.2)
    validated = []
    original_prepare = clf._prepare_validation  # the validation set, prepared once per fit

    def spy(validation_set):
        validated.append(validation_set.y)
        return original_prepare(validation_set)

    monkeypatch.setattr(clf, '_prepare_validation', spy)
    clf.fit(dataset, early_stopping='none')
    assert len(validated) == 1
    assert validated[0].shape == (10,)
    assert np.bincount(validated[0]).tolist() == [5, 5]


def test_given_validation_set_is_used_without_split(monkeypatch):
    train, valid = random_dataset(num_samples=20), random_dataset(num_samples=7, seed=1)
    clf = classifier(num_epochs=2)
    sizes = []
    original_prepare = clf._prepare_validation
    monkeypatch.setattr(clf, '_prepare_validation',
                        lambda v: sizes.append(len(v)) or original_prepare(v))
    early_stopping = _RecordingEarlyStopping()
    clf.fit(train, validation_set=valid, early_stopping=early_stopping)
    assert sizes == [7]
    assert [epoch for epoch, _ in early_stopping.calls] == [1, 2]
    assert early_stopping.calls[-1][1]['val_loss'] == pytest.approx(clf.validate(valid)[0])


def test_weights_are_accepted_and_subset_with_the_split():
    dataset = random_dataset(num_samples=30)
    clf = classifier()
    clf.fit(dataset, weights=np.linspace(0.5, 2.0, 30).astype(np.float32),
            early_stopping='none')
    assert clf.predict(dataset).shape == (30,)


def test_sample_weights_scale_the_loss():
    clf = classifier(3)
    clf.initialize()
    clf.criterion = clf._build_criterion(None)
    logits = torch.randn(4, 3)
    targets = torch.tensor([0, 1, 2, 0])
    weights = torch.tensor([1.0, 2.0, 0.5, 1.0])
    per_sample = torch.nn.functional.cross_entropy(logits, targets, reduction='none')
    torch.testing.assert_close(clf._weighted_loss(logits, targets, weights),
                               (per_sample * weights).mean())


def test_bucketed_training_batches_cover_every_item_once_sorted_within_batches():
    np.random.seed(3)
    widths = np.random.randint(3, 60, size=1003)
    order, bounds, batch_widths = _bucketed_training_batches(widths, 25)
    assert sorted(order.tolist()) == list(range(1003))
    sizes = [end - start for start, end in bounds]
    assert sorted(sizes)[0] == 1003 - 40 * 25 and sizes.count(25) == 40
    for (start, end), width in zip(bounds, batch_widths):
        assert width == widths[order[start:end]].max()
    # batches hold similar lengths: far less spread than random batches
    spread = np.mean([np.ptp(widths[order[start:end]]) for start, end in bounds])
    assert spread < 10
    np.random.seed(4)
    assert not np.array_equal(_bucketed_training_batches(widths, 25)[0], order)


def test_linear_scheduler_decays_learning_rate_to_zero():
    clf = classifier(num_epochs=2)
    clf.initialize()
    optimizer = torch.optim.SGD(clf.model.parameters(), lr=0.1)
    clf.fit(random_dataset(), early_stopping='none', optimizer=optimizer, scheduler='linear')
    assert optimizer.param_groups[0]['lr'] == pytest.approx(0.0)


def test_given_scheduler_is_stepped_per_batch():
    clf = classifier(num_epochs=2, mini_batch_size=5)
    clf.initialize()
    optimizer = torch.optim.SGD(clf.model.parameters(), lr=0.1)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
    clf.fit(random_dataset(num_samples=20), validation_set=random_dataset(num_samples=4),
            early_stopping='none', optimizer=optimizer, scheduler=scheduler)
    assert scheduler.last_epoch == 8


def test_optimizer_attribute_is_used_when_fit_gets_none():
    clf = classifier(num_epochs=1)
    clf.initialize()
    clf.optimizer = torch.optim.SGD(clf.model.parameters(), lr=0.0)
    before = clf.model.fc.weight.detach().clone()
    clf.fit(random_dataset(), early_stopping='none')
    assert torch.equal(before, clf.model.fc.weight.detach())


@pytest.mark.parametrize('class_weight', [None, 'balanced'])
def test_class_weight(class_weight):
    dataset = random_dataset(num_samples=40, num_classes=3)
    dataset.y = np.array([0] * 30 + [1] * 6 + [2] * 4)
    clf = classifier(3, class_weight=class_weight)
    clf.fit(dataset, early_stopping='none')
    if class_weight is None:
        assert clf.class_weights_ is None
        assert clf.criterion.weight is None
    else:
        assert clf.class_weights_.shape == (3,)
        assert clf.class_weights_[0] < clf.class_weights_[1] < clf.class_weights_[2]
        assert clf.criterion.weight is clf.class_weights_


def test_class_weight_balanced_binary_uses_pos_weight():
    clf = classifier(2, class_weight='balanced')
    dataset = random_dataset(num_samples=20, num_classes=2)
    dataset.y = np.array([0] * 16 + [1] * 4)
    clf.fit(dataset, validation_set=dataset, early_stopping='none')
    np.testing.assert_allclose(clf.criterion.base_loss_fct.pos_weight.numpy(), [1.0, 4.0])


def test_class_weight_balanced_multi_label_warns():
    clf = classifier(3, multi_label=True, class_weight='balanced')
    with pytest.warns(UserWarning, match='multi-label'):
        clf.fit(random_dataset(multi_label=True), early_stopping='none')


def test_invalid_class_weight_raises():
    with pytest.raises(ValueError, match='Invalid value for class_weight'):
        classifier(class_weight='inverse').fit(random_dataset(), early_stopping='none')


# --- early stopping and model selection -------------------------------------------------------

def test_early_stopping_receives_all_metrics_and_stops_training():
    handler = _RecordingEarlyStopping(stop_at_epoch=2)
    clf = classifier(num_epochs=5)
    clf.fit(random_dataset(), early_stopping=handler)
    assert [epoch for epoch, _ in handler.calls] == [1, 2]
    for _, values in handler.calls:
        assert set(values) == {'train_loss', 'train_acc', 'val_loss', 'val_acc'}
        assert all(isinstance(value, float) for value in values.values())
        assert 0.0 <= values['train_acc'] <= 1.0 and 0.0 <= values['val_acc'] <= 1.0


def test_early_stopping_none_string_disables_stopping():
    handler = _RecordingEarlyStopping()
    clf = classifier(num_epochs=3)
    clf.fit(random_dataset(), early_stopping='none')
    clf.fit(random_dataset(), early_stopping=handler)
    assert len(handler.calls) == 3


def test_default_early_stopping():
    handler = PytorchClassifier._resolve_early_stopping(None)
    assert isinstance(handler, EarlyStoppingOrCondition)
    val_loss, train_acc = handler.early_stopping_handlers
    assert val_loss.metric.name == 'val_loss' and val_loss.patience == 5
    assert train_acc.metric.name == 'train_acc' and train_acc.metric.lower_is_better is False
    assert train_acc.patience == -1 and train_acc.threshold == 0.99
    assert isinstance(PytorchClassifier._resolve_early_stopping('none'), NoopEarlyStopping)


def test_default_early_stopping_stops_at_high_train_accuracy():
    dataset = separable_dataset(num_samples=40, num_classes=2)
    clf = classifier(2, num_epochs=50, dropout=0.0)
    clf.initialize()
    recorder = _RecordingEarlyStopping()
    stopping = EarlyStoppingOrCondition([
        EarlyStopping(Metric('train_acc', lower_is_better=False), patience=-1, threshold=0.99),
        recorder])
    clf.fit(dataset, validation_set=dataset, early_stopping=stopping,
            optimizer=torch.optim.Adam(clf.model.parameters(), lr=0.05))
    assert len(recorder.calls) < 50
    assert recorder.calls[-1][1]['train_acc'] > 0.99


def test_model_selection_restores_the_selected_epoch():
    clf = classifier(num_epochs=5, lr=2.0)
    recorder = _RecordingEarlyStopping(clf)
    model_selection = ModelSelection()
    clf.fit(random_dataset(num_samples=40), early_stopping=recorder,
            model_selection=model_selection)
    selected = model_selection.select()
    assert model_selection.models.shape[0] == 5
    assert list(model_selection.models['model_id']) == [f'{e}-0' for e in range(5)]
    epoch = int(selected.model_id.split('-')[0])
    val_losses = [values['val_loss'] for _, values in recorder.calls]
    assert val_losses[epoch] == min(val_losses)
    for name, tensor in clf.model.state_dict().items():
        torch.testing.assert_close(tensor, recorder.states[epoch][name])


def test_model_selection_skips_checkpoints_flagged_early_stop():
    clf = classifier(num_epochs=5, lr=2.0)
    model_selection = ModelSelection()
    clf.fit(random_dataset(num_samples=40),
            early_stopping=_RecordingEarlyStopping(stop_at_epoch=2),
            model_selection=model_selection)
    assert list(model_selection.models['early_stop']) == [False, True]
    assert model_selection.select().model_id == '0-0'


class _FickleModelSelection(ModelSelectionManager):
    """Selects the newest model during training but the first one afterwards."""

    def __init__(self):
        self.model_ids = []
        self.select_calls = 0

    def add_model(self, model_id, model_path, measured_values, step=0, fields=None):
        self.model_ids.append(model_id)
        return model_id

    def select(self, select_by=None):
        self.select_calls += 1
        index = 0 if self.select_calls > len(self.model_ids) else -1
        return ModelSelectionResult(self.model_ids[index], None, {})


def test_model_selection_that_selects_a_discarded_state_warns_and_keeps_final_model():
    clf = classifier(num_epochs=2, lr=2.0)
    recorder = _RecordingEarlyStopping(clf)
    with pytest.warns(UserWarning, match="selected model '0-0', whose state was not kept"):
        clf.fit(random_dataset(), early_stopping=recorder,
                model_selection=_FickleModelSelection())
    for name, tensor in clf.model.state_dict().items():
        torch.testing.assert_close(tensor, recorder.states[-1][name])


@pytest.mark.parametrize('model_selection', [None, 'none'])
def test_disabled_model_selection_keeps_the_final_model(model_selection):
    clf = classifier(num_epochs=3, lr=2.0)
    recorder = _RecordingEarlyStopping(clf)
    clf.fit(random_dataset(), early_stopping=recorder, model_selection=model_selection)
    for name, tensor in clf.model.state_dict().items():
        torch.testing.assert_close(tensor, recorder.states[-1][name])


# --- AMP and compilation ----------------------------------------------------------------------

def test_amp_args_without_settings():
    clf = classifier()
    args = clf.amp_args
    assert (args.use_amp, args.device_type, args.dtype) == (False, 'cpu', torch.bfloat16)


def test_amp_args_are_off_without_model_and_a_fresh_copy():
    user_args = AMPArguments(use_amp=True)
    clf = classifier(amp_args=user_args)
    assert clf.amp_args.use_amp is False
    clf.initialize()
    args = clf.amp_args
    assert args is not user_args and args is not clf.amp_args
    assert (args.use_amp, args.device_type, args.dtype) == (True, 'cpu', torch.bfloat16)
    assert user_args.device_type is None


@pytest.mark.parametrize('dtype', [torch.bfloat16, torch.float16])
def test_amp_on_cpu_trains_and_predicts_under_autocast(dtype):
    clf = classifier(3, amp_args=AMPArguments(use_amp=True, dtype=dtype))
    clf.initialize()
    output_dtypes = []
    clf.model.fc.register_forward_hook(lambda module, args, output:
                                       output_dtypes.append(output.dtype))
    dataset = random_dataset()
    clf.fit(dataset, early_stopping='none')
    assert set(output_dtypes) == {dtype}
    assert clf._grad_scaler(clf.amp_args).is_enabled() is (dtype == torch.float16)
    proba = clf.predict_proba(dataset)
    assert proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_amp_arguments():
    args = AMPArguments()
    assert (args.use_amp, args.device_type, args.dtype) == (False, None, torch.bfloat16)
    assert 'AMPArguments(use_amp=False' in repr(args)
    with pytest.raises(ValueError, match='dtype must be'):
        AMPArguments(dtype=torch.float32)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_compile_model_on_cpu():
    clf = classifier(compile_model=True, num_epochs=1)
    dataset = random_dataset(num_samples=16)
    try:
        clf.fit(dataset, early_stopping='none')
    except Exception as e:  # inductor needs a working C++ compiler
        pytest.skip(f'torch.compile is not usable here: {type(e).__name__}: {e}')
    assert hasattr(clf.model, '_orig_mod')
    assert isinstance(clf.model._orig_mod, KimCNN)
    assert clf.predict_proba(dataset).shape == (16, 3)
    assert clf.embed(dataset).shape == (16, 8)


# --- prediction -------------------------------------------------------------------------------

def test_predict_and_predict_proba_single_label():
    clf, dataset = _fitted(3)
    predictions, proba = clf.predict(dataset, return_proba=True)
    assert predictions.shape == (30,) and predictions.dtype == np.int64
    assert proba.shape == (30, 3) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(predictions, proba.argmax(axis=1))
    np.testing.assert_array_equal(clf.predict(dataset), predictions)
    np.testing.assert_allclose(clf.predict_proba(dataset), proba)


def test_binary_predict_proba_is_softmax_over_two_logits():
    clf, dataset = _fitted(2)
    proba = clf.predict_proba(dataset)
    assert proba.shape == (30, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def test_predict_multi_label():
    clf, dataset = _fitted(3, multi_label=True)
    predictions, proba = clf.predict(dataset, return_proba=True)
    assert isinstance(predictions, csr_matrix) and predictions.dtype == np.int64
    assert predictions.shape == (30, 3)
    assert isinstance(proba, np.ndarray) and proba.shape == (30, 3)
    np.testing.assert_array_equal(predictions.toarray(), (proba > 0.5).astype(np.int64))
    np.testing.assert_allclose(clf.predict_proba(dataset), proba)


def test_predict_multi_label_threshold_is_honoured():
    clf, dataset = _fitted(3, multi_label=True)
    proba = clf.predict_proba(dataset)
    threshold = float(np.median(proba))
    predictions = clf.predict(dataset, multi_label_threshold=threshold)
    np.testing.assert_array_equal(predictions.toarray(), (proba > threshold).astype(np.int64))


def test_predictions_follow_input_order_and_match_full_padding():
    """Length-sorted inference must return the rows in the input order and agree with the
    model applied to inputs padded to max_seq_len."""
    clf, _ = _fitted(3, num_samples=30, mini_batch_size=4)
    dataset = random_dataset(num_samples=23, seed=5, max_length=19)
    text, _, _ = kimcnn_collate_fn(dataset.data, max_seq_len=clf.max_seq_len)
    clf.model.eval()
    with torch.no_grad():
        expected = torch.softmax(clf.model(text), dim=1).numpy()
    np.testing.assert_allclose(clf.predict_proba(dataset), expected, rtol=1e-4, atol=1e-6)


def test_predict_on_view_and_long_texts_are_truncated():
    clf, dataset = _fitted(3)
    long_text = random_dataset(num_samples=2, min_length=50, max_length=50, seed=2)
    assert clf.predict_proba(long_text).shape == (2, 3)
    assert clf.predict(dataset[3:7]).shape == (4,)


@pytest.mark.parametrize('multi_label', [False, True])
def test_dropout_sampling_shape(multi_label):
    clf, dataset = _fitted(3, multi_label=multi_label)
    samples = clf.predict_proba(dataset, dropout_sampling=4)
    assert samples.shape == (30, 4, 3) and samples.dtype == np.float64
    assert not np.allclose(samples[:, 0], samples[:, 1])
    assert not clf.model.dropout.training


def test_dropout_sampling_one_is_deterministic():
    clf, dataset = _fitted(3)
    np.testing.assert_array_equal(clf.predict_proba(dataset, dropout_sampling=1),
                                  clf.predict_proba(dataset))


@pytest.mark.parametrize('value', [0, -1, 1.5])
def test_invalid_dropout_sampling_raises(value):
    clf, dataset = _fitted(3)
    with pytest.raises(ValueError, match='dropout_sampling'):
        clf.predict_proba(dataset, dropout_sampling=value)


@pytest.mark.parametrize('multi_label', [False, True])
def test_predict_on_empty_dataset(multi_label):
    clf, dataset = _fitted(3, multi_label=multi_label)
    empty = dataset[np.array([], dtype=np.int64)]
    predictions, proba = clf.predict(empty, return_proba=True)
    assert proba.shape == (0, 3) and proba.dtype == np.float64
    if multi_label:
        assert isinstance(predictions, csr_matrix) and predictions.shape == (0, 3)
    else:
        assert predictions.shape == (0,) and predictions.dtype == np.int64
    assert clf.predict_proba(empty, dropout_sampling=2).shape == (0, 2, 3)


def test_predict_before_fit_raises():
    with pytest.raises(ValueError, match='call fit'):
        classifier().predict(random_dataset())


def test_validate():
    clf, dataset = _fitted(3)
    clf.model.train()
    loss, acc = clf.validate(dataset)
    assert isinstance(loss, float) and isinstance(acc, float)
    assert loss > 0 and 0.0 <= acc <= 1.0
    assert not clf.model.training
    np.testing.assert_allclose(acc, np.mean(clf.predict(dataset) == dataset.y))


def test_validate_loss_is_sum_of_sequential_batch_means_over_n():
    clf, dataset = _fitted(3, mini_batch_size=8)
    losses = torch.nn.functional.cross_entropy(
        torch.log(torch.from_numpy(clf.predict_proba(dataset))), torch.from_numpy(dataset.y),
        reduction='none').numpy()
    expected = sum(losses[start:start + 8].mean() for start in range(0, 30, 8)) / 30
    assert clf.validate(dataset)[0] == pytest.approx(expected, rel=1e-4)


def test_validate_empty_set_raises():
    clf, dataset = _fitted(3)
    with pytest.raises(ValueError, match='must not be empty'):
        clf.validate(dataset[np.array([], dtype=np.int64)])


def test_epoch_log_lines_depend_on_verbosity(caplog):
    dataset = random_dataset()
    with caplog.at_level(logging.INFO, logger='small_text.integrations.pytorch.classifiers'):
        classifier(num_epochs=2).fit(dataset, early_stopping='none')
        assert 'Epoch' not in caplog.text
        classifier(num_epochs=2, verbosity=VERBOSITY_MORE_VERBOSE).fit(dataset,
                                                                      early_stopping='none')
    assert caplog.text.count('Epoch: ') == 2


def test_fitted_classifier_is_picklable():
    clf, dataset = _fitted(3)
    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_allclose(restored.predict_proba(dataset), clf.predict_proba(dataset))


# --- embeddings -------------------------------------------------------------------------------

@pytest.mark.parametrize('multi_label', [False, True])
def test_embed_pooled(multi_label):
    clf, dataset = _fitted(3, multi_label=multi_label)
    embeddings, proba = clf.embed(dataset, return_proba=True)
    assert embeddings.shape == (30, 8) and embeddings.dtype == np.float32
    np.testing.assert_allclose(proba, clf.predict_proba(dataset), rtol=1e-5)
    np.testing.assert_array_equal(clf.embed(dataset), embeddings)
    text, _, _ = kimcnn_collate_fn(dataset.data, multi_label=multi_label, num_classes=3,
                                   max_seq_len=20)
    expected = clf.model.pooled_features(text)
    np.testing.assert_allclose(embeddings, expected.detach().numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('num_classes, multi_label', [(3, False), (2, False), (3, True)])
def test_embed_gradient_shape_and_closed_form_matches_autograd(num_classes, multi_label):
    clf, dataset = _fitted(num_classes, multi_label=multi_label)
    embeddings, proba = clf.embed(dataset, return_proba=True, embedding_method='gradient')
    size = num_classes * num_classes * 8
    assert embeddings.shape == (30, size) and embeddings.dtype == np.float32
    np.testing.assert_allclose(proba, clf.predict_proba(dataset), rtol=1e-5)

    batch_fn = clf._gradient_embedding_batch_fn(clf.model.fc)
    text, _, _ = kimcnn_collate_fn(dataset.data, multi_label=multi_label,
                                   num_classes=num_classes, max_seq_len=20)
    clf.model.eval()
    autograd = batch_fn((text,))[:, :size].numpy()
    np.testing.assert_allclose(embeddings, autograd, rtol=1e-4, atol=1e-6)


def test_embed_gradient_blocks_follow_badge_scaling():
    clf, dataset = _fitted(3)
    embeddings, proba = clf.embed(dataset[0], return_proba=True, embedding_method='gradient')
    features = clf.embed(dataset[0])[0]
    blocks = embeddings.reshape(3, 3, 8)
    predicted = proba[0].argmax()
    for c in range(3):
        scale = 1 - proba[0, c] if c == predicted else -proba[0, c]
        logit_gradient = proba[0] - np.eye(3)[c]
        np.testing.assert_allclose(blocks[c], scale * np.outer(logit_gradient, features),
                                   rtol=1e-4, atol=1e-6)


def test_embed_gradient_with_other_module():
    clf, dataset = _fitted(3)
    embeddings = clf.embed(dataset[:5], embedding_method='gradient',
                           module_selector=lambda modules: modules['convs.0'])
    assert embeddings.shape == (5, 3 * clf.model.convs[0].weight.numel())
    assert np.isfinite(embeddings).all()


def test_embed_empty_dataset():
    clf, dataset = _fitted(3)
    empty = dataset[np.array([], dtype=np.int64)]
    embeddings, proba = clf.embed(empty, return_proba=True)
    assert embeddings.shape == (0, 8) and proba.shape == (0, 3)
    assert clf.embed(empty, embedding_method='gradient').shape == (0, 72)


def test_embed_shows_progress_bar_when_enabled(capsys):
    clf, dataset = _fitted(3, show_progress_bar=True)
    clf.embed(dataset)
    assert '30/30' in capsys.readouterr().err


def test_embed_invalid_method_raises():
    clf, dataset = _fitted(3)
    with pytest.raises(ValueError, match='Invalid embedding method: other'):
        clf.embed(dataset, embedding_method='other')


def test_embed_before_fit_raises():
    with pytest.raises(ValueError, match='call fit'):
        classifier().embed(random_dataset())


# --- bad inputs -------------------------------------------------------------------------------

def test_fit_wrong_dataset_type_raises():
    dataset = SklearnDataset(np.zeros((4, 2)), np.array([0, 1, 0, 1]),
                             target_labels=np.arange(2))
    with pytest.raises(TypeError, match='train_set must be a PytorchTextClassificationDataset'):
        classifier(2).fit(dataset)
    with pytest.raises(TypeError, match='validation_set must be'):
        classifier(3).fit(random_dataset(), validation_set=dataset)


def test_predict_wrong_dataset_type_raises():
    clf, _ = _fitted(3)
    with pytest.raises(TypeError, match='dataset must be a PytorchTextClassificationDataset'):
        clf.predict([1, 2])


def test_fit_num_classes_mismatch_raises():
    with pytest.raises(ValueError, match='set up to handle 2 classes, but the training data '
                                         'contains 3 classes'):
        classifier(2).fit(random_dataset(num_classes=3))


def test_fit_validation_num_classes_mismatch_raises():
    with pytest.raises(ValueError, match='validation data contains 4 classes'):
        classifier(3).fit(random_dataset(), validation_set=random_dataset(num_classes=4))


@pytest.mark.parametrize('clf_multi_label', [False, True])
def test_fit_multi_label_mismatch_raises(clf_multi_label):
    with pytest.raises(ValueError, match='configured for single-label classification'):
        classifier(3, multi_label=clf_multi_label).fit(
            random_dataset(multi_label=not clf_multi_label))


def test_fit_unlabeled_single_label_raises():
    dataset = random_dataset()
    dataset.y = np.array([-1] + [0] * 19)
    with pytest.raises(ValueError, match='must be labeled'):
        classifier().fit(dataset)


def test_fit_label_out_of_range_raises():
    dataset = random_dataset(num_classes=2, target_labels=np.array([0, 1, 5]))
    dataset.y = np.array([5] + [0] * 19)
    with pytest.raises(ValueError, match='Label ids must lie in'):
        classifier(3).fit(dataset)


@pytest.mark.parametrize('weights, match', [
    (np.ones(3), 'same size'),
    (np.r_[np.ones(19), 0.0], 'greater zero'),
])
def test_fit_invalid_weights_raise(weights, match):
    with pytest.raises(ValueError, match=match):
        classifier().fit(random_dataset(), weights=weights)


def test_fit_scheduler_without_optimizer_raises():
    clf = classifier()
    clf.initialize()
    scheduler = torch.optim.lr_scheduler.StepLR(
        torch.optim.SGD(clf.model.parameters(), lr=0.1), step_size=1)
    with pytest.raises(ValueError, match='You must also pass an optimizer'):
        clf.fit(random_dataset(), scheduler=scheduler)


@pytest.mark.parametrize('kwargs, match', [
    (dict(early_stopping='never'), 'early_stopping must be'),
    (dict(early_stopping=5), 'early_stopping must be'),
    (dict(model_selection='all'), 'model_selection must be'),
    (dict(scheduler='cosine', optimizer='set below'), 'Invalid scheduler'),
])
def test_fit_invalid_training_arguments_raise(kwargs, match):
    clf = classifier()
    if 'optimizer' in kwargs:
        clf.initialize()
        kwargs['optimizer'] = torch.optim.SGD(clf.model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=match):
        clf.fit(random_dataset(), **kwargs)


@pytest.mark.parametrize('kwargs, match', [
    (dict(filter_padding=10), 'filter_padding'),
    (dict(num_epochs=0), 'num_epochs'),
    (dict(mini_batch_size=0), 'mini_batch_size'),
    (dict(validation_set_size=1.0), 'validation_set_size'),
])
def test_fit_invalid_settings_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        classifier(**kwargs).fit(random_dataset())


def test_fit_too_small_to_split_raises():
    with pytest.raises(ValueError, match='too small to split off a validation set'):
        classifier(2).fit(random_dataset(num_samples=1, num_classes=2,
                                         target_labels=np.arange(2)))
