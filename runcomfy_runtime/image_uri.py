"""What counts as an image argument on the wire, and how a place in the input is written.

Free of jsonschema, so the media stage and the client can use it without loading the validator.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

IMAGE_URI_HINT = (
    "must be an absolute https:// URL of an image, or a data:image/...;base64, URI "
    "(http:// only for loopback hosts)"
)
_LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback_host(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_image_uri(value: object) -> bool:
    """An absolute https URL, a data:image URI, or http on a loopback host (the emulator)."""
    if not isinstance(value, str):
        return True  # the type keyword reports non-strings
    if value.startswith("data:image/") and ";base64," in value:
        return True
    parts = urlsplit(value)
    if not parts.hostname or any(c.isspace() for c in value):
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and is_loopback_host(parts.hostname)


def json_path(parts: Iterable[str | int]) -> str:
    """``("image_urls", 1)`` -> ``image_urls[1]``; ``("a", "b")`` -> ``a.b``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
