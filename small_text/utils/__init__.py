"""Utilities shared by the components of small-text."""
from small_text.utils.annotations import DeprecationError, ExperimentalWarning
from small_text.utils.classification import empty_result, prediction_result
from small_text.utils.clustering import init_kmeans_plusplus_safe
from small_text.utils.context import NullProgressBar, build_pbar_context
from small_text.utils.data import check_training_data, list_length
from small_text.utils.labels import csr_to_list, get_num_labels, list_to_csr
from small_text.utils.logging import (
    VERBOSITY_ALL,
    VERBOSITY_MORE_VERBOSE,
    VERBOSITY_QUIET,
    VERBOSITY_VERBOSE,
    VerbosityLogger,
    verbosity_logger,
)
from small_text.utils.system import TMP_DIR_VARIABLE, get_tmp_dir_base

__all__ = [
    'DeprecationError', 'ExperimentalWarning', 'prediction_result', 'empty_result',
    'init_kmeans_plusplus_safe', 'NullProgressBar', 'build_pbar_context', 'check_training_data',
    'list_length', 'get_num_labels', 'csr_to_list', 'list_to_csr', 'verbosity_logger',
    'VerbosityLogger', 'VERBOSITY_QUIET', 'VERBOSITY_VERBOSE', 'VERBOSITY_MORE_VERBOSE',
    'VERBOSITY_ALL', 'get_tmp_dir_base', 'TMP_DIR_VARIABLE',
]
