"""Environment switches and availability checks."""
import importlib
import os

OFFLINE_MODE_VARIABLE = 'SMALL_TEXT_OFFLINE'
PROGRESS_BARS_VARIABLE = 'SMALL_TEXT_PROGRESS_BARS'
TMP_DIR_VARIABLE = 'SMALL_TEXT_TEMP'


def get_offline_mode():
    """Return True iff ``SMALL_TEXT_OFFLINE`` is set (to any value)."""
    return OFFLINE_MODE_VARIABLE in os.environ


def get_show_progress_bar_default():
    """Return False iff ``SMALL_TEXT_PROGRESS_BARS`` is ``'0'`` or ``'false'`` (any case)."""
    value = os.environ.get(PROGRESS_BARS_VARIABLE)
    return not (value is not None and (value == '0' or value.lower() == 'false'))


def get_tmp_dir_base():
    """Return the value of ``SMALL_TEXT_TEMP`` or None."""
    return os.environ.get(TMP_DIR_VARIABLE)


def _is_importable(name):
    try:
        importlib.import_module(name)
        return True
    except ImportError:
        return False


def is_pytorch_available():
    """Return True iff ``torch`` can be imported."""
    return _is_importable('torch')


def is_transformers_available():
    """Return True iff ``transformers`` can be imported."""
    return _is_importable('transformers')
