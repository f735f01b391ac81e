"""Behaviour without torch and transformers (and without Dask), checked in a subprocess that
hides them.

CI installs every extra, so these checks simulate an installation without them: the
subprocess makes ``importlib.util.find_spec`` report them as absent and blocks their import.
"""
import subprocess
import sys
import textwrap

import pytest

_HIDE = textwrap.dedent('''
    import importlib.util, sys
    _HIDDEN = HIDDEN_MODULES
    _find_spec = importlib.util.find_spec
    def _fake_find_spec(name, package=None):
        return None if name.split('.')[0] in _HIDDEN else _find_spec(name, package)
    importlib.util.find_spec = _fake_find_spec
    class _Block:
        def find_spec(self, name, path=None, target=None):
            if name.split('.')[0] in _HIDDEN:
                raise ModuleNotFoundError(f'No module named {name!r}', name=name)
            return None
    sys.meta_path.insert(0, _Block())
''')


_TORCH_MODULES = ('torch', 'transformers', 'setfit', 'sentence_transformers')


def _run(code, hidden=_TORCH_MODULES):
    result = subprocess.run([sys.executable, '-c',
                             _HIDE.replace('HIDDEN_MODULES', repr(hidden)) + textwrap.dedent(code)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_packages_import_and_export_no_integration_names():
    out = _run('''
        import small_text, small_text.integrations.pytorch as pt
        import small_text.integrations.transformers as tr
        print(pt.__all__, tr.__all__, small_text.is_pytorch_available(),
              'KimCNNClassifier' in small_text.__all__)
    ''')
    assert out.split('\n')[0] == ("[] ['ModelLoadingStrategy', 'get_default_model_loading_strategy']"
                                  " False False")


def test_integration_names_raise_an_error_naming_the_extra():
    out = _run('''
        import small_text
        from small_text.exceptions import MissingOptionalDependencyError
        for name in ['KimCNNClassifier', 'TransformerBasedClassification']:
            try:
                getattr(small_text, name)
            except ImportError as e:
                assert isinstance(e, MissingOptionalDependencyError)
                print(e)
        try:
            from small_text import KimCNNClassifierFactory
        except ImportError as e:
            print(e)
    ''')
    lines = out.splitlines()
    assert 'small-text[pytorch]' in lines[0] and 'KimCNNClassifier' in lines[0]
    assert 'small-text[transformers]' in lines[1]
    assert 'small-text[pytorch]' in lines[2]


def test_deep_imports_raise_pytorch_not_found_error():
    out = _run('''
        from small_text.integrations.pytorch.exceptions import PytorchNotFoundError
        for module in ['small_text.integrations.pytorch.classifiers.kimcnn',
                       'small_text.integrations.pytorch.query_strategies.strategies',
                       'small_text.integrations.transformers.classifiers.classification']:
            try:
                __import__(module)
            except PytorchNotFoundError:
                print('ok')
    ''')
    assert out.split() == ['ok', 'ok', 'ok']


def test_dask_names_raise_an_error_naming_the_extra():
    lines = _run('''
        import small_text
        from small_text.exceptions import MissingOptionalDependencyError
        print(small_text.distributed.random_scores([1, 2]).shape)
        try:
            from small_text.distributed import select_top_n
        except ImportError as e:
            assert isinstance(e, MissingOptionalDependencyError)
            print(e)
        from small_text.distributed.scoring import select_top_n
        try:
            select_top_n(None, None, None, small_text.RandomSampling(), 1)
        except ImportError as e:
            print(e)
    ''', hidden=('dask', 'distributed')).splitlines()
    assert lines[0] == '(2,)'
    assert 'small-text[dask]' in lines[1] and 'select_top_n' in lines[1]
    assert 'small-text[dask]' in lines[2]


def test_every_missing_extra_gets_one_message_with_the_right_extra():
    out = _run('''
        import small_text.integrations.transformers as tr
        from small_text.integrations.pytorch.exceptions import PytorchNotFoundError
        for name in ['SetFitClassification', 'SetFitClassificationFactory',
                     'TransformerBasedClassification']:
            try:
                getattr(tr, name)
            except PytorchNotFoundError as e:
                print(e)
        try:
            __import__('small_text.integrations.pytorch.classifiers.kimcnn')
        except PytorchNotFoundError as e:
            print(e)
    ''')
    lines = out.splitlines()
    assert lines[0] == ('SetFitClassification needs torch, transformers and setfit, which are '
                        'not installed: pip install "small-text[setfit]"')
    assert lines[1].startswith('SetFitClassificationFactory needs torch, transformers and '
                               'setfit, which are not installed')
    assert lines[2] == ('TransformerBasedClassification needs torch and transformers, which '
                        'are not installed: pip install "small-text[transformers]"')
    # the first torch-dependent module on the import path names itself
    assert lines[3].startswith('Could not import pytorch: small_text.integrations.pytorch.')
    assert lines[3].endswith(' needs torch, which is not installed: '
                             'pip install "small-text[pytorch]"')


def test_runner_names_the_extra_of_a_torch_strategy_instead_of_calling_it_unknown():
    out = _run('''
        from small_text.experiments.config import ExperimentConfig
        from small_text.experiments.exceptions import ExperimentError
        for kwargs in [{'strategies': 'badge'}, {'strategies': 'random', 'classifier': 'kimcnn'}]:
            try:
                ExperimentConfig(**kwargs)
            except ExperimentError as e:
                print(e)
    ''')
    lines = out.splitlines()
    assert lines[0] == ("strategy 'badge' needs torch, which is not installed: "
                        'pip install "small-text[pytorch]"')
    assert lines[1] == ('--classifier kimcnn needs torch, which is not installed: '
                        'pip install "small-text[pytorch]"')


@pytest.mark.parametrize('option, value', [('--workers', '2'),
                                           ('--scheduler', 'tcp://127.0.0.1:8786')])
def test_workers_and_scheduler_exit_2_naming_the_dask_extra(tmp_path, option, value):
    code = _HIDE.replace('HIDDEN_MODULES', repr(('dask', 'distributed'))) + textwrap.dedent(f'''
        from small_text.experiments.cli import main
        main(['experiment', {option!r}, {value!r}, '--out', {str(tmp_path / 'out')!r}])
    ''')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [
        f'Error: {option} needs dask and distributed, which are not installed: '
        'pip install "small-text[dask]"']
    assert not (tmp_path / 'out').exists()
