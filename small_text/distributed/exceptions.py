"""Errors of the Dask integration. Importable without Dask."""
from small_text.exceptions import MissingOptionalDependencyError


class DaskNotFoundError(ImportError, MissingOptionalDependencyError):
    """Dask (``dask[distributed]``) is required but not installed.

    Derives from both :class:`ImportError` and
    :class:`~small_text.exceptions.MissingOptionalDependencyError`, so either ``except``
    catches it.
    """

    def __init__(self, msg='Dask is not installed. Install the Dask integration with: '
                           'pip install "small-text[dask]"', *args, **kwargs):
        super().__init__(msg, *args, **kwargs)
