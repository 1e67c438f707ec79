"""How a place in the input is written for a reader: ``image_urls[1]``, ``a.b``."""

from __future__ import annotations

from collections.abc import Iterable


def json_path(parts: Iterable[str | int]) -> str:
    """``("image_urls", 1)`` -> ``image_urls[1]``; ``("a", "b")`` -> ``a.b``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
