"""The wrapping, Bayesian and PyTorch strategies, and the kimcnn classifier with --embeddings."""
import importlib.util

import numpy as np
import pytest

from small_text.experiments import ExperimentError
from small_text.experiments.config import ExperimentConfig
from small_text.experiments.kimcnn import embedding_matrix, read_embeddings_header
from small_text.experiments.registry import STRATEGIES, available_strategies
from small_text.experiments.runner import run_experiment

from ._helpers import TINY, TINY_ARGS, assert_bad_input, run_cli

HAS_TORCH = importlib.util.find_spec('torch') is not None
TORCH_STRATEGIES = [name for name, spec in STRATEGIES.items() if spec.needs_torch]


def _run(files, out, **options):
    train, test = files
    return run_experiment(data=train, test=test, out=out, quiet=True, **{**TINY, **options})


def _write_vectors(path, lines):
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return path


@pytest.mark.parametrize('name', ['subsampling', 'anchor-subsampling', 'seals'])
def test_wrapping_strategies_run(tiny_files, tmp_path, name):
    if STRATEGIES[name].missing_modules():
        pytest.skip('needs the hnswlib extra: pip install "small-text[hnswlib]"')
    results = _run(tiny_files, tmp_path / 'out', strategies=name)
    assert [row['num_labels'] for row in results.rows] == [6, 11, 16]


def test_seals_without_hnswlib_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, 'find_spec',
                        lambda name, *a: None if name == 'hnswlib' else real(name, *a))
    with pytest.raises(ExperimentError, match=r"strategy 'seals' needs hnswlib, which is not "
                                              r'installed: pip install "small-text\[hnswlib\]"'):
        ExperimentConfig(strategies='seals')


def test_bald_needs_dropout_sampling():
    with pytest.raises(ExperimentError, match="strategy 'bald' needs a classifier with dropout "
                                              "sampling .*transformer, kimcnn.*not 'svm'"):
        ExperimentConfig(strategies='bald')


def test_torch_strategies_are_listed_only_with_torch():
    assert all((name in available_strategies()) == HAS_TORCH for name in TORCH_STRATEGIES)
    assert set(TORCH_STRATEGIES) == {'expected-gradient-length', 'badge',
                                     'expected-gradient-length-max-word',
                                     'expected-gradient-length-layer',
                                     'discriminative-representation-learning'}


@pytest.mark.skipif(HAS_TORCH, reason='checks the error without torch')
def test_without_torch_torch_strategies_and_kimcnn_name_the_extra():
    with pytest.raises(ExperimentError, match=r"strategy 'badge' needs torch, which is not "
                                              r'installed: pip install "small-text\[pytorch\]"'):
        ExperimentConfig(strategies='badge')
    with pytest.raises(ExperimentError, match=r'--classifier kimcnn needs torch, which is not '
                                              r'installed: pip install "small-text\[pytorch\]"'):
        ExperimentConfig(classifier='kimcnn')


@pytest.mark.skipif(not HAS_TORCH, reason='needs the pytorch extra: pip install "small-text[pytorch]"')
def test_torch_strategy_needs_kimcnn():
    with pytest.raises(ExperimentError, match="'badge' works only with --classifier kimcnn, "
                                              "not 'svm'"):
        ExperimentConfig(strategies='badge')


def test_embeddings_only_for_kimcnn(tmp_path):
    path = _write_vectors(tmp_path / 'v.txt', ['1 2', 'ball 0.1 0.2'])
    with pytest.raises(ExperimentError, match="--embeddings is used only by the classifiers "
                                              "kimcnn, not by 'svm'"):
        ExperimentConfig(embeddings=path)


def test_embeddings_header_is_validated(tmp_path):
    assert read_embeddings_header(_write_vectors(tmp_path / 'v.txt', ['2 3'])) == (2, 3)
    with pytest.raises(ExperimentError, match='does not exist'):
        read_embeddings_header(tmp_path / 'missing.txt')
    with pytest.raises(ExperimentError, match='not in word2vec text format'):
        read_embeddings_header(_write_vectors(tmp_path / 'bad.txt', ['ball 0.1 0.2']))


def test_embedding_matrix(tmp_path):
    vocabulary = {'[PAD]': 0, '[UNK]': 1, 'ball': 2, 'goal': 3}
    random = embedding_matrix(vocabulary, dim=4)
    assert random.shape == (4, 4) and random.dtype == np.float32
    assert np.all(random[0] == 0) and np.all(np.abs(random[1:]) <= 0.25)
    np.testing.assert_array_equal(random, embedding_matrix(vocabulary, dim=4))
    path = _write_vectors(tmp_path / 'v.txt', ['3 2', 'Ball 1 2', 'other 5 5', 'goal 3 4'])
    matrix = embedding_matrix(vocabulary, path)
    assert matrix.shape == (4, 2)
    np.testing.assert_array_equal(matrix[2:], [[1, 2], [3, 4]])
    bad = _write_vectors(tmp_path / 'bad.txt', ['1 2', 'goal 3'])
    with pytest.raises(ExperimentError, match='line 2 is not "<word>" followed by 2 numbers'):
        embedding_matrix(vocabulary, bad)


@pytest.mark.skipif(not HAS_TORCH, reason='needs the pytorch extra: pip install "small-text[pytorch]"')
def test_kimcnn_learns_with_random_and_file_vectors(tiny_files, tmp_path):
    results = _run(tiny_files, tmp_path / 'random', classifier='kimcnn', strategies='random',
                   rounds=3, query_size=10)
    assert results.rows[-1]['accuracy'] > 0.6  # three separable classes, 36 labels
    path = _write_vectors(tmp_path / 'v.txt', ['2 3', 'ball 1 0 0', 'atom 0 1 0'])
    results = _run(tiny_files, tmp_path / 'file', classifier='kimcnn', strategies='random',
                   embeddings=path)
    assert len(results.rows) == 3


@pytest.mark.skipif(not HAS_TORCH, reason='needs the pytorch extra: pip install "small-text[pytorch]"')
@pytest.mark.parametrize('name', ['bald', *TORCH_STRATEGIES])
def test_kimcnn_strategies_run(tiny_files, tmp_path, name):
    results = _run(tiny_files, tmp_path / 'out', classifier='kimcnn', strategies=name)
    assert [row['num_labels'] for row in results.rows] == [6, 11, 16]


@pytest.mark.skipif(not HAS_TORCH, reason='needs the pytorch extra: pip install "small-text[pytorch]"')
def test_console_script_kimcnn_with_malformed_embeddings(tiny_files, tmp_path):
    train, test = tiny_files
    bad = _write_vectors(tmp_path / 'bad.txt', ['2 3', 'ball 1 0'])
    result = run_cli('experiment', '--data', str(train), '--test', str(test), *TINY_ARGS,
                     '--classifier', 'kimcnn', '--embeddings', str(bad), '--quiet', '--out',
                     str(tmp_path / 'o'))
    assert_bad_input(result, '--embeddings file', 'line 2 is not "<word>" followed by 3 numbers')
