"""How pretrained models are loaded. Needs neither torch nor transformers."""
from enum import Enum
from typing import NamedTuple

from small_text.utils.system import get_offline_mode


class ModelLoadingStrategy(Enum):
    """Whether pretrained models may be downloaded.

    ``DEFAULT`` downloads when needed (local files only if ``TRANSFORMERS_OFFLINE=1``),
    ``ALWAYS_LOCAL`` never downloads, ``ALWAYS_DOWNLOAD`` forces a download.
    """
    DEFAULT = 'default'
    ALWAYS_LOCAL = 'always-local'
    ALWAYS_DOWNLOAD = 'always-download'


class PretrainedModelLoadingArguments(NamedTuple):
    """Flags passed to the config, tokenizer and model loaders."""
    force_download: bool = False
    local_files_only: bool = False


def get_default_model_loading_strategy():
    """Return ``ALWAYS_LOCAL`` if ``SMALL_TEXT_OFFLINE`` is set, else ``DEFAULT``."""
    if get_offline_mode():
        return ModelLoadingStrategy.ALWAYS_LOCAL
    return ModelLoadingStrategy.DEFAULT
