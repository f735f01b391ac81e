import math

import numpy as np
import pytest

from small_text.training import (Metric, ModelSelection, ModelSelectionManager,
                                 ModelSelectionResult, NoopModelSelection)


def _spec_example():
    model_selection = ModelSelection()
    for model_id, (val_acc, train_acc, val_loss) in enumerate(
            [(.87, .89, .123), (.88, .91, .091), (.87, .92, .101)], start=1):
        model_selection.add_model(str(model_id), f'/tmp/model_{model_id}.pt',
                                  {'val_acc': val_acc, 'train_acc': train_acc,
                                   'val_loss': val_loss})
    return model_selection


def test_result_attributes_and_repr():
    result = ModelSelectionResult('1', '/tmp/1', {'val_loss': 0.5}, {'early_stop': False})
    assert result.model_id == '1'
    assert result.model_path == '/tmp/1'
    assert result.measured_values == {'val_loss': 0.5}
    assert result.fields == {'early_stop': False}
    assert repr(result) == \
        "ModelSelectionResult('1', '/tmp/1', {'val_loss': 0.5}, {'early_stop': False})"


def test_result_default_fields():
    assert ModelSelectionResult('1', '/tmp/1', {}).fields == {}


def test_manager_is_abstract():
    with pytest.raises(TypeError):
        ModelSelectionManager()


def test_noop_model_selection():
    model_selection = NoopModelSelection()
    assert model_selection.last_model_id is None
    assert model_selection.add_model('a', '/tmp/a', {'val_loss': 0.1}, step=3) == 'a'
    assert model_selection.last_model_id == 'a'
    assert model_selection.select() is None
    assert model_selection.select('val_loss') is None


def test_class_constants():
    assert [(m.name, m.lower_is_better) for m in ModelSelection.DEFAULT_METRICS] == \
        [('val_loss', True), ('val_acc', False), ('train_loss', True), ('train_acc', False)]
    assert ModelSelection.DEFAULT_REQUIRED_METRIC_NAMES == ['val_loss', 'val_acc']
    assert ModelSelection.FIELD_NAME_EARLY_STOPPING == 'early_stop'
    assert ModelSelection.DEFAULT_DEFAULT_SELECT_BY == ['val_loss', 'val_acc']


def test_init_defaults():
    model_selection = ModelSelection()
    assert model_selection.default_select_by == ['val_loss', 'val_acc']
    assert [m.name for m in model_selection.metrics] == \
        ['val_loss', 'val_acc', 'train_loss', 'train_acc']
    assert model_selection.required == {'val_loss', 'val_acc'}
    assert model_selection.last_model_id is None
    assert len(model_selection.models) == 0
    assert model_selection.models.dtype.names == \
        ('model_id', 'model_path', 'val_loss', 'val_acc', 'train_loss', 'train_acc',
         'early_stop')


def test_init_does_not_share_defaults():
    model_selection = ModelSelection()
    model_selection.default_select_by.append('train_acc')
    model_selection.metrics.append(Metric('x'))
    assert ModelSelection.DEFAULT_DEFAULT_SELECT_BY == ['val_loss', 'val_acc']
    assert len(ModelSelection.DEFAULT_METRICS) == 4


def test_init_str_select_by_becomes_list():
    assert ModelSelection(default_select_by='val_acc').default_select_by == ['val_acc']


def test_init_early_stop_in_fields_config():
    with pytest.raises(ValueError, match='"early_stop" is reserved'):
        ModelSelection(fields_config={'early_stop': bool})


def test_init_unknown_select_by():
    with pytest.raises(ValueError, match=r"neither metrics nor required: \['val_f1'\]"):
        ModelSelection(default_select_by=['val_loss', 'val_f1'])


def test_init_required_not_among_metrics():
    with pytest.raises(ValueError, match=r"Required metrics must be among the configured "
                                         r"metrics, but \['val_acc'\]"):
        ModelSelection(default_select_by='val_loss', metrics=[Metric('val_loss')],
                       required=['val_loss', 'val_acc'])


