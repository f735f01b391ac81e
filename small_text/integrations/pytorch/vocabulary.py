"""A small regex tokenizer with a vocabulary learned from texts.

It needs neither torch nor the ``tokenizers`` package. It mimics the part of the interface of a
``tokenizers.Tokenizer`` that :meth:`PytorchTextClassificationDataset.from_arrays
<small_text.integrations.pytorch.datasets.PytorchTextClassificationDataset.from_arrays>` uses
(``encode(text).ids`` and ``encode_batch(texts)``), so either can be passed there.
"""
import re
from collections import Counter
from typing import List, NamedTuple


class Encoding(NamedTuple):
    """The result of :meth:`RegexTokenizer.encode`."""

    ids: List[int]
    """Token ids."""

    tokens: List[str]
    """Tokens (before the vocabulary lookup)."""


class RegexTokenizer:
    """Splits texts with a regular expression and maps the tokens to ids of a vocabulary.

    The vocabulary is learned by :meth:`fit`. Id 0 is the padding token ``'[PAD]'`` (matching
    the default ``padding_idx=0`` of
    :class:`~small_text.integrations.pytorch.KimCNNClassifier`), id 1 the unknown token
    ``'[UNK]'``; the learned tokens follow, most frequent first (ties in alphabetical order).

    Parameters
    ----------
    pattern : str, default=r"\\w+|[^\\w\\s]"
        Regular expression whose matches are the tokens. The default keeps runs of word
        characters and single punctuation characters.
    lowercase : bool, default=True
        Lower-case texts before tokenizing.
    min_frequency : int, default=1
        Tokens seen fewer times than this in :meth:`fit` are left out of the vocabulary.
    max_vocab_size : int or None, default=None
        Upper bound of the vocabulary size (special tokens included); None means no bound.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        The token ids, set by :meth:`fit`.

    Examples
    --------
    >>> tokenizer = RegexTokenizer().fit(['A good film.', 'A bad film!'])
    >>> tokenizer.encode('a good plot').ids
    [2, 7, 1]
    """

    PAD_TOKEN = '[PAD]'
    UNK_TOKEN = '[UNK]'
    PAD_TOKEN_ID = 0
    UNK_TOKEN_ID = 1

    def __init__(self, pattern=r'\w+|[^\w\s]', lowercase=True, min_frequency=1,
                 max_vocab_size=None):
        self.pattern = pattern
        self.lowercase = lowercase
        self.min_frequency = min_frequency
        self.max_vocab_size = max_vocab_size

    def fit(self, texts):
        """Learn the vocabulary from ``texts``.

        Parameters
        ----------
        texts : iterable of str
            The texts.

        Returns
        -------
        self : RegexTokenizer

        Raises
        ------
        ValueError
            If ``min_frequency < 1`` or ``max_vocab_size < 2``.
        """
        if self.min_frequency < 1:
            raise ValueError(f'min_frequency must be at least 1, got {self.min_frequency}.')
        if self.max_vocab_size is not None and self.max_vocab_size < 2:
            raise ValueError(f'max_vocab_size must be None or at least 2 (the two special '
                             f'tokens), got {self.max_vocab_size}.')
        counts = Counter(token for text in texts for token in self.tokenize(text))
        specials = [self.PAD_TOKEN, self.UNK_TOKEN]
        tokens = sorted((token for token, count in counts.items()
                         if count >= self.min_frequency and token not in specials),
                        key=lambda token: (-counts[token], token))
        if self.max_vocab_size is not None:
            tokens = tokens[:self.max_vocab_size - len(specials)]
        self.vocabulary_ = {token: i for i, token in enumerate(specials + tokens)}
        return self

    def tokenize(self, text):
        """Split ``text`` into tokens (no vocabulary lookup).

        Parameters
        ----------
        text : str
            The text.

        Returns
        -------
        tokens : list of str
        """
        if self.lowercase:
            text = text.lower()
        return re.findall(self.pattern, text)

    def encode(self, text):
        """Tokenize ``text`` and look up the token ids; unknown tokens get id 1.

        Parameters
        ----------
        text : str
            The text.

        Returns
        -------
        encoding : Encoding
            ``encoding.ids`` are the token ids, ``encoding.tokens`` the tokens.

        Raises
        ------
        ValueError
            If the tokenizer has not been fitted.
        """
        vocabulary = self._fitted_vocabulary()
        tokens = self.tokenize(text)
        return Encoding([vocabulary.get(token, self.UNK_TOKEN_ID) for token in tokens], tokens)

    def encode_batch(self, texts):
        """Return ``[self.encode(text) for text in texts]``."""
        return [self.encode(text) for text in texts]

    def token_to_id(self, token):
        """Return the id of ``token``, or None if it is not in the vocabulary."""
        return self._fitted_vocabulary().get(token)

    def get_vocab(self):
        """Return a copy of the vocabulary (token to id)."""
        return dict(self._fitted_vocabulary())

    def get_vocab_size(self):
        """Return the number of tokens in the vocabulary, special tokens included."""
        return len(self._fitted_vocabulary())

    def _fitted_vocabulary(self):
        vocabulary = getattr(self, 'vocabulary_', None)
        if vocabulary is None:
            raise ValueError('This RegexTokenizer is not fitted yet: call fit(texts) first.')
        return vocabulary

    def __repr__(self):
        return (f'RegexTokenizer(pattern={self.pattern!r}, lowercase={self.lowercase}, '
                f'min_frequency={self.min_frequency}, max_vocab_size={self.max_vocab_size})')
