"""The error raised for bad experiment input."""


class ExperimentError(ValueError):
    """Bad experiment input: a missing file, an unknown column, an invalid option value, ...

    The message is one line that says what was wrong and how to fix it; the command line
    prints it and exits with status 2.
    """


class ExperimentInterrupted(KeyboardInterrupt):
    """An experiment was interrupted (Ctrl-C); its finished rounds are saved in ``out``
    (if it had an output folder; ``out`` is None otherwise).

    A :class:`KeyboardInterrupt`, so code that handles interrupts keeps working.
    """

    def __init__(self, out):
        super().__init__(f'experiment interrupted; partial results are in {out}'
                         if out is not None else
                         'experiment interrupted; nothing was saved (it had no output folder)')
        self.out = out
