"""Extracts the documented callables of ../shared/spec and ../shared/seed and compares them
with the implementation.

The spec is prose: a signature is any code span (or seed line) of the form ``name(params)``
whose name resolves to a class, function or method defined in ``small_text``. Each one is
classified by the words before it:

* a *definition* (a heading, a bullet or bold item, ``__init__(self, ...)``, a seed line) must
  match the implementation: the documented parameters in the documented order, with the
  documented kinds and defaults. The implementation may add parameters after them when they are
  keyword-only or have a default (an issue may add arguments; spec README, rule 3);
* a *call* (``returns X(...)``, ``str``: formats, reprs, examples) must bind to the signature,
  which still catches a renamed or missing keyword.

Run ``python tests/unit/core/_spec_signatures.py`` for a report of every item.
"""
import abc
import ast
import collections.abc
import enum
import importlib
import importlib.util
import inspect
import math
import pkgutil
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

SHARED = Path(__file__).resolve().parents[4] / 'shared'
SPEC_FILES = ('core.md', 'query_strategies.md', 'training_and_integrations.md')
SEED_FILE = 'classifier_api.txt'

EXTRAS = {
    'small_text.integrations.pytorch': 'pytorch',
    'small_text.integrations.transformers': 'transformers',
}
"""Module prefixes that need an extra, and the extra's name (``pip install small-text[x]``)."""

EXTRA_IMPORTS = {'pytorch': 'torch', 'transformers': 'transformers'}
"""The package each extra installs."""

_CALL_WORDS = re.compile(
    r'(→|->|returns?|return|calls?|called|gives?|via|e\.g\.|i\.e\.|=|becomes|build|builds|'
    r'example|str`?:|repr`?:|fit|create|run|draw|passes|pass|then|Calls|Returns|Builds|'
    r'raises?|Example|with|`new\(\)`|new\(\)|is|of|Creates?|mapped|uses?|Use|Start|'
    r'construct\w*|instance|wraps?|used)[\s`*:,(]*$')
"""Words just before a code span that make it a call, not a definition."""


@dataclass
class Item:
    """One documented callable."""
    source: str
    line: int
    text: str
    name: str
    params: str
    definition: bool
    module_hint: str = None
    class_hint: str = None
    class_hints: tuple = ()
    target: object = None
    target_path: str = None
    problems: list = field(default_factory=list)
    skipped: str = None
    partial: bool = False
    kind: str = 'signature'
    module_problem: str = None

    @property
    def where(self):
        return f'{self.source}:{self.line}'


# --- discovery of the implementation --------------------------------------------------------

def _iter_module_names():
    import small_text
    yield 'small_text'
    for info in pkgutil.walk_packages(small_text.__path__, 'small_text.'):
        yield info.name


def _missing_extra(module_name):
    for prefix, extra in EXTRAS.items():
        if module_name.startswith(prefix):
            return extra
    return None


def load_modules():
    """Import every small_text module that imports here: {name: module}, {name: error}."""
    modules, failed = {}, {}
    for name in _iter_module_names():
        if name.startswith(('small_text.annotate', 'small_text.experiments')):
            continue
        try:
            modules[name] = importlib.import_module(name)
        except ImportError as e:
            failed[name] = e
    return modules, failed


def module_attribute(module, name):
    """``getattr(module, name)``, or None where it is absent or needs a missing extra (the lazy
    names of small_text raise the extra's ImportError or MissingOptionalDependencyError)."""
    if module is None:
        return None
    try:
        return getattr(module, name)
    except (AttributeError, ImportError, RuntimeError):
        return None


def _defined_here(obj):
    module = getattr(obj, '__module__', None) or ''
    return module.startswith('small_text') and (inspect.isclass(obj) or inspect.isfunction(obj))


def build_symbol_table(modules):
    """{public name: [(module name, object)]} for classes and functions defined in small_text."""
    table = {}
    for module_name, module in modules.items():
        for name, obj in vars(module).items():
            if name.startswith('__') or not _defined_here(obj):
                continue
            entries = table.setdefault(name, [])
            if all(o is not obj for _, o in entries):
                entries.append((module_name, obj))
    return table


# --- extraction -------------------------------------------------------------------------------

_NAME = re.compile(r'(?:class\s+|abstract\s+|classmethod\s+|static\s+)*'
                   r'([A-Za-z_][\w.]*)\s*\(')
_MODULE_IN_HEADING = re.compile(r'`(small_text(?:\.[A-Za-z_]\w*)+)`')
_RELATIVE_MODULE = re.compile(r'`\.?([a-z_]+(?:\.[a-z_]+)*)`')
_CLASS_IN_HEADING = re.compile(r'`([A-Z]\w*)')


