"""Stopping criteria in experiments: when each criterion would have stopped active learning.

A :class:`StoppingTracker` asks each selected criterion after every round (round 0, the
initial fit, included) whether to stop, and records the first round at which it said so.
Runs go through all rounds, so comparing that round with the learning curve shows how many
labels a criterion saves and how much accuracy that costs; only the criterion given as
``stop_on`` (``--stop-on``) ends a run when it fires.

Every criterion sees the same fixed evaluation set, the whole training pool (labelled and
unlabelled texts): ``predictions`` are the classifier's predictions of the pool and ``proba``
its probabilities, with the indices of the still unlabelled texts as ``indices_stopping``.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.sparse import csr_matrix, issparse

from small_text.experiments.exceptions import ExperimentError


@dataclass(frozen=True)
class CriterionSpec:
    """How to build one stopping criterion.

    Parameters
    ----------
    build : callable
        ``build(num_classes, rounds, multi_label)`` returns a new criterion (an object with
        the :class:`~small_text.stopping_criteria.StoppingCriterion` ``stop`` method) for
        single-label or multi-label data.
    needs_proba : bool, default=False
        Whether the criterion reads the probabilities (``proba`` and ``indices_stopping``).
    single_label_only : bool, default=False
        Whether the criterion works only on single-label data.
    """
    build: Callable
    needs_proba: bool = False
    single_label_only: bool = False


def _delta_f_score(num_classes, rounds, multi_label):
    from small_text.stopping_criteria import DeltaFScore
    if num_classes == 2 and not multi_label:
        return DeltaFScore(2)
    return OneVsRestDeltaFScore(num_classes)


def _criterion(name):
    def build(num_classes, rounds, multi_label):
        import small_text.stopping_criteria as criteria
        return getattr(criteria, name)(num_classes)
    return build


def _max_iterations(num_classes, rounds, multi_label):
    from small_text.stopping_criteria import MaxIterations
    return MaxIterations(rounds + 1)


STOPPING_CRITERIA = {
    'delta-f-score': CriterionSpec(_delta_f_score),
    'classification-change': CriterionSpec(_criterion('ClassificationChange')),
    'kappa-average': CriterionSpec(_criterion('KappaAverage'), single_label_only=True),
    'overall-uncertainty': CriterionSpec(_criterion('OverallUncertainty'), needs_proba=True),
    'max-iterations': CriterionSpec(_max_iterations),
}
"""Stopping criteria by kebab-case name, with the library defaults, except:

* ``delta-f-score`` is defined for binary single-label data (``DeltaFScore``); with more
  classes, or on multi-label data (two labels included), one ``DeltaFScore`` per class watches the one-vs-rest predictions of that
  class, and the criterion stops once all of them would (:class:`OneVsRestDeltaFScore`);
* ``max-iterations`` gets the labelling budget, ``MaxIterations(rounds + 1)``: it stops at the
  last round, the reference point of a fixed budget;
