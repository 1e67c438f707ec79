"""The ``format`` values RunComfy's schemas use, and what a value of each must look like.

Media formats come in a single form on strings (``image_uri``) and a list form on arrays
(``image_uris``, often with no ``items``). A media value is an absolute ``https://`` URL, a
``data:<kind>/...;base64,`` URI (the service hosts it), or ``http://`` on a loopback host, so
the local emulator can serve test files. Free of jsonschema: the media stage and the client
use it without loading the validator.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

MediaKind = Literal["image", "video", "audio"]
MEDIA_KINDS: tuple[MediaKind, ...] = ("image", "video", "audio")

CONTAINERS: dict[MediaKind, tuple[str, ...]] = {
    "image": (),  # any image Pillow reads, unless the field's description names formats
    "video": ("MP4", "MOV", "WEBM"),
    "audio": ("MP3", "WAV", "FLAC", "OGG"),
}
"""The container formats the service takes per kind (RunComfy's clients: video mp4/mov/webm,
audio mp3/wav/flac/ogg). Checked on the file's first bytes before a job is queued."""

MEDIA_TYPES: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "MP4": "video/mp4",
    "MOV": "video/quicktime",
    "WEBM": "video/webm",
    "MP3": "audio/mpeg",
    "WAV": "audio/wav",
    "FLAC": "audio/flac",
    "OGG": "audio/ogg",
}
"""The media type of each container format the header readers name: a local file's
``data:`` URI and the emulator's served files say it."""


@dataclass(frozen=True, slots=True)
class Format:
    """A known ``format``: the media kind it holds (None for a plain URI) and whether it is
    the list form, which sits on an array."""

    name: str
    kind: MediaKind | None
    many: bool

    @property
    def item(self) -> str:
        """The single form: ``image_uris`` -> ``image_uri``."""
        return self.name.removesuffix("s") if self.many else self.name


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("uri", None, False),
        Format("image_uri", "image", False),
        Format("video_uri", "video", False),
        Format("audio_uri", "audio", False),
        Format("image_uris", "image", True),
        Format("video_uris", "video", True),
        Format("audio_uris", "audio", True),
    )
}

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


def is_data_uri(value: str, kind: MediaKind) -> bool:
    return (
        value[:5].lower() == "data:"
        and value[5:].lower().startswith(f"{kind}/")
        and (";base64," in value[: value.find(",") + 1])
    )


def is_remote_url(value: str) -> bool:
    """An absolute https URL, or http on a loopback host; never raises (``http://[::1``)."""
    if any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _ = parts.port  # raises for a port out of range ("http://[::1]:99999/")
    except ValueError:
        return False
    if not host:
        return False
    if parts.scheme == "https":
        return True
    return parts.scheme == "http" and is_loopback_host(host)


class LocalPath(str):
    """A local file's path standing where a media value goes, while the media values of a
    payload are found and before the file is sent inline (``local_files.py``): a union's
    branch takes it as a media value of any kind, and the probes pass it by."""

    __slots__ = ()


def media_check(kind: MediaKind) -> Callable[[object], bool]:
    """The format check of ``kind``'s single form: a URL or a data URI of that kind."""

    def check(value: object) -> bool:
        if not isinstance(value, str) or isinstance(value, LocalPath):
            return True  # the type keyword reports non-strings; a local file is read apart
        return is_data_uri(value, kind) or is_remote_url(value)

    return check


def hint(kind: MediaKind) -> str:
    """What a user reads when a value is not a media URI of ``kind``."""
    article = "an" if kind[0] in "aeiou" else "a"
    return (
        f"must be an absolute https:// URL of {article} {kind} file, or a data:{kind}/...;base64, "
        "URI (http:// only for loopback hosts); pass a pathlib.Path for a local file"
    )