def test_init_duplicate_names():
    with pytest.raises(ValueError, match=r"duplicates: \['val_loss'\]"):
        ModelSelection(fields_config={'val_loss': float})
    with pytest.raises(ValueError, match=r"duplicates: \['model_id'\]"):
        ModelSelection(metrics=ModelSelection.DEFAULT_METRICS + [Metric('model_id')])


def test_init_invalid_metric_type():
    with pytest.raises(TypeError, match='Metric instances only, but got str'):
        ModelSelection(metrics=['val_loss', 'val_acc'])


def test_spec_example():
    model_selection = _spec_example()
    assert model_selection.select('val_acc').model_id == '2'
    assert model_selection.select('train_acc').model_id == '3'
    assert model_selection.select(['val_acc', 'train_acc']).model_id == '2'

    result = model_selection.select('train_acc')
    assert result.model_path == '/tmp/model_3.pt'
    assert result.measured_values['val_acc'] == 0.87
    assert result.measured_values['train_acc'] == 0.92
    assert result.measured_values['val_loss'] == 0.101
    assert math.isnan(result.measured_values['train_loss'])
    assert result.fields == {'early_stop': False}


def test_default_select_by():
    # primary val_loss (lower is better): model 2
    assert _spec_example().select().model_id == '2'


def test_lexicographic_order_secondary_key():
    model_selection = ModelSelection()
    model_selection.add_model('1', '/tmp/1', {'val_loss': 0.1, 'val_acc': 0.80})
    model_selection.add_model('2', '/tmp/2', {'val_loss': 0.1, 'val_acc': 0.85})
    model_selection.add_model('3', '/tmp/3', {'val_loss': 0.2, 'val_acc': 0.99})
    assert model_selection.select().model_id == '2'
    assert model_selection.select(['val_loss']).model_id == '1'
    assert model_selection.select(['val_acc', 'val_loss']).model_id == '3'


def test_ties_go_to_earliest_added():
    model_selection = ModelSelection()
    for model_id in ['c', 'a', 'b']:
        model_selection.add_model(model_id, f'/tmp/{model_id}', {'val_loss': 0.1, 'val_acc': 0.5})
    assert model_selection.select().model_id == 'c'
    assert model_selection.select('val_acc').model_id == 'c'


def test_nan_sorts_last():
    model_selection = ModelSelection()
    model_selection.add_model('1', '/tmp/1', {'val_loss': 0.1, 'val_acc': 0.5})
    model_selection.add_model('2', '/tmp/2', {'val_loss': 0.2, 'val_acc': 0.5,
                                              'train_acc': 0.1})
    model_selection.add_model('3', '/tmp/3', {'val_loss': 0.3, 'val_acc': 0.5,
                                              'train_loss': 0.9})
    assert model_selection.select('train_acc').model_id == '2'
    assert model_selection.select('train_loss').model_id == '3'


def test_all_nan_falls_back_to_earliest():
    assert _spec_example().select('train_loss').model_id == '1'


def test_early_stop_rows_are_excluded():
    model_selection = ModelSelection()
    model_selection.add_model('1', '/tmp/1', {'val_loss': 0.3, 'val_acc': 0.5})
    model_selection.add_model('2', '/tmp/2', {'val_loss': 0.1, 'val_acc': 0.5},
                              fields={'early_stop': True})
    result = model_selection.select()
    assert result.model_id == '1'
    assert result.fields == {'early_stop': False}
    np.testing.assert_array_equal(model_selection.models['early_stop'], [False, True])


def test_select_returns_none_without_candidates():
    model_selection = ModelSelection()
    assert model_selection.select() is None
    model_selection.add_model('1', '/tmp/1', {'val_loss': 0.3, 'val_acc': 0.5},
                              fields={'early_stop': True})
    assert model_selection.select() is None


def test_select_unknown_metric():
    with pytest.raises(ValueError, match=r"Cannot select by unknown metrics \['val_f1'\]"):
        _spec_example().select(['val_acc', 'val_f1'])


