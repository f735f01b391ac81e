"""Tests of the exports of small_text.integrations.pytorch with torch installed."""
import subprocess
import sys

import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')

import small_text  # noqa: E402
import small_text.integrations.pytorch as pytorch_integration  # noqa: E402
from small_text.classifiers.factories import AbstractClassifierFactory  # noqa: E402
from small_text.integrations.pytorch.exceptions import PytorchNotFoundError  # noqa: E402

SPEC_ALL = ['AMPArguments', 'PytorchModelSelectionMixin', 'PytorchClassifier',
            'AbstractClassifierFactory', 'KimCNNClassifierFactory', 'KimCNN', 'kimcnn_collate_fn',
            'KimCNNEmbeddingMixin', 'KimCNNClassifier', 'DiscriminativeRepresentationLearning',
            'ExpectedGradientLength', 'ExpectedGradientLengthLayer',
            'ExpectedGradientLengthMaxWord', 'PytorchNotFoundError', 'PytorchDataset',
            'PytorchDatasetView', 'PytorchTextClassificationDataset',
            'PytorchTextClassificationDatasetView']
"""Spec group 10, in order."""


def test_all_lists_the_spec_names_in_spec_order():
    assert pytorch_integration.__all__ == SPEC_ALL


@pytest.mark.parametrize('name', SPEC_ALL)
def test_names_resolve_from_package_and_top_level(name):
    value = getattr(pytorch_integration, name)
    assert getattr(small_text, name) is value
    assert name in small_text.__all__


def test_abstract_classifier_factory_is_the_core_class():
    assert pytorch_integration.AbstractClassifierFactory is AbstractClassifierFactory
    assert pytorch_integration.PytorchNotFoundError is PytorchNotFoundError


def test_from_import_works():
    from small_text import KimCNNClassifier  # noqa: F401
    from small_text.integrations.pytorch import PytorchTextClassificationDataset  # noqa: F401


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match='no_such_name'):
        pytorch_integration.no_such_name


def test_importing_small_text_and_its_name_index_does_not_import_torch():
    code = ('import sys, small_text; small_text.PoolBasedActiveLearner; '
            'import small_text.integrations.pytorch as p; p.__all__; '
            'assert "torch" not in sys.modules, "torch was imported"')
    subprocess.run([sys.executable, '-c', code], check=True)


def test_deep_modules_import():
    import small_text.integrations.pytorch.classifiers as classifiers
    import small_text.integrations.pytorch.models as models
    import small_text.integrations.pytorch.utils as utils
    assert classifiers.__all__ == ['AMPArguments', 'PytorchClassifier',
                                   'PytorchModelSelectionMixin', 'KimCNNClassifierFactory',
                                   'KimCNNEmbeddingMixin', 'KimCNNClassifier']
    assert models.__all__ == ['KimCNN']
    assert utils.__all__ == ['dataloader', 'get_class_weights']