def _match_paren(text, start):
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
            if depth == 0:
                return i
    return None


def _signature_at(text, pos):
    """(name, params, end) for a ``name(...)`` that starts at ``pos``, else None."""
    m = _NAME.match(text, pos)
    if m is None:
        return None
    open_paren = m.end() - 1
    close = _match_paren(text, open_paren)
    if close is None:
        return None
    return m.group(1), text[open_paren + 1:close], close + 1


def _code_spans(line):
    for m in re.finditer(r'`([^`]+)`', line):
        yield m.start(), m.group(1)


def extract(shared=SHARED):
    """Every ``name(params)`` of the spec and the seed, with its context."""
    items = []
    for file_name in SPEC_FILES:
        items.extend(_extract_markdown(shared / 'spec' / file_name))
    items.extend(_extract_seed(shared / 'seed' / SEED_FILE))
    return items


_SPEC_ROOT_MODULE = {
    'query_strategies.md': 'small_text.query_strategies',
    'core.md': 'small_text',
    'training_and_integrations.md': 'small_text',
}


_DEFAULT_CLASSES = {'query_strategies.md': ('QueryStrategy',)}
"""Where no class is in context, methods of this part belong to these classes."""


_NAMES_THEN_PARAMETERS = re.compile(r'^\s*[*-]\s+((?:`\w+`,\s*)*`\w+`):\s*`\(([^`]*)\)`')


def _logical_lines(path):
    """(line number, text) with a code span that wraps onto the next line joined to it."""
    lines = path.read_text(encoding='utf-8').splitlines()
    i = 0
    while i < len(lines):
        lineno, text = i + 1, lines[i]
        while text.count('`') % 2 == 1 and i + 1 < len(lines) and not text.startswith('```'):
            i += 1
            text += ' ' + lines[i].strip()
        yield lineno, text
        i += 1


def _extract_markdown(path):
    items = []
    module_hint, class_hint, heading_module = None, None, None
    hints = []
    root = _SPEC_ROOT_MODULE[path.name]
    integration_root = None
    previous = ''
    for lineno, line in _logical_lines(path):
        if line.startswith('#'):
            level = len(line) - len(line.lstrip('#'))
            m = _MODULE_IN_HEADING.search(line)
            if m:
                module_hint = m.group(1)
                if level <= 2:
                    heading_module = module_hint
                    if module_hint.startswith('small_text.integrations.'):
                        integration_root = module_hint
            elif level <= 2:
                module_hint = heading_module = None
            else:
                module_hint = heading_module
                rel = re.search(r'\(`\.?([a-z_.]+)`|— `([a-z_]+)`|^#+ [\d.]+ `([a-z_]+)`$', line)
                if rel:
                    sub = rel.group(1) or rel.group(2) or rel.group(3)
                    base = heading_module or integration_root or root
                    module_hint = f'{base}.{sub.lstrip(".")}'
            c = _CLASS_IN_HEADING.search(line)
            class_hint = c.group(1) if c else None
            hints = [class_hint] if class_hint else []
        else:
            c = re.match(r'\s*(?:[*-]\s+)?(?:\*\*(?:`([A-Z]\w*)[`(]|([A-Z]\w*)\*\*)|`([A-Z]\w*)`)',
                         line)
            if c:
                class_hint = c.group(1) or c.group(2) or c.group(3)
                hints.insert(0, class_hint)
        if line.lstrip().startswith('|'):
            previous = line
            continue
        for names, params in _NAMES_THEN_PARAMETERS.findall(line):
            # "`debug`, `info`, ...: `(msg, *args, ...)`": one signature for several methods
            for name in re.findall(r'`(\w+)`', names):
                items.append(Item(path.name, lineno, f'{name}({params})', name, params, True,
                                  module_hint, class_hint, tuple(hints)))
        for col, span in _code_spans(line):
            parsed = _signature_at(span, 0)
            if parsed is None:
                continue
            name, params, end = parsed
            rest = span[end:].strip()
            if rest and not rest.startswith('->'):
                continue
            before = line[:col]
            if not before.strip() and line[:1].isspace():
                before = previous + ' ' + before
            definition = _is_definition(line, before)
            if definition and name[0].isupper():
                class_hint = name
                hints.insert(0, name)
            context = tuple(dict.fromkeys(hints)) + _DEFAULT_CLASSES.get(path.name, ())
            item = Item(path.name, lineno, span, name, params, definition, module_hint,
                        class_hint, context)
            item.partial = bool(re.search(r'(?:`?str`?|`?repr`?)\s*:\s*$', before)) \
                or 'ormat' in before
            items.append(item)
        previous = line
    return items


