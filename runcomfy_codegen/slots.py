"""Template slots: a template prints data only through an escaping filter, and every printed
value is checked to land where its escaping makes it inert.

The filters (:data:`PRINTERS`), each one function of ``source.py``:

=========  =====================================  ==============================================
filter     prints                                 where it may land
=========  =====================================  ==============================================
``py``     a value as a Python literal (repr)     where an expression goes
``enum``   an enum's ``Literal[...]`` (repr)      where an expression goes
``hint``   an annotation the generator made       where an expression goes
``doc``    text, escaped for a docstring          inside a ``\"\"\"`` string
``wrap``   prose, wrapped into docstring lines    inside a ``\"\"\"`` string
``lines``  lines of text, each escaped            inside a ``\"\"\"`` string
``name``   an identifier the generator made       where a name goes (class, def, argument...)
``module`` a dotted module path                   an import, or the start of an expression
=========  =====================================  ==============================================

Two checks make a mistake fail generation instead of reaching a file:

1. **When a template loads** (:func:`check_template`), every ``{{ ... }}`` must end in one of
   these filters, call one of the template's macros (or print a name bound once to such a
   call), or be the template's own text (a string constant, or a choice between such). A raw
   value cannot be printed by accident.
2. **When a module renders** (:func:`render`), each filter prints a placeholder
   (``__doc7__``) and records its escaped text; the skeleton, which holds the template's
   text and placeholders but no data at all, is parsed by Python, and every placeholder must
   sit where its kind may land (``py`` into a docstring, or ``doc`` into code, is refused).
   The module is the skeleton with each placeholder replaced by its text, which the filter's
   escaping keeps inert in that place: no data can end a string, start a statement or add a
   name the template did not write. A skeleton depends only on the template and the model's
   shape, not on its text, so one parse serves every module of that shape.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

from runcomfy_codegen import source

_PLACEHOLDER = re.compile(r"__(expr|doc|name|module)(\d+)__")


class TemplateSlotError(Exception):
    """A template prints a value it has not escaped, or puts one where its escaping does not
    hold: a bug of the generator, never of a schema."""


@dataclass
class Recorder:
    """The escaped text of every slot of one rendering, by placeholder number."""

    texts: list[str] = field(default_factory=list)

    def fill(self, skeleton: str) -> str:
        """The skeleton with each placeholder replaced by its escaped text."""
        parts = _PLACEHOLDER.split(skeleton)  # text, kind, number, text, kind, number, ...
        parts[2::3] = [self.texts[int(n)] for n in parts[2::3]]
        del parts[1::3]
        return "".join(parts)


_RECORDING: ContextVar[Recorder] = ContextVar("codegen_slots")


def _printer(kind: str, escape: Callable[..., str]) -> Callable[..., str]:
    """A filter: escape the value now, print a placeholder for it (into the rendering's
    recorder). Jinja would fold a filter of a constant at compile time, skipping the recorder:
    :func:`slot_problems` refuses those."""

    def printer(value: Any, *args: Any) -> str:
        texts = _RECORDING.get().texts
        texts.append(escape(value, *args))
        return f"__{kind}{len(texts) - 1}__"

    return printer


def _doc(value: Any) -> str:
    if type(value) is not str:
        raise TypeError(f"doc prints text, got {type(value).__name__}")
    return source.docstring(value)


def _wrap(value: Any, indent: str = "") -> str:
    if type(value) is not str:
        raise TypeError(f"wrap prints text, got {type(value).__name__}")
    return "\n".join(source.docstring(line) for line in source.wrap(value, 92, indent, hang=""))


def _lines(value: Any, indent: str) -> str:
    if type(value) is not tuple or not all(type(line) is str for line in value):
        raise TypeError(f"lines prints a tuple of text lines, got {value!r}")
    return ("\n" + indent).join(map(source.docstring, value))


PRINTERS: dict[str, tuple[str, Callable[..., str]]] = {
    "py": ("expr", source.literal),
    "hint": ("expr", source.hint),
    "enum": ("expr", source.literal_type),
    "doc": ("doc", _doc),
    "wrap": ("doc", _wrap),
    "lines": ("doc", _lines),
    "name": ("name", source.identifier),
    "module": ("module", source.dotted),
}
"""Filter name -> (where it may land, the escaping function of ``source.py``)."""


def install(env: jinja2.Environment) -> None:
    """Give ``env`` the printing filters."""
    for filter_name, (kind, escape) in PRINTERS.items():
        env.filters[filter_name] = _printer(kind, escape)


# -- 1. the templates, when they load ---------------------------------------------------------


def _own_text(node: nodes.Expr) -> bool:
    """The template's own text: a string constant, or a choice between such."""
    if isinstance(node, nodes.Const):
        return isinstance(node.value, str)
    if isinstance(node, nodes.CondExpr):
        return _own_text(node.expr1) and node.expr2 is not None and _own_text(node.expr2)
    return False


