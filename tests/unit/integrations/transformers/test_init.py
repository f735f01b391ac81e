"""Exports of small_text.integrations.transformers and lazy imports."""
import subprocess
import sys

import pytest

import small_text
import small_text.integrations.transformers as integration

EXPORTED = ['ModelLoadingStrategy', 'get_default_model_loading_strategy',
            'transformers_collate_fn', 'TransformerModelArguments',
            'TransformerBasedClassification', 'TransformerBasedEmbeddingMixin',
            'FineTuningArguments', 'SetFitClassification', 'SetFitModelArguments',
            'SetFitClassificationEmbeddingMixin', 'TransformerBasedClassificationFactory',
            'SetFitClassificationFactory', 'TransformersDataset', 'TransformersDatasetView']

MODULES = {
    'TransformerBasedClassification': 'classifiers.classification',
    'FineTuningArguments': 'classifiers.classification',
    'TransformerModelArguments': 'classifiers.classification',
    'SetFitClassification': 'classifiers.setfit',
    'TransformerBasedClassificationFactory': 'classifiers.factories',
    'SetFitClassificationFactory': 'classifiers.factories',
    'TransformersDataset': 'datasets',
}


def test_all_lists_the_spec_names():
    pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
    pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')
    assert integration.__all__ == EXPORTED


@pytest.mark.parametrize('name, module', sorted(MODULES.items()))
def test_names_come_from_their_modules_and_the_top_level(name, module):
    pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
    pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')
    value = getattr(integration, name)
    assert value.__module__ == f'small_text.integrations.transformers.{module}'
    assert getattr(small_text, name) is value


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match='has no attribute'):
        integration.NoSuchName  # noqa: B018


def _run(code):
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=120)


def test_importing_small_text_imports_neither_torch_nor_transformers():
    result = _run('import small_text, sys\n'
                  'import small_text.integrations.transformers\n'
                  'assert "torch" not in sys.modules and "transformers" not in sys.modules')
    assert result.returncode == 0, result.stderr


def test_top_level_import_with_torch():
    pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
    pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')
    result = _run('from small_text import TransformerBasedClassification, SetFitClassification\n'
                  'print(TransformerBasedClassification.__name__)')
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'TransformerBasedClassification'


def test_without_torch_only_the_loading_names_are_exported():
    import importlib.util
    if importlib.util.find_spec('torch') is not None \
            and importlib.util.find_spec('transformers') is not None:
        pytest.skip('torch and transformers are installed')
    from small_text.integrations.pytorch.exceptions import PytorchNotFoundError
    assert integration.__all__ == ['ModelLoadingStrategy', 'get_default_model_loading_strategy']
    with pytest.raises(PytorchNotFoundError, match='small-text\\[transformers\\]'):
        integration.TransformerBasedClassification  # noqa: B018
