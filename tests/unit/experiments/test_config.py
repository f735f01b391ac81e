import re
from pathlib import Path

import pytest

from small_text.experiments import ExperimentConfig, ExperimentError, read_config_file
from small_text.experiments.config import DEFAULT_STRATEGIES, option_name


def test_defaults_are_the_bundled_experiment():
    config = ExperimentConfig()
    assert config.data is None and config.test is None and config.out is None
    assert config.strategies == DEFAULT_STRATEGIES == (
        'random', 'least-confidence', 'prediction-entropy', 'breaking-ties')
    assert (config.classifier, config.seeds, config.initial, config.rounds,
            config.query_size) == ('svm', 10, 25, 20, 25)


def test_strategies_are_parsed_from_a_comma_separated_string():
    config = ExperimentConfig(strategies=' random , breaking-ties ')
    assert config.strategies == ('random', 'breaking-ties')
    assert ExperimentConfig(strategies=['random']).strategies == ('random',)


def test_paths_become_paths_and_to_dict_is_json_ready(tmp_path):
    config = ExperimentConfig(data=str(tmp_path / 'd.jsonl'), test_fraction=0.3, out='x')
    assert isinstance(config.data, Path)
    values = config.to_dict()
    assert values['data'] == str((tmp_path / 'd.jsonl').resolve())
    assert values['out'] == str(Path('x').resolve())
    assert values['strategies'] == list(DEFAULT_STRATEGIES)
    assert ExperimentConfig(**values) == ExperimentConfig(**values)


def test_option_name():
    assert option_name('query_size') == '--query-size'


@pytest.mark.parametrize('key', ['initial', 'rounds', 'query_size'])
@pytest.mark.parametrize('value', [0, -3, 2.5, True, '4'])
def test_counts_must_be_positive_integers(key, value):
    with pytest.raises(ExperimentError, match=f'{option_name(key)} must be a positive integer'):
        ExperimentConfig(**{key: value})


@pytest.mark.parametrize('value, seeds, stored', [
    (3, [0, 1, 2], 3), ('3', [0, 1, 2], 3), ('0,1,7', [0, 1, 7], [0, 1, 7]),
    (' 7, ', [7], [7]), ([5, 2], [5, 2], [5, 2]), ((4,), [4], [4])])
def test_seeds_as_a_count_or_a_list(value, seeds, stored):
    config = ExperimentConfig(seeds=value)
    assert config.seed_list == seeds
    assert config.to_dict()['seeds'] == stored


@pytest.mark.parametrize('value, message', [
    (0, 'positive number of seeds'), (-3, 'positive number of seeds'),
    ('0', 'positive number of seeds'), (2.5, 'non-empty list of integer seeds'),
    (True, 'non-empty list of integer seeds'), ([], 'non-empty list of integer seeds'),
    ([1, 'a'], 'non-empty list of integer seeds'), ('1,x', 'comma-separated list of seeds'),
    ('', 'comma-separated list of seeds'), (',', 'comma-separated list of seeds'),
    ('0,-1', 'the seed -1 is outside 0 to 2**32 - 1'), ([2 ** 32], 'outside 0 to 2**32 - 1'),
    ('1,2,1', 'lists the seed(s) 1 more than once')])
def test_bad_seeds(value, message):
    with pytest.raises(ExperimentError, match=re.escape(message)):
        ExperimentConfig(seeds=value)


@pytest.mark.parametrize('value', [0, 1, 1.5, -0.1, 'half', True])
def test_test_fraction_must_lie_between_zero_and_one(value):
    with pytest.raises(ExperimentError, match='--test-fraction must be a number between 0 '
                                              'and 1'):
        ExperimentConfig(data='d.jsonl', test_fraction=value)


def test_test_options_need_data():
    with pytest.raises(ExperimentError, match='--test and --test-fraction need --data'):
        ExperimentConfig(test='t.jsonl')
    with pytest.raises(ExperimentError, match='--test and --test-fraction need --data'):
        ExperimentConfig(test_fraction=0.5)


def test_test_and_test_fraction_exclude_each_other():
    with pytest.raises(ExperimentError, match='either --test or --test-fraction'):
        ExperimentConfig(data='d.jsonl', test='t.jsonl', test_fraction=0.5)


def test_unknown_strategy_lists_the_valid_names():
    with pytest.raises(ExperimentError, match=r"unknown strategy 'magic'.*valid names: random, "
                                              r"least-confidence"):
        ExperimentConfig(strategies='random,magic')


@pytest.mark.parametrize('value', ['', ' , ', 3, ['random', 4]])
def test_strategies_must_name_strategies(value):
    with pytest.raises(ExperimentError, match='--strategies must'):
        ExperimentConfig(strategies=value)


def test_duplicate_strategies_are_rejected():
    with pytest.raises(ExperimentError, match='names random more than once'):
        ExperimentConfig(strategies='random,least-confidence,random')


def test_unknown_classifier_lists_the_valid_names():
    with pytest.raises(ExperimentError, match=r"unknown classifier 'bert'.*svm, logreg"):
        ExperimentConfig(classifier='bert')


@pytest.mark.parametrize('key', ['text_column', 'label_column'])
def test_columns_must_be_non_empty_strings(key):
    with pytest.raises(ExperimentError, match=f'{option_name(key)} must be a non-empty'):
        ExperimentConfig(**{key: ''})


def test_paths_must_be_paths():
    with pytest.raises(ExperimentError, match='--data must be a path'):
        ExperimentConfig(data=3)


def test_read_config_file_accepts_both_key_spellings_and_resolves_paths(tmp_path):
    folder = tmp_path / 'conf'
    folder.mkdir()
    path = folder / 'experiment.toml'
    path.write_text('data = "data/train.jsonl"\nquery-size = 7\nrounds = 3\n'
                    'strategies = ["random"]\nout = "/abs/out"\n', encoding='utf-8')
    options = read_config_file(path)
    assert options == {'data': folder / 'data/train.jsonl', 'query_size': 7, 'rounds': 3,
                       'strategies': ['random'], 'out': Path('/abs/out')}
    config = ExperimentConfig(**options)
    assert config.query_size == 7 and config.strategies == ('random',)


def test_read_config_file_rejects_unknown_keys(tmp_path):
    path = tmp_path / 'c.toml'
    path.write_text('rounds = 3\nbatch = 2\n', encoding='utf-8')
    with pytest.raises(ExperimentError, match=r"unknown key 'batch'.*valid keys: data, "
                                              r"text-column"):
        read_config_file(path)


def test_read_config_file_rejects_invalid_toml(tmp_path):
    path = tmp_path / 'c.toml'
    path.write_text('rounds = = 3\n', encoding='utf-8')
    with pytest.raises(ExperimentError, match='is not valid TOML'):
        read_config_file(path)


def test_read_config_file_reports_a_missing_file(tmp_path):
    with pytest.raises(ExperimentError, match='--config file .* does not exist'):
        read_config_file(tmp_path / 'missing.toml')