def _constant(node: nodes.Node | None) -> bool:
    """Whether Jinja can fold ``node`` at compile time (a filter of it would run only then)."""
    if not isinstance(node, nodes.Expr):
        return False
    try:
        node.as_const(nodes.EvalContext(jinja2.Environment()))
    except nodes.Impossible:
        return False
    return True


def _macro_results(tree: nodes.Template, macro_call: Callable[[nodes.Node], bool]) -> set[str]:
    """Names a template binds, once, to a macro's rendering (``{% set text = m() %}``): printing
    one prints what the macro's own slots escaped. A name bound any other way too is not one."""
    bound: dict[str, list[bool]] = {}

    def names(target: nodes.Node) -> list[nodes.Name]:
        return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))

    def bind(targets: list[nodes.Name], by_macro: bool = False) -> None:
        for target in targets:
            bound.setdefault(target.name, []).append(by_macro)

    for assign in tree.find_all(nodes.Assign):
        by_macro = isinstance(assign.target, nodes.Name) and macro_call(assign.node)
        bind(names(assign.target), by_macro)
    for loop in tree.find_all(nodes.For):
        bind(names(loop.target))
    for block in tree.find_all(nodes.AssignBlock):
        bind(names(block.target))
    for macro in tree.find_all(nodes.Macro):
        bind(macro.args)
    for scope in tree.find_all(nodes.With):
        bind([name for target in scope.targets for name in names(target)])
    return {name for name, ways in bound.items() if ways == [True]}


def slot_problems(env: jinja2.Environment, name: str) -> list[str]:
    """Every ``{{ ... }}`` of template ``name`` that prints something other than an escaping
    filter's output, a macro of the template or the template's own text."""
    text, _, _ = env.loader.get_source(env, name)  # type: ignore[union-attr]
    problems = [
        f"{name}: its text holds {m.group()!r}, which reads as a slot placeholder"
        for m in _PLACEHOLDER.finditer(text)
    ]
    tree = env.parse(text, name)
    macros = {m.name for m in tree.find_all(nodes.Macro)}

    def macro_call(node: nodes.Node) -> bool:
        return (
            isinstance(node, nodes.Call)
            and isinstance(node.node, nodes.Name)
            and node.node.name in macros
        )

    rendered = _macro_results(tree, macro_call)
    for output in tree.find_all(nodes.Output):
        for child in output.nodes:
            if isinstance(child, nodes.TemplateData) or _own_text(child) or macro_call(child):
                continue
            if isinstance(child, nodes.Name) and child.name in rendered:
                continue
            if isinstance(child, nodes.Filter) and child.name in PRINTERS:
                if _constant(child.node):
                    problems.append(
                        f"{name}, line {child.lineno}: escapes a constant (write it as text)"
                    )
                continue
            problems.append(
                f"{name}, line {child.lineno}: prints a value through no escaping filter "
                f"(end it in one of {', '.join(PRINTERS)})"
            )
    return problems


def check_template(env: jinja2.Environment, name: str) -> None:
    problems = slot_problems(env, name)
    if problems:
        raise TemplateSlotError("\n".join(problems))


# -- 2. each module, when it renders ----------------------------------------------------------

_NAMES = frozenset({"name"})
_NAME_START = frozenset({"name", "module"})  # a dotted path may start an expression or import
_NOWHERE: frozenset[str] = frozenset()

_NAME_FIELDS: dict[type[ast.AST], tuple[tuple[str, frozenset[str]], ...]] = {
    ast.ClassDef: (("name", _NAMES),),
    ast.FunctionDef: (("name", _NAMES),),
    ast.AsyncFunctionDef: (("name", _NAMES),),
    ast.arg: (("arg", _NAMES),),
    ast.keyword: (("arg", _NAMES),),
    ast.Attribute: (("attr", _NAMES),),
    ast.alias: (("name", _NAME_START), ("asname", _NAMES)),
    ast.ImportFrom: (("module", _NAME_START),),
}
"""Where an identifier is written besides a ``Name``, and the placeholders each may hold."""