def _is_definition(line, before):
    stripped = before.strip()
    if line.startswith('#'):
        return True
    if stripped in ('', '*', '-', '**', '* **', '- **', '`') or re.fullmatch(r'\d+\.', stripped):
        return True
    if re.fullmatch(r'[*-]?\s*\*\*', stripped):
        return True
    if stripped.endswith(('Abstract', 'abstract', 'Static', 'static')):
        return True
    if _CALL_WORDS.search(before):
        return False
    return stripped.endswith((':', ';', ','))


def _extract_seed(path):
    items = []
    class_path = None
    for lineno, line in enumerate(path.read_text(encoding='utf-8').splitlines(), 1):
        bare = re.match(r'class (small_text\.[\w.]+)\[source\]$', line)
        if bare:  # a class without constructor arguments
            class_path = bare.group(1)
            continue
        m = re.match(r'(class |abstract |classmethod )?([A-Za-z_][\w.]*)\(', line)
        if not m:
            continue
        parsed = _signature_at(line, 0)
        if parsed is None:
            continue
        name, params, _ = parsed
        if '.' in name:
            class_path = name
            module_hint, class_name = name.rsplit('.', 1)
            items.append(Item('seed', lineno, line.strip(), class_name, params, True, module_hint,
                              class_name))
        elif class_path is not None:
            module_hint, class_name = class_path.rsplit('.', 1)
            items.append(Item('seed', lineno, line.strip(), name, params, True, module_hint,
                              class_name))
    return items


# --- resolution -------------------------------------------------------------------------------

def _resolve_dotted(name, modules):
    parts = name.split('.')
    for i in range(len(parts) - 1, 0, -1):
        module_name = '.'.join(parts[:i])
        if module_name in modules:
            obj = modules[module_name]
            for part in parts[i:]:
                obj = module_attribute(obj, part)
                if obj is None:
                    return None, None
            return obj, name
    return None, None


def _classes_from_hints(item, modules, table):
    """The small_text classes among the item's context classes, most recent first."""
    classes = []
    for hint in (item.class_hint,) + tuple(item.class_hints):
        if hint is None:
            continue
        cls = None
        if item.module_hint in modules:
            cls = module_attribute(modules[item.module_hint], hint)
        if not (inspect.isclass(cls) and _defined_here(cls)):
            entries = [o for _, o in table.get(hint, []) if inspect.isclass(o)]
            cls = entries[0] if len(entries) == 1 else None
        if cls is not None and cls not in classes:
            classes.append(cls)
    return classes


def resolve(item, modules, failed, table):
    """Set ``item.target`` (or ``item.skipped``) and return the item."""
    name = item.name
    extra = _missing_extra(item.module_hint or '')
    if extra is not None and item.module_hint not in modules \
            and importlib.util.find_spec(EXTRA_IMPORTS[extra]) is None:
        item.skipped = f'needs the {extra} extra'
        return item
    if '.' in name:
        if name.startswith('small_text.'):
            item.target, item.target_path = _resolve_dotted(name, modules)
        elif name.split('.')[0] not in table and item.module_hint:
            parts = item.module_hint.split('.')
            for i in range(len(parts), 1, -1):
                candidate = '.'.join(parts[:i]) + '.' + name
                target, path = _resolve_dotted(candidate, modules)
                if target is not None and _defined_here(target):
                    item.target, item.target_path = target, path
                    break
        else:
            head, attr = name.split('.', 1)
            entries = [o for _, o in table.get(head, []) if inspect.isclass(o)]
            if len(entries) == 1 and '.' not in attr and hasattr(entries[0], attr):
                item.target = inspect.getattr_static(entries[0], attr)
                item.target_path = f'{entries[0].__module__}.{head}.{attr}'
        if item.target is None:
            item.skipped = 'not a small_text name'
        return item

    classes = _classes_from_hints(item, modules, table)
    if name == '__init__':
        if not classes:
            item.skipped = 'no class for __init__'
            return item
        cls = classes[0]
        item.target, item.target_path = cls, f'{cls.__module__}.{cls.__qualname__}'
        return item
    if not name[0].isupper():
        for cls in classes:
            if _has_member(cls, name):
                item.target = inspect.getattr_static(cls, name)
                item.target_path = f'{cls.__module__}.{cls.__qualname__}.{name}'
                return item
    obj = module_attribute(modules.get(item.module_hint), name)
    if obj is not None:
        if _defined_here(obj):
            item.target, item.target_path = obj, f'{item.module_hint}.{name}'
            return item
    entries = table.get(name, [])
    if not entries:
        item.skipped = 'not a small_text name'
        return item
    objs = {id(o): o for _, o in entries}
    if len(objs) > 1:
        item.skipped = f'ambiguous: {sorted(m for m, _ in entries)}'
        return item
    module_name, obj = entries[0]
    item.target = obj
    item.target_path = f'{obj.__module__}.{obj.__qualname__}'
    if item.module_hint in modules and item.source != 'seed' \
            and module_attribute(modules[item.module_hint], name) is None:
        item.module_problem = (f'{name} is not importable from {item.module_hint} '
                               f'(defined in {obj.__module__})')
    return item


