"""Loading never runs code from the folder, and every malformed folder raises
SerializationException naming the file and the problem."""
import io
import json
import os
import pickle
import shutil
import zipfile

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

from small_text.active_learner import PoolBasedActiveLearner
from small_text.classifiers import SklearnClassifierFactory
from small_text.data import SklearnDataset
from small_text.exceptions import SerializationException
from small_text.query_strategies import RandomSampling
from small_text.serialization import (
    _TRUSTED_CLASS_REFERENCES,
    _TRUSTED_OBJECTS,
    MANIFEST_FILE,
    OBJECTS_FILE,
    load_active_learner,
)


def _learner(multi_label=False):
    rng = np.random.RandomState(0)
    y = np.arange(30) % 3
    if multi_label:
        dense = np.zeros((30, 3), dtype=np.int64)
        dense[np.arange(30), y] = 1
        dataset = SklearnDataset(rng.rand(30, 4) + y[:, None], csr_matrix(dense),
                                 target_labels=np.arange(3))
        factory = SklearnClassifierFactory(LogisticRegression(), 3, kwargs={'multi_label': True})
    else:
        dataset = SklearnDataset(rng.rand(30, 4) + y[:, None], y, target_labels=np.arange(3))
        factory = SklearnClassifierFactory(LogisticRegression(), 3)
    np.random.seed(0)
    learner = PoolBasedActiveLearner(factory, RandomSampling(), dataset)
    learner.initialize(np.arange(6))
    indices = learner.query(num_samples=3)
    learner.update(dataset.y[indices])
    learner.ignore_sample_at(int(learner.indices_unlabeled[0]))
    learner.query(num_samples=2)
    return learner


@pytest.fixture(scope='module')
def _template(tmp_path_factory):
    folder = tmp_path_factory.mktemp('template') / 'saved'
    _learner().save(folder, create_folder=True)
    return folder


@pytest.fixture
def saved(_template, tmp_path, monkeypatch):
    """A saved learner in ``tmp_path/saved``; the working directory is an empty ``tmp_path/cwd``
    so that tests can assert that loading created nothing."""
    folder = tmp_path / 'saved'
    shutil.copytree(_template, folder)
    cwd = tmp_path / 'cwd'
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    return folder


def _snapshot(folder):
    """Every path (with its size) beside and below ``folder``."""
    return {(str(p), p.stat().st_size) for p in folder.parent.rglob('*')}


def _schema(folder):
    with zipfile.ZipFile(folder / OBJECTS_FILE) as archive:
        return json.loads(archive.read('schema.json'))


def _write_schema(folder, schema):
    path = folder / OBJECTS_FILE
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members['schema.json'] = json.dumps(schema).encode('utf-8')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def _json_node(value):
    return {'__class__': type(value).__name__, '__module__': 'builtins',
            '__loader__': 'JsonNode', 'content': json.dumps(value), 'is_json': True}


def _tuple_node(*values):
    return {'__class__': 'tuple', '__module__': 'builtins', '__loader__': 'TupleNode',
            'content': [_json_node(v) for v in values]}


def _call_node(module, name, *args, loader='ConstructorFromReduceNode'):
    """A node that asks skops to call ``module.name(*args)`` while loading."""
    return {'__class__': name, '__module__': module, '__loader__': loader,
            'content': _tuple_node(*args)}


_EMPTY_DICT = {'__class__': 'dict', '__module__': 'builtins', '__loader__': 'DictNode',
               'content': {}, 'key_types': {'__class__': 'list', '__module__': 'builtins',
                                            '__loader__': 'ListNode', 'content': []}}

