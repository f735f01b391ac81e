"""Saving and loading active learners without pickle.

A saved learner is a folder with exactly two files:

``active_learning.json``
    The manifest: ``small_text_version``, ``format_version``, the labeled, ignored and queried
    indices, the labels, and the learner's parameters (``reuse_model``,
    ``incremental_training``, ``multi_label``).
``objects.skops``
    The classifier factory, the query strategy, the dataset, the current classifier and the
    ``fit_kwargs``, written with `skops <https://skops.readthedocs.io>`_.

Trust model
-----------
skops files are not pickles: loading one rebuilds objects only of types that the loader
trusts, by setting their attributes (their ``__init__`` does not run). Trusted are

* the types skops trusts by default (Python containers, NumPy arrays and ufuncs,
  scikit-learn estimators),
* SciPy's sparse matrices and arrays (read without pickle),
* an explicit list of the exact classes that small-text itself writes into the file: its
  datasets and views, classifiers and factories, query strategies and vector indexes.

Vector indexes (kept by SEALS, AnchorAL and ProbCover) are written as their vectors and ids and
rebuilt when loading, so no hnswlib graph or fitted scikit-learn tree is read from the file.

Nothing else is trusted: no other class of small-text (and no name prefix), and no function or
method other than NumPy's and SciPy's ufuncs. A small-text class is accepted only in the role
small-text writes it in (an object rebuilt from its attributes, or a class stored as an
attribute): a file that asks to *call* one of them is refused. Any other type in the file (for
example a custom estimator of yours) makes :func:`load_active_learner` raise a
:class:`~small_text.exceptions.SerializationException` that lists those types; pass their exact
names in ``trusted`` only if you trust the folder's origin. Functions are never loaded, whatever
``trusted`` says.

Every file is read once; the checks run on the same bytes that are loaded afterwards. Before a
learner is built, the manifest is checked on its own (types, versions, duplicate or overlapping
indices, lengths) and against the loaded objects (index ranges, label values), so a damaged or
edited folder raises :class:`~small_text.exceptions.SerializationException` naming the file and
the problem instead of failing later.

Atomic saving
-------------
:func:`save_active_learner` writes both files into a new hidden folder beside the target,
flushes them to disk, and then renames that folder into place. A crash (even ``SIGKILL``) at any
moment leaves the target as it was before: missing, empty, or holding the previous complete
save. Only a hidden ``.<name>.*.tmp`` folder may remain beside it; it is safe to delete. Saving
into a folder that holds a previous complete save (the two files and nothing else) replaces that
save, so repeating a save after a crash succeeds. On Linux the old and the new folder are
exchanged in one step; elsewhere there is a short moment in which the target does not exist.

Differences from small-text 2.0
-------------------------------
small-text 2.0 pickles the learner, and refuses any non-empty folder. Here a folder holding
exactly a previous save is replaced; a folder with any other content is still refused with
``ValueError``.
"""
import ctypes
import errno
import io
import json
import os
import shutil
import stat
import sys
import uuid
import zipfile
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.sparse import csr_matrix

from small_text.exceptions import SerializationException
from small_text.utils.data import list_length
from small_text.utils.labels import csr_to_list, list_to_csr
from small_text.version import __version__

MANIFEST_FILE = 'active_learning.json'
OBJECTS_FILE = 'objects.skops'
FORMAT_VERSION = 1
"""Version of the folder layout; incremented whenever it changes incompatibly."""

_SAVED_FILES = frozenset({MANIFEST_FILE, OBJECTS_FILE})
_OBJECT_KEYS = frozenset({'clf_factory', 'query_strategy', 'dataset', 'classifier',
                          'fit_kwargs'})

