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

import re
from collections.abc import Mapping
from typing import Any

from runcomfy_runtime.errors import SchemaProblem

_FLAWED = re.compile("[\x00\ud800-\udfff]")
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


def text_problems(value: Any, where: str = "") -> list[SchemaProblem]:
    """A problem for every key and string inside ``value`` (JSON-like data) with a text flaw,
    each at its place (``input.properties.prompt.description``), in reading order. Iterative:
    nesting depth costs no recursion."""
    problems: list[SchemaProblem] = []
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        place, item = stack.pop()
        if isinstance(item, str):
            flaw = text_flaw(item)
            if flaw:
                problems.append(SchemaProblem(place, f"text {flaw}"))
        elif isinstance(item, Mapping):
            for key, child in reversed(list(item.items())):
                name = str(key)
                at = f"{place}.{_shown_key(name)}" if place else _shown_key(name)
                flaw = text_flaw(name)
                if flaw:
                    problems.append(SchemaProblem(place, f"the key {name!r} {flaw}"))
                stack.append((at, child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{place}[{i}]", child) for i, child in reversed(list(enumerate(item))))
    return problems
