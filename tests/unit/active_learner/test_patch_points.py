"""The learner's [patch point]s (core.md 7.1): code that mocks them must keep working.

``PoolBasedActiveLearner._retrain`` is looked up on the instance at call time and always called
with the keyword ``indices_validation``; ``query`` passes the first five arguments of the
strategy's ``query`` positionally and ``n`` as a keyword.
"""
from unittest.mock import patch

import numpy as np
from sklearn.linear_model import LogisticRegression

from small_text.active_learner import PoolBasedActiveLearner
from small_text.base import LABEL_IGNORED
from small_text.classifiers import SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.query_strategies import RandomSampling


def _learner():
    rng = np.random.RandomState(0)
    y = np.arange(30) % 3
    dataset = SklearnDataset(rng.rand(30, 4) + y[:, None], y, target_labels=np.arange(3))
    return PoolBasedActiveLearner(SklearnClassifierFactory(LogisticRegression(), 3),
                                  RandomSampling(), dataset)


def test_retrain_is_called_with_the_keyword_by_every_operation():
    learner = _learner()
    with patch.object(PoolBasedActiveLearner, '_retrain') as retrain:
        learner.initialize(np.array([0, 1, 2, 3, 4, 5]), indices_validation=np.array([0]))
        assert retrain.call_count == 1 and retrain.call_args.args == ()
        np.testing.assert_array_equal(retrain.call_args.kwargs['indices_validation'], [0])

        np.random.seed(0)
        queried = learner.query(num_samples=2)
        learner.update(learner.dataset.y[queried], indices_validation=np.array([1]))
        assert retrain.call_args.args == ()
        np.testing.assert_array_equal(retrain.call_args.kwargs['indices_validation'], [1])

        learner.update_label_at(0, 2, retrain=True, indices_validation=np.array([2]))
        np.testing.assert_array_equal(retrain.call_args.kwargs['indices_validation'], [2])

        learner.remove_label_at(1, retrain=True, x_indices_validation=np.array([3]))
        assert retrain.call_args.args == ()
        np.testing.assert_array_equal(retrain.call_args.kwargs['indices_validation'], [3])

        learner.ignore_sample_at(2, retrain=True, indices_validation=None)
        retrain.assert_called_with(indices_validation=None)
        assert retrain.call_count == 5


def test_retrain_is_not_called_when_every_label_is_ignored():
    learner = _learner()
    with patch.object(PoolBasedActiveLearner, '_retrain') as retrain:
        learner.initialize(np.array([0, 1, 2]))
        np.random.seed(0)
        learner.query(num_samples=2)
        learner.update(np.array([LABEL_IGNORED, LABEL_IGNORED]))
        assert retrain.call_count == 1


def test_query_passes_five_positional_arguments_and_n_by_keyword():
    learner = _learner()
    learner.initialize(np.array([0, 1, 2, 3, 4, 5]))
    with patch.object(RandomSampling, 'query', return_value=np.array([7, 9])) as query:
        result = learner.query(num_samples=2, query_strategy_kwargs={})
    np.testing.assert_array_equal(result, [7, 9])
    args, kwargs = query.call_args
    assert len(args) == 5 and kwargs == {'n': 2}
    assert args[0] is learner.classifier and args[1] is learner.dataset
    np.testing.assert_array_equal(args[2], np.arange(6, 30))
    np.testing.assert_array_equal(args[3], np.arange(6))
    np.testing.assert_array_equal(args[4], learner.dataset.y[:6])
