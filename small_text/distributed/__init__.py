"""Scale-out on Dask. Needs the extra ``dask``: ``pip install "small-text[dask]"``.

:func:`select_top_n` scores a pool that is too large for one process, partition by partition
on Dask workers, and returns the ids of the ``n`` best texts for a score-based query strategy.
:func:`random_scores` defines the partition-independent random order that
:func:`select_top_n` uses for :class:`~small_text.query_strategies.RandomSampling`.

Importing this package does not import Dask; Dask is imported when :func:`select_top_n` runs.
Without Dask installed, accessing a name that needs it raises
:class:`~small_text.exceptions.MissingOptionalDependencyError` (also an :class:`ImportError`)
naming the extra to install.
"""
import importlib
import importlib.util

from small_text.distributed.exceptions import DaskNotFoundError

_MODULE_OF_NAME = {
    'select_top_n': 'small_text.distributed.scoring',
    'random_scores': 'small_text.distributed.scoring',
    'DaskNotFoundError': 'small_text.distributed.exceptions',
}

_NEEDS_DASK = frozenset(['select_top_n'])

__all__ = ['select_top_n', 'random_scores', 'DaskNotFoundError']


def is_dask_available():
    """Return True iff ``dask`` and ``distributed`` are installed (the extra ``dask``)."""
    return (importlib.util.find_spec('dask') is not None
            and importlib.util.find_spec('distributed') is not None)


def __getattr__(name):
    module_name = _MODULE_OF_NAME.get(name)
    if module_name is None:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    if name in _NEEDS_DASK and not is_dask_available():
        raise DaskNotFoundError(f'{name} needs dask[distributed], which is not installed: '
                                f'pip install "small-text[dask]"')
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value
