"""Tests of the RegexTokenizer (needs no torch)."""
import pytest

from small_text.integrations.pytorch.vocabulary import Encoding, RegexTokenizer


def test_fit_orders_vocabulary_by_frequency_then_alphabetically():
    tokenizer = RegexTokenizer().fit(['A good film.', 'A bad film!'])
    assert tokenizer.get_vocab() == {'[PAD]': 0, '[UNK]': 1, 'a': 2, 'film': 3, '!': 4, '.': 5,
                                     'bad': 6, 'good': 7}
    assert tokenizer.get_vocab_size() == 8


def test_encode_maps_unknown_tokens_to_unk_id():
    tokenizer = RegexTokenizer().fit(['a good film'])
    encoding = tokenizer.encode('A good plot')
    assert isinstance(encoding, Encoding)
    assert encoding.tokens == ['a', 'good', 'plot']
    assert encoding.ids == [tokenizer.token_to_id('a'), tokenizer.token_to_id('good'),
                            RegexTokenizer.UNK_TOKEN_ID]


def test_encode_batch_equals_encode():
    tokenizer = RegexTokenizer().fit(['x y z', 'y z'])
    assert tokenizer.encode_batch(['x y', 'q']) == [tokenizer.encode('x y'), tokenizer.encode('q')]


def test_lowercase_false_keeps_case():
    tokenizer = RegexTokenizer(lowercase=False).fit(['Film film'])
    assert tokenizer.token_to_id('Film') is not None
    assert tokenizer.token_to_id('film') is not None


def test_custom_pattern():
    assert RegexTokenizer(pattern=r'\S+').tokenize('good, film!') == ['good,', 'film!']


def test_min_frequency_and_max_vocab_size():
    texts = ['a a a b b c']
    assert set(RegexTokenizer(min_frequency=2).fit(texts).get_vocab()) == {'[PAD]', '[UNK]',
                                                                          'a', 'b'}
    assert set(RegexTokenizer(max_vocab_size=3).fit(texts).get_vocab()) == {'[PAD]', '[UNK]',
                                                                           'a'}


def test_special_tokens_in_text_are_not_duplicated():
    tokenizer = RegexTokenizer(pattern=r'\S+', lowercase=False).fit(['[PAD] x'])
    assert tokenizer.get_vocab() == {'[PAD]': 0, '[UNK]': 1, 'x': 2}


def test_unfitted_tokenizer_raises():
    with pytest.raises(ValueError, match='not fitted'):
        RegexTokenizer().encode('text')


@pytest.mark.parametrize('kwargs, match', [
    (dict(min_frequency=0), 'min_frequency'),
    (dict(max_vocab_size=1), 'max_vocab_size'),
])
def test_invalid_settings_raise_on_fit(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RegexTokenizer(**kwargs).fit(['a'])


def test_repr():
    assert repr(RegexTokenizer()).startswith('RegexTokenizer(pattern=')
