"""Tests for small_text.utils.context (core.md §9.4)."""
from unittest import mock

import pytest
import tqdm

from small_text.utils.context import NullProgressBar, build_pbar_context


def test_null_progress_bar_enter_returns_self():
    pbar = NullProgressBar()
    with pbar as entered:
        assert entered is pbar


def test_null_progress_bar_update_is_noop():
    with NullProgressBar() as pbar:
        assert pbar.update(5) is None


def test_null_progress_bar_does_not_swallow_exceptions():
    with pytest.raises(KeyError):
        with NullProgressBar():
            raise KeyError('boom')


def test_build_pbar_context_enabled_returns_tqdm():
    pbar = build_pbar_context(True, tqdm_kwargs={'total': 3, 'disable': True})
    try:
        assert isinstance(pbar, tqdm.tqdm)
        assert pbar.total == 3
    finally:
        pbar.close()


def test_build_pbar_context_passes_kwargs():
    with mock.patch('tqdm.tqdm') as tqdm_mock:
        result = build_pbar_context(True, tqdm_kwargs={'total': 10, 'desc': 'x'})
    tqdm_mock.assert_called_once_with(total=10, desc='x')
    assert result is tqdm_mock.return_value


def test_build_pbar_context_default_kwargs():
    with mock.patch('tqdm.tqdm') as tqdm_mock:
        build_pbar_context(True)
    tqdm_mock.assert_called_once_with()


@pytest.mark.parametrize('pbar_enabled', ['tqdm', False, None, 1])
def test_build_pbar_context_anything_but_true_is_null(pbar_enabled):
    with mock.patch('tqdm.tqdm') as tqdm_mock:
        result = build_pbar_context(pbar_enabled, tqdm_kwargs={'total': 10})
    assert isinstance(result, NullProgressBar)
    tqdm_mock.assert_not_called()