def _has_member(cls, name):
    try:
        inspect.getattr_static(cls, name)
    except AttributeError:
        return False
    return True


# --- comparison -------------------------------------------------------------------------------

def _implementation_signature(target):
    """(signature, drop_first) of a class, function, method, classmethod or staticmethod."""
    if inspect.isclass(target):
        return inspect.signature(target), False
    if isinstance(target, (classmethod, staticmethod)):
        return inspect.signature(target.__func__), isinstance(target, classmethod)
    if isinstance(target, property):
        return None, False
    return inspect.signature(target), True


def _spec_parameters(params):
    """Parse a documented parameter list into ``ast.arguments``, or None."""
    try:
        tree = ast.parse(f'def f({params}): pass')
    except SyntaxError:
        return None
    return tree.body[0].args


def _namespace(target):
    cls = target if inspect.isclass(target) else None
    func = getattr(target, '__func__', target)
    module = sys.modules.get(getattr(cls or func, '__module__', ''), None)
    ns = {}
    import numpy
    ns.update(np=numpy, numpy=numpy)
    if 'torch' in sys.modules:
        ns['torch'] = sys.modules['torch']
    if module is not None:
        ns.update(vars(module))
    if cls is None:
        qual = getattr(func, '__qualname__', '')
        if '.' in qual and module is not None:
            cls = getattr(module, qual.split('.')[0], None)
    if inspect.isclass(cls):
        for klass in reversed(cls.__mro__):
            ns.update(vars(klass))
    return ns


def _evaluate(source, ns):
    try:
        return True, ast.literal_eval(source)
    except (ValueError, SyntaxError):
        pass
    try:
        return True, eval(source, dict(ns))  # noqa: S307 - spec text, not user input
    except Exception:  # noqa: BLE001 - an unevaluable default is reported, not raised
        return False, None


def same_value(a, b):
    """Equality of documented and actual defaults (objects compare by type and state)."""
    if a is b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12)
    if isinstance(a, enum.Enum) or isinstance(b, enum.Enum):
        return a == b
    if type(a) is not type(b):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
                and not isinstance(a, bool) and not isinstance(b, bool):
            return a == b
        return False
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    try:
        if a == b:
            return True
    except Exception:  # noqa: BLE001 - arrays and the like
        pass
    if hasattr(a, '__dict__') and hasattr(b, '__dict__') and not inspect.isclass(a):
        return same_value(vars(a), vars(b))
    return False


def compare(item):
    """Append the differences between ``item`` and its target to ``item.problems``."""
    if item.target is None or item.skipped:
        return item
    if inspect.isclass(item.target) and _compare_bases(item):
        return item
    try:
        sig, drop_first = _implementation_signature(item.target)
    except (TypeError, ValueError):
        item.skipped = 'no inspectable signature'
        return item
    if sig is None:
        item.skipped = 'property'
        return item
    if not item.params.strip() and not inspect.isclass(item.target) \
            and '.' in getattr(getattr(item.target, '__func__', item.target), '__qualname__', ''):
        item.skipped = 'a method mentioned by name'
        return item
    impl = list(sig.parameters.values())
    if drop_first and impl and impl[0].name in ('self', 'cls'):
        impl = impl[1:]
    if item.definition:
        _compare_definition(item, impl)
    else:
        _compare_call(item, sig, drop_first)
    return item


NOTATION = {'U': 'indices_unlabeled', 'L': 'indices_labeled'}
"""Symbols the spec uses for parameters (query_strategies.md, section 3 notation)."""


