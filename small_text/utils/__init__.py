"""Utilities shared by the components of small-text.

Names are resolved lazily, so importing a light submodule (e.g. ``small_text.utils.system``)
does not import scikit-learn.
"""
import importlib

_NAME_TO_MODULE = {
    'DeprecationError': 'annotations',
    'ExperimentalWarning': 'annotations',
    'prediction_result': 'classification',
    'empty_result': 'classification',
    'init_kmeans_plusplus_safe': 'clustering',
    'NullProgressBar': 'context',
    'build_pbar_context': 'context',
    'check_training_data': 'data',
    'list_length': 'data',
    'get_num_labels': 'labels',
    'csr_to_list': 'labels',
    'list_to_csr': 'labels',
    'verbosity_logger': 'logging',
    'VerbosityLogger': 'logging',
    'VERBOSITY_QUIET': 'logging',
    'VERBOSITY_VERBOSE': 'logging',
    'VERBOSITY_MORE_VERBOSE': 'logging',
    'VERBOSITY_ALL': 'logging',
    'get_tmp_dir_base': 'system',
    'TMP_DIR_VARIABLE': 'system',
}

__all__ = list(_NAME_TO_MODULE)


def __getattr__(name):
    if name not in _NAME_TO_MODULE:
        raise AttributeError(f'module {__name__!r} has no attribute {name!r}')
    value = getattr(importlib.import_module(f'{__name__}.{_NAME_TO_MODULE[name]}'), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
