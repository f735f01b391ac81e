"""Property-based test of PoolBasedActiveLearner: random sequences of initialize, query, update,
relabel, remove, ignore, save and load, valid and invalid, against a plain reference model.
After every step the learner's invariants hold and it agrees with the model; a rejected call
changes nothing."""
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

hypothesis = pytest.importorskip('hypothesis', reason='needs hypothesis (pip install '
                                 '"small-text[dev]")')
from hypothesis import settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.stateful import (  # noqa: E402
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)
from sklearn.dummy import DummyClassifier  # noqa: E402

from small_text.active_learner import PoolBasedActiveLearner  # noqa: E402
from small_text.base import LABEL_IGNORED  # noqa: E402
from small_text.classifiers import SklearnClassifierFactory  # noqa: E402
from small_text.data import SklearnDataset  # noqa: E402
from small_text.exceptions import ActiveLearnerException  # noqa: E402
from small_text.query_strategies import RandomSampling  # noqa: E402

_SIZE = 12
_NUM_CLASSES = 3
_positions = st.integers(min_value=-2, max_value=_SIZE + 1)
_labels = st.sampled_from([0, 1, 2, 2, 1, 0, -5, 3, -1])


class LearnerMachine(RuleBasedStateMachine):
    """The model: ``labeled`` maps position -> label in labeling order, ``ignored`` is a list in
    ignoring order, ``queried`` the pending query (or None)."""

    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        x = np.random.RandomState(0).rand(_SIZE, 3)
        dataset = SklearnDataset(x, np.arange(_SIZE) % _NUM_CLASSES,
                                 target_labels=np.arange(_NUM_CLASSES))
        self.learner = PoolBasedActiveLearner(
            SklearnClassifierFactory(DummyClassifier(), _NUM_CLASSES), RandomSampling(), dataset)
        self.initialized = False
        self.labeled, self.ignored, self.queried = {}, [], None

    def teardown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    def _pool(self):
        return [i for i in range(_SIZE) if i not in self.labeled and i not in self.ignored]

    def _rejected(self, call, *errors):
        before = self._snapshot()
        with pytest.raises(errors or (ValueError,)):
            call()
        assert self._snapshot() == before

    def _snapshot(self):
        learner = self.learner
        return (learner.indices_labeled.tolist(), learner.indices_ignored.tolist(),
                None if learner.y is None else learner.y.tolist(),
                None if learner.indices_queried is None else learner.indices_queried.tolist(),
                learner.classifier)

    @rule(indices=st.lists(_positions, max_size=6), retrain=st.booleans())
    def initialize(self, indices, retrain):
        indices = np.array(indices, dtype=int)
        valid = len(set(indices.tolist())) == len(indices) \
            and all(0 <= i < _SIZE for i in indices)
        if not valid:
            self._rejected(lambda: self.learner.initialize(indices, retrain=retrain))
            return
        retrain = retrain and len(indices) > 0
        self.learner.initialize(indices, retrain=retrain)
        self.initialized = True
        self.labeled = {int(i): int(i) % _NUM_CLASSES for i in indices}
        self.ignored, self.queried = [], None

    @precondition(lambda self: self.initialized)
    @rule(n=st.integers(min_value=-1, max_value=8))
    def query(self, n):
        pool = self._pool()
        if n <= 0:
            self._rejected(lambda: self.learner.query(num_samples=n))
        elif n > len(pool):
            self._rejected(lambda: self.learner.query(num_samples=n), ActiveLearnerException)
        else:
            result = self.learner.query(num_samples=n)
            assert set(result.tolist()) <= set(pool) and len(set(result.tolist())) == n
            self.queried = result.tolist()

    @precondition(lambda self: self.initialized)
    @rule(data=st.data())
    def update(self, data):
        size = 0 if self.queried is None else len(self.queried)
        labels = data.draw(st.lists(st.one_of(_labels, st.just(LABEL_IGNORED)),
                                    min_size=max(size - 1, 0), max_size=size + 1))
        y = np.array(labels, dtype=float if LABEL_IGNORED in labels else int)
        valid = self.queried is not None and len(labels) == size \
            and all(label in (0, 1, 2, LABEL_IGNORED) for label in labels)
        if not valid:
            self._rejected(lambda: self.learner.update(y))
            return
        self.learner.update(y)
        for index, label in zip(self.queried, labels):
            if label == LABEL_IGNORED:
                self.ignored.append(index)
            else:
                self.labeled[index] = int(label)
        self.queried = None

    @precondition(lambda self: self.initialized)
    @rule(index=_positions, label=_labels)
    def relabel(self, index, label):
        if index not in self.labeled:
            self._rejected(lambda: self.learner.update_label_at(index, label), KeyError)
        elif label not in (0, 1, 2):
            self._rejected(lambda: self.learner.update_label_at(index, label))
        else:
            self.learner.update_label_at(index, label)
            self.labeled[index] = label

    @precondition(lambda self: self.initialized)
    @rule(index=_positions, retrain=st.booleans())
    def remove(self, index, retrain):
        if index not in self.labeled:
            self._rejected(lambda: self.learner.remove_label_at(index), KeyError)
            return
        self.learner.remove_label_at(index, retrain=retrain and len(self.labeled) > 1)
        del self.labeled[index]

    @precondition(lambda self: self.initialized)
    @rule(index=_positions, retrain=st.booleans())
    def ignore(self, index, retrain):
        if not 0 <= index < _SIZE or index in self.ignored \
                or (self.queried is not None and index in self.queried):
            self._rejected(lambda: self.learner.ignore_sample_at(index))
            return
        self.learner.ignore_sample_at(index, retrain=retrain and len(self.labeled) > 1)
        self.labeled.pop(index, None)
        self.ignored.append(index)

    @rule()
    def save_and_load(self):
        self.learner.save(self.folder)
        self.learner = PoolBasedActiveLearner.load(self.folder)

    @invariant()
    def agrees_with_the_model(self):
        learner = self.learner
        if not self.initialized:
            assert learner._index_to_position is None
            return
        assert learner.indices_labeled.tolist() == list(self.labeled)
        assert learner.y.tolist() == list(self.labeled.values())
        assert np.issubdtype(learner.y.dtype, np.integer)
        assert learner.indices_ignored.tolist() == self.ignored
        queried = learner.indices_queried
        assert (queried is None and self.queried is None) or queried.tolist() == self.queried

    @invariant()
    def partitions_the_pool(self):
        learner = self.learner
        if not self.initialized:
            return
        labeled, ignored = learner.indices_labeled, learner.indices_ignored
        unlabeled = learner.indices_unlabeled
        everything = np.concatenate([labeled, ignored, unlabeled])
        assert sorted(everything.tolist()) == list(range(_SIZE))
        assert learner._index_to_position == {int(i): p for p, i in enumerate(labeled)}
        if learner.indices_queried is not None:
            assert set(learner.indices_queried.tolist()) <= set(unlabeled.tolist())
        assert learner.y.shape[0] == labeled.shape[0]


LearnerMachine.TestCase.settings = settings(max_examples=30, stateful_step_count=15,
                                            deadline=None, derandomize=True,
                                            database=None)
test_learner_state_machine = LearnerMachine.TestCase
