"""Data into Python source: the generator's one escaping path.

Everything a template prints that came from a schema, a page or the catalog goes through one of
these functions, chosen by where it lands (``slots.py`` makes the templates use them and checks
where each lands):

- :func:`literal`: a value where an expression goes, as ``repr()`` writes it, after checking
  that the value is plain JSON-like data (so its ``repr`` is a literal, never a call), and
  :func:`literal_type`, an enum's ``Literal[...]`` of such literals;
- :func:`docstring`: text inside a ``\"\"\"`` string, with every character that could end or
  alter the string escaped;
- :func:`identifier`, :func:`dotted` and :func:`hint`: names the generator computed (through
  ``runcomfy_runtime.schema.names``) and annotations built from them. They are code, so they
  are checked, never escaped: a value that is not a name is a bug, and stops generation.
"""

from __future__ import annotations

import ast
import keyword
import math
import re
from functools import lru_cache
from typing import Any

_ESCAPED = re.compile(r'\\|#|(?<![^"])"|"(?![^"])')
"""What is escaped in printable text: ``\\``, ``#``, and every ``"`` that has no character of
the text, or another ``"``, on one side (a quote stays only between two non-quotes)."""
_ESCAPES = {"\\": "\\\\", "#": "\\x23", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _unprintable(char: str) -> str:
    if char.isprintable():
        return char
    short = _ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@lru_cache(maxsize=4096)  # a module prints each argument's lines four times
def docstring(text: str) -> str:
    """Source for ``text`` between a docstring's ``\"\"\"`` quotes: the string it reads back as
    is exactly ``text``, and nothing in it can end the string or change how it is read.

    Why that holds. Every ``\\`` is doubled, so there is no ``\\N{...}``, no line continuation
    and no escape of a quote but the ones written here. A ``"`` stays as it is only with a
    character of ``text`` that is not ``"`` on each side; every other ``"`` (``\"\"\"``,
    ``\"\"\"\"``, a leading or trailing one) is written ``\\"``. So no two unescaped quotes are
    ever next to each other, inside the text or with the template's quotes around it, and the
    string can only end at the template's closing ``\"\"\"``. Every character that is not
    printable is written as an escape (``\\n``, ``\\r``, ``\\t``, ``\\xNN``, ``\\uNNNN``,
    ``\\UNNNNNNNN``): line breaks of every kind (form feed, ``\\u2028``), NUL, lone surrogates,
    bidirectional controls, unassigned code points. The text stays on the template's line, in
    valid UTF-8. ``#`` is escaped too, so no line can read as a ``coding:`` declaration,
    whatever line a template puts it on. Each escape reads back as the one character it
    stands for.
    """
    escaped = _ESCAPED.sub(lambda m: _ESCAPES[m.group()], text)
    if escaped.isprintable():
        return escaped  # nearly all text
    return "".join(map(_unprintable, escaped))  # the escapes above are all printable


_JSON_SCALARS = (str, int, float, bool, type(None))
_SIMPLE = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> str | None:
    """Why ``value`` is not plain JSON-like data, or None. Iterative: depth costs nothing."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind in _JSON_SCALARS:
            if kind is float and not math.isfinite(item):
                return f"{item!r} has no Python literal"
        elif kind is dict:
            for key, child in item.items():
                if type(key) not in _JSON_SCALARS:
                    return f"a key of type {type(key).__name__}"
                stack.extend((key, child))
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return f"a value of type {kind.__name__}"
    return None


def literal(value: Any) -> str:
    """``repr(value)``: Python's own escaping, for JSON-like data only (``None``, booleans,
    numbers, strings, lists, tuples and dicts of them, exact types). Anything else (a YAML date,
    a NaN, a ``str`` subclass with its own ``__repr__``) could print as a call or a bare name,
    so it stops generation instead."""
    if type(value) in _SIMPLE:
        return repr(value)  # nearly every literal: a name, a flag, a number of a rule
    problem = _plain(value)
    if problem is not None:
        raise ValueError(f"not a JSON value, so no literal is printed for it: {problem}")
    return repr(value)


def literal_type(values: Any) -> str:
    """``Literal[...]`` of an enum's values, each printed by :func:`literal`."""
    if type(values) is not tuple or not values:
        raise ValueError(f"a Literal type needs a tuple of values, got {values!r}")
    return "Literal[" + ", ".join(map(literal, values)) + "]"


def identifier(text: str) -> str:
    """An ASCII Python identifier, as is; ``ValueError`` for anything else (a keyword, or a
    non-ASCII name Python would NFKC-normalise into another)."""
    if (
        type(text) is not str
        or not (text.isascii() and text.isidentifier())
        or keyword.iskeyword(text)
    ):
        raise ValueError(f"not a Python identifier: {text!r}")
    return text


def dotted(text: str) -> str:
    """A dotted module path (``runcomfy.endpoints.bytedance``), as is; ``ValueError`` else."""
    if type(text) is not str:
        raise ValueError(f"not a module path: {text!r}")
    for part in text.split("."):
        identifier(part)
    return text


def hint(text: str) -> str:
    """A type annotation of the generator's making (``str``, ``Sequence[ImageInput]``,
    ``Sequence[MultiPromptItem] | None``, ``Literal['a', 'b']``, ``Mapping[str, Any]``), as
    Python prints it back; ``ValueError`` for anything else.

    The text is parsed and every node checked: names (each an identifier), subscripts, tuples
    inside a subscript, ``|`` unions, and constants only where a type expression has them: a
    quoted name (a forward reference), ``None`` and, inside ``Literal[...]``, the literal
    values of an enum (strings, integers, booleans, None: what :func:`literal` prints). No
    call, attribute or operator but ``|`` (and a negative number's ``-``) can pass. What is
    printed is Python's own unparsing of the checked tree, so no comment, line break or quote
    of the text can reach the module: a literal value is as ``repr`` writes it."""
    if type(text) is not str:
        raise ValueError(f"not a type annotation the generator makes: {text!r}")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise ValueError(f"not a type annotation the generator makes: {text!r}") from None
    _check_hint(tree.body, text, literal_values=False)
    return ast.unparse(tree)


def _check_hint(node: ast.expr, text: str, *, literal_values: bool) -> None:
    def refuse() -> None:
        raise ValueError(f"not a type annotation the generator makes: {text!r}")

    if isinstance(node, ast.Name):
        identifier(node.id)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        _check_hint(node.left, text, literal_values=False)
        _check_hint(node.right, text, literal_values=False)
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        identifier(node.value.id)
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        values = node.value.id == "Literal"
        for part in inner:
            _check_hint(part, text, literal_values=values)
    elif (
        literal_values
        and isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub)
        and isinstance(node.operand, ast.Constant)
        and type(node.operand.value) is int
    ):
        pass  # a negative integer of an enum: -1
    elif isinstance(node, ast.Constant):
        if literal_values:
            if type(node.value) not in _SIMPLE:
                refuse()
        elif node.value is not None:  # None is a type; a string only a forward reference
            if not isinstance(node.value, str):
                refuse()
            identifier(str(node.value))
    else:
        refuse()


def wrap(text: str, width: int, indent: str = "", hang: str = "    ") -> list[str]:
    """Lines of prose, words kept whole (a URL is never split), for a docstring: the words of
    ``text`` (any whitespace between them becomes one space), unescaped; each line starts with
    ``indent``, continuation lines with ``indent + hang``."""
    lines: list[str] = []
    line = indent
    for word in text.split():  # greedy, words never broken: what textwrap does here, faster
        if line.strip() and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = indent + hang
        line += (" " if line.strip() else "") + word
    if line.strip():
        lines.append(line)
    return lines
