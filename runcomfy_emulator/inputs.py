"""Input files the emulator serves at ``/inputs/{name}``, so jobs can run with no network.

The real service fetches every input file from its URL; so does the emulator, from itself.
Three sources, the first that has the name wins:

1. uploads (``PUT /inputs/{name}``, or :meth:`InputStore.put` in-process), kept in memory;
2. files in the ``--inputs`` folder, read when asked for, so files dropped in later are served;
3. files the emulator makes (``samples.py``), on first request: one under the basename of
   every media URL in the registry's documented examples (``usecase5-1-1-input.jpg``: a valid
   JPEG, :data:`~runcomfy_emulator.samples.EXAMPLE_SIZE`), and the
   :data:`~runcomfy_emulator.samples.SAMPLES` of every kind, in the documented formats.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from runcomfy_emulator.limits import MAX_UPLOAD_BYTES, MAX_UPLOADS_TOTAL_BYTES
from runcomfy_emulator.samples import DEFAULT_SAMPLE, SAMPLES, Sample, stand_in
from runcomfy_runtime.probe import ProbeFailure, facts_of_bytes
from runcomfy_runtime.schema.formats import MEDIA_KINDS, MediaKind
from runcomfy_runtime.schema.formats import MEDIA_TYPES as FORMAT_MEDIA_TYPES
from runcomfy_runtime.spec import EndpointSpec

__all__ = [
    "DEFAULT_SAMPLE",
    "MAX_UPLOADS_TOTAL_BYTES",
    "MAX_UPLOAD_BYTES",
    "InputFile",
    "InputStore",
    "NoRoom",
    "check_name",
]

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
MEDIA_TYPES: dict[str, str] = {
    ".jpg": FORMAT_MEDIA_TYPES["JPEG"],
    **{f".{name.lower()}": media_type for name, media_type in FORMAT_MEDIA_TYPES.items()},
}
"""Media types by extension, ahead of the platform's table (which says ``audio/x-wav``)."""


def check_name(name: str) -> str:
    """``name`` if it is a safe file name (no path, no leading dot); else ``ValueError``."""
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"invalid input name {name!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (at most 200 characters)"
        )
    return name


def basename_of(url: str) -> str:
    """The file name an example URL ends with: ``.../media-files/usecase2-2-input.jpeg``."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def example_media(spec: EndpointSpec) -> list[tuple[str, MediaKind]]:
    """Every media URL in the endpoint's documented example with its kind, wherever it nests."""
    if not spec.example:
        return []
    from runcomfy_runtime.validation import validator_for

    found = validator_for(spec).media(dict(spec.example))
    return [(value.value, value.site.kind) for value in found]


def media_type_of(name: str, data: bytes) -> str:
    """By the name's extension, else by the bytes' format, else octet-stream."""
    guessed = MEDIA_TYPES.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0]
    if guessed:
        return guessed
    for kind in MEDIA_KINDS:
        facts = facts_of_bytes(data, kind, source=name)
        if not isinstance(facts, ProbeFailure) and facts.format in FORMAT_MEDIA_TYPES:
            return FORMAT_MEDIA_TYPES[facts.format]
    return "application/octet-stream"


@dataclass(frozen=True, slots=True)
class InputFile:
    data: bytes
    media_type: str


class NoRoom(Exception):
    """An upload would take the uploads held past their total cap (answered 507)."""


class InputStore:
    """Every input file the emulator serves. Thread-safe.

    Uploads are bounded one by one (``max_upload_bytes``) and all together
    (``max_total_bytes``); defaults in ``limits.py``.
    """

    def __init__(
        self,
        registry: Mapping[str, EndpointSpec],
        *,
        folder: Path | None = None,
        max_upload_bytes: int = MAX_UPLOAD_BYTES,
        max_total_bytes: int = MAX_UPLOADS_TOTAL_BYTES,
    ) -> None:
        if folder is not None and not folder.is_dir():
            raise ValueError(f"inputs folder {folder} is not a directory")
        if not 0 < max_upload_bytes <= max_total_bytes:
            raise ValueError(
                "need 0 < max_upload_bytes <= max_total_bytes, got "
                f"{max_upload_bytes} and {max_total_bytes}"
            )
        self.folder = folder
        self.max_upload_bytes = max_upload_bytes
        self.max_total_bytes = max_total_bytes
        self._made = self._make(registry.values())
        self._uploads: dict[str, InputFile] = {}
        self._held = 0  # bytes of all uploads
        self._lock = threading.Lock()

    @staticmethod
    def _make(specs: Iterable[EndpointSpec]) -> dict[str, Sample]:
        """What can be made, by name; nothing is made yet."""
        made: dict[str, Sample] = {}
        for spec in specs:
            for url, kind in example_media(spec):
                name = basename_of(url)
                if _NAME.fullmatch(name):
                    made[name] = stand_in(name, kind)
        made.update(SAMPLES)
        return made

    def get(self, name: str) -> InputFile | None:
        with self._lock:
            uploaded = self._uploads.get(name)
        if uploaded is not None:
            return uploaded
        if self.folder is not None and _NAME.fullmatch(name):
            path = self.folder / name
            if path.is_file():
                data = path.read_bytes()
                return InputFile(data, media_type_of(name, data))
        sample = self._made.get(name)
        return InputFile(sample.make(), sample.media_type) if sample is not None else None

    def room_for(self, name: str) -> int:
        """The most bytes an upload under ``name`` may have now: the per-file cap, or less
        when the uploads held leave less room (replacing ``name`` frees its bytes)."""
        with self._lock:
            old = self._uploads.get(name)
            free = self.max_total_bytes - self._held + (len(old.data) if old else 0)
        return min(self.max_upload_bytes, free)

    def put(self, name: str, data: bytes, media_type: str | None = None) -> InputFile:
        """Store an upload under ``name`` (replacing any), typed as given or guessed.

        ``ValueError`` for a bad name or a file over the per-file cap; :class:`NoRoom` when
        the uploads held would pass their total cap.
        """
        check_name(name)
        if len(data) > self.max_upload_bytes:
            raise ValueError(f"upload of {len(data)} bytes exceeds {self.max_upload_bytes}")
        stored = InputFile(data, media_type or media_type_of(name, data))
        with self._lock:
            old = self._uploads.get(name)
            held = self._held - (len(old.data) if old else 0) + len(data)
            if held > self.max_total_bytes:
                raise NoRoom(
                    f"uploads are limited to {self.max_total_bytes} bytes in all; "
                    f"{self._held} are held (a reset frees them)"
                )
            self._uploads[name] = stored
            self._held = held
        return stored

    def clear_uploads(self) -> None:
        with self._lock:
            self._uploads.clear()
            self._held = 0

    def names(self) -> list[str]:
        """Every name served now, sorted."""
        with self._lock:
            names = set(self._uploads) | set(self._made)
        if self.folder is not None:
            names |= {
                p.name for p in self.folder.iterdir() if p.is_file() and _NAME.fullmatch(p.name)
            }
        return sorted(names)
