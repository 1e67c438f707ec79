"""Text that arrives from a page, a schema file or the catalog: what can be kept as it is.

Two characters break things far from where they arrive. A NUL (``\\x00``) cannot be in Python
source, a file name or a C string, and truncates text in many tools. A lone surrogate
(``\\ud800``) is not a character at all: it cannot be encoded as UTF-8, so it cannot be printed,
sent as a URL, or written to a schema file that libyaml (what generation reads with) reads
back. Both are checked here, once, for every place text enters:

* **Schema text is refused** (:func:`text_problems`): every key and string of an input schema
  and of a schema file (names, descriptions, titles, enum values, defaults, examples, ids,
  source). It is validated, sent to the server and printed into generated code; changing it
  would change what the model is asked for, so the model is refused with the place named, as
  any other schema problem.
* **Display text is replaced** (:func:`display_text`): a catalog entry's name, categories,
  kind, price unit and pricing note. They are only shown to people (``runcomfy models``,
  summaries); refusing a usable model for its label would hide it, so each such character
  becomes U+FFFD and the listing still prints.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from runcomfy_runtime.errors import SchemaProblem

_FLAWED = re.compile("[\x00\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def text_flaw(text: str) -> str | None:
    """Why ``text`` cannot be kept as schema text, or None when it can."""
    found = _FLAWED.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "contains a NUL character (\\x00)"
    return f"contains a lone surrogate (\\u{ord(char):04x}), which is not text"


def display_text(text: str) -> str:
    """``text`` with every NUL and lone surrogate replaced by U+FFFD: for text only shown."""
    return _FLAWED.sub(REPLACEMENT, text)


def _shown_key(key: str) -> str:
    return repr(key) if text_flaw(key) else key  # repr escapes both: the report can print


def places(value: Any, where: str = "") -> Iterator[tuple[str, Any, bool]]:
    """``(place, item, is_key)`` for every value and key inside JSON-like ``value``, in reading
    order (a key just before its value). Iterative: nesting depth costs no recursion."""
    stack: list[tuple[str, Any, bool]] = [(where, value, False)]
    while stack:
        place, item, is_key = stack.pop()
        yield place, item, is_key
        if isinstance(item, Mapping):
            inner: list[tuple[str, Any, bool]] = []
            for key, child in item.items():
                name = _shown_key(str(key))
                at = f"{place}.{name}" if place else name
                inner += [(place, key, True), (at, child, False)]
            stack.extend(reversed(inner))
        elif isinstance(item, list | tuple):
            stack.extend((f"{place}[{i}]", c, False) for i, c in reversed(list(enumerate(item))))


def clean_json(dumped: str) -> bool:
    """Whether JSON text written with ``ensure_ascii=False`` (which writes a NUL as ``\\u0000``
    and leaves a lone surrogate as it is) surely holds neither: a fast test that nearly every
    document passes. False may be a false alarm (the text ``\\u0000`` itself)."""
    return "\\u0000" not in dumped and _SURROGATE.search(dumped) is None


def text_problems(value: Any, where: str = "", *, dumped: str | None = None) -> list[SchemaProblem]:
    """A problem for every key and string inside ``value`` (JSON-like data) with a text flaw,
    each at its place (``input.properties.prompt.description``), in reading order. ``dumped``
    is ``value`` as JSON (``ensure_ascii=False``) when the caller has it already."""
    if dumped is None:
        with contextlib.suppress(TypeError, ValueError, RecursionError):  # not JSON: walk it
            dumped = json.dumps(value, ensure_ascii=False, check_circular=False)
    if dumped is not None and clean_json(dumped):
        return []
    problems = []
    for place, item, is_key in places(value, where):
        flaw = text_flaw(item) if isinstance(item, str) else None
        if flaw is not None:
            what = f"the key {item!r}" if is_key else "text"
            problems.append(SchemaProblem(place, f"{what} {flaw}"))
    return problems
