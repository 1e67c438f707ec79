"""Suggestions ("did you mean ...?"): the closest known names to a mistyped one, for every
message that refuses a name (a model id, a command, an option).

Pure functions of the text and the candidates, so each is tested on its own.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(given: str, known: Iterable[str], *, n: int = 3, cutoff: float = 0.6) -> list[str]:
    """The known names most like ``given``, best first. A known name that ``given`` is the
    start of, or that differs only in case, or in ``.`` for ``-`` (``dreamina-4.0`` for
    ``dreamina-4-0``), comes first (alone, when it is the same name but for case or separators)."""
    names = list(dict.fromkeys(known))
    folded = _fold(given)
    exact = [k for k in names if _fold(k) == folded]
    prefixed = [k for k in names if folded and _fold(k).startswith(folded) and k not in exact]
    fuzzy = difflib.get_close_matches(given, names, n=n, cutoff=cutoff)
    lowered = difflib.get_close_matches(folded, [_fold(k) for k in names], n=n, cutoff=cutoff)
    if exact:
        return exact[:n]
    by_fold = {_fold(k): k for k in names}
    ranked = [*exact, *prefixed[:1], *fuzzy, *(by_fold[f] for f in lowered)]
    return list(dict.fromkeys(ranked))[:n]


def _fold(text: str) -> str:
    return text.lower().replace(".", "-").replace("_", "-")


def did_you_mean(given: str, known: Iterable[str], *, n: int = 3) -> str:
    """``"; did you mean 'a' or 'b'?"``, or ``""`` when nothing is close."""
    found = closest(given, known, n=n)
    if not found:
        return ""
    return "; did you mean " + " or ".join(repr(k) for k in found) + "?"
