"""Errors for a missing PyTorch installation. Importable without torch."""
from small_text.exceptions import MissingOptionalDependencyError


class PytorchNotFoundError(ImportError, MissingOptionalDependencyError):
    """PyTorch is required but not installed.

    Derives from both :class:`ImportError` (small-text 2.0's behaviour) and
    :class:`~small_text.exceptions.MissingOptionalDependencyError`, so either ``except``
    catches it.
    """

    def __init__(self, msg='Could not import pytorch: this feature needs torch, which is not '
                           'installed: pip install "small-text[pytorch]"', *args, **kwargs):
        super().__init__(msg, *args, **kwargs)
