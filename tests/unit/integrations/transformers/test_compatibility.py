"""Code written for small-text 2.0 runs unchanged on the transformers integration: the
keyword-only extras of TransformerModelArguments and argument objects of a reloaded module."""
import inspect

import numpy as np
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')

from small_text.integrations.transformers import (  # noqa: E402
    ModelLoadingStrategy,
    TransformerBasedClassification,
    TransformerModelArguments,
    TransformersDataset,
)
from small_text.utils.logging import VERBOSITY_QUIET  # noqa: E402

from .._helpers import fresh_copy  # noqa: E402
from ._helpers import make_texts  # noqa: E402

CLASSIFICATION = 'small_text.integrations.transformers.classifiers.classification'


@pytest.fixture
def dataset(tiny_tokenizer):
    texts, y = make_texts(8)
    return TransformersDataset.from_arrays(texts, y, tiny_tokenizer, target_labels=np.arange(3),
                                           max_length=32)


def _classifier(model_args, **kwargs):
    return TransformerBasedClassification(model_args, 3, device='cpu', num_epochs=1,
                                          verbosity=VERBOSITY_QUIET, **kwargs)


def _record_batch_sizes(clf):
    sizes = []
    clf.initialize()
    clf.model.register_forward_hook(lambda module, args, kwargs, output:
                                    sizes.append((module.training, kwargs['input_ids'].shape[0])),
                                    with_kwargs=True)
    return sizes


# --- keyword-only extras of TransformerModelArguments -----------------------------------------

def test_model_arguments_extras_are_keyword_only_and_stored():
    parameters = inspect.signature(TransformerModelArguments).parameters
    for name in ('train_batch_size', 'predict_batch_size', 'show_progress_bar'):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY
    args = TransformerModelArguments('bert', train_batch_size=4, predict_batch_size=16,
                                     show_progress_bar=True)
    assert (args.train_batch_size, args.predict_batch_size, args.show_progress_bar) \
        == (4, 16, True)


@pytest.mark.parametrize('value, expected', [('0', False), ('false', False), ('1', True)])
def test_model_arguments_show_progress_bar_defaults_to_the_environment(monkeypatch, value,
                                                                       expected):
    monkeypatch.setenv('SMALL_TEXT_PROGRESS_BARS', value)
    args = TransformerModelArguments('bert')
    assert args.show_progress_bar is expected
    assert args.train_batch_size is None and args.predict_batch_size is None


@pytest.mark.parametrize('name, value', [('train_batch_size', 0), ('predict_batch_size', -1),
                                         ('train_batch_size', 2.5)])
def test_model_arguments_invalid_batch_size_raises(name, value):
    with pytest.raises(ValueError, match=f'{name} must be a positive int or None'):
        TransformerModelArguments('bert', **{name: value})


def test_train_batch_size_of_the_model_arguments_overrides_mini_batch_size(tiny_bert, dataset):
    clf = _classifier(TransformerModelArguments(tiny_bert, train_batch_size=5),
                      mini_batch_size=2)
    sizes = _record_batch_sizes(clf)
    clf.fit(dataset, validation_set=dataset[:6], early_stopping='none')
    # a training batch of 5 may run as two length-sorted parts; their sizes add up to 5
    assert sum(size for training, size in sizes if training) == 24
    assert len([size for training, size in sizes if training]) >= 5
    assert max(size for training, size in sizes if training) <= 5


def test_predict_batch_size_of_the_model_arguments_overrides_mini_batch_size(tiny_bert,
                                                                             dataset):
    clf = _classifier(TransformerModelArguments(tiny_bert, predict_batch_size=len(dataset)),
                      mini_batch_size=2)
    sizes = _record_batch_sizes(clf)
    clf.fit(dataset, early_stopping='none')
    sizes.clear()
    clf.predict_proba(dataset)
    assert sizes == [(False, len(dataset))]


def test_show_progress_bar_of_the_model_arguments_is_used_by_embed(tiny_bert, dataset, capsys):
    clf = _classifier(TransformerModelArguments(tiny_bert, show_progress_bar=True))
    clf.fit(dataset, early_stopping='none')
    capsys.readouterr()
    clf.embed(dataset)
    assert '%' in capsys.readouterr().err
    clf.show_progress_bar = False  # the classifier's own setting wins
    clf.embed(dataset)
    assert capsys.readouterr().err == ''


# --- argument objects of a reloaded module ----------------------------------------------------

def test_argument_objects_from_a_reloaded_module_are_accepted(tiny_bert, dataset):
    classification = fresh_copy(CLASSIFICATION)
    base = fresh_copy('small_text.integrations.transformers.classifiers.base')
    assert classification.TransformerModelArguments is not TransformerModelArguments

    args = classification.TransformerModelArguments(
        tiny_bert, model_loading_strategy=base.ModelLoadingStrategy.ALWAYS_LOCAL)
    assert args.model_loading_strategy is ModelLoadingStrategy.ALWAYS_LOCAL
    clf = _classifier(args, fine_tuning_arguments=classification.FineTuningArguments(1e-3, 0.5))
    clf.fit(dataset, early_stopping='none')
    assert clf.predict(dataset).shape == (len(dataset),)


def test_setfit_arguments_from_a_reloaded_module_are_accepted():
    pytest.importorskip('setfit', reason='needs the extra "setfit"')
    setfit_module = fresh_copy('small_text.integrations.transformers.classifiers.setfit')
    from small_text.integrations.transformers import SetFitClassification

    args = setfit_module.SetFitModelArguments('some-model')
    assert SetFitClassification(args, 2).setfit_model_args is args


def test_objects_without_the_protocol_are_still_rejected(tiny_bert):
    with pytest.raises(ValueError, match='transformer_model must be a TransformerModelArguments'):
        _classifier('bert')
    with pytest.raises(ValueError, match='fine_tuning_arguments must be a FineTuningArguments'):
        _classifier(TransformerModelArguments(tiny_bert), fine_tuning_arguments=0.5)
    with pytest.raises(ValueError, match='model_loading_strategy must be a ModelLoadingStrategy'):
        TransformerModelArguments('bert', model_loading_strategy='always-local')
