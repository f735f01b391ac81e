"""Progress-bar contexts."""


class NullProgressBar:
    """A progress bar that does nothing; usable as a context manager."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        return None

    def update(self, n=1):
        """Do nothing."""


def build_pbar_context(pbar_enabled, tqdm_kwargs=dict()):
    """Return a ``tqdm`` progress bar iff ``pbar_enabled is True``, else a :class:`NullProgressBar`.

    ``tqdm_kwargs`` (not modified) are passed to ``tqdm``; None means no arguments.
    """
    if pbar_enabled is True:
        from tqdm import tqdm
        return tqdm(**(tqdm_kwargs or {}))
    return NullProgressBar()
