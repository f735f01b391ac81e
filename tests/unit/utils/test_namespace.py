"""The public names of small_text.utils (core.md §1 group 8)."""
import small_text.utils as utils

EXPECTED_ALL = [
    'DeprecationError', 'ExperimentalWarning', 'prediction_result', 'empty_result',
    'init_kmeans_plusplus_safe', 'NullProgressBar', 'build_pbar_context', 'check_training_data',
    'list_length', 'get_num_labels', 'csr_to_list', 'list_to_csr', 'verbosity_logger',
    'VerbosityLogger', 'VERBOSITY_QUIET', 'VERBOSITY_VERBOSE', 'VERBOSITY_MORE_VERBOSE',
    'VERBOSITY_ALL', 'get_tmp_dir_base', 'TMP_DIR_VARIABLE',
]


def test_utils_all():
    assert utils.__all__ == EXPECTED_ALL


def test_utils_names_are_bound():
    for name in EXPECTED_ALL:
        assert hasattr(utils, name), name


def test_utils_names_come_from_submodules():
    from small_text.utils import annotations, classification, labels, logging, system
    assert utils.DeprecationError is annotations.DeprecationError
    assert utils.prediction_result is classification.prediction_result
    assert utils.list_to_csr is labels.list_to_csr
    assert utils.VerbosityLogger is logging.VerbosityLogger
    assert utils.TMP_DIR_VARIABLE == system.TMP_DIR_VARIABLE == 'SMALL_TEXT_TEMP'
