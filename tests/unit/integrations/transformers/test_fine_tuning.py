"""FineTuningArguments: discriminative learning rates, gradual unfreezing and the slanted
triangular schedule of ULMFiT (Howard & Ruder 2018)."""
import numpy as np
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')

import torch  # noqa: E402

from small_text.integrations.transformers import (  # noqa: E402
    FineTuningArguments,
    TransformerBasedClassification,
    TransformerModelArguments,
    TransformersDataset,
)
from small_text.integrations.transformers.utils.classification import (  # noqa: E402
    _SlantedTriangular,
    _layer_groups,
)
from small_text.training.early_stopping import EarlyStoppingHandler  # noqa: E402
from small_text.utils.logging import VERBOSITY_QUIET  # noqa: E402

from ._helpers import make_texts  # noqa: E402


@pytest.fixture
def dataset(tiny_tokenizer):
    texts, y = make_texts(8)
    return TransformersDataset.from_arrays(texts, y, tiny_tokenizer, target_labels=np.arange(3))


def _classifier(model, fine_tuning_arguments, **kwargs):
    return TransformerBasedClassification(
        TransformerModelArguments(model), 3, fine_tuning_arguments=fine_tuning_arguments,
        device='cpu', verbosity=VERBOSITY_QUIET, show_progress_bar=False, **kwargs)


class _TrainableGroupsRecorder(EarlyStoppingHandler):
    """At each (end-of-epoch) check, records which layer groups are trainable."""

    def __init__(self, groups):
        self.groups = groups
        self.trainable = []

    def check_early_stop(self, epoch, measured_values):
        self.trainable.append([all(parameter.requires_grad for parameter in group)
                               for group in self.groups])
        return False


@pytest.fixture
def captured_optimizers(monkeypatch):
    optimizers = []
    original = torch.optim.AdamW

    class CapturingAdamW(original):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            optimizers.append(self)

    monkeypatch.setattr(torch.optim, 'AdamW', CapturingAdamW)
    return optimizers


def test_arguments_are_stored():
    args = FineTuningArguments(1e-3, 0.5, gradual_unfreezing=2, cut_fraction=0.2)
    assert (args.base_lr, args.layerwise_gradient_decay, args.gradual_unfreezing,
            args.cut_fraction) == (1e-3, 0.5, 2, 0.2)
    defaults = FineTuningArguments(1e-3, None)
    assert (defaults.gradual_unfreezing, defaults.cut_fraction) == (-1, 0.1)


@pytest.mark.parametrize('kwargs, message', [
    ({'base_lr': 0, 'layerwise_gradient_decay': 0.5}, 'base_lr must be greater than 0'),
    ({'base_lr': 1e-3, 'layerwise_gradient_decay': 1.5}, 'layerwise_gradient_decay must lie'),
    ({'base_lr': 1e-3, 'layerwise_gradient_decay': 0.5, 'gradual_unfreezing': 0},
     'gradual_unfreezing must be a positive int'),
    ({'base_lr': 1e-3, 'layerwise_gradient_decay': 0.5, 'cut_fraction': 1.0},
     'cut_fraction must lie in'),
])
def test_invalid_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FineTuningArguments(**kwargs)


@pytest.mark.parametrize('decay', [None, 0, -1])
def test_decay_can_be_disabled(decay):
    assert FineTuningArguments(1e-3, decay).layerwise_gradient_decay == decay


def test_layer_groups_of_bert_bottom_to_top(tiny_bert):
    clf = _classifier(tiny_bert, None)
    model = clf.initialize()
    groups = _layer_groups(model)
    expected = [model.bert.embeddings, model.bert.encoder.layer[0], model.bert.encoder.layer[1],
                model.bert.pooler, model.classifier]
    assert len(groups) == 5
    for group, module in zip(groups, expected):
        assert {id(p) for p in group} == {id(p) for p in module.parameters()}


def test_layer_groups_reject_unknown_models():
    with pytest.raises(ValueError, match='not supported for Sequential'):
        _layer_groups(torch.nn.Sequential(torch.nn.Linear(2, 2)))


