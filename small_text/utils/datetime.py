"""Formatting of time spans."""


def format_timedelta(td):
    """Format ``td`` as ``'HH:MM:SS'`` from ``td.seconds`` (whole days are dropped).

    Raises
    ------
    ValueError
        If ``td`` is negative.
    """
    if td.days < 0:
        raise ValueError('timedelta must be positive')
    hours, remainder = divmod(td.seconds, 3600)
    minutes, seconds = divmod(remainder, 60)
    return f'{hours:02d}:{minutes:02d}:{seconds:02d}'
