"""Module-level ``__getattr__`` for integration names whose extra is not installed."""
import importlib.util

from small_text.base import _missing_extra_message


def _make_missing_getattr(module_name, names, extra, modules, error_class, special=None):
    """Return a module ``__getattr__`` that raises ``error_class`` for ``names``.

    The error names the missing ones of ``modules`` and the extra that installs them.
    ``special`` maps a name to its own ``(extra, modules)`` where those differ (the SetFit
    names need the ``setfit`` extra). Any other name raises ``AttributeError``.
    """
    special = {} if special is None else special

    def __getattr__(name):
        if name in names:
            name_extra, name_modules = special.get(name, (extra, modules))
            missing = [m for m in name_modules if importlib.util.find_spec(m) is None]
            raise error_class(_missing_extra_message(name, missing or name_modules, name_extra))
        raise AttributeError(f'module {module_name!r} has no attribute {name!r}')
    return __getattr__
