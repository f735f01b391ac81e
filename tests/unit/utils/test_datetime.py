"""Tests for small_text.utils.datetime (core.md §9.6)."""
from datetime import timedelta

import pytest

from small_text.utils.datetime import format_timedelta


@pytest.mark.parametrize('td, expected', [
    (timedelta(hours=9, seconds=59), '09:00:59'),
    (timedelta(0), '00:00:00'),
    (timedelta(seconds=5), '00:00:05'),
    (timedelta(minutes=12, seconds=3), '00:12:03'),
    (timedelta(hours=23, minutes=59, seconds=59), '23:59:59'),
    (timedelta(seconds=1, microseconds=999999), '00:00:01'),
])
def test_format_timedelta(td, expected):
    assert format_timedelta(td) == expected


@pytest.mark.parametrize('td, expected', [
    (timedelta(days=1), '00:00:00'),
    (timedelta(days=2, hours=1, minutes=2, seconds=3), '01:02:03'),
    (timedelta(hours=25), '01:00:00'),
])
def test_format_timedelta_drops_days(td, expected):
    assert format_timedelta(td) == expected


@pytest.mark.parametrize('td', [timedelta(seconds=-1), timedelta(days=-3),
                                timedelta(microseconds=-1)])
def test_format_timedelta_negative(td):
    with pytest.raises(ValueError, match='^timedelta must be positive$'):
        format_timedelta(td)