def test_discriminative_learning_rates(tiny_bert, dataset, captured_optimizers):
    clf = _classifier(tiny_bert, FineTuningArguments(1e-3, 0.5), num_epochs=1, lr=0.7)
    clf.fit(dataset)
    optimizer = captured_optimizers[-1]
    initial_lrs = [group['initial_lr'] for group in optimizer.param_groups]
    assert initial_lrs == pytest.approx([1e-3 * 0.5 ** k for k in (4, 3, 2, 1, 0)])
    groups = _layer_groups(clf.model)
    for param_group, layer_group in zip(optimizer.param_groups, groups):
        assert {id(p) for p in param_group['params']} == {id(p) for p in layer_group}
    assert optimizer.defaults['eps'] == 1e-8


def test_without_decay_all_groups_get_base_lr(tiny_bert, dataset, captured_optimizers):
    _classifier(tiny_bert, FineTuningArguments(2e-4, -1), num_epochs=1).fit(dataset)
    assert [group['initial_lr'] for group in captured_optimizers[-1].param_groups] \
        == pytest.approx([2e-4] * 5)


def test_gradual_unfreezing_unfreezes_one_group_per_epoch(tiny_bert, dataset):
    clf = _classifier(tiny_bert, FineTuningArguments(1e-3, 0.5, gradual_unfreezing=2),
                      num_epochs=5)
    recorder = _TrainableGroupsRecorder(_layer_groups(clf.initialize()))
    clf.fit(dataset, early_stopping=recorder)
    assert recorder.trainable == [
        [False, False, False, True, True],
        [False, False, True, True, True],
        [False, True, True, True, True],
        [True, True, True, True, True],
        [True, True, True, True, True],
    ]
    assert all(parameter.requires_grad for parameter in clf.model.parameters())


def test_frozen_groups_do_not_change(tiny_bert, dataset):
    clf = _classifier(tiny_bert, FineTuningArguments(1e-2, 0.5, gradual_unfreezing=1),
                      num_epochs=1)
    model = clf.initialize()
    embeddings_before = model.bert.embeddings.word_embeddings.weight.detach().clone()
    head_before = model.classifier.weight.detach().clone()
    clf.fit(dataset)
    assert torch.equal(model.bert.embeddings.word_embeddings.weight, embeddings_before)
    assert not torch.equal(model.classifier.weight, head_before)


def test_gradual_unfreezing_must_leave_a_group_to_unfreeze(tiny_bert, dataset):
    clf = _classifier(tiny_bert, FineTuningArguments(1e-3, 0.5, gradual_unfreezing=5))
    with pytest.raises(ValueError, match='gradual_unfreezing=5 leaves no layer group to '
                                         'unfreeze: the model has 5 layer groups'):
        clf.fit(dataset)


def test_slanted_triangular_schedule():
    schedule = _SlantedTriangular(100, 0.1)
    assert schedule(0) == pytest.approx(1 / 32)
    assert schedule(5) == pytest.approx((1 + 0.5 * 31) / 32)
    assert schedule(10) == pytest.approx(1.0)
    assert schedule(55) == pytest.approx((1 + 0.5 * 31) / 32)
    assert schedule(100) == pytest.approx(1 / 32)
    factors = [schedule(step) for step in range(101)]
    assert int(np.argmax(factors)) == 10


def test_fit_follows_the_slanted_triangular_schedule(tiny_bert, dataset, captured_optimizers):
    clf = _classifier(tiny_bert, FineTuningArguments(1e-3, None, cut_fraction=0.5),
                      num_epochs=2, mini_batch_size=7)
    clf.fit(dataset, early_stopping='none')
    # 21 training samples: 3 batches per epoch, 6 steps, cut after 3
    assert captured_optimizers[-1].param_groups[-1]['lr'] == pytest.approx(1e-3 / 32)


def test_optimizer_or_scheduler_cannot_be_combined(tiny_bert, dataset):
    clf = _classifier(tiny_bert, FineTuningArguments(1e-3, 0.5))
    model = clf.initialize()
    with pytest.raises(ValueError, match='do not pass an optimizer or a scheduler'):
        clf.fit(dataset, optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