_TRUSTED_OBJECTS = frozenset({
    'small_text.classifiers.classification.ConfidenceEnhancedLinearSVC',
    'small_text.classifiers.classification.SklearnClassifier',
    'small_text.classifiers.factories.SklearnClassifierFactory',
    'small_text.data.datasets.SklearnDataset',
    'small_text.data.datasets.SklearnDatasetView',
    'small_text.data.datasets.TextDataset',
    'small_text.data.datasets.TextDatasetView',
    'small_text.integrations.pytorch.classifiers.factories.KimCNNClassifierFactory',
    'small_text.integrations.pytorch.query_strategies.strategies.BADGE',
    'small_text.integrations.pytorch.query_strategies.strategies.'
    'DiscriminativeRepresentationLearning',
    'small_text.integrations.pytorch.query_strategies.strategies.ExpectedGradientLength',
    'small_text.integrations.pytorch.query_strategies.strategies.ExpectedGradientLengthLayer',
    'small_text.integrations.pytorch.query_strategies.strategies.ExpectedGradientLengthMaxWord',
    'small_text.integrations.transformers.classifiers.factories.SetFitClassificationFactory',
    'small_text.integrations.transformers.classifiers.factories.'
    'TransformerBasedClassificationFactory',
    'small_text.query_strategies.bayesian.BALD',
    'small_text.query_strategies.class_balancing.ClassBalancer',
    'small_text.query_strategies.coresets.GreedyCoreset',
    'small_text.query_strategies.coresets.LightweightCoreset',
    'small_text.query_strategies.multi_label.AdaptiveActiveLearning',
    'small_text.query_strategies.multi_label.CategoryVectorInconsistencyAndRanking',
    'small_text.query_strategies.multi_label.LabelCardinalityInconsistency',
    'small_text.query_strategies.strategies.BreakingTies',
    'small_text.query_strategies.strategies.ContrastiveActiveLearning',
    'small_text.query_strategies.strategies.DiscriminativeActiveLearning',
    'small_text.query_strategies.strategies.EmbeddingKMeans',
    'small_text.query_strategies.strategies.LeastConfidence',
    'small_text.query_strategies.strategies.PredictionEntropy',
    'small_text.query_strategies.strategies.RandomSampling',
    'small_text.query_strategies.strategies.SubsamplingQueryStrategy',
    'small_text.query_strategies.subsampling.AnchorSubsampling',
    'small_text.query_strategies.subsampling.SEALS',
    'small_text.query_strategies.vector_space.ProbCover',
    'small_text.vector_indexes.base.VectorIndexFactory',
    'small_text.vector_indexes.hnsw.HNSWIndex',
    'small_text.vector_indexes.ivf.IVFIndex',
    'small_text.vector_indexes.knn.KNNIndex',
})
"""The exact classes small-text writes as objects (rebuilt from their attributes)."""

_TRUSTED_CLASS_REFERENCES = frozenset({
    'small_text.data.datasets.SklearnDatasetView',
    'small_text.data.datasets.TextDatasetView',
    'small_text.vector_indexes.hnsw.HNSWIndex',
    'small_text.vector_indexes.ivf.IVFIndex',
    'small_text.vector_indexes.knn.KNNIndex',
})
"""The exact classes small-text stores as attribute values (views remember their class, vector
index factories the index class)."""

_TRUSTED_SPARSE = frozenset(
    f'{cls.__module__}.{cls.__name__}'
    for fmt in ('csr', 'csc', 'coo', 'bsr', 'dia')
    for cls in (getattr(sparse, f'{fmt}_matrix'), getattr(sparse, f'{fmt}_array', None))
    if cls is not None)
"""SciPy's sparse containers; skops reads them with ``scipy.sparse.load_npz`` (no pickle)."""

_LOADERS_BY_ROLE = {'ObjectNode': _TRUSTED_OBJECTS, 'TypeNode': _TRUSTED_CLASS_REFERENCES,
                    'SparseMatrixNode': _TRUSTED_SPARSE}
_FUNCTION_LOADERS = frozenset({'FunctionNode', 'MethodNode', 'PartialNode', 'OperatorFuncNode'})

_INT_DTYPES = frozenset({'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32',
                         'uint64'})
