"""Fixtures of the transformers integration tests: a tiny BERT saved once per session."""
import pytest


@pytest.fixture(scope='session')
def tiny_bert(tmp_path_factory):
    """The folder of a tiny BERT model and tokenizer (see ``_helpers.save_tiny_bert``)."""
    pytest.importorskip('transformers', reason='needs the transformers extra: pip install "small-text[transformers]"')
    from ._helpers import save_tiny_bert
    return str(save_tiny_bert(tmp_path_factory.mktemp('tiny-bert')))


@pytest.fixture(scope='session')
def tiny_tokenizer(tiny_bert):
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(tiny_bert)


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """Tiny models gain nothing from several threads, and threads that wait for a busy core
    slow them down badly: use one, and restore the setting afterwards."""
    try:
        import torch
    except ImportError:
        yield
        return
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
