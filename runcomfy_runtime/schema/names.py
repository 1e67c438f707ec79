"""The one place Python names come from: every (Python name, wire name) pair is made here.

A name is derived from the wire name alone (never from a position), so reordering an enum or a
schema never renames anything; two wire names that land on one Python name are a problem of the
schema, reported with both names.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable

from runcomfy_runtime.errors import SchemaError, SchemaProblem
from runcomfy_runtime.reserved import CALL_ARGUMENTS, CLIENT_ATTRIBUTES

_NOT_WORD = re.compile(r"[^0-9a-zA-Z]+")


def identifier(wire: str) -> str:
    """``width×height`` -> ``width_height``; ``dreamina-4-0`` -> ``dreamina_4_0``.

    Non-ASCII letters lose their accents, anything else that is not a letter or digit becomes
    ``_``; a leading digit gains an ``n``; a Python keyword gains a trailing ``_``.
    """
    decomposed = unicodedata.normalize("NFKD", wire)
    text = "".join(
        c if c.isascii() else " "  # a symbol such as "×" separates words
        for c in decomposed
        if not unicodedata.combining(c)  # an accent goes, its letter stays
    )
    name = _NOT_WORD.sub("_", text).strip("_").lower()
    if not name:
        raise ValueError(f"{wire!r} has no letters or digits to make a Python name from")
    if name[0].isdigit():
        name = "n" + name
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name += "_"
    return name


def argument_name(wire: str) -> str:
    """A keyword argument of a generated call: never one of the call's own arguments."""
    name = identifier(wire)
    return name + "_" if name in CALL_ARGUMENTS else name


def namespace_name(wire: str) -> str:
    """A top-level namespace attribute: ``run`` would hide ``client.run``, so it is ``run_``."""
    name = identifier(wire)
    return name + "_" if name in CLIENT_ATTRIBUTES else name


def pascal(wire: str) -> str:
    """``image-to-video`` -> ``ImageToVideo``; ``model-1-10`` -> ``Model1_10``.

    Digits that were separate words stay separated, so ``model-1-10`` and ``model-11-0`` do
    not both become ``Model110``.
    """
    out = ""
    for word in identifier(wire).rstrip("_").split("_"):
        if not word:
            continue
        if out[-1:].isdigit() and word[0].isdigit():
            out += "_"
        out += word[:1].upper() + word[1:]
    return out if out[:1].isalpha() else "N" + out


def type_name(wire: str, taken: frozenset[str] = frozenset()) -> str:
    """A class or type alias name: PascalCase, never a keyword nor a name in ``taken``
    (what the module imports or defines)."""
    name = pascal(wire)
    clashes = name in taken or f"Async{name}" in taken or keyword.iskeyword(name)
    return name + "_" if clashes else name


class NameTable:
    """Hands out names within one scope and records every collision as a problem."""

    def __init__(self, scope: str, problems: list[SchemaProblem] | None = None) -> None:
        self._scope = scope
        self._owner: dict[str, str] = {}
        self.problems = problems if problems is not None else []

    def name_for(self, wire: str, make: Callable[[str], str]) -> str:
        """The name ``make`` gives ``wire``, claimed in this scope (a problem if it cannot)."""
        try:
            python_name = make(wire)
        except ValueError as e:
            self.problems.append(SchemaProblem(f"{self._scope}.{wire}", str(e)))
            return wire
        return self.claim(python_name, wire)

    def claim(self, python_name: str, wire: str) -> str:
        owner = self._owner.setdefault(python_name, wire)
        if owner != wire:
            self.problems.append(
                SchemaProblem(
                    self._scope,
                    f"{wire!r} and {owner!r} both map to the Python name {python_name!r}",
                )
            )
        return python_name

    def check(self, source: str | None = None) -> None:
        """Raise every problem recorded so far, at once."""
        if self.problems:
            raise SchemaError(self.problems, source)
