"""Active-learning experiments: ``small-text experiment`` and :func:`run_experiment`.

Not imported by ``import small_text``; import it explicitly::

    from small_text.experiments import run_experiment
    results = run_experiment(rounds=5, strategies='random,breaking-ties')
    print(results.summary_table)
"""
from small_text.experiments.config import ExperimentConfig, read_config_file
from small_text.experiments.exceptions import ExperimentError, ExperimentInterrupted
from small_text.experiments.runner import ExperimentResults, run_experiment

__all__ = ['ExperimentConfig', 'ExperimentError', 'ExperimentInterrupted', 'ExperimentResults',
           'read_config_file', 'run_experiment']
