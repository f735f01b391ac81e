"""Sphinx configuration of the small-text documentation.

Build (from the repository root, with ``pip install -e ".[docs]"``)::

    python -m sphinx -W -b html docs docs/_build/html

The API reference pages are generated from the ``__all__`` lists of the public modules, so a
new public name appears without editing this folder.
"""
import importlib
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, os.path.abspath('..'))

from small_text import __version__  # noqa: E402

project = 'small-text'
author = 'the small-text developers'
copyright = '2026, the small-text developers'
release = version = __version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.autosummary',
    'sphinx.ext.napoleon',
    'sphinx.ext.mathjax',
    'sphinx-mathjax-offline',  # MathJax ships with the pages: they render offline
]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True
autosummary_generate = True
autodoc_default_options = {
    'members': True,
    'show-inheritance': True,
    # scikit-learn's metadata-routing helpers, inherited by ConfidenceEnhancedLinearSVC
    'exclude-members': 'set_fit_request,set_predict_request,set_score_request,'
                       'set_partial_fit_request',
}
autodoc_member_order = 'bysource'
autodoc_typehints = 'none'
exclude_patterns = ['_build', 'README.md', 'summary.md', 'study.md']
html_theme = 'alabaster'
html_static_path = []
# Unresolvable labels and glossary terms in docstrings inherited from scikit-learn, and
# attribute names that several classes share.
suppress_warnings = ['ref.ref', 'ref.term', 'ref.python']

# (page, title, introduction, [(section title or None, module, extra needed or None)])
API_PAGES = [
    ('core', 'Active learner, data and initialization', [
        (None, 'small_text.active_learner', None),
        ('Constants and optional dependencies', 'small_text.base', None),
        ('Exceptions', 'small_text.exceptions', None),
        ('Data', 'small_text.data', None),
        ('Initialization', 'small_text.initialization', None),
    ]),
    ('query_strategies', 'Query strategies and vector indexes', [
        (None, 'small_text.query_strategies', None),
        ('Vector indexes', 'small_text.vector_indexes', None),
    ]),
    ('classifiers', 'Classifiers', [
        (None, 'small_text.classifiers', None),
        ('PyTorch integration', 'small_text.integrations.pytorch', 'pytorch'),
        ('Transformers integration', 'small_text.integrations.transformers', 'transformers'),
    ]),
    ('training', 'Stopping criteria, training control and utilities', [
        ('Stopping criteria', 'small_text.stopping_criteria', None),
        ('Training control', 'small_text.training', None),
        ('Utilities', 'small_text.utils', None),
    ]),
    ('experiments', 'Experiment runner', [
        (None, 'small_text.experiments', None),
    ]),
    ('annotate', 'Annotation app', [
        ('Projects', 'small_text.annotate.project', None),
    ]),
]


def _public_names(module_name):
    module = importlib.import_module(module_name)
    names = getattr(module, '__all__', None)
    if names is None:
        return []
    return [name for name in names
            if not isinstance(getattr(module, name, None), type(sys))]  # no submodules


def _write_api_pages():
    folder = Path(__file__).parent / 'api'
    folder.mkdir(exist_ok=True)
    seen = set()  # re-exported objects are documented once, where first listed
    for page, title, sections in API_PAGES:
        lines = [title, '=' * len(title), '']
        for section, module_name, extra in sections:
            if section is not None:
                lines += [section, '-' * len(section), '']
            if extra is not None:
                lines += [f'Needs ``pip install "small-text[{extra}]"``.', '']
            module = importlib.import_module(module_name)
            names = [name for name in _public_names(module_name)
                     if not callable(getattr(module, name))
                     or id(getattr(module, name)) not in seen]
            seen.update(id(getattr(module, name)) for name in names
                        if callable(getattr(module, name)))
            lines += [f'.. currentmodule:: {module_name}', '',
                      '.. autosummary::', '   :toctree: generated', '   :nosignatures:', '']
            lines += [f'   {name}' for name in names] + ['']
        text = '\n'.join(lines)
        path = folder / f'{page}.rst'
        if not path.exists() or path.read_text() != text:
            path.write_text(text)


_CITATION = re.compile(r'^(\s*)\.\. \[([^\]]+)\]\s*(.*)$')


def _plain_references(app, what, name, obj, options, lines):
    """Turn the papers of a References section into a bullet list.

    Docstrings cite papers numpydoc-style (``.. [LG13] ...`` and ``[LG13]_``); Sphinx treats
    such citations as global, so two classes citing one paper would clash. As plain text they
    read the same and stay local to their docstring.
    """
    out = []
    i = 0
    while i < len(lines):
        match = _CITATION.match(lines[i])
        if match is None:
            out.append(re.sub(r'\[([A-Za-z0-9+]+)\]_', r'[\1]', lines[i]))
            i += 1
            continue
        indent, key, text = match.groups()
        parts = [text]
        i += 1
        while i < len(lines) and lines[i].strip() and (
                len(lines[i]) - len(lines[i].lstrip()) > len(indent)):
            parts.append(lines[i].strip())
            i += 1
        out.append(f'{indent}* [{key}] ' + ' '.join(p for p in parts if p))
    lines[:] = out


def setup(app):
    app.connect('autodoc-process-docstring', _plain_references, priority=900)


_write_api_pages()