* ``kappa-average`` supports single-label data only, as ``KappaAverage`` does.
"""


class OneVsRestDeltaFScore:
    """ΔF stopping [AB19] for more than two classes: one binary ``DeltaFScore`` per class.

    Class ``c``'s criterion sees the predictions "is c" (1) or "is not c" (0), and the
    criterion stops once every class's criterion stops. Each per-class criterion keeps its
    state, so all of them are called in every round.

    Parameters
    ----------
    num_classes : int
        Number of classes.
    """

    def __init__(self, num_classes):
        from small_text.stopping_criteria import DeltaFScore
        self.num_classes = num_classes
        self.criteria = [DeltaFScore(2) for _ in range(num_classes)]

    def stop(self, active_learner=None, predictions=None, proba=None, indices_stopping=None):
        """Return whether the ΔF criteria of all classes stop (see ``DeltaFScore.stop``)."""
        if issparse(predictions):
            indicator = csr_matrix(predictions).toarray() > 0
        else:
            predictions = np.asarray(predictions)
            indicator = predictions[:, None] == np.arange(self.num_classes)
        decisions = [criterion.stop(predictions=indicator[:, c].astype(np.int64))
                     for c, criterion in enumerate(self.criteria)]
        return all(decisions)


def parse_stopping(value):
    """Return the stopping-criterion names of ``value`` (a comma-separated string or a list).

    Raises
    ------
    ExperimentError
        If a name is unknown or repeated, or ``value`` has the wrong type.
    """
    if value is None:
        return ()
    if isinstance(value, str):
        names = [name.strip() for name in value.split(',') if name.strip()]
    elif isinstance(value, (list, tuple)) and all(isinstance(name, str) for name in value):
        names = [name.strip() for name in value]
    else:
        raise ExperimentError('--stopping must be a comma-separated string or a list of '
                              f'stopping-criterion names (got {value!r})')
    for name in names:
        if name not in STOPPING_CRITERIA:
            raise ExperimentError(f'unknown stopping criterion {name!r} for --stopping; valid '
                                  f'names: {", ".join(STOPPING_CRITERIA)}')
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ExperimentError(f'--stopping names {", ".join(duplicates)} more than once; '
                              'list each criterion once')
    return tuple(names)


def check_stopping(names, multi_label):
    """Raise :class:`ExperimentError` if a criterion of ``names`` does not support the data."""
    if not multi_label:
        return
    for name in names:
        if STOPPING_CRITERIA[name].single_label_only:
            raise ExperimentError(f'stopping criterion {name!r} works only on single-label '
                                  'data, but the data is multi-label; remove it from --stopping')


class StoppingTracker:
    """Asks the criteria of one (strategy, seed) run after every round whether to stop.

    Parameters
    ----------
    names : sequence of str
        Criterion names, see :data:`STOPPING_CRITERIA`.
    num_classes : int
        Number of classes.
    rounds : int
        Query rounds of the run.
    multi_label : bool
        Whether the data is multi-label (predictions are then csr indicator matrices).

    Attributes
    ----------
    stop_rounds : dict
        Maps each name to the first round at which its criterion stopped, or None.
    """

    def __init__(self, names, num_classes, rounds, multi_label):
        self.criteria = {name: STOPPING_CRITERIA[name].build(num_classes, rounds, multi_label)
                         for name in names}
        self.stop_rounds = dict.fromkeys(names)

    def update(self, round_number, learner, pool):
        """Call every criterion that has not stopped yet on the classifier after a round.

        Parameters
        ----------
        round_number : int
            The round just finished (0 for the initial fit).
        learner : PoolBasedActiveLearner
            The active learner; its classifier predicts the training pool ``pool``.
        pool : Dataset
            The whole training pool.
        """
        waiting = [name for name, stop_round in self.stop_rounds.items() if stop_round is None]
        if not waiting:
            return
        if any(STOPPING_CRITERIA[name].needs_proba for name in waiting):
            proba = learner.classifier.predict_proba(pool)
            predictions = _predictions_from_proba(learner.classifier, pool, proba)
        else:
            proba, predictions = None, learner.classifier.predict(pool)
        unlabeled = np.setdiff1d(np.arange(len(pool)), learner.indices_labeled)
        for name in waiting:
            if unlabeled.size == 0 and STOPPING_CRITERIA[name].needs_proba:
                self.stop_rounds[name] = round_number  # nothing left to be uncertain about
            elif self.criteria[name].stop(predictions=predictions, proba=proba,
                                          indices_stopping=unlabeled):
                self.stop_rounds[name] = round_number


def _predictions_from_proba(clf, pool, proba):
    if getattr(clf, 'multi_label', False):
        return clf.predict(pool)
    return np.argmax(proba, axis=1)


def stopping_rows(dataset, strategy, seed, stop_rounds, run_rows, metric):
    """Return the stopping.csv rows of one finished run.

    Parameters
    ----------
    dataset : str
        The data set's name.
    strategy : str
        The query strategy.
    seed : int
        The seed.
    stop_rounds : dict
        Criterion name to first stopping round or None (see :class:`StoppingTracker`).
    run_rows : list of dict
        The result rows of the run, rounds 0 to ``rounds`` in order.
    metric : str
        The metric column reported at the stop and at the end.

    Returns
    -------
    list of dict
        One row per criterion with :func:`stopping_columns`; the stop columns are None if
        the criterion never stopped.
    """
    final = run_rows[-1][metric]
    rows = []
    for name, stop_round in stop_rounds.items():
        at_stop = run_rows[stop_round] if stop_round is not None else None
        rows.append({'dataset': dataset, 'strategy': strategy, 'seed': seed,
                     'criterion': name, 'stop_round': stop_round,
                     'stop_labels': None if at_stop is None else at_stop['num_labels'],
                     f'{metric}_at_stop': None if at_stop is None else at_stop[metric],
                     f'final_{metric}': final})
    return rows


def stopping_columns(metric):
    """Return the columns of stopping.csv for the learning-curve metric ``metric``."""
    return ('dataset', 'strategy', 'seed', 'criterion', 'stop_round', 'stop_labels',
            f'{metric}_at_stop', f'final_{metric}')