_DOC_PLACEHOLDER = re.compile(rb"__doc\d+__")


def _docstring_problems(data: bytes, start: int, end: int) -> list[str] | None:
    """For a string at ``data[start:end]`` of the skeleton: None unless it opens and closes with
    ``\"\"\"`` (no prefix: not raw, not bytes); else what is wrong around its doc slots. The
    template's own text must not put a ``"`` or ``\\`` right before a slot, nor a ``"`` right
    after one (but the string's own quotes): with empty text there the two would touch."""
    if not data[start : start + 3] == data[end - 3 : end] == b'"""':
        return None
    problems = []
    for match in _DOC_PLACEHOLDER.finditer(data, start + 3, end - 3):
        before, after = data[match.start() - 1 : match.start()], data[match.end()]
        if (before in (b'"', b"\\") and match.start() != start + 3) or (
            after == ord('"') and match.end() != end - 3
        ):
            problems.append(
                f"{match.group().decode()} has a quote or backslash of the template next to it"
            )
    return problems


class _Placements:
    """The placeholders found so far, and every one found where its kind may not land."""

    def __init__(self) -> None:
        self.found: Counter[str] = Counter()
        self.problems: list[str] = []

    def see(self, text: str | None, allowed: frozenset[str], where: str) -> None:
        for match in _PLACEHOLDER.finditer(text or ""):
            if match.group(1) not in allowed:
                self.problems.append(f"{match.group()} ({match.group(1)}) is {where}")
            self.found[match.group()] += 1


def _in_f_strings(tree: ast.AST) -> set[int]:
    """Every node inside an f-string: no slot may land there (its rules differ by version)."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for inner in ast.walk(node)
        if inner is not node
    }


@lru_cache(maxsize=1024)
def skeleton_problems(skeleton: str) -> tuple[str, ...]:
    """Where the skeleton's placeholders stand, checked against where their kind may land."""
    try:
        with warnings.catch_warnings():  # the template's own invalid escapes are not ours here
            warnings.simplefilter("ignore")
            tree = ast.parse(skeleton.encode("utf-8"))
    except SyntaxError as e:
        return (f"the rendered module is not Python: {e}",)
    data = skeleton.encode("utf-8")
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    f_strings = _in_f_strings(tree)
    seen = _Placements()
    for node in ast.walk(tree):
        if id(node) in f_strings:
            for _, value in ast.iter_fields(node):
                seen.see(value if isinstance(value, str) else None, _NOWHERE, "in an f-string")
        elif isinstance(node, ast.Name):
            whole = _PLACEHOLDER.fullmatch(node.id)
            if whole and whole.group(1) == "expr" and isinstance(node.ctx, ast.Load):
                seen.see(node.id, frozenset({"expr"}), "an expression")
            else:
                seen.see(node.id, _NAME_START if whole else _NAMES, "part of a name")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            assert node.end_lineno is not None and node.end_col_offset is not None
            start = starts[node.lineno - 1] + node.col_offset
            around = _docstring_problems(
                data, start, starts[node.end_lineno - 1] + node.end_col_offset
            )
            seen.see(
                node.value, frozenset({"doc"}) if around is not None else _NOWHERE, "in a string"
            )
            seen.problems += around or []
        else:
            for name, allowed in _NAME_FIELDS.get(type(node), ()):
                seen.see(getattr(node, name), allowed, f"the {name} of a {type(node).__name__}")
    written = Counter(m.group() for m in _PLACEHOLDER.finditer(skeleton))
    for placeholder, count in sorted(written.items()):
        if seen.found[placeholder] != count:  # one in a comment, or hidden by an escape
            seen.problems.append(f"{placeholder} is outside the code and its strings")
    return tuple(seen.problems)


def render(template: jinja2.Template, **context: Any) -> str:
    """The module ``template`` renders for ``context``, every slot checked (module docstring)."""
    recorder = Recorder()
    token = _RECORDING.set(recorder)
    try:
        skeleton = template.render(**context)
    finally:
        _RECORDING.reset(token)
    problems = skeleton_problems(skeleton)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems)
        raise TemplateSlotError(f"{template.name}: slots that would not be inert:\n{listed}")
    return recorder.fill(skeleton)