_MALICIOUS_NODES = {
    'prefix-class-results-writer': _call_node('small_text.experiments.outputs', 'ResultsWriter',
                                              'pwned_folder', {}, ['a']),
    'prefix-function-cli-main': _call_node('small_text.experiments.cli', 'main'),
    'scipy-function-save-npz': _call_node('scipy.sparse', 'save_npz', 'pwned.npz'),
    'builtins-exec': _call_node('builtins', 'exec', 'open("pwned.txt", "w").write("x")'),
    'os-system': _call_node('os', 'system', 'touch pwned_system'),
    'exec-as-function-node': {'__class__': 'exec', '__module__': 'builtins',
                              '__loader__': 'FunctionNode'},
    'exec-as-type-node': {'__class__': 'exec', '__module__': 'builtins',
                          '__loader__': 'TypeNode'},
    'allowed-class-called': _call_node('small_text.classifiers.factories',
                                       'SklearnClassifierFactory', 1, 2),
    'allowed-class-as-loss-reduce': {
        '__class__': 'SklearnClassifierFactory', '__module__': 'small_text.classifiers.factories',
        '__loader__': 'LossNode', '__reduce__': {'args': _tuple_node(1, 2)},
        'content': _EMPTY_DICT},
    'results-writer-as-object': {'__class__': 'ResultsWriter',
                                 '__module__': 'small_text.experiments.outputs',
                                 '__loader__': 'ObjectNode', 'content': _EMPTY_DICT},
    'method-of-allowed-class': {
        '__class__': 'RandomSampling', '__module__': 'small_text.query_strategies.strategies',
        '__loader__': 'MethodNode',
        'content': {'func': 'query', 'obj': {
            '__class__': 'RandomSampling', '__module__': 'small_text.query_strategies.strategies',
            '__loader__': 'ObjectNode', 'content': _EMPTY_DICT}}},
    'partial-of-exec': {'__class__': 'partial', '__module__': 'functools',
                        '__loader__': 'PartialNode',
                        'content': {'func': {'__class__': 'exec', '__module__': 'builtins',
                                             '__loader__': 'FunctionNode'},
                                    'args': _tuple_node('1'), 'kwds': _EMPTY_DICT,
                                    'namespace': _EMPTY_DICT}},
}


@pytest.mark.parametrize('name', sorted(_MALICIOUS_NODES))
@pytest.mark.parametrize('key', ['fit_kwargs', 'query_strategy'])
def test_crafted_objects_are_refused_without_side_effects(saved, name, key):
    schema = _schema(saved)
    schema['content'][key] = _MALICIOUS_NODES[name]
    _write_schema(saved, schema)
    before = _snapshot(saved)

    with pytest.raises(SerializationException, match=f'Refusing to load .*{OBJECTS_FILE}'):
        PoolBasedActiveLearner.load(saved)
    assert _snapshot(saved) == before
    assert list((saved.parent / 'cwd').iterdir()) == []


@pytest.mark.parametrize('trusted', [
    ['small_text.'], ['small_text.experiments'], ['small_text.experiments.outputs.'],
    ['builtins.exec'], ['small_text.experiments.cli.main'],
])
def test_trusted_names_are_exact_and_never_functions(saved, trusted):
    schema = _schema(saved)
    schema['content']['fit_kwargs'] = _MALICIOUS_NODES['exec-as-function-node']
    _write_schema(saved, schema)
    with pytest.raises(SerializationException, match='not trusted'):
        PoolBasedActiveLearner.load(saved, trusted=trusted)
    assert list((saved.parent / 'cwd').iterdir()) == []


@pytest.mark.parametrize('trusted', ['small_text', 'small_text.experiments.outputs.ResultsWriter',
                                     True, [1], [''], ['ResultsWriter ']])
def test_trusted_must_be_a_list_of_names(saved, trusted):
    with pytest.raises(TypeError, match='trusted must'):
        PoolBasedActiveLearner.load(saved, trusted=trusted)


def test_trusted_accepts_types_and_exact_names(tmp_path):
    from tests.unit.active_learner.test_serialization import _CustomEstimator, _trained_learner
    _trained_learner(estimator=_CustomEstimator()).save(tmp_path)
    name = f'{_CustomEstimator.__module__}._CustomEstimator'
    with pytest.raises(SerializationException, match='_CustomEstimator'):
        PoolBasedActiveLearner.load(tmp_path, trusted=[name[:-1]])
    assert isinstance(PoolBasedActiveLearner.load(tmp_path, trusted=[_CustomEstimator])
                      .classifier.model, _CustomEstimator)


