"""The public API against ../shared/spec and ../shared/seed: signatures, module paths, exports.

The checker (``_spec_signatures``) extracts every documented ``name(params)`` and every
module/name table from the spec text and compares them with the implementation through
``importlib`` and ``inspect.signature``. Run ``python tests/unit/core/_spec_signatures.py`` for
the full report.

Names of the PyTorch and transformers integrations are compared only when their extra is
installed. setfit and hnswlib are never needed: their classes import and can be inspected
without them.
"""
import importlib
import importlib.util
import inspect
import re

import pytest

from ._spec_signatures import (
    EXTRA_IMPORTS,
    SHARED,
    Item,
    check_all,
    check_exports,
    compare,
    extract_exports,
    extract_module_paths,
    load_modules,
    module_attribute,
)

needs_spec = pytest.mark.skipif(
    not (SHARED / 'spec').is_dir() or not (SHARED / 'seed').is_dir(),
    reason='../shared/spec is missing (or ../shared/seed): nothing to compare with')

ALLOWED = [
    # (documented object, text of the problem, why we deliberately differ)
    ('small_text.query_strategies.base.ClassificationType.from_str',
     "missing parameter 's'",
     'query_strategies.md 2.3 names the argument `s` in prose only; it is passed positionally '
     'in every documented use, and the longer name says what the string is.'),
    ('small_text.training.early_stopping.EarlyStopping.check_early_stop',
     "missing parameter 'values'",
     'training_and_integrations.md 3.1 abbreviates the argument in the algorithm steps; the '
     'definition of EarlyStoppingHandler.check_early_stop calls it `measured_values`.'),
    ('small_text.integrations.pytorch.utils.data.dataloader',
     "default of 'train' is True, spec says False",
     'query_strategies.md 5 shows how the gradient strategies call the loader (sequentially, '
     'train=False); the definition in training_and_integrations.md 4.3 has train=True.'),
    ('small_text.integrations.pytorch.query_strategies.strategies.ExpectedGradientLength.query',
     "parameter 'n' (position 5) is keyword-only",
     'EGL is @constraints(single-label): its query is the constraint wrapper of '
     'query_strategies.md 2.4, `query(self, clf, dataset, indices_unlabeled, indices_labeled, '
     'y, *args, n=10, **kwargs)`, as in small-text 2.0.'),
    ('small_text.integrations.pytorch.query_strategies.strategies.ExpectedGradientLength.query',
     "missing parameter 'pbar'",
     'The constraint wrapper (query_strategies.md 2.4) passes pbar on through **kwargs.'),
    ('small_text.query_strategies.base.QueryStrategy.query',
     "multiple values for argument 'n'",
     'query_strategies.md 2.4 gives the query of the subclass that @constraints creates, '
     '`(self, clf, dataset, indices_unlabeled, indices_labeled, y, *args, n=10, **kwargs)`; the '
     'checker reads it as a call of QueryStrategy.query. test_constrained_query_signature '
     'checks the wrapper.'),
    ('small_text.utils.context.NullProgressBar.update',
     "parameter 'n' is required in the spec but has the default 1",
     'Superset: the null bar stands in for tqdm, whose update(n=1) has this default; every '
     'documented call works.'),
    ('small_text.integrations.pytorch.datasets.PytorchTextClassificationDataset.from_arrays',
     "parameter 'tokenizer' is required in the spec but has the default None",
     'Superset: None fits a word tokenizer on the texts (2.0 has no vocabulary object, and '
     'KimCNN users otherwise need a trained `tokenizers` model); every documented call works.'),
    ('small_text.integrations.pytorch.classifiers.base.PytorchClassifier.predict',
     "missing parameter 'data_set'",
     'training_and_integrations.md 4.4 calls it `data_set`, the seed (normative; it wins over '
     'the spec) `dataset` for KimCNNClassifier and TransformerBasedClassification, which '
     'inherit predict from PytorchClassifier; predict_proba is `dataset` in both.'),
    ('small_text.integrations.transformers.classifiers.classification.TransformerModelArguments',
     'model_loading_strategy=get_default_model_loading_strategy()',
     'training_and_integrations.md 6.7: 2.0 evaluates the default once at import, so a later '
     'SMALL_TEXT_OFFLINE is ignored; None resolves get_default_model_loading_strategy() when '
     'the arguments are built.'),
    ('small_text.integrations.transformers.classifiers.setfit.SetFitModelArguments',
     'model_loading_strategy=get_default_model_loading_strategy()',
     'As for TransformerModelArguments (training_and_integrations.md 6.7).'),
]
"""Deliberate, documented deviations from the spec's signatures."""


def _extra_of(path):
    if path and path.startswith('small_text.integrations.pytorch'):
        return 'pytorch'
    if path and path.startswith('small_text.integrations.transformers'):
        return 'transformers'
    return None