_MANIFEST_TYPES = {
    'small_text_version': (str,),
    'format_version': (int,),
    'reuse_model': (bool,),
    'incremental_training': (bool,),
    'multi_label': (bool, type(None)),
    'initialized': (bool,),
    'indices_labeled': (list,),
    'indices_ignored': (list,),
    'indices_queried': (list, type(None)),
    'y': (dict, type(None)),
}


class _MissingFileError(SerializationException, FileNotFoundError):
    """A saved folder or one of its files does not exist (caught by either ``except``)."""


def save_active_learner(active_learner, folder, create_folder=False):
    """Write ``active_learner`` into ``folder`` atomically (see the module docstring).

    Parameters
    ----------
    active_learner : PoolBasedActiveLearner
        The learner to save.
    folder : str or Path
        A missing (with ``create_folder``), empty folder, or one holding a previous save.
    create_folder : bool, default=False
        Create the folder's parents if needed (the folder itself is always created by the
        final rename).

    Raises
    ------
    FileNotFoundError
        If ``folder`` does not exist and ``create_folder`` is False.
    ValueError
        If ``folder`` is not a folder, or holds anything but a previous save.
    SerializationException
        If serializing or writing fails; ``folder`` is then left as it was.
    """
    import skops.io

    folder = Path(folder)
    replace = _check_save_target(folder, create_folder)
    try:
        objects = {
            'clf_factory': active_learner._clf_factory,
            'query_strategy': active_learner._query_strategy,
            'dataset': active_learner.dataset,
            'classifier': active_learner._clf,
            'fit_kwargs': active_learner.fit_kwargs,
        }
        objects_bytes = skops.io.dumps(objects)
        manifest_bytes = json.dumps(_manifest(active_learner), indent=4,
                                    sort_keys=True).encode('utf-8')
        parent = folder.absolute().parent
        parent.mkdir(parents=True, exist_ok=True)
        _write_folder(parent, folder.absolute(),
                      {OBJECTS_FILE: objects_bytes, MANIFEST_FILE: manifest_bytes}, replace)
    except Exception as e:
        raise SerializationException(f'Failed to save active learner folder "{folder}": '
                                     f'{e}') from e


def _check_save_target(folder, create_folder):
    """Return True if ``folder`` holds a previous save to replace, False if it is missing or
    empty; raise if it may not be written."""
    if not folder.exists():
        if not create_folder:
            raise FileNotFoundError(f'Output folder "{folder}" does not exist. Create it or '
                                    f'pass create_folder=True.')
        return False
    if not folder.is_dir() or folder.is_symlink():
        raise ValueError(f'Output folder "{folder}" is not a folder.')
    entries = list(folder.iterdir())
    if not entries:
        return False
    if {p.name for p in entries} == _SAVED_FILES and len(entries) == 2 \
            and all(p.is_file() and not p.is_symlink() for p in entries):
        return True
    raise ValueError(f'Output folder "{folder}" is not empty. save() only replaces a folder '
                     f'that holds a previous save ({MANIFEST_FILE} and {OBJECTS_FILE} and '
                     f'nothing else).')