def test_raw_pickle_is_refused_without_running_it(saved):
    class _Payload:
        def __reduce__(self):
            return os.system, ('touch pwned_pickle',)

    (saved / OBJECTS_FILE).write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(SerializationException, match=f'{OBJECTS_FILE}.*not a skops archive'):
        PoolBasedActiveLearner.load(saved)
    assert list((saved.parent / 'cwd').iterdir()) == []


def test_objects_file_is_read_once(saved, monkeypatch):
    """The bytes that are checked are the bytes that are loaded: a file swapped after the first
    read cannot sneak in."""
    import builtins
    opened = []
    real_fdopen = os.fdopen

    def counting_fdopen(fd, *args, **kwargs):
        opened.append(fd)
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, 'fdopen', counting_fdopen)
    monkeypatch.setattr(builtins, 'open', _no_open)
    PoolBasedActiveLearner.load(saved)
    assert len(opened) == 2  # the manifest and the objects file, once each


def _no_open(*args, **kwargs):
    raise AssertionError(f'load() must read each file exactly once, not open({args[0]!r})')


def _manifest(folder):
    return json.loads((folder / MANIFEST_FILE).read_text(encoding='utf-8'))


_BAD_MANIFESTS = {
    'extra-key': (lambda m: m.update(evil=1), 'unknown keys'),
    'missing-key': (lambda m: m.pop('y'), 'missing keys'),
    'reuse-model-str': (lambda m: m.update(reuse_model='yes'), '"reuse_model" must be bool'),
    'multi-label-int': (lambda m: m.update(multi_label=1), '"multi_label" must be bool or null'),
    'labeled-str': (lambda m: m.update(indices_labeled='0,1'), 'must be list'),
    'labeled-floats': (lambda m: m.update(indices_labeled=[0.0, 1.0]), 'list of ints'),
    'labeled-bools': (lambda m: m.update(indices_labeled=[True]), 'list of ints'),
    'labeled-huge': (lambda m: m.update(indices_labeled=[10 ** 30]), 'int64 range'),
    'format-version-0': (lambda m: m.update(format_version=0), 'format_version must be'),
    'format-version-str': (lambda m: m.update(format_version='1'), 'format_version must be'),
    'format-version-bool': (lambda m: m.update(format_version=True), 'format_version must be'),
    'format-version-newer': (lambda m: m.update(format_version=2), 'Upgrade small-text'),
    'labeled-out-of-range': (lambda m: m['indices_labeled'].__setitem__(0, 30), 'outside'),
    'labeled-negative': (lambda m: m['indices_labeled'].__setitem__(0, -1), 'outside'),
    'labeled-duplicate': (lambda m: m['indices_labeled'].__setitem__(1, m['indices_labeled'][0]),
                          'duplicate'),
    'ignored-overlaps-labeled': (lambda m: m['indices_ignored'].append(m['indices_labeled'][0]),
                                 'overlap'),
    'queried-overlaps-labeled': (lambda m: m['indices_queried'].__setitem__(
        0, m['indices_labeled'][0]), 'labeled or ignored'),
    'queried-duplicate': (lambda m: m['indices_queried'].__setitem__(1, m['indices_queried'][0]),
                          'duplicate'),
    'queried-out-of-range': (lambda m: m['indices_queried'].__setitem__(0, 99), 'outside'),
    'y-too-short': (lambda m: m['y']['values'].pop(), 'one label per labeled'),
    'y-null': (lambda m: m.update(y=None), 'one label per labeled'),
    'y-negative-label': (lambda m: m['y']['values'].__setitem__(0, -5), 'negative labels'),
    'y-label-beyond-classes': (lambda m: m['y']['values'].__setitem__(0, 7),
                               'outside the classes'),
    'y-object-dtype': (lambda m: m['y'].update(dtype='object'), 'integer dtype'),
    'y-float-dtype': (lambda m: m['y'].update(dtype='float64'), 'integer dtype'),
    'y-uint8-overflow': (lambda m: m['y'].update(dtype='uint8', values=[300] * len(
        m['y']['values'])), 'range of its dtype'),
    'y-unknown-type': (lambda m: m['y'].update(type='pickle'), '"y" must be null'),
    'y-values-str': (lambda m: m['y'].update(values='0,1'), 'list of "values"'),
    'y-csr-for-single-label': (lambda m: m.update(y={'type': 'csr', 'shape': [len(
        m['indices_labeled']), 3], 'rows': [[0]] * len(m['indices_labeled'])}),
        'multi_label'),
    'uninitialized-with-indices': (lambda m: m.update(initialized=False), 'uninitialized'),
}


