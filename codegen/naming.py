"""The one place Python names come from: every (python name, wire name) pair is made here.

A name is derived from the wire name alone (never from a position), so reordering an enum or a
schema never renames anything; two wire names that land on one Python name stop generation.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Callable

from codegen.errors import SchemaFileError

# Keyword arguments every generated call takes besides the schema's fields.
RESERVED_ARGUMENTS = frozenset({"self", "validate", "timeout", "on_status", "include_cost"})

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
    name = identifier(wire)
    return name + "_" if name in RESERVED_ARGUMENTS else name


# Names every endpoint module imports or defines; a generated type or class must not shadow one.
MODULE_NAMES = frozenset(
    {
        "annotations",
        "Sequence",
        "Literal",
        "TypeAlias",
        "SPEC",
        "AsyncEndpoint",
        "SyncEndpoint",
        "ValidationLevel",
        "AsyncJob",
        "Job",
        "Result",
        "StatusCallback",
        "EndpointSpec",
        "FieldSpec",
        "ImageInput",
        "Rule",
    }
)


# The clients' own attributes: a top-level namespace must not hide one (tests keep this in step).
CLIENT_ATTRIBUTES = frozenset(
    {
        "aclose",
        "base_url",
        "cancel",
        "cancel_call",
        "cancel_quietly",
        "cancelled",
        "close",
        "download",
        "fetch_result",
        "fetch_status",
        "get_call",
        "headers_for",
        "job",
        "job_ref",
        "offline_stage",
        "poll",
        "registry",
        "result_url",
        "retry",
        "run",
        "spec",
        "submit",
        "submit_call",
        "submitted",
        "timeout",
        "validate",
        "verdict",
        "wait_timeout",
        "waiter",
    }
)


def namespace_name(wire: str) -> str:
    """A top-level namespace attribute: ``run`` would hide ``client.run``, so it is ``run_``."""
    name = identifier(wire)
    return name + "_" if name in CLIENT_ATTRIBUTES else name


def type_name(wire: str) -> str:
    """A class or type alias name for a module: PascalCase, never a keyword or an import."""
    name = pascal(wire)
    clashes = name in MODULE_NAMES or f"Async{name}" in MODULE_NAMES or keyword.iskeyword(name)
    return name + "_" if clashes else name


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


class NameTable:
    """Hands out names within one scope and fails loudly when two wire names collide."""

    def __init__(self, file: str, scope: str) -> None:
        self._file = file
        self._scope = scope
        self._owner: dict[str, str] = {}

    def name_for(self, wire: str, make: Callable[[str], str]) -> str:
        """The name ``make`` gives ``wire``, claimed in this scope."""
        try:
            python_name = make(wire)
        except ValueError as e:
            raise SchemaFileError(self._file, f"{self._scope}.{wire}", str(e)) from None
        return self.claim(python_name, wire)

    def claim(self, python_name: str, wire: str) -> str:
        owner = self._owner.setdefault(python_name, wire)
        if owner != wire:
            raise SchemaFileError(
                self._file,
                self._scope,
                f"{wire!r} and {owner!r} both map to the Python name {python_name!r}",
            )
        return python_name