def _compare_bases(item):
    """Check ``Class(Base, ...)`` (a class statement's bases); False if these are not bases."""
    if not item.definition and not issubclass(item.target, BaseException):
        return False
    try:
        call = ast.parse(f'f({item.params})', mode='eval').body
    except SyntaxError:
        return False
    ns = _namespace(item.target)
    ns['small_text'] = importlib.import_module('small_text')
    ns['logging'] = importlib.import_module('logging')
    ns['collections'] = collections
    ns.update(ABC=abc.ABC, ABCMeta=abc.ABCMeta, Enum=enum.Enum)
    if not call.args or call.keywords and any(k.arg != 'metaclass' for k in call.keywords):
        return False
    bases = []
    for node in call.args:
        if isinstance(node, ast.Subscript):
            node = node.value
        source = ast.unparse(node)
        if not re.fullmatch(r'(?:[a-z_]+\.)*[A-Z]\w*', source):
            return False
        if source == 'Generic':
            continue
        ok, base = _evaluate(source, ns)
        if not ok or not inspect.isclass(base):
            item.problems.append(f'documented base {source} is not defined where '
                                 f'{item.name} lives')
            continue
        bases.append(base)
    item.kind = 'bases'
    for base in bases:
        if not issubclass(item.target, base):
            item.problems.append(f'{item.name} does not derive from {base.__qualname__}')
    return True


def _drop_self(sig, drop_first):
    params = list(sig.parameters.values())
    if drop_first and params and params[0].name in ('self', 'cls'):
        params = params[1:]
    return params


def _compare_definition(item, impl):
    args = _spec_parameters(item.params)
    if args is None:
        item.definition = False
        return _compare_call(item, *_implementation_signature(item.target))
    ns = _namespace(item.target)
    if any(isinstance(d, ast.Name) and not _evaluate(d.id, ns)[0]
           for d in list(args.defaults) + [d for d in args.kw_defaults if d is not None]):
        # ``f(x=x)``: a call that passes a local variable, not a documented default.
        item.definition = False
        return _compare_call(item, *_implementation_signature(item.target))
    if item.module_problem:
        item.problems.append(item.module_problem)
    for a in list(args.posonlyargs) + list(args.args) + list(args.kwonlyargs):
        a.arg = NOTATION.get(a.arg, a.arg)
    positional = list(args.posonlyargs) + list(args.args)
    if positional and positional[0].arg in ('self', 'cls'):
        positional = positional[1:]
    n_pos_defaults = len(args.defaults)
    pos_defaults = [None] * (len(positional) - n_pos_defaults) + list(args.defaults)
    if len(pos_defaults) > len(positional):
        pos_defaults = pos_defaults[-len(positional):] if positional else []
    by_name = {p.name: p for p in impl}
    impl_positional = [p for p in impl if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]

    for i, (arg, default) in enumerate(zip(positional, pos_defaults)):
        if i >= len(impl_positional) or impl_positional[i].name != arg.arg:
            actual = impl_positional[i].name if i < len(impl_positional) else None
            if arg.arg in by_name:
                kind = by_name[arg.arg].kind
                where = 'keyword-only' if kind == kind.KEYWORD_ONLY else 'at another position'
                item.problems.append(f'parameter {arg.arg!r} (position {i}) is {where}'
                                     f' (found {actual!r} there)')
            else:
                item.problems.append(f'missing parameter {arg.arg!r} at position {i}'
                                     f' (found {actual!r})')
            continue
        _compare_default(item, arg.arg, default, impl_positional[i], ns)
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        param = by_name.get(arg.arg)
        if param is None:
            item.problems.append(f'missing keyword parameter {arg.arg!r}')
            continue
        if param.kind not in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD):
            item.problems.append(f'parameter {arg.arg!r} cannot be passed by keyword')
        _compare_default(item, arg.arg, default, param, ns)
    kinds = {p.kind for p in impl}
    if args.vararg is not None and inspect.Parameter.VAR_POSITIONAL not in kinds:
        item.problems.append(f'missing *{args.vararg.arg}')
    if args.kwarg is not None and inspect.Parameter.VAR_KEYWORD not in kinds:
        item.problems.append(f'missing **{args.kwarg.arg}')

    documented = {a.arg for a in positional} | {a.arg for a in args.kwonlyargs}
    for param in impl[len(positional):] if len(impl_positional) >= len(positional) else []:
        if param.name in documented or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.default is param.empty:
            item.problems.append(f'undocumented required parameter {param.name!r}')