@pytest.mark.parametrize('name', sorted(_BAD_MANIFESTS))
def test_bad_manifest_raises_serialization_exception(saved, name):
    mutate, match = _BAD_MANIFESTS[name]
    manifest = _manifest(saved)
    mutate(manifest)
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest), encoding='utf-8')
    with pytest.raises(SerializationException, match=match) as e:
        PoolBasedActiveLearner.load(saved)
    assert MANIFEST_FILE in str(e.value) or 'format version' in str(e.value)


@pytest.mark.parametrize('text, match', [
    ('', 'not a JSON file'),
    ('{"small_text_version": "2.0.0", "format_ver', 'not a JSON file'),
    ('[]', 'expected a JSON object'),
    ('{"a": NaN}', 'not a JSON file'),
    ('{"a": 1, "a": 2}', 'duplicate key'),
    ('[' * 100000, 'not a JSON file'),
])
def test_manifest_that_is_not_json(saved, text, match):
    (saved / MANIFEST_FILE).write_text(text, encoding='utf-8')
    with pytest.raises(SerializationException, match=match):
        PoolBasedActiveLearner.load(saved)


def test_manifest_that_is_not_utf8(saved):
    (saved / MANIFEST_FILE).write_bytes(b'\xff\xfe{}')
    with pytest.raises(SerializationException, match=f'{MANIFEST_FILE}.*not a JSON file'):
        PoolBasedActiveLearner.load(saved)


def test_bad_multi_label_manifest(tmp_path):
    _learner(multi_label=True).save(tmp_path)
    manifest = _manifest(tmp_path)
    manifest['y']['rows'][0] = [0, 5]
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding='utf-8')
    with pytest.raises(SerializationException, match='distinct column ids'):
        PoolBasedActiveLearner.load(tmp_path)

    manifest['y']['rows'][0] = [0]
    manifest['y']['shape'][1] = 4
    manifest['y']['rows'] = manifest['y']['rows']
    (tmp_path / MANIFEST_FILE).write_text(json.dumps(manifest), encoding='utf-8')
    with pytest.raises(SerializationException, match='num_classes=3 columns'):
        PoolBasedActiveLearner.load(tmp_path)


def test_missing_folder_or_files(tmp_path):
    with pytest.raises(SerializationException, match='does not exist') as e:
        PoolBasedActiveLearner.load(tmp_path / 'missing')
    assert isinstance(e.value, FileNotFoundError)

    _learner().save(tmp_path / 'a', create_folder=True)
    (tmp_path / 'a' / OBJECTS_FILE).unlink()
    with pytest.raises(FileNotFoundError, match=f'{OBJECTS_FILE} is missing') as e:
        PoolBasedActiveLearner.load(tmp_path / 'a')
    assert isinstance(e.value, SerializationException)


def test_extra_file_is_refused(saved):
    (saved / 'notes.txt').write_text('x')
    with pytest.raises(SerializationException, match="notes.txt"):
        PoolBasedActiveLearner.load(saved)


@pytest.mark.parametrize('cut', [0, 10, 0.5, -22])
def test_truncated_objects_file(saved, cut):
    data = (saved / OBJECTS_FILE).read_bytes()
    cut = int(len(data) * cut) if isinstance(cut, float) else cut
    (saved / OBJECTS_FILE).write_bytes(data[:cut])
    with pytest.raises(SerializationException, match=f'{OBJECTS_FILE}.*not a skops archive'):
        PoolBasedActiveLearner.load(saved)


