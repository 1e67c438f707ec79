"""A schema's ``pattern``, matched without catastrophic backtracking.

Python's ``re`` backtracks: ``^(a+)+$`` against forty ``a`` and a ``!`` runs for hours inside C,
where neither SIGINT nor SIGTERM can stop it, and the pattern comes from a catalog, not from
us. So patterns are matched by RE2 (``google-re2``), whose time is linear in the text whatever
the pattern. RE2 refuses the few constructs that need backtracking (lookaround,
backreferences, repetitions past 1000); those are legal in JSON Schema's dialect (ECMA-262),
so refusing the model would refuse a standard keyword. They run on the ``regex`` module
instead, with a timeout per match (``constants.PATTERN_MATCH_TIMEOUT``): a value not decided
in time is a problem at its place (fail closed, never passed unchecked), and the process
answers signals again within that time. A pattern neither engine compiles is a
:class:`~runcomfy_runtime.errors.SchemaError` of the model.

JSON Schema's ``pattern`` is unanchored: a match anywhere in the string counts (``search``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from runcomfy_runtime import constants

Matcher = Callable[[str], bool | None]
"""A compiled pattern: whether it matches somewhere in the text; None when undecided in time."""


class PatternError(ValueError):
    """Neither RE2 nor ``regex`` compiles the pattern."""


def _re2_options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr
    return options


@functools.cache
def _options() -> Any:
    return _re2_options()


def _with_re2(pattern: str) -> Matcher | None:
    import re2

    try:
        compiled = re2.compile(pattern, _options())
    except re2.error:
        return None

    def search(text: str) -> bool:
        return compiled.search(text) is not None

    return search


def _with_regex(pattern: str) -> Matcher:
    import regex

    try:
        compiled = regex.compile(pattern, regex.VERSION1)
    except (regex.error, ValueError, OverflowError) as e:
        raise PatternError(f"is not a regular expression ({e})") from None

    def search(text: str) -> bool | None:
        try:
            return compiled.search(text, timeout=constants.PATTERN_MATCH_TIMEOUT) is not None
        except TimeoutError:
            return None

    return search


@functools.lru_cache(maxsize=4096)
def matcher(pattern: str) -> Matcher:
    """The compiled ``pattern`` (cached); :class:`PatternError` when it compiles nowhere."""
    return _with_re2(pattern) or _with_regex(pattern)


def pattern_problem(pattern: Any) -> str | None:
    """What is wrong with a ``pattern`` keyword's value, or None."""
    if not isinstance(pattern, str):
        return f"must be a string, got {pattern!r}"
    try:
        matcher(pattern)
    except PatternError as e:
        return str(e)
    return None


def matches(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` matches somewhere in ``text``; None when it could not be decided
    in time (the caller refuses the value)."""
    return matcher(pattern)(text)