def _compare_default(item, name, default_node, param, ns):
    if default_node is None:
        if param.default is not param.empty:
            item.problems.append(f'parameter {name!r} is required in the spec but has the '
                                 f'default {param.default!r}')
        return
    source = ast.unparse(default_node)
    if source == '...':
        return
    if param.default is param.empty:
        item.problems.append(f'parameter {name!r} has no default (spec: {source})')
        return
    if source.startswith('lambda'):
        probe = {'fc': object()}
        ok = callable(param.default) and param.default(probe) is eval(source)(probe)
        if not ok:
            item.problems.append(f'default of {name!r} does not behave like {source}')
        return
    ok, value = _evaluate(source, ns)
    if not ok:
        item.problems.append(f'cannot evaluate the documented default {name}={source}')
        return
    if not same_value(value, param.default):
        item.problems.append(f'default of {name!r} is {param.default!r}, spec says {source}')


def _compare_call(item, sig, drop_first):
    if _spec_parameters(item.params) is not None and item.params.strip() \
            and ':' in item.params:
        item.definition = True
        return _compare_definition(item, _drop_self(sig, drop_first))
    text = re.sub(r'<[^<>]*>', '0', item.params).replace('′', '').replace('·', '*')
    try:
        call = ast.parse(f'f({text})', mode='eval').body
    except SyntaxError:
        item.skipped = 'neither a signature nor a call'
        return
    if not isinstance(call, ast.Call):
        item.skipped = 'neither a signature nor a call'
        return
    params = list(sig.parameters.values())
    if drop_first and params and params[0].name in ('self', 'cls'):
        sig = sig.replace(parameters=params[1:])
    positional = [object() for a in call.args if not isinstance(a, ast.Starred)]
    keywords = {k.arg: object() for k in call.keywords if k.arg is not None}
    partial = item.partial or any(isinstance(a, ast.Starred) for a in call.args) or \
        any(k.arg is None for k in call.keywords) or \
        any(isinstance(a, ast.Constant) and a.value is Ellipsis for a in call.args)
    try:
        (sig.bind_partial if partial else sig.bind)(*positional, **keywords)
    except TypeError as e:
        if not text.strip() and not inspect.isclass(item.target):
            item.skipped = 'a function mentioned by name'
            return
        item.problems.append(f'the documented call does not bind: {e}')


# --- module exports ---------------------------------------------------------------------------

@dataclass
class Exports:
    """Names the spec says a module binds (``ordered``: its exact ``__all__``)."""
    source: str
    line: int
    module: str
    names: list
    ordered: bool = False


_IDENT = re.compile(r'`([A-Za-z_]\w*)`')


def extract_exports(shared=SHARED):
    """The module/name tables of the spec."""
    exports = []
    spec = shared / 'spec'
    exports.extend(_core_exports(spec / 'core.md'))
    exports.extend(_query_strategy_exports(spec / 'query_strategies.md'))
    exports.extend(_training_exports(spec / 'training_and_integrations.md'))
    return exports


def _lines(path):
    return list(enumerate(path.read_text(encoding='utf-8').splitlines(), 1))


def _numbered_items(lines, start, stop):
    """Join the numbered list items between two markers into (line, text) pairs."""
    items, current = [], None
    for lineno, line in lines:
        if lineno < start or lineno >= stop:
            continue
        if re.match(r'\d+\. ', line):
            current = [lineno, line]
            items.append(current)
        elif current is not None and line.startswith('   '):
            current[1] += ' ' + line.strip()
    return items


def _find(lines, pattern, after=0):
    for lineno, line in lines:
        if lineno > after and re.search(pattern, line):
            return lineno
    raise LookupError(f'spec text changed: {pattern!r} not found')


def _core_exports(path):
    lines = _lines(path)
    exports = []
    start = _find(lines, r'\*\*`__all__`\*\* is the concatenation')
    stop = _find(lines, r'^### Missing optional', start)
    top_level = []
    for lineno, text in _numbered_items(lines, start, stop):
        number = int(text.split('.')[0])
        if number >= 10:
            continue
        m = re.match(r'\d+\. (\w+)(?: \(elsewhere\))?:', text)
        if m:
            names = _IDENT.findall(text)
            exports.append(Exports(path.name, lineno, f'small_text.{m.group(1)}', names))
            top_level.extend(names)
            continue
        for segment in text.split(';'):
            names = _IDENT.findall(segment)
            mod = re.search(r'\((\w+)\)\s*\.?$', segment.strip())
            if names and mod:
                exports.append(Exports(path.name, lineno, f'small_text.{mod.group(1)}', names))
            top_level.extend(names)
    exports.append(Exports(path.name, start, 'small_text', top_level, ordered=True))
    # Section 11: internals other parts import.
    start = _find(lines, r'^## 11\. Internals')
    for lineno, line in lines:
        if lineno <= start:
            continue
        if line.startswith('## '):
            break
        for m in re.finditer(r'`(small_text(?:\.\w+)+)`:?\s*((?:`[^`]+`(?:, | and |\.)?\s*)+)',
                             line):
            exports.append(Exports(path.name, lineno, m.group(1), _IDENT.findall(m.group(2))))
        for m in re.finditer(r'`((?:classifiers|utils|data)(?:\.\w+)+)`', line):
            module, name = m.group(1).rsplit('.', 1)
            if not module.startswith('small_text'):
                exports.append(Exports(path.name, lineno, f'small_text.{module}', [name]))
    return exports


