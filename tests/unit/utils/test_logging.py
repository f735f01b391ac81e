"""Tests for small_text.utils.logging (core.md §9.8)."""
import logging
import uuid
import warnings
from unittest import mock

import pytest

from small_text.utils.logging import (
    VERBOSITY_ALL,
    VERBOSITY_MORE_VERBOSE,
    VERBOSITY_QUIET,
    VERBOSITY_VERBOSE,
    VerbosityLogger,
    verbosity_logger,
)

SIMPLE_METHODS = ['debug', 'info', 'warning', 'error', 'critical']


def _logger(verbosity=VERBOSITY_VERBOSE):
    return VerbosityLogger(f'small_text.test.{uuid.uuid4().hex}', verbosity=verbosity)


class _RecordingHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_verbosity_constants():
    assert VERBOSITY_QUIET == 0
    assert VERBOSITY_VERBOSE == 10
    assert VERBOSITY_MORE_VERBOSE == 20
    assert VERBOSITY_ALL == 100


def test_verbosity_logger_defaults():
    logger = VerbosityLogger('small_text.test.defaults')
    assert isinstance(logger, logging.Logger)
    assert logger.verbosity == VERBOSITY_VERBOSE
    assert logger.level == logging.NOTSET
    assert logger.name == 'small_text.test.defaults'


def test_verbosity_logger_init_arguments():
    logger = VerbosityLogger('x', level=logging.ERROR, verbosity=VERBOSITY_ALL)
    assert logger.level == logging.ERROR
    assert logger.verbosity == VERBOSITY_ALL


@pytest.mark.parametrize('method', SIMPLE_METHODS)
def test_message_forwarded_with_default_verbosity(method):
    with mock.patch(f'small_text.utils.logging.Logger.{method}') as method_mock:
        getattr(_logger(VERBOSITY_VERBOSE), method)('msg')
    method_mock.assert_called_with('msg')


@pytest.mark.parametrize('method', SIMPLE_METHODS)
def test_message_forwarded_with_args_and_kwargs(method):
    with mock.patch(f'small_text.utils.logging.Logger.{method}') as method_mock:
        getattr(_logger(VERBOSITY_ALL), method)('msg %s %d', 'a', 1, extra={'k': 'v'},
                                                verbosity=VERBOSITY_MORE_VERBOSE)
    method_mock.assert_called_with('msg %s %d', 'a', 1, extra={'k': 'v'})


@pytest.mark.parametrize('method', SIMPLE_METHODS)
def test_message_dropped_above_logger_verbosity(method):
    with mock.patch(f'small_text.utils.logging.Logger.{method}') as method_mock:
        getattr(_logger(VERBOSITY_VERBOSE), method)('msg', verbosity=VERBOSITY_MORE_VERBOSE)
    method_mock.assert_not_called()


@pytest.mark.parametrize('method', SIMPLE_METHODS)
def test_message_forwarded_at_equal_verbosity(method):
    with mock.patch(f'small_text.utils.logging.Logger.{method}') as method_mock:
        getattr(_logger(VERBOSITY_MORE_VERBOSE), method)('msg', verbosity=VERBOSITY_MORE_VERBOSE)
    method_mock.assert_called_with('msg')


@pytest.mark.parametrize('method', SIMPLE_METHODS)
def test_quiet_logger_drops_default_messages(method):
    with mock.patch(f'small_text.utils.logging.Logger.{method}') as method_mock:
        getattr(_logger(VERBOSITY_QUIET), method)('msg')
    method_mock.assert_not_called()


def test_exception_forwards_exc_info():
    with mock.patch('small_text.utils.logging.Logger.exception') as exception_mock:
        _logger().exception('msg')
    exception_mock.assert_called_with('msg', exc_info=True)


def test_exception_forwards_given_exc_info():
    with mock.patch('small_text.utils.logging.Logger.exception') as exception_mock:
        _logger().exception('msg %s', 'x', exc_info=False)
    exception_mock.assert_called_with('msg %s', 'x', exc_info=False)


def test_exception_dropped():
    with mock.patch('small_text.utils.logging.Logger.exception') as exception_mock:
        _logger(VERBOSITY_QUIET).exception('msg')
    exception_mock.assert_not_called()


def test_log_forwards_level():
    with mock.patch('small_text.utils.logging.Logger.log') as log_mock:
        _logger().log(logging.INFO, 'msg %s', 'x')
    log_mock.assert_called_with(logging.INFO, 'msg %s', 'x')


def test_log_dropped():
    with mock.patch('small_text.utils.logging.Logger.log') as log_mock:
        _logger(VERBOSITY_VERBOSE).log(logging.INFO, 'msg', verbosity=VERBOSITY_ALL)
    log_mock.assert_not_called()


@pytest.mark.parametrize('logger_verbosity, message_verbosity, emitted', [
    (VERBOSITY_VERBOSE, VERBOSITY_VERBOSE, True),
    (VERBOSITY_VERBOSE, VERBOSITY_MORE_VERBOSE, False),
    (VERBOSITY_ALL, VERBOSITY_MORE_VERBOSE, True),
    (VERBOSITY_QUIET, VERBOSITY_VERBOSE, False),
])
def test_warn_filters_by_verbosity(logger_verbosity, message_verbosity, emitted):
    logger = _logger(logger_verbosity)
    handler = _RecordingHandler()
    logger.addHandler(handler)
    logger.propagate = False
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        logger.warn('msg %s', 'x', verbosity=message_verbosity)
    if emitted:
        assert [(r.levelno, r.getMessage()) for r in handler.records] == [(logging.WARNING,
                                                                           'msg x')]
    else:
        assert handler.records == []


def test_messages_reach_handlers():
    logger = _logger(VERBOSITY_MORE_VERBOSE)
    logger.setLevel(logging.DEBUG)
    handler = _RecordingHandler()
    logger.addHandler(handler)
    logger.propagate = False
    logger.info('kept %d', 1, verbosity=VERBOSITY_MORE_VERBOSE)
    logger.info('dropped', verbosity=VERBOSITY_ALL)
    logger.debug('kept too')
    assert [r.getMessage() for r in handler.records] == ['kept 1', 'kept too']


def test_verbosity_logger_context_sets_and_restores_class():
    previous = logging.getLoggerClass()
    with verbosity_logger():
        assert logging.getLoggerClass() is VerbosityLogger
        logger = logging.getLogger(f'small_text.test.{uuid.uuid4().hex}')
        assert isinstance(logger, VerbosityLogger)
    assert logging.getLoggerClass() is previous


def test_verbosity_logger_context_restores_a_custom_class():
    class CustomLogger(logging.Logger):
        pass

    previous = logging.getLoggerClass()
    logging.setLoggerClass(CustomLogger)
    try:
        with verbosity_logger():
            assert logging.getLoggerClass() is VerbosityLogger
        assert logging.getLoggerClass() is CustomLogger
    finally:
        logging.setLoggerClass(previous)


def test_verbosity_logger_context_restores_on_error():
    previous = logging.getLoggerClass()
    with pytest.raises(RuntimeError, match='inside'):
        with verbosity_logger():
            raise RuntimeError('inside')
    assert logging.getLoggerClass() is previous
