"""A tiny BERT (hidden size 32, 2 layers) with a WordPiece tokenizer, built locally, and small
separable text data for the transformers integration tests."""
import numpy as np

VOCABULARY = {
    0: 'ball goal team match score coach league player'.split(),
    1: 'atom cell energy theory quantum molecule physics data'.split(),
    2: 'salt pan oven recipe flour butter sauce spice'.split(),
}
SHARED = 'the a of and with today new some'.split()
SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']


def save_tiny_bert(folder, seed=0):
    """Save a randomly initialised tiny BERT base model (not a sequence-classification
    checkpoint, whose head transformers 5 refuses to reload with another number of labels)
    and its tokenizer into ``folder``; return ``folder``."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    words = SPECIAL_TOKENS + SHARED + [word for words in VOCABULARY.values() for word in words]
    tokenizer = BertTokenizer(vocab={word: i for i, word in enumerate(words)})
    tokenizer.save_pretrained(folder)
    config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=37,
                        max_position_embeddings=64)
    torch.manual_seed(seed)
    BertModel(config).save_pretrained(folder)
    return folder


def make_texts(per_class, num_classes=3, seed=0, min_words=2, max_words=12):
    """Return ``(texts, labels)``: ``per_class`` texts per class, of random lengths, whose
    words mostly come from the class vocabulary."""
    rng = np.random.RandomState(seed)
    texts, labels = [], []
    for _ in range(per_class):
        for label in range(num_classes):
            length = rng.randint(min_words, max_words + 1)
            words = list(rng.choice(VOCABULARY[label], length)) + list(rng.choice(SHARED, 2))
            rng.shuffle(words)
            texts.append(' '.join(words))
            labels.append(label)
    return texts, np.array(labels, dtype=np.int64)