def _query_strategy_exports(path):
    lines = _lines(path)
    exports = []
    start = _find(lines, r'`small_text\.query_strategies\.__all__` has \d+ names')
    names = []
    for lineno, line in lines:
        if lineno < start:
            continue
        if lineno > start and not line.strip():
            break
        names.extend(n for n in _IDENT.findall(line) if n != '__all__')
    exports.append(Exports(path.name, start, 'small_text.query_strategies', names, True))
    table = _find(lines, r'^\| submodule \| names \|')
    for lineno, line in lines:
        if lineno <= table + 1:
            continue
        if not line.startswith('|'):
            break
        cells = [c.strip() for c in line.strip('|').split('|')]
        module = f'small_text.query_strategies.{cells[0].strip("`")}'
        names = _IDENT.findall(cells[1])
        if names:
            exports.append(Exports(path.name, lineno, module, names))
    for lineno, line in lines:
        m = re.search(r'`(small_text(?:\.\w+)+)\.__all__ = \[', line)
        if m:
            text = ' '.join(l for n, l in lines if lineno <= n < lineno + 4)
            literal = text[text.index('[', m.start()):text.index(']', m.start()) + 1]
            exports.append(Exports(path.name, lineno, m.group(1),
                                   ast.literal_eval(literal.replace('\n', ' ')), True))
    start = _find(lines, r'^## 4\. `small_text\.vector_indexes`')
    m = re.search(r'`__all__ = (\[.*\])`', lines[start][1])
    exports.append(Exports(path.name, start + 1, 'small_text.vector_indexes',
                           ast.literal_eval(m.group(1)), True))
    return exports


def _training_exports(path):
    lines = _lines(path)
    exports = []
    for lineno, line in lines:
        m = re.match(r'\* (`.*`) \((?:module )?`\.(\w+)`\)', line)
        if m:
            section = 'stopping_criteria' if lineno < _find(lines, r'^## 3\.') else 'training'
            exports.append(Exports(path.name, lineno, f'small_text.{section}.{m.group(2)}',
                                   _IDENT.findall(m.group(1))))
            exports.append(Exports(path.name, lineno, f'small_text.{section}',
                                   _IDENT.findall(m.group(1))))
    pytorch = _find(lines, r'^\* Package `__all__`')
    names = _IDENT.findall(lines[pytorch - 1][1].split(':', 1)[1])
    exports.append(Exports(path.name, pytorch, 'small_text.integrations.pytorch', names, True))
    transformers = _find(lines, r'^\* `__all__` when torch and transformers are importable')
    text = lines[transformers - 1][1]
    names = _IDENT.findall(text.split(':', 1)[1].split('Otherwise')[0])
    exports.append(Exports(path.name, transformers, 'small_text.integrations.transformers',
                           names, True))
    return exports


def _expand(path):
    m = re.match(r'(.*)\{([^}]*)\}(.*)', path)
    if not m:
        return [path]
    return [f'{m.group(1)}{part.strip()}{m.group(3)}' for part in m.group(2).split(',')]


