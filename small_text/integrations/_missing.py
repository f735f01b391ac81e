"""Module-level ``__getattr__`` for integration names whose extra is not installed."""
import importlib.util


def _make_missing_getattr(module_name, names, extra, modules, error_class):
    """Return a module ``__getattr__`` that raises ``error_class`` for ``names``.

    The error names the missing ones of ``modules`` and the extra that installs them. Any
    other name raises ``AttributeError``.
    """
    def __getattr__(name):
        if name in names:
            missing = [m for m in modules if importlib.util.find_spec(m) is None]
            raise error_class(f'{name} needs {" and ".join(missing) or " and ".join(modules)}, '
                              f'which is not installed: pip install "small-text[{extra}]"')
        raise AttributeError(f'module {module_name!r} has no attribute {name!r}')
    return __getattr__
