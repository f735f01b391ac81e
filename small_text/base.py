"""Constants and the optional-dependency check."""
import importlib.metadata

import numpy as np

from small_text.exceptions import MissingOptionalDependencyError

LABEL_UNLABELED = -1
"""Label that marks a sample without a label."""

LABEL_IGNORED = -np.inf
"""Pass this value in :meth:`PoolBasedActiveLearner.update` to ignore a sample."""

OPTIONAL_DEPENDENCIES = {
    'hnswlib': 'hnswlib',
    'setfit': 'setfit',
}
"""Maps a requirement name to the distribution whose installation is checked."""

_EXTRA_FOR_DEPENDENCY = {
    'hnswlib': 'hnswlib',
    'setfit': 'setfit',
}


def _missing_extra_message(subject, modules, extra):
    """Return the one message used for everything that needs an extra which is missing.

    ``subject`` is what the user asked for (a class name, ``"strategy 'badge'"``, ...),
    ``modules`` the missing importable modules and ``extra`` the extra that installs them.
    """
    modules = list(modules)
    if len(modules) > 1:
        names, verb = f'{", ".join(modules[:-1])} and {modules[-1]}', 'are'
    else:
        names, verb = modules[0], 'is'
    return (f'{subject} needs {names}, which {verb} not installed: '
            f'pip install "small-text[{extra}]"')


def check_optional_dependency(dependency_name):
    """Raise unless the optional dependency ``dependency_name`` is installed.

    Parameters
    ----------
    dependency_name : str
        A key of :data:`OPTIONAL_DEPENDENCIES`.

    Raises
    ------
    ValueError
        If the name is not registered.
    MissingOptionalDependencyError
        If the registered distribution is not installed.
    """
    if dependency_name not in OPTIONAL_DEPENDENCIES:
        raise ValueError(f'The given dependency \'{dependency_name}\' is not registered as '
                         f'an optional dependency.')
    try:
        importlib.metadata.distribution(OPTIONAL_DEPENDENCIES[dependency_name])
    except importlib.metadata.PackageNotFoundError:
        extra = _EXTRA_FOR_DEPENDENCY.get(dependency_name, dependency_name)
        raise MissingOptionalDependencyError(
            f'The optional dependency \'{dependency_name}\' is required to use this '
            f'functionality. Install it with: pip install "small-text[{extra}]"') from None