def _require(extra):
    if extra is not None:
        pytest.importorskip(EXTRA_IMPORTS[extra],
                            reason=f'needs the {extra} extra: pip install "small-text[{extra}]"')


def _allowed(item, problem):
    return any(item.target_path == path and text in problem for path, text, _ in ALLOWED)


@pytest.fixture(scope='module')
def checked():
    return check_all()


def _report(items):
    return '\n'.join(f'{it.where}: {it.text}\n    -> {it.target_path}\n    - ' +
                     '\n    - '.join(p for p in it.problems if not _allowed(it, p))
                     for it in items)


@needs_spec
@pytest.mark.parametrize('extra', [None, 'pytorch', 'transformers'],
                         ids=['core', 'pytorch', 'transformers'])
def test_documented_signatures_match(checked, extra):
    _require(extra)
    items, _, _ = checked
    mine = [it for it in items if _extra_of(it.target_path) == extra]
    failing = [it for it in mine if any(not _allowed(it, p) for p in it.problems)]
    assert not failing, 'signatures that differ from the spec:\n' + _report(failing)


@needs_spec
@pytest.mark.parametrize('extra', [None, 'pytorch', 'transformers'],
                         ids=['core', 'pytorch', 'transformers'])
def test_the_checker_compares_a_substantial_part_of_the_spec(checked, extra):
    """Guards against an extractor that silently stops matching the spec text."""
    _require(extra)
    items, _, _ = checked
    compared = [it for it in items if it.target is not None and not it.skipped
                and _extra_of(it.target_path) == extra]
    minimum = {None: 200, 'pytorch': 30, 'transformers': 20}[extra]
    assert len(compared) >= minimum


@needs_spec
def test_known_definitions_are_compared(checked):
    items, _, _ = checked
    by_text = {it.text: it for it in items}
    knn = by_text["KNNIndex(algorithm='auto', radius=1.0, leaf_size=30, metric='minkowski', "
                  "p=2, metric_params=None, n_jobs=None)"]
    assert knn.definition and knn.target_path.endswith('.KNNIndex')
    assert knn.problems == [] and knn.skipped is None
    prob_cover = [it for it in items if it.target_path is not None
                  and it.target_path.endswith('vector_space.ProbCover') and it.definition
                  and 'k: int = 100' in it.text]
    assert prob_cover and all(not it.problems for it in prob_cover)


@needs_spec
def test_every_allow_list_entry_is_needed(checked):
    items, _, _ = checked
    for path, text, reason in ALLOWED:
        extra = _extra_of(path)
        if extra is not None and importlib.util.find_spec(EXTRA_IMPORTS[extra]) is None:
            continue
        assert reason
        assert any(it.target_path == path and any(text in p for p in it.problems)
                   for it in items), f'stale allow-list entry: {path}: {text}'


def _exports_for(extra):
    modules, failed = load_modules()
    exports = [e for e in extract_exports() if _extra_of(e.module) == extra]
    return check_exports(exports, modules, failed)


@needs_spec
@pytest.mark.parametrize('extra', [None, 'pytorch', 'transformers'],
                         ids=['core', 'pytorch', 'transformers'])
def test_documented_module_exports(extra):
    _require(extra)
    results = _exports_for(extra)
    assert len(results) >= {None: 40, 'pytorch': 2, 'transformers': 1}[extra]
    problems = [f'{e.source}:{e.line}: {p}' for e, p, _ in results if p]
    assert not problems, '\n'.join(problems)


@needs_spec
@pytest.mark.parametrize('extra', [None, 'pytorch', 'transformers'],
                         ids=['core', 'pytorch', 'transformers'])
def test_documented_module_paths_import(extra):
    _require(extra)
    modules, names = extract_module_paths()
    modules = [m for m in modules if _extra_of(m[2]) == extra]
    names = [n for n in names if _extra_of(n[2]) == extra]
    assert modules
    for source, line, module in modules:
        importlib.import_module(module)
    for source, line, path in names:
        module, name = path.rsplit('.', 1)
        assert hasattr(importlib.import_module(module), name), f'{source}:{line}: {path}'


def test_constrained_query_signature():
    """query_strategies.md 2.4: the query of a @constraints class."""
    from small_text.query_strategies import CategoryVectorInconsistencyAndRanking, ClassBalancer

    for cls in (ClassBalancer, CategoryVectorInconsistencyAndRanking):
        parameters = inspect.signature(cls.query).parameters
        assert [(p.name, p.kind.name, p.default) for p in parameters.values()] == [
            ('self', 'POSITIONAL_OR_KEYWORD', inspect.Parameter.empty),
            ('clf', 'POSITIONAL_OR_KEYWORD', inspect.Parameter.empty),
            ('dataset', 'POSITIONAL_OR_KEYWORD', inspect.Parameter.empty),
            ('indices_unlabeled', 'POSITIONAL_OR_KEYWORD', inspect.Parameter.empty),
            ('indices_labeled', 'POSITIONAL_OR_KEYWORD', inspect.Parameter.empty),
            ('y', 'POSITIONAL_OR_KEYWORD', inspect.Parameter.empty),
            ('args', 'VAR_POSITIONAL', inspect.Parameter.empty),
            ('n', 'KEYWORD_ONLY', 10),
            ('kwargs', 'VAR_KEYWORD', inspect.Parameter.empty),
        ]


