"""How pretrained models are loaded. Needs neither torch nor transformers."""
import os
from enum import Enum
from pathlib import Path
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


_TRUE_VALUES = ('1', 'true', 'yes', 'on')


def _hub_offline():
    """True if ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE`` is set to a true value."""
    return any(os.environ.get(name, '').strip().lower() in _TRUE_VALUES
               for name in ('HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'))


def _check_model_loading_strategy(model_loading_strategy):
    """Return the strategy, resolving None to :func:`get_default_model_loading_strategy`
    (at call time, so that a later ``SMALL_TEXT_OFFLINE`` is honoured); raise a ValueError
    for anything but a member of :class:`ModelLoadingStrategy` (compared by value)."""
    if model_loading_strategy is None:
        return get_default_model_loading_strategy()
    try:  # by value, so that a member of a reloaded copy of the enum is accepted
        return ModelLoadingStrategy(getattr(model_loading_strategy, 'value', None))
    except ValueError:
        raise ValueError(f'model_loading_strategy must be a ModelLoadingStrategy, got '
                         f'{model_loading_strategy!r}.') from None


def _check_managed_kwargs(name, kwargs, managed):
    """Raise a ValueError if the keyword-argument dict ``kwargs`` (called ``name``) contains
    one of the keys in ``managed``, which small-text sets itself."""
    for key in kwargs:
        if key in managed:
            raise ValueError(f'Cannot override managed keyword argument in {name}: {key} '
                             f'(small-text sets {", ".join(managed)}); remove it from {name}.')


def _loading_arguments(model_loading_strategy):
    """Return the :class:`PretrainedModelLoadingArguments` of a strategy.

    ``DEFAULT`` gives ``local_files_only=True`` when ``TRANSFORMERS_OFFLINE`` (or
    ``HF_HUB_OFFLINE``) is set, so that no loader waits for the network.
    """
    if model_loading_strategy == ModelLoadingStrategy.ALWAYS_LOCAL:
        return PretrainedModelLoadingArguments(local_files_only=True)
    if model_loading_strategy == ModelLoadingStrategy.ALWAYS_DOWNLOAD:
        return PretrainedModelLoadingArguments(force_download=True)
    return PretrainedModelLoadingArguments(local_files_only=_hub_offline())


def _looks_like_path(name):
    """True if ``name`` can only be a file system path, not a hub id (``name`` or
    ``org/name``)."""
    return (os.path.isabs(name) or name.startswith(('.', '~')) or '\\' in name
            or name.endswith('/') or name.count('/') > 1)


def _resolve_pretrained(name_or_path, loading_args, cache_dir, what='model'):
    """Check that a pretrained model can be loaded without waiting for the network.

    Parameters
    ----------
    name_or_path : str or os.PathLike
        A local folder or a Hugging Face hub id.
    loading_args : PretrainedModelLoadingArguments
        The loader flags.
    cache_dir : str or None
        The cache folder passed to the loaders.
    what : str, default='model'
        How to call the thing in the error message.

    Returns
    -------
    name_or_path, cache_dir : str, str or None
        The (expanded) name or path, and the cache folder to use: a hub id that is cached
        only in the default Hugging Face cache, not in ``cache_dir``, is loaded from there.

    Raises
    ------
    FileNotFoundError
        If ``name_or_path`` is a path that does not exist, or a hub id without a local copy
        while downloads are off (offline mode or ``local_files_only``). Raised before any
        loader runs, so it never waits for a network timeout.
    """
    name = os.fspath(name_or_path)
    expanded = os.path.expanduser(name)
    if os.path.isdir(expanded):
        return expanded, cache_dir
    if _looks_like_path(name) or os.path.exists(expanded):
        raise FileNotFoundError(
            f'Cannot load the {what} {name!r}: there is no such folder. Pass the path of a '
            f'folder that holds a model saved with save_pretrained() (config.json, the '
            f'weights and the tokenizer files), or a Hugging Face hub id.')
    offline = loading_args.local_files_only or _hub_offline()
    if not offline or loading_args.force_download:
        return name, cache_dir
    for candidate in _unique([cache_dir, None]):
        if _is_cached(name, candidate):
            return name, candidate
    raise FileNotFoundError(
        f'Cannot load the {what} {name!r}: it is neither a local folder nor in the Hugging '
        f'Face cache{"" if cache_dir is None else f" ({cache_dir!r} or the default cache)"}, '
        f'and downloads are off (HF_HUB_OFFLINE/TRANSFORMERS_OFFLINE, SMALL_TEXT_OFFLINE or '
        f'ModelLoadingStrategy.ALWAYS_LOCAL). Pass the path of a folder saved with '
        f'save_pretrained(), or download the model once while online (e.g. '
        f'`huggingface-cli download {name}`).')


def _unique(values):
    result = []
    for value in values:
        if value not in result:
            result.append(value)
    return result


def _is_cached(repo_id, cache_dir):
    from huggingface_hub import try_to_load_from_cache
    try:
        cached = try_to_load_from_cache(repo_id, 'config.json',
                                        cache_dir=None if cache_dir is None else Path(cache_dir))
    except ValueError:  # not a valid repo id
        return False
    return isinstance(cached, str)
