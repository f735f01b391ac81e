"""End-to-end active-learning loops with the transformer and SetFit classifiers."""
import numpy as np
import pytest

pytest.importorskip('torch', reason='needs the pytorch extra: pip install "small-text[pytorch]"')
pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')

from small_text import PoolBasedActiveLearner, random_initialization_balanced  # noqa: E402
from small_text.data import TextDataset  # noqa: E402
from small_text.integrations.transformers import (  # noqa: E402
    SetFitClassificationFactory,
    SetFitModelArguments,
    TransformerBasedClassificationFactory,
    TransformerModelArguments,
    TransformersDataset,
)
from small_text.query_strategies import BreakingTies, RandomSampling  # noqa: E402
from small_text.utils.logging import VERBOSITY_QUIET  # noqa: E402

from ._helpers import make_texts  # noqa: E402


def _loop(factory, dataset, strategy, rounds=2, query_size=3):
    np.random.seed(0)
    learner = PoolBasedActiveLearner(factory, strategy, dataset)
    learner.initialize(random_initialization_balanced(dataset.y, n_samples=6))
    for _ in range(rounds):
        indices = learner.query(num_samples=query_size)
        assert indices.shape == (query_size,)
        assert np.intersect1d(indices, learner.indices_labeled).size == 0
        learner.update(dataset.y[indices])
    return learner


def test_transformer_based_classification_loop(tiny_bert, tiny_tokenizer):
    texts, y = make_texts(8)
    dataset = TransformersDataset.from_arrays(texts, y, tiny_tokenizer,
                                              target_labels=np.arange(3), max_length=32)
    factory = TransformerBasedClassificationFactory(
        TransformerModelArguments(tiny_bert), 3,
        classification_kwargs={'device': 'cpu', 'num_epochs': 1, 'verbosity': VERBOSITY_QUIET,
                               'show_progress_bar': False})
    learner = _loop(factory, dataset, BreakingTies())
    assert learner.indices_labeled.shape == (12,)
    assert learner.classifier.predict(dataset).shape == (24,)


def test_setfit_classification_loop(tiny_bert, tmp_path):
    pytest.importorskip('setfit', reason='needs the setfit extra: pip install "small-text[setfit]"')
    texts, y = make_texts(6)
    dataset = TextDataset.from_arrays(texts, y, target_labels=np.arange(3))
    args = SetFitModelArguments(tiny_bert, num_iterations=1, seed=0, show_progress_bar=False,
                                output_dir=str(tmp_path / 'checkpoints'))
    factory = SetFitClassificationFactory(args, 3, classification_kwargs={'max_length': 16})
    learner = _loop(factory, dataset, RandomSampling())
    assert learner.indices_labeled.shape == (12,)
    assert learner.classifier.predict_proba(dataset).shape == (18, 3)
