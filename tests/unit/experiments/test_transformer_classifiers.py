"""The ``transformer`` and ``setfit`` classifiers of the experiment runner and ``--model``."""
import dataclasses

import pytest

from small_text.experiments import ExperimentConfig, ExperimentError, run_experiment
from small_text.experiments.registry import CLASSIFIERS

from ._helpers import TINY, run_cli


@pytest.fixture(scope='module')
def tiny_model(tmp_path_factory):
    """A tiny BERT saved with save_pretrained (see the transformers integration tests)."""
    pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
    pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')
    from integrations.transformers._helpers import save_tiny_bert
    return save_tiny_bert(tmp_path_factory.mktemp('tiny-bert'))


def test_registered_with_model_option():
    for name in ('transformer', 'setfit'):
        assert CLASSIFIERS[name].needs_model
    assert not CLASSIFIERS['svm'].needs_model


def test_model_is_required_and_must_be_a_folder(tmp_path, monkeypatch):
    for name in ('transformer', 'setfit'):
        monkeypatch.setitem(CLASSIFIERS, name,
                            dataclasses.replace(CLASSIFIERS[name], requires=()))
    with pytest.raises(ExperimentError, match='--classifier transformer needs --model'):
        ExperimentConfig(classifier='transformer')
    with pytest.raises(ExperimentError, match='--model .*missing is not a folder'):
        ExperimentConfig(classifier='setfit', model=tmp_path / 'missing')
    config = ExperimentConfig(classifier='transformer', model=str(tmp_path))
    assert config.to_dict()['model'] == str(tmp_path.resolve())


def test_model_only_for_classifiers_that_use_it(tmp_path):
    with pytest.raises(ExperimentError, match="--model is used only by the classifiers "
                                              "transformer, setfit, not by 'svm'"):
        ExperimentConfig(model=tmp_path)


def test_missing_extra_is_reported(tmp_path, monkeypatch):
    spec = dataclasses.replace(CLASSIFIERS['transformer'],
                               requires=('small_text_no_such_module',))
    monkeypatch.setitem(CLASSIFIERS, 'transformer', spec)
    with pytest.raises(ExperimentError, match='needs small_text_no_such_module, which is not '
                                              'installed: pip install '
                                              '"small-text\\[transformers\\]"'):
        ExperimentConfig(classifier='transformer', model=tmp_path)


def test_cli_reports_a_missing_model(tmp_path):
    result = run_cli('experiment', '--classifier', 'transformer', '--model',
                     tmp_path / 'missing', '--out', tmp_path / 'out')
    assert result.returncode == 2
    assert 'missing' in result.stderr and 'Traceback' not in result.stderr


def test_transformer_experiment(tiny_files, tmp_path, tiny_model):
    train, test = tiny_files
    results = run_experiment(data=train, test=test, out=tmp_path / 'out', quiet=True,
                             classifier='transformer', model=tiny_model,
                             **{**TINY, 'strategies': 'least-confidence,embedding-kmeans'})
    assert len(results.rows) == 2 * 3
    assert all(0 <= row['accuracy'] <= 1 for row in results.rows)
    assert results.config.model == tiny_model


def test_setfit_experiment(tiny_files, tmp_path, tiny_model):
    pytest.importorskip('setfit', reason='needs the setfit extra: pip install "small-text[setfit]"')
    train, test = tiny_files
    results = run_experiment(data=train, test=test, out=tmp_path / 'out', quiet=True,
                             classifier='setfit', model=tiny_model,
                             **{**TINY, 'strategies': 'random', 'rounds': 1})
    assert [row['num_labels'] for row in results.rows] == [6, 11]
