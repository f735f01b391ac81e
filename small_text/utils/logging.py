"""A logger whose messages are filtered by a verbosity level."""
import contextlib
import logging
from logging import Logger

VERBOSITY_QUIET = 0
VERBOSITY_VERBOSE = 10
VERBOSITY_MORE_VERBOSE = 20
VERBOSITY_ALL = 100


class VerbosityLogger(Logger):
    """A :class:`logging.Logger` that only emits a message if ``self.verbosity`` is at least
    the message's ``verbosity``.

    Parameters
    ----------
    name : str
        Logger name.
    level : int, default=logging.NOTSET
        Logging level.
    verbosity : int, default=VERBOSITY_VERBOSE
        Messages with a higher verbosity than this are dropped.
    """

    def __init__(self, name, level=logging.NOTSET, verbosity=VERBOSITY_VERBOSE):
        super().__init__(name, level=level)
        self.verbosity = verbosity

    def _enabled_for(self, verbosity):
        return self.verbosity >= verbosity

    def debug(self, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().debug(msg, *args, **kwargs)

    def info(self, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().info(msg, *args, **kwargs)

    def warning(self, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().warning(msg, *args, **kwargs)

    def warn(self, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().warn(msg, *args, **kwargs)

    def error(self, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().error(msg, *args, **kwargs)

    def exception(self, msg, *args, exc_info=True, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().exception(msg, *args, exc_info=exc_info, **kwargs)

    def critical(self, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().critical(msg, *args, **kwargs)

    def log(self, level, msg, *args, verbosity=VERBOSITY_VERBOSE, **kwargs):
        if self._enabled_for(verbosity):
            super().log(level, msg, *args, **kwargs)


@contextlib.contextmanager
def verbosity_logger():
    """Make :class:`VerbosityLogger` the logger class while the block runs."""
    previous = logging.getLoggerClass()
    logging.setLoggerClass(VerbosityLogger)
    try:
        yield
    finally:
        logging.setLoggerClass(previous)