def extract_module_paths(shared=SHARED):
    """(modules, names): [(source, line, module path)] of every module the spec names, and
    [(source, line, dotted path of a name)] of the names listed with them."""
    modules, names = [], []
    core = _lines(shared / 'spec' / 'core.md')
    start = _find(core, r'^## 0\. Module layout')
    block = []
    for lineno, line in core:
        if lineno <= start + 1:
            continue
        if line.startswith('```'):
            if block:
                break
            continue
        block.append(line)
    top, text = block[0].split('small_text/', 1)[1], ' '.join(block[1:])
    text = re.sub(r'\([^)]*\)', '', text)  # remarks: "(private, unused)", "(elsewhere)"
    found = []
    for m in re.finditer(r'(\w+)/\{([^}]*)\}', text):
        found += [f'{m.group(1)}.{p.strip()}' for p in m.group(2).split(',')]
    text = re.sub(r'(\w+)/\{([^}]*)\}', ' | ', text)
    for m in re.finditer(r'(\w+)/(\w+)', text):
        found.append(f'{m.group(1)}.{m.group(2)}')
    text = re.sub(r'(\w+)/(\w+)', ' | ', text)
    for m in re.finditer(r'(\w+)/\s+((?:\w+,\s*)*\w+)(?![\w/])', text):
        found.append(m.group(1))
        found += [f'{m.group(1)}.{p.strip()}' for p in m.group(2).split(',')
                  if not p.strip().startswith('_')]
    text = re.sub(r'(\w+)/\s+((?:\w+,\s*)*\w+)(?![\w/])', ' | ', text)
    for token in re.findall(r'\w+/?', re.sub(r'\([^)]*\)', '', top + ' ' + text)):
        name = token.rstrip('/')
        if name.startswith('_') or name == 'small_text':
            continue
        found.append(f'integrations.{name}' if name in ('pytorch', 'transformers') else name)
    for module in found:
        modules.append(('core.md', start, f'small_text.{module}'))

    training = _lines(shared / 'spec' / 'training_and_integrations.md')
    for pattern, root in ((r'^\* Submodules:', 'small_text.integrations.pytorch'),
                          (r'^\* Modules:', 'small_text.integrations.transformers')):
        lineno = _find(training, pattern)
        line = training[lineno - 1][1].split(':', 1)[1]
        depth = 0
        for m in re.finditer(r'[()]|`([A-Za-z_][\w.{},]*)`', line):
            token = m.group(0)
            if token == '(':
                depth += 1
            elif token == ')':
                depth -= 1
            elif depth == 0:
                if '__init__' in token:
                    continue
                for module in _expand(f'{root}.{m.group(1)}'):
                    modules.append(('training_and_integrations.md', lineno, module))
                    current = module
            elif '.' in m.group(1):
                path = f'{root}.{m.group(1)}'
                names.append(('training_and_integrations.md', lineno, path))
                current = path.rsplit('.', 1)[0]
            else:
                names.append(('training_and_integrations.md', lineno,
                              f'{current}.{m.group(1)}'))
    seen, unique = set(), []
    for entry in modules:
        if entry[2] not in seen:
            seen.add(entry[2])
            unique.append(entry)
    return unique, names


def check_exports(exports, modules, failed):
    """[(Exports, problem or None, skip reason or None)]."""
    results = []
    for export in exports:
        extra = _missing_extra(export.module)
        module = modules.get(export.module)
        if module is None:
            try:
                module = importlib.import_module(export.module)
            except ImportError as e:
                reason = f'needs the {extra} extra' if extra else None
                results.append((export, None if reason else f'cannot import: {e}', reason))
                continue
        if extra and not getattr(module, '__all__', None):
            results.append((export, None, f'needs the {extra} extra'))
            continue
        missing = [n for n in export.names if module_attribute(module, n) is None]
        problem = f'{export.module} lacks {missing}' if missing else None
        if problem is None and export.ordered:
            actual = list(module.__all__)
            if export.module == 'small_text':
                # groups 10 and 11, the integrations' names, follow (checked with them)
                actual = actual[:len(export.names)]
            if actual != export.names:
                problem = (f'{export.module}.__all__ differs from the spec: '
                           f'missing {[n for n in export.names if n not in actual]}, '
                           f'extra {[n for n in actual if n not in export.names]}'
                           + ('' if set(actual) != set(export.names) else ', order differs'))
        results.append((export, problem, None))
    return results


def check_all(shared=SHARED):
    """(items, modules, failed): every extracted item, resolved and compared."""
    modules, failed = load_modules()
    table = build_symbol_table(modules)
    items = extract(shared)
    for item in items:
        resolve(item, modules, failed, table)
        compare(item)
    return items, modules, failed


if __name__ == '__main__':
    all_items, _, failed_modules = check_all()
    for it in all_items:
        status = 'SKIP ' + it.skipped if it.skipped else ('FAIL' if it.problems else 'ok')
        kind = 'base' if it.kind == 'bases' else ('def ' if it.definition else 'call')
        print(f'{it.where:32} {kind} {status:10} {it.text[:90]}  -> {it.target_path}')
        for problem in it.problems:
            print(f'{"":38}- {problem}')
    print('failed modules:', sorted(failed_modules))
    mods, _ = load_modules()
    for export, problem, reason in check_exports(extract_exports(), mods, failed_modules):
        status = 'SKIP ' + reason if reason else ('FAIL' if problem else 'ok')
        print(f'{export.source}:{export.line:<10} exports {status:10} {export.module}: '
              f'{len(export.names)} names{" (ordered)" if export.ordered else ""}')
        if problem:
            print(f'{"":38}- {problem}')
