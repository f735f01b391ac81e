"""The ``kimcnn`` classifier of the experiment runner: datasets, word vectors and factory.

Importing this module does not import torch; the functions that need it import it.
"""
import functools

import numpy as np

from small_text.classifiers.factories import AbstractClassifierFactory
from small_text.experiments.exceptions import ExperimentError

KIMCNN_MAX_LENGTH = 60
"""Texts are truncated to this many tokens (KimCNN's default ``max_seq_len``)."""

RANDOM_EMBEDDING_DIM = 100
"""Dimension of the word vectors when no ``--embeddings`` file is given."""

KIMCNN_KWARGS = {'num_epochs': 10, 'lr': 1e-3}
"""Arguments of :class:`~small_text.integrations.pytorch.KimCNNClassifier` in experiments that
differ from its defaults. The classifiers also train with Adam (learning rate ``lr``) instead
of the library default Adadelta, which with ``lr=0.001`` barely moves from chance within a
few epochs on a few hundred labels (see :class:`AdamKimCNNClassifierFactory`)."""


def read_embeddings_header(path):
    """Return ``(count, dim)`` from the first line of a word2vec text file.

    Raises
    ------
    ExperimentError
        If the file is missing, unreadable, or its first line is not two positive integers.
    """
    try:
        with open(path, encoding='utf-8') as f:
            first = f.readline()
    except FileNotFoundError:
        raise ExperimentError(f'--embeddings file {path} does not exist; check the path') \
            from None
    except (OSError, UnicodeDecodeError) as e:
        raise ExperimentError(f'--embeddings file {path} cannot be read ({e}); pass a word2vec '
                              'text file') from None
    parts = first.split()
    if len(parts) != 2 or not all(part.isdigit() and int(part) > 0 for part in parts):
        raise ExperimentError(f'--embeddings file {path} is not in word2vec text format: its '
                              f'first line must be "<count> <dim>" (got {first.strip()[:40]!r})')
    return int(parts[0]), int(parts[1])


def embedding_matrix(vocabulary, path=None, dim=RANDOM_EMBEDDING_DIM, random_state=0):
    """Return word vectors for the token ids of ``vocabulary``.

    Row 0 (the padding token) is zero. Without ``path`` every other row is drawn uniformly
    from [-0.25, 0.25] (as for unknown words in Kim, 2014); with ``path``, the rows of the
    words in the word2vec text file ``path`` are taken from it and the others drawn at random.

    Parameters
    ----------
    vocabulary : dict
        Maps each token to its id in ``0 .. len(vocabulary) - 1``.
    path : str or Path or None, default=None
        A word2vec text file: a first line ``"<count> <dim>"``, then one ``"word v1 ... vd"``
        per line.
    dim : int, default=RANDOM_EMBEDDING_DIM
        Dimension of the vectors when ``path`` is None.
    random_state : int, default=0
        Seed of the random vectors.

    Returns
    -------
    np.ndarray of shape (len(vocabulary), dim), dtype float32

    Raises
    ------
    ExperimentError
        If the file is missing or malformed (a line without ``dim`` numbers).
    """
    if path is not None:
        dim = read_embeddings_header(path)[1]
    rng = np.random.default_rng(random_state)
    matrix = rng.uniform(-0.25, 0.25, size=(len(vocabulary), dim)).astype(np.float32)
    matrix[0] = 0
    if path is not None:
        _read_vectors(path, vocabulary, matrix)
    return matrix


def _read_vectors(path, vocabulary, matrix):
    dim = matrix.shape[1]
    with open(path, encoding='utf-8') as f:
        f.readline()
        for line_number, line in enumerate(f, start=2):
            word, _, values = line.rstrip('\n').partition(' ')
            token_id = vocabulary.get(word)
            if token_id is None and word.lower() != word:
                token_id = vocabulary.get(word.lower())
            if token_id is None or token_id == 0:
                continue
            try:
                vector = np.array(values.split(), dtype=np.float32)
            except ValueError:
                vector = None
            if vector is None or vector.shape != (dim,):
                raise ExperimentError(f'--embeddings file {path}: line {line_number} is not '
                                      f'"<word>" followed by {dim} numbers; fix or replace '
                                      'the file')
            matrix[token_id] = vector


def kimcnn_datasets(train_texts, y_train, test_texts, y_test, num_classes):
    """Return :class:`~small_text.integrations.pytorch.PytorchTextClassificationDataset`
    objects for train and test; the test texts are encoded with the vocabulary of the
    training texts (the tokenizer is the ``tokenizer`` attribute of both)."""
    from small_text.integrations.pytorch import PytorchTextClassificationDataset

    target_labels = np.arange(num_classes)
    train = PytorchTextClassificationDataset.from_arrays(
        train_texts, y_train, target_labels=target_labels, max_length=KIMCNN_MAX_LENGTH)
    test = PytorchTextClassificationDataset.from_arrays(
        test_texts, y_test, tokenizer=train.tokenizer, target_labels=target_labels,
        max_length=KIMCNN_MAX_LENGTH)
    return train, test


def kimcnn_factory(context, train):
    """Return an :class:`AdamKimCNNClassifierFactory` for ``train``'s vocabulary, with the
    word vectors of ``context.embeddings`` (random ones if None)."""
    from small_text.experiments.registry import torch_device
    from small_text.utils.logging import VERBOSITY_QUIET

    matrix = embedding_matrix(train.tokenizer.vocabulary_, context.embeddings)
    kwargs = {'multi_label': context.multi_label, 'embedding_matrix': matrix,
              'device': torch_device(), 'verbosity': VERBOSITY_QUIET,
              'show_progress_bar': False, **KIMCNN_KWARGS}
    return AdamKimCNNClassifierFactory(context.num_classes, classification_kwargs=kwargs)


class AdamKimCNNClassifierFactory(AbstractClassifierFactory):
    """Creates KimCNN classifiers that train with Adam (learning rate: their ``lr``).

    Parameters
    ----------
    num_classes : int
        Number of classes.
    classification_kwargs : dict, default={}
        Constructor arguments of each :class:`~small_text.integrations.pytorch.KimCNNClassifier`.
    """

    def __init__(self, num_classes, classification_kwargs={}):  # noqa: B006 (copied below)
        self.num_classes = num_classes
        self.classification_kwargs = dict(classification_kwargs)

    def new(self):
        """Return a new classifier whose ``fit`` defaults to an Adam optimizer."""
        return _adam_kimcnn_class()(self.num_classes, **self.classification_kwargs)


@functools.cache
def _adam_kimcnn_class():
    import torch
    from small_text.integrations.pytorch import KimCNNClassifier
    from small_text.integrations.pytorch.utils.misc import _fused_optimizer

    class AdamKimCNNClassifier(KimCNNClassifier):
        """A KimCNNClassifier whose ``fit`` uses Adam (fused where the device supports it)
        when no optimizer is given."""

        def fit(self, train_set, validation_set=None, weights=None, early_stopping=None,
                model_selection=None, optimizer=None, scheduler=None):
            if optimizer is None and self.optimizer is None:
                if self.model is None:
                    self.initialize()
                optimizer = _fused_optimizer(torch.optim.Adam, self.model.parameters(),
                                             lr=self.lr)
            return super().fit(train_set, validation_set=validation_set, weights=weights,
                               early_stopping=early_stopping, model_selection=model_selection,
                               optimizer=optimizer, scheduler=scheduler)

    return AdamKimCNNClassifier