def _write_folder(parent, folder, files, replace):
    """Write ``files`` (name -> bytes) into a new hidden folder in ``parent``, flush it to disk
    and move it to ``folder``. The temporary folder is removed on failure."""
    tmp = parent / f'.{folder.name}.{uuid.uuid4().hex}.tmp'
    tmp.mkdir()
    try:
        for name, data in files.items():
            _write_file(tmp / name, data)
        _fsync_dir(tmp)
        _move_into_place(tmp, folder, replace)
        _fsync_dir(parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _write_file(path, data):
    with open(path, 'xb') as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as e:  # some file systems cannot sync a directory
        if e.errno not in (errno.EINVAL, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _move_into_place(tmp, folder, replace):
    """Rename ``tmp`` to ``folder``. An empty ``folder`` is replaced by the rename itself (POSIX);
    a previous save is exchanged atomically where the OS can, else moved aside first. Whatever
    ``folder`` held before ends up in ``tmp`` (removed by the caller)."""
    if not replace:
        os.rename(tmp, folder)
        return
    if _exchange(tmp, folder):
        return
    old = tmp.with_name(tmp.name + '.old')
    os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        os.rename(old, folder)
        raise
    os.rename(old, tmp)


def _exchange(a, b):
    """Swap two paths in one step with Linux' ``renameat2(RENAME_EXCHANGE)``; return False if
    that is not available here."""
    if not sys.platform.startswith('linux'):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def load_active_learner(folder, trusted=None):
    """Rebuild the active learner saved in ``folder``.

    Parameters
    ----------
    folder : str or Path
        A folder written by :func:`save_active_learner`.
    trusted : list of str or type, default=None
        Exact fully qualified type names (as reported in the error), or the types themselves,
        to trust in addition to the default ones. A name trusts exactly that type: it is not a
        prefix, and functions are never trusted.

    Raises
    ------
    FileNotFoundError
        If the folder or one of its two files is missing (the exception is also a
        SerializationException).
    SerializationException
        If the folder holds other files, a file is damaged or was edited (bad JSON, wrong
        types, inconsistent indices or labels, not a skops archive), was written in an unknown
        or newer format version, or the objects file holds untrusted types or functions.
        Nothing from the folder is run before these checks pass.
    TypeError
        If ``trusted`` is not a list of type names or types.
    """
    from small_text.active_learner import PoolBasedActiveLearner

    folder = Path(folder)
    extra_trusted = _check_trusted(trusted)
    files = _read_folder(folder)
    manifest_path, objects_path = folder / MANIFEST_FILE, folder / OBJECTS_FILE

    manifest = _parse_manifest(files[MANIFEST_FILE], manifest_path)
    objects = _load_objects(files[OBJECTS_FILE], objects_path, extra_trusted)

    learner = PoolBasedActiveLearner(objects['clf_factory'], objects['query_strategy'],
                                     objects['dataset'], fit_kwargs=objects['fit_kwargs'],
                                     reuse_model=manifest['reuse_model'],
                                     incremental_training=manifest['incremental_training'])
    try:
        state = _state_from_manifest(learner, manifest)
    except ValueError as e:
        raise SerializationException(f'Invalid "{manifest_path}": {e}') from e
    if not manifest['initialized'] and objects['classifier'] is not None:
        raise SerializationException(f'Invalid "{objects_path}": it holds a classifier, but '
                                     f'{MANIFEST_FILE} says the learner is not initialized.')
    learner._clf = objects['classifier']
    for name, value in state.items():
        setattr(learner, name, value)
    return learner


def _check_trusted(trusted):
    if trusted is None:
        return frozenset()
    if isinstance(trusted, (str, bytes)) or not isinstance(trusted, (list, tuple, set,
                                                                     frozenset)):
        raise TypeError(f'trusted must be a list of fully qualified type names (or types), '
                        f'got {type(trusted).__name__}')
    names = set()
    for item in trusted:
        if isinstance(item, type):
            names.add(f'{item.__module__}.{item.__qualname__}')
        elif isinstance(item, str) and item and '.' in item and item.strip() == item:
            names.add(item)
        else:
            raise TypeError(f'trusted must hold fully qualified type names such as '
                            f'"my_package.MyEstimator" (or types), got {item!r}')
    return frozenset(names)


def _read_folder(folder):
    """Return ``{file name: bytes}`` of the two saved files, read once each."""
    if not folder.is_dir():
        raise _MissingFileError(f'The folder "{folder}" does not exist (or is not a folder).')
    names = {p.name for p in folder.iterdir()}
    missing = sorted(_SAVED_FILES - names)
    if missing:
        raise _MissingFileError(f'"{folder}" is not a complete saved learner: '
                                f'{", ".join(missing)} is missing.')
    extra = sorted(names - _SAVED_FILES)
    if extra:
        raise SerializationException(f'"{folder}" holds files that small-text does not write: '
                                     f'{extra}. A saved learner has exactly {MANIFEST_FILE} '
                                     f'and {OBJECTS_FILE}.')
    return {name: _read_regular_file(folder / name) for name in sorted(_SAVED_FILES)}


def _read_regular_file(path):
    flags = os.O_RDONLY | getattr(os, 'O_NOFOLLOW', 0) | getattr(os, 'O_NONBLOCK', 0)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise SerializationException(f'"{path}" is not a regular file (a saved learner '
                                         f'holds regular files, not links or devices).')
        fd = os.open(path, flags)
    except OSError as e:
        raise SerializationException(f'Cannot read "{path}": {e.strerror}.') from e
    with os.fdopen(fd, 'rb') as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise SerializationException(f'"{path}" is not a regular file.')
        return f.read()


def _reject_constant(value):
    raise ValueError(f'{value} is not valid JSON')


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f'duplicate key "{key}"')
        result[key] = value
    return result


def _parse_manifest(data, path):
    try:
        manifest = json.loads(data.decode('utf-8'), parse_constant=_reject_constant,
                              object_pairs_hook=_unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise SerializationException(f'Invalid "{path}": not a JSON file ({e}).') from e
    if not isinstance(manifest, dict):
        raise SerializationException(f'Invalid "{path}": expected a JSON object, got '
                                     f'{type(manifest).__name__}.')
    if 'small_text_version' not in manifest or 'format_version' not in manifest:
        raise SerializationException(f'Invalid {MANIFEST_FILE} file: "small_text_version" and '
                                     f'"format_version" are required in {path.parent}.')
    version = manifest['format_version']
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SerializationException(f'Invalid "{path}": format_version must be an int >= 1, '
                                     f'got {version!r}.')
    if version > FORMAT_VERSION:
        raise SerializationException(
            f'The folder "{path.parent}" was written in format version {version} by '
            f'small-text {manifest["small_text_version"]!r}, but this small-text '
            f'{__version__} reads format versions up to {FORMAT_VERSION}. Upgrade small-text '
            f'to load it.')
    unknown = sorted(set(manifest) - set(_MANIFEST_TYPES))
    missing = sorted(set(_MANIFEST_TYPES) - set(manifest))
    if unknown or missing:
        raise SerializationException(f'Invalid "{path}": unknown keys {unknown}, missing keys '
                                     f'{missing}.')
    for key, types in _MANIFEST_TYPES.items():
        value = manifest[key]
        if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
            expected = ' or '.join('null' if t is type(None) else t.__name__ for t in types)
            raise SerializationException(f'Invalid "{path}": "{key}" must be {expected}, got '
                                         f'{type(value).__name__}.')
    try:
        for key in ('indices_labeled', 'indices_ignored', 'indices_queried'):
            manifest[key] = _int_list(manifest[key], key)
        manifest['y'] = _labels_from_json(manifest['y'])
    except ValueError as e:
        raise SerializationException(f'Invalid "{path}": {e}') from e
    return manifest


def _int_list(values, key):
    if values is None:
        return None
    if any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise ValueError(f'"{key}" must be a list of ints')
    if any(not -2**63 <= v < 2**63 for v in values):
        raise ValueError(f'"{key}" holds ints outside the int64 range')
    return np.array(values, dtype=np.int64) if values else np.empty((0,), dtype=int)


def _load_objects(data, path, extra_trusted):
    """Check the skops archive ``data`` (types, roles) and load it; both use the same bytes."""
    import skops.io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            schema = json.loads(archive.read('schema.json'))
        untrusted = set(skops.io.get_untrusted_types(data=data))
        roles = {}
        _collect_roles(schema, roles)
    except Exception as e:  # BadZipFile, KeyError, JSON and skops' own errors
        raise SerializationException(f'Invalid "{path}": not a skops archive written by '
                                     f'small-text ({type(e).__name__}: {e}).') from e

    refused = {}
    for name in sorted(untrusted):
        # a name without a node of its own is a method: skops reports it as module.Class.method
        loaders = roles.get(name, {'MethodNode'})
        if loaders & _FUNCTION_LOADERS:
            refused[name] = 'a function or method, never loaded'
        elif name in extra_trusted or all(name in _LOADERS_BY_ROLE.get(loader, ())
                                          for loader in loaders):
            continue
        elif any(name in allowed for allowed in _LOADERS_BY_ROLE.values()):
            refused[name] = f'small-text never writes it as {"/".join(sorted(loaders))}'
        else:
            refused[name] = 'not trusted'
    if refused:
        details = '; '.join(f'{name}: {reason}' for name, reason in refused.items())
        raise SerializationException(
            f'Refusing to load "{path}": it contains types that are not trusted: '
            f'{sorted(refused)} ({details}). Pass the exact type names as trusted=[...] if you '
            f'trust the origin of this folder (functions cannot be trusted).')

    try:
        objects = skops.io.loads(data, trusted=sorted(untrusted))
    except Exception as e:
        raise SerializationException(f'Invalid "{path}": loading failed ({type(e).__name__}: '
                                     f'{e}).') from e
    _check_objects(objects, path)
    return objects


def _collect_roles(node, roles):
    """Record, for every type name in a skops schema, the loaders (roles) it appears with."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if '__loader__' in node:
                name = f'{node.get("__module__")}.{node.get("__class__")}'
                roles.setdefault(name, set()).add(node['__loader__'])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _check_objects(objects, path):
    from small_text.data.datasets import Dataset

    if not isinstance(objects, dict) or set(objects) != _OBJECT_KEYS:
        found = sorted(objects) if isinstance(objects, dict) else type(objects).__name__
        raise SerializationException(f'Invalid "{path}": expected a dict with the keys '
                                     f'{sorted(_OBJECT_KEYS)}, got {found}.')
    checks = [
        ('clf_factory', callable(getattr(objects['clf_factory'], 'new', None)),
         'a classifier factory (with new())'),
        ('query_strategy', callable(getattr(objects['query_strategy'], 'query', None)),
         'a query strategy (with query())'),
        ('dataset', isinstance(objects['dataset'], Dataset), 'a small_text Dataset'),
        ('classifier', objects['classifier'] is None
         or callable(getattr(objects['classifier'], 'fit', None)), 'None or a classifier'),
        ('fit_kwargs', isinstance(objects['fit_kwargs'], dict)
         and all(isinstance(k, str) for k in objects['fit_kwargs']), 'a dict with str keys'),
    ]
    for key, ok, expected in checks:
        if not ok:
            raise SerializationException(f'Invalid "{path}": "{key}" must be {expected}, got '
                                         f'{type(objects[key]).__name__}.')


def _manifest(active_learner):
    return {
        'small_text_version': __version__,
        'format_version': FORMAT_VERSION,
        'reuse_model': bool(active_learner.reuse_model),
        'incremental_training': bool(active_learner.incremental_training),
        'multi_label': None if active_learner.multi_label is None
        else bool(active_learner.multi_label),
        'initialized': active_learner._index_to_position is not None,
        'indices_labeled': active_learner.indices_labeled.tolist(),
        'indices_ignored': active_learner.indices_ignored.tolist(),
        'indices_queried': (None if active_learner.indices_queried is None
                            else np.asarray(active_learner.indices_queried).tolist()),
        'y': _labels_to_json(active_learner.y),
    }


def _state_from_manifest(learner, manifest):
    """Return the learner's state attributes from a type-checked manifest; raise ValueError if
    they are inconsistent with each other or with ``learner`` (dataset size, classes)."""
    labeled, ignored = manifest['indices_labeled'], manifest['indices_ignored']
    queried, y = manifest['indices_queried'], manifest['y']
    size = list_length(learner.dataset)
    if not manifest['initialized']:
        if labeled.size or ignored.size or queried is not None or y is not None \
                or manifest['multi_label'] is not None:
            raise ValueError('an uninitialized learner has no indices, labels or multi_label')
        return {}
    for key, indices in (('indices_labeled', labeled), ('indices_ignored', ignored),
                         ('indices_queried', queried)):
        if indices is None:
            continue
        if indices.size and (indices.min() < 0 or indices.max() >= size):
            raise ValueError(f'"{key}" holds positions outside [0, {size}) of the dataset')
        if np.unique(indices).shape[0] != indices.shape[0]:
            raise ValueError(f'"{key}" holds duplicate positions')
    if np.intersect1d(labeled, ignored).size:
        raise ValueError('"indices_labeled" and "indices_ignored" overlap')
    if queried is not None and np.intersect1d(queried, np.union1d(labeled, ignored)).size:
        raise ValueError('"indices_queried" holds labeled or ignored positions')
    if y is None or y.shape[0] != labeled.shape[0]:
        raise ValueError(f'"y" must hold one label per labeled position ({labeled.shape[0]}), '
                         f'got {None if y is None else y.shape[0]}')
    multi_label = manifest['multi_label']
    if isinstance(y, csr_matrix) != bool(multi_label) and y.shape[0] > 0:
        raise ValueError(f'"y" is {"a csr" if isinstance(y, csr_matrix) else "a dense"} '
                         f'labeling but "multi_label" is {multi_label}')
    learner._check_label_values(y, '"y"')
    indices_labeled = labeled.astype(int)
    return {'indices_labeled': indices_labeled, 'indices_ignored': ignored.astype(int),
            'indices_queried': None if queried is None else queried.astype(int), 'y': y,
            'multi_label': multi_label,
            '_index_to_position': {int(idx): pos for pos, idx in enumerate(indices_labeled)}}


def _labels_to_json(y):
    if y is None:
        return None
    if isinstance(y, csr_matrix):
        return {'type': 'csr', 'shape': list(y.shape), 'rows': csr_to_list(y)}
    return {'type': 'dense', 'dtype': str(y.dtype), 'values': y.tolist()}


def _labels_from_json(obj):
    """Rebuild labels from their JSON form; raise ValueError on anything malformed."""
    if obj is None:
        return None
    kind = obj.get('type')
    if kind == 'csr' and set(obj) == {'type', 'shape', 'rows'}:
        shape, rows = obj['shape'], obj['rows']
        if not (isinstance(shape, list) and len(shape) == 2
                and all(isinstance(s, int) and not isinstance(s, bool) and s >= 0
                        for s in shape)) or not isinstance(rows, list) or len(rows) != shape[0]:
            raise ValueError('"y" (csr) needs "shape" [rows, columns] and one list per row')
        for row in rows:
            if not isinstance(row, list) or len(set(row)) != len(row) or any(
                    isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < shape[1]
                    for c in row):
                raise ValueError(f'"y" (csr) rows must be lists of distinct column ids in '
                                 f'[0, {shape[1]})')
        return list_to_csr(rows, tuple(shape))
    if kind == 'dense' and set(obj) == {'type', 'dtype', 'values'}:
        if obj['dtype'] not in _INT_DTYPES:
            raise ValueError(f'"y" must have an integer dtype, got {obj["dtype"]!r}')
        if not isinstance(obj['values'], list):
            raise ValueError('"y" (dense) needs a list of "values"')
        values, limits = _int_list(obj['values'], 'y'), np.iinfo(obj['dtype'])
        if values.size and (values.min() < limits.min or values.max() > limits.max):
            raise ValueError(f'"y" holds values outside the range of its dtype {obj["dtype"]}')
        return values.astype(obj['dtype'])
    raise ValueError('"y" must be null, {"type": "dense", "dtype", "values"} or '
                     '{"type": "csr", "shape", "rows"}')
