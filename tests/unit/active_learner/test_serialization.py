import json

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from small_text.active_learner import PoolBasedActiveLearner
from small_text.base import LABEL_IGNORED
from small_text.classifiers import ConfidenceEnhancedLinearSVC, SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.exceptions import SerializationException
from small_text.query_strategies import BreakingTies, LeastConfidence
from small_text.serialization import FORMAT_VERSION, MANIFEST_FILE, OBJECTS_FILE
from small_text.version import __version__


def _trained_learner(estimator=None, dataset_seed=0):
    rng = np.random.RandomState(dataset_seed)
    y = np.arange(50) % 3
    dataset = SklearnDataset(rng.rand(50, 4) + y[:, None], y, target_labels=np.arange(3))
    factory = SklearnClassifierFactory(estimator or ConfidenceEnhancedLinearSVC(), 3)
    learner = PoolBasedActiveLearner(factory, BreakingTies(), dataset, reuse_model=True)
    learner.initialize(np.array([0, 1, 2, 3, 4, 5]))
    indices = learner.query(num_samples=4)
    y_new = dataset.y[indices].astype(float)
    y_new[0] = LABEL_IGNORED
    learner.update(y_new)
    learner.query(num_samples=2)  # a pending query survives saving
    return learner


def test_save_and_load_round_trip(tmp_path):
    learner = _trained_learner()
    learner.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_FILE, OBJECTS_FILE]

    loaded = PoolBasedActiveLearner.load(tmp_path)
    np.testing.assert_array_equal(loaded.indices_labeled, learner.indices_labeled)
    np.testing.assert_array_equal(loaded.indices_ignored, learner.indices_ignored)
    np.testing.assert_array_equal(loaded.indices_queried, learner.indices_queried)
    np.testing.assert_array_equal(loaded.y, learner.y)
    assert loaded.reuse_model is True and loaded.multi_label is False
    assert isinstance(loaded.query_strategy, BreakingTies)
    np.testing.assert_allclose(loaded.classifier.predict_proba(loaded.dataset),
                               learner.classifier.predict_proba(learner.dataset))

    # the loaded learner continues the loop
    loaded.update(loaded.dataset.y[loaded.indices_queried])
    assert loaded.query(num_samples=3).shape == (3,)


def test_manifest_content(tmp_path):
    learner = _trained_learner()
    learner.save(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding='utf-8'))
    assert manifest['small_text_version'] == __version__
    assert manifest['format_version'] == FORMAT_VERSION
    assert manifest['indices_labeled'] == learner.indices_labeled.tolist()
    assert manifest['y']['values'] == learner.y.tolist()


def test_save_multi_label(tmp_path):
    dense = np.zeros((30, 3), dtype=np.int64)
    dense[np.arange(30), np.arange(30) % 3] = 1
    dense[::3, 1] = 1
    dataset = SklearnDataset(np.hstack([dense, np.random.RandomState(0).rand(30, 2)]), csr_matrix(dense),
                             target_labels=np.arange(3))
    factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs={'multi_label': True})
    learner = PoolBasedActiveLearner(factory, LeastConfidence(), dataset)
    learner.initialize(np.arange(9))
    learner.save(tmp_path)
    loaded = PoolBasedActiveLearner.load(tmp_path)
    assert isinstance(loaded.y, csr_matrix)
    np.testing.assert_array_equal(loaded.y.toarray(), learner.y.toarray())


def test_save_uninitialized_learner(tmp_path):
    dataset = SklearnDataset(np.zeros((4, 2)), np.array([0, 1, 0, 1]), target_labels=np.arange(2))
    learner = PoolBasedActiveLearner(SklearnClassifierFactory(LogisticRegression(), 2),
                                     LeastConfidence(), dataset)
    learner.save(tmp_path)
    loaded = PoolBasedActiveLearner.load(tmp_path)
    assert loaded._index_to_position is None and loaded.classifier is None


def test_save_into_missing_folder(tmp_path):
    learner = _trained_learner()
    with pytest.raises(FileNotFoundError):
        learner.save(tmp_path / 'missing')
    learner.save(tmp_path / 'a' / 'b', create_folder=True)
    assert (tmp_path / 'a' / 'b' / MANIFEST_FILE).exists()


def test_save_into_non_empty_folder(tmp_path):
    (tmp_path / 'other.txt').write_text('x')
    with pytest.raises(ValueError, match='is not empty'):
        _trained_learner().save(tmp_path)


def test_save_failure_is_wrapped(tmp_path):
    learner = _trained_learner()
    learner.fit_kwargs = {'stream': (i for i in range(3))}  # skops cannot store a generator
    with pytest.raises(SerializationException, match='Failed to save active learner folder'):
        learner.save(tmp_path)


def test_load_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        PoolBasedActiveLearner.load(tmp_path)


def test_load_invalid_manifest(tmp_path):
    _trained_learner().save(tmp_path)
    (tmp_path / MANIFEST_FILE).write_text('{}', encoding='utf-8')
    with pytest.raises(SerializationException, match='Invalid active_learning.json file'):
        PoolBasedActiveLearner.load(tmp_path)


def test_load_newer_format_version(tmp_path):
    _trained_learner().save(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding='utf-8'))
    manifest['format_version'] = FORMAT_VERSION + 1
    manifest['small_text_version'] = '99.0.0'
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding='utf-8')
    with pytest.raises(SerializationException, match='Upgrade small-text'):
        PoolBasedActiveLearner.load(tmp_path)


def test_load_folder_of_older_library_version(tmp_path):
    _trained_learner().save(tmp_path)
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text(encoding='utf-8'))
    manifest['small_text_version'] = '2.0.0.dev1'
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding='utf-8')
    assert PoolBasedActiveLearner.load(tmp_path).indices_labeled.shape == (9,)


class _CustomEstimator(LogisticRegression):
    """An estimator type that neither skops nor small-text trusts."""


def test_load_refuses_untrusted_types(tmp_path):
    _trained_learner(estimator=_CustomEstimator()).save(tmp_path)
    with pytest.raises(SerializationException, match='not trusted.*_CustomEstimator'):
        PoolBasedActiveLearner.load(tmp_path)

    trusted = [f'{_CustomEstimator.__module__}._CustomEstimator']
    loaded = PoolBasedActiveLearner.load(tmp_path, trusted=trusted)
    assert isinstance(loaded.classifier.model, _CustomEstimator)