# --- the comparator itself ------------------------------------------------------------------

def _documented(text, target, definition=True):
    name, params = text.split('(', 1)
    item = Item('test', 1, text, name, params[:-1], definition, target=target,
                target_path=f'test.{name}')
    return compare(item)


def _function(a, b=1, *, c='x', **kwargs):
    return a, b, c, kwargs


def test_comparator_accepts_a_matching_signature_and_added_keyword_arguments():
    assert _documented('_function(a, b=1, *, c="x", **kwargs)', _function).problems == []
    assert _documented('_function(a, b=1)', _function).problems == []


@pytest.mark.parametrize('text, problem', [
    ('_function(a, b=2)', "default of 'b' is 1, spec says 2"),
    ('_function(x, b=1)', "missing parameter 'x' at position 0"),
    ('_function(a, c="x")', "parameter 'c' (position 1) is keyword-only"),
    ('_function(a, b)', "parameter 'b' is required in the spec but has the default 1"),
    ('_function(a, b=1, d=None)', "missing parameter 'd' at position 2"),
    ('_function(a, b=1, *args)', 'missing *args'),
])
def test_comparator_reports_each_kind_of_difference(text, problem):
    problems = _documented(text, _function).problems
    assert any(problem in p for p in problems), problems


def _plain(a, b=1):
    return a, b


def test_comparator_binds_calls_instead_of_matching_them():
    assert _documented('_function(1, c=2)', _function, definition=False).problems == []
    assert _documented('_plain(1, b=2)', _plain, definition=False).problems == []
    problems = _documented('_plain(1, e=2)', _plain, definition=False).problems
    assert problems and 'does not bind' in problems[0]


def test_comparator_checks_documented_base_classes():
    class Base:
        pass

    class Derived(Base):
        pass

    item = _documented('Derived(Base)', Derived)
    assert item.kind == 'bases'
    assert any('is not defined' in p for p in item.problems)  # Base is local, not in a module
    item = _documented('Derived(ValueError)', Derived)
    assert item.problems == ['Derived does not derive from ValueError']


# --- documented str() formats ---------------------------------------------------------------

_STR_ARGUMENTS = {
    'base_query_strategy': lambda: importlib.import_module(
        'small_text.query_strategies').RandomSampling(),
    'classifier_factory': lambda: importlib.import_module(
        'small_text.classifiers').SklearnClassifierFactory(
            importlib.import_module('sklearn.linear_model').LogisticRegression(), 2),
    'num_iterations': lambda: 2,
    'num_classes': lambda: 3,
    'layer_name': lambda: 'fc',
}
"""Values for the required constructor arguments of the classes whose str() is documented."""


def _documented_str_formats():
    path = SHARED / 'spec' / 'query_strategies.md'
    if not path.is_file():
        return [('', 'spec-missing')]  # one case, skipped by needs_spec
    text = path.read_text(encoding='utf-8')
    return re.findall(r'`str`: `((\w+)\([^`]*\))`', text)


@needs_spec
@pytest.mark.parametrize('documented, name', _documented_str_formats(),
                         ids=[n for _, n in _documented_str_formats()])
def test_documented_str_formats(documented, name):
    """query_strategies.md gives str() of each strategy; <placeholders> stand for values."""
    modules, _ = load_modules()
    candidates = [m for m in ('small_text.query_strategies',
                              'small_text.integrations.pytorch.query_strategies')
                  if m in modules and module_attribute(modules[m], name) is not None]
    if not candidates:
        _require('pytorch')
    cls = module_attribute(modules[candidates[0]], name)
    if inspect.isabstract(cls):
        pytest.skip(f'{name} is abstract')
    if name == 'SEALS':
        pytest.importorskip('hnswlib', reason='SEALS needs the hnswlib extra: '
                                              'pip install "small-text[hnswlib]"')
    required = [p.name for p in inspect.signature(cls).parameters.values()
                if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD]
    instance = cls(*[_STR_ARGUMENTS[p]() for p in required])
    pattern = ''.join('.+?' if part.startswith('<') else re.escape(part)
                      for part in re.split(r'(<[^<>]*>)', documented))
    assert re.fullmatch(pattern, str(instance)), (str(instance), documented)