def test_add_model_returns_id_and_sets_last_model_id():
    model_selection = ModelSelection()
    assert model_selection.add_model('x', '/tmp/x', {'val_loss': 0.1, 'val_acc': 0.5}) == 'x'
    assert model_selection.last_model_id == 'x'
    assert len(model_selection.models) == 1


def test_add_model_duplicate_id():
    model_selection = _spec_example()
    with pytest.raises(ValueError, match="Duplicate model_id: a model with id '2'"):
        model_selection.add_model('2', '/tmp/other', {'val_loss': 0.1, 'val_acc': 0.5})


def test_add_model_duplicate_path():
    model_selection = _spec_example()
    with pytest.raises(ValueError, match="Duplicate model_path"):
        model_selection.add_model('4', '/tmp/model_1.pt', {'val_loss': 0.1, 'val_acc': 0.5})


@pytest.mark.parametrize('measured_values', [{'val_loss': 0.1}, {'val_loss': 0.1,
                                                                'val_acc': None}])
def test_add_model_missing_required(measured_values):
    model_selection = ModelSelection()
    with pytest.raises(ValueError, match=r"Required metrics are missing .*\['val_acc'\]"):
        model_selection.add_model('1', '/tmp/1', measured_values)
    assert len(model_selection.models) == 0


def test_add_model_without_required_metrics():
    model_selection = ModelSelection(default_select_by='train_loss', required=[])
    model_selection.add_model('1', '/tmp/1', {'train_loss': 0.4})
    model_selection.add_model('2', '/tmp/2', {'train_loss': 0.2})
    assert model_selection.select().model_id == '2'


def test_add_model_ignores_unconfigured_metrics():
    model_selection = ModelSelection(default_select_by='val_loss', metrics=[Metric('val_loss')],
                                     required=['val_loss'])
    model_selection.add_model('1', '/tmp/1', {'val_loss': 0.1, 'train_loss': 0.3})
    assert model_selection.select().measured_values == {'val_loss': 0.1}


def test_fields_config():
    model_selection = ModelSelection(fields_config={'epoch': int, 'ratio': float})
    assert model_selection.models.dtype.names[-3:] == ('epoch', 'ratio', 'early_stop')
    model_selection.add_model('1', '/tmp/1', {'val_loss': 0.2, 'val_acc': 0.5},
                              fields={'epoch': 1, 'ratio': 0.5})
    model_selection.add_model('2', '/tmp/2', {'val_loss': 0.1, 'val_acc': 0.5})
    result = model_selection.select()
    assert result.model_id == '2'
    assert result.fields['epoch'] is None
    assert math.isnan(result.fields['ratio'])
    assert result.fields['early_stop'] is False
    assert model_selection.select('val_acc').fields == {'epoch': 1, 'ratio': 0.5,
                                                        'early_stop': False}


def test_add_model_unknown_field():
    with pytest.raises(ValueError, match=r"Unknown fields \['epoch'\]"):
        ModelSelection().add_model('1', '/tmp/1', {'val_loss': 0.2, 'val_acc': 0.5},
                                   fields={'epoch': 3})


def test_non_float_metric():
    model_selection = ModelSelection(default_select_by='errors',
                                     metrics=[Metric('errors', dtype=int)], required=[])
    model_selection.add_model('1', '/tmp/1', {'errors': 3})
    model_selection.add_model('2', '/tmp/2', {})
    model_selection.add_model('3', '/tmp/3', {'errors': 2})
    assert model_selection.select().model_id == '3'
    assert model_selection.select().measured_values == {'errors': 2}


def test_higher_is_better_custom_metric():
    model_selection = ModelSelection(default_select_by='f1',
                                     metrics=[Metric('f1', lower_is_better=False)], required=[])
    for model_id, value in enumerate([0.3, 0.9, 0.5]):
        model_selection.add_model(str(model_id), f'/tmp/{model_id}', {'f1': value})
    assert model_selection.select().model_id == '1'