def test_objects_file_must_be_a_regular_file(saved, tmp_path):
    target = tmp_path / 'elsewhere.skops'
    os.replace(saved / OBJECTS_FILE, target)
    (saved / OBJECTS_FILE).symlink_to(target)
    with pytest.raises(SerializationException, match='not a regular file'):
        PoolBasedActiveLearner.load(saved)
    (saved / OBJECTS_FILE).unlink()
    (saved / OBJECTS_FILE).mkdir()
    with pytest.raises(SerializationException, match='not a regular file'):
        PoolBasedActiveLearner.load(saved)


def test_schema_that_is_not_json(saved):
    path = saved / OBJECTS_FILE
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        archive.writestr('schema.json', '{"__loader__": ')
    path.write_bytes(buffer.getvalue())
    with pytest.raises(SerializationException, match='not a skops archive'):
        PoolBasedActiveLearner.load(saved)


@pytest.mark.parametrize('key, node, match', [
    ('dataset', _json_node(3), '"dataset" must be a small_text Dataset'),
    ('clf_factory', _json_node('x'), '"clf_factory" must be a classifier factory'),
    ('query_strategy', _json_node([1]), '"query_strategy" must be a query strategy'),
    ('classifier', _json_node(1), '"classifier" must be None or a classifier'),
    ('fit_kwargs', _json_node([1, 2]), '"fit_kwargs" must be a dict'),
])
def test_objects_of_wrong_type(saved, key, node, match):
    schema = _schema(saved)
    schema['content'][key] = node
    _write_schema(saved, schema)
    with pytest.raises(SerializationException, match=match):
        PoolBasedActiveLearner.load(saved)


def test_objects_with_missing_key(saved):
    schema = _schema(saved)
    del schema['content']['fit_kwargs']
    schema['key_types']['content'].pop()
    _write_schema(saved, schema)
    with pytest.raises(SerializationException, match='expected a dict with the keys'):
        PoolBasedActiveLearner.load(saved)


def test_uninitialized_manifest_with_classifier(saved):
    manifest = _manifest(saved)
    manifest.update(initialized=False, indices_labeled=[], indices_ignored=[],
                    indices_queried=None, y=None, multi_label=None)
    (saved / MANIFEST_FILE).write_text(json.dumps(manifest), encoding='utf-8')
    with pytest.raises(SerializationException, match='holds a classifier'):
        PoolBasedActiveLearner.load(saved)


def test_round_trip_keeps_the_state(saved):
    loaded = load_active_learner(saved)
    original = _learner()
    for name in ('indices_labeled', 'indices_ignored', 'indices_queried', 'y'):
        np.testing.assert_array_equal(getattr(loaded, name), getattr(original, name))
    assert loaded._index_to_position == original._index_to_position


def test_allow_list_holds_exact_classes():
    """Every allow-listed name is a class defined under exactly that name (no function, no
    alias, no prefix); torch-dependent entries are checked where torch is installed."""
    import importlib
    import inspect
    for name in sorted(_TRUSTED_OBJECTS | _TRUSTED_CLASS_REFERENCES):
        module_name, _, attr = name.rpartition('.')
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        obj = getattr(module, attr)
        assert inspect.isclass(obj) and f'{obj.__module__}.{obj.__qualname__}' == name


def test_allow_list_covers_the_public_query_strategies():
    import inspect

    import small_text.query_strategies as strategies
    public = {f'{c.__module__}.{c.__qualname__}' for c in vars(strategies).values()
              if inspect.isclass(c) and issubclass(c, strategies.QueryStrategy)
              and not inspect.isabstract(c) and c is not strategies.ConfidenceBasedQueryStrategy}
    assert public - _TRUSTED_OBJECTS == set()
    assert not any(name.startswith('small_text.experiments') for name in _TRUSTED_OBJECTS)
