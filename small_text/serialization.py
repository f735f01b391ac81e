"""Saving and loading active learners without pickle.

A saved learner is a folder with two files:

``active_learning.json``
    The manifest: ``small_text_version``, ``format_version``, the labeled, ignored and queried
    indices, the labels, and the learner's parameters (``reuse_model``,
    ``incremental_training``, ``multi_label``).
``objects.skops``
    The classifier factory, the query strategy, the dataset, the current classifier and the
    ``fit_kwargs``, written with `skops <https://skops.readthedocs.io>`_.

Trust model
-----------
skops files are not pickles: loading one never runs code from the file, it only rebuilds
objects of types that the loader trusts. Trusted are the types skops trusts by default (NumPy,
SciPy and scikit-learn estimators), SciPy's sparse matrices, and the types defined by
small-text itself. Any other type
in the file (for example a custom estimator of yours) makes :func:`load_active_learner` raise a
:class:`~small_text.exceptions.SerializationException` that lists those types; pass them in
``trusted`` only if you trust the folder's origin. Nothing here uses pickle.
"""
import json

import numpy as np
from scipy.sparse import csr_matrix

from small_text.exceptions import SerializationException
from small_text.utils.labels import csr_to_list, list_to_csr
from small_text.version import __version__

MANIFEST_FILE = 'active_learning.json'
OBJECTS_FILE = 'objects.skops'
FORMAT_VERSION = 1
"""Version of the folder layout; incremented whenever it changes incompatibly."""

_TRUSTED_TYPE_PREFIXES = ('small_text.', 'scipy.sparse.')
"""Types trusted beyond skops' defaults: small-text's own classes and SciPy's sparse
containers (plain data)."""


def save_active_learner(active_learner, folder, create_folder=False):
    """Write ``active_learner`` into ``folder`` (see the module docstring for the layout)."""
    import skops.io

    if not folder.exists():
        if not create_folder:
            raise FileNotFoundError(f'Output folder "{folder}" does not exist. Create it or '
                                    f'pass create_folder=True.')
        folder.mkdir(parents=True)
    elif any(folder.iterdir()):
        raise ValueError(f'Output folder "{folder}" is not empty.')

    try:
        objects = {
            'clf_factory': active_learner._clf_factory,
            'query_strategy': active_learner._query_strategy,
            'dataset': active_learner.dataset,
            'classifier': active_learner._clf,
            'fit_kwargs': active_learner.fit_kwargs,
        }
        skops.io.dump(objects, folder / OBJECTS_FILE)
        with (folder / MANIFEST_FILE).open('w', encoding='utf-8') as f:
            json.dump(_manifest(active_learner), f, indent=4, sort_keys=True)
    except Exception as e:
        raise SerializationException(f'Failed to save active learner folder "{folder}": '
                                     f'{e}') from e


def load_active_learner(folder, trusted=None):
    """Rebuild the active learner saved in ``folder``.

    Parameters
    ----------
    folder : Path
        A folder written by :func:`save_active_learner`.
    trusted : list of str, default=None
        Type names (as reported in the error) to trust in addition to the default ones.

    Raises
    ------
    FileNotFoundError
        If the manifest is missing.
    SerializationException
        If the manifest is invalid, written by a newer format version, or the objects file
        holds untrusted types.
    """
    import skops.io
    from small_text.active_learner import PoolBasedActiveLearner

    with (folder / MANIFEST_FILE).open(encoding='utf-8') as f:
        manifest = json.load(f)
    if 'small_text_version' not in manifest or 'format_version' not in manifest:
        raise SerializationException(f'Invalid {MANIFEST_FILE} file: "small_text_version" and '
                                     f'"format_version" are required in {folder}.')
    if manifest['format_version'] > FORMAT_VERSION:
        raise SerializationException(
            f'The folder "{folder}" was written in format version '
            f'{manifest["format_version"]} by small-text {manifest["small_text_version"]}, but '
            f'this small-text {__version__} reads format versions up to {FORMAT_VERSION}. '
            f'Upgrade small-text to load it.')

    path = folder / OBJECTS_FILE
    untrusted = [t for t in skops.io.get_untrusted_types(file=path)
                 if not t.startswith(_TRUSTED_TYPE_PREFIXES) and t not in (trusted or [])]
    if untrusted:
        raise SerializationException(
            f'Refusing to load "{path}": it contains types that are not trusted: {untrusted}. '
            f'Pass them as trusted=[...] if you trust the origin of this folder.')
    objects = skops.io.load(path, trusted=skops.io.get_untrusted_types(file=path))

    learner = PoolBasedActiveLearner(objects['clf_factory'], objects['query_strategy'],
                                     objects['dataset'], fit_kwargs=objects['fit_kwargs'],
                                     reuse_model=manifest['reuse_model'],
                                     incremental_training=manifest['incremental_training'])
    learner._clf = objects['classifier']
    _restore_state(learner, manifest)
    return learner


def _manifest(active_learner):
    return {
        'small_text_version': __version__,
        'format_version': FORMAT_VERSION,
        'reuse_model': bool(active_learner.reuse_model),
        'incremental_training': bool(active_learner.incremental_training),
        'multi_label': active_learner.multi_label,
        'initialized': active_learner._index_to_position is not None,
        'indices_labeled': active_learner.indices_labeled.tolist(),
        'indices_ignored': active_learner.indices_ignored.tolist(),
        'indices_queried': (None if active_learner.indices_queried is None
                            else np.asarray(active_learner.indices_queried).tolist()),
        'y': _labels_to_json(active_learner.y),
    }


def _restore_state(learner, manifest):
    learner.multi_label = manifest['multi_label']
    learner.indices_labeled = np.array(manifest['indices_labeled'], dtype=int)
    learner.indices_ignored = np.array(manifest['indices_ignored'], dtype=int)
    if manifest['indices_queried'] is not None:
        learner.indices_queried = np.array(manifest['indices_queried'], dtype=int)
    learner.y = _labels_from_json(manifest['y'])
    if manifest['initialized']:
        learner._index_to_position = learner._build_index_to_position()


def _labels_to_json(y):
    if y is None:
        return None
    if isinstance(y, csr_matrix):
        return {'type': 'csr', 'shape': list(y.shape), 'rows': csr_to_list(y)}
    return {'type': 'dense', 'dtype': str(y.dtype), 'values': y.tolist()}


def _labels_from_json(obj):
    if obj is None:
        return None
    if obj['type'] == 'csr':
        return list_to_csr(obj['rows'], tuple(obj['shape']))
    return np.array(obj['values'], dtype=obj['dtype'])
