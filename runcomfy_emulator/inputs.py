"""Input images the emulator serves at ``/inputs/{name}``, so jobs can run with no network.

The real service fetches every input image from its URL; so does the emulator, from itself.
Three sources, the first that has the name wins:

1. uploads (``PUT /inputs/{name}``, or :meth:`InputStore.put` in-process), kept in memory;
2. files in the ``--inputs`` folder, read when asked for, so files dropped in later are served;
3. images made at start-up: one under the basename of every image URL in the registry's
   documented examples (``usecase5-1-1-input.jpg``: a valid JPEG, :data:`EXAMPLE_SIZE`), and
   the :data:`SAMPLES`, in the documented formats.
"""

from __future__ import annotations

import functools
import io
import mimetypes
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageDraw

from runcomfy_runtime.probe import ProbeFailure, facts_of_bytes
from runcomfy_runtime.spec import EndpointSpec

EXAMPLE_SIZE = (1024, 768)
"""Pixel size of the images standing in for documented example URLs: valid for every rule."""

SAMPLES: dict[str, tuple[int, int, str]] = {
    "sample-landscape-1024x768.jpg": (1024, 768, "JPEG"),
    "sample-portrait-768x1024.jpg": (768, 1024, "JPEG"),
    "sample-square-1024x1024.png": (1024, 1024, "PNG"),
    "sample-wide-1280x720.png": (1280, 720, "PNG"),
}
"""Valid input images in the documented formats: name -> (width, height, Pillow format)."""

DEFAULT_SAMPLE = "sample-landscape-1024x768.jpg"
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""Uploads larger than this are refused (413): the documented limits are 15 MB at most."""

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_MEDIA_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


def check_name(name: str) -> str:
    """``name`` if it is a safe file name (no path, no leading dot); else ``ValueError``."""
    if not _NAME.match(name):
        raise ValueError(
            f"invalid input name {name!r}: use letters, digits, '.', '_' and '-', "
            "starting with a letter or digit (at most 200 characters)"
        )
    return name


@functools.lru_cache(maxsize=32)
def picture_bytes(width: int, height: int, fmt: str) -> bytes:
    """A simple picture (a blue field, an orange block): real pixels, cheap to encode."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    block = (width // 4, height // 4, width // 2, height // 2)
    ImageDraw.Draw(image).rectangle(block, fill=(240, 150, 40))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def basename_of(url: str) -> str:
    """The file name an example URL ends with: ``.../media-files/usecase2-2-input.jpeg``."""
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def example_image_urls(spec: EndpointSpec) -> list[str]:
    """Every image URL in the endpoint's documented example, in field order."""
    example = spec.example or {}
    urls: list[str] = []
    for field in spec.media_fields:
        if field.media != "image":
            continue
        value = example.get(field.wire_name)
        items = value if isinstance(value, list) else [value]
        urls.extend(item for item in items if isinstance(item, str))
    return urls


def _format_of_name(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return "PNG" if suffix == ".png" else "JPEG"


def media_type_of(name: str, data: bytes) -> str:
    """By the name's extension, else by the bytes' image format, else octet-stream."""
    guessed, _ = mimetypes.guess_type(name)
    if guessed:
        return guessed
    facts = facts_of_bytes(data, source=name)
    if not isinstance(facts, ProbeFailure) and facts.format in _MEDIA_TYPES:
        return _MEDIA_TYPES[facts.format]
    return "application/octet-stream"


@dataclass(frozen=True, slots=True)
class InputFile:
    data: bytes
    media_type: str


class InputStore:
    """Every input image the emulator serves. Thread-safe."""

    def __init__(self, registry: Mapping[str, EndpointSpec], *, folder: Path | None = None) -> None:
        if folder is not None and not folder.is_dir():
            raise ValueError(f"inputs folder {folder} is not a directory")
        self.folder = folder
        self._made = self._make(registry.values())
        self._uploads: dict[str, InputFile] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _make(specs: Iterable[EndpointSpec]) -> dict[str, InputFile]:
        made: dict[str, InputFile] = {}
        for spec in specs:
            for url in example_image_urls(spec):
                name = check_name(basename_of(url))
                fmt = _format_of_name(name)
                made[name] = InputFile(picture_bytes(*EXAMPLE_SIZE, fmt), _MEDIA_TYPES[fmt])
        for name, (width, height, fmt) in SAMPLES.items():
            made[name] = InputFile(picture_bytes(width, height, fmt), _MEDIA_TYPES[fmt])
        return made

    def get(self, name: str) -> InputFile | None:
        with self._lock:
            uploaded = self._uploads.get(name)
        if uploaded is not None:
            return uploaded
        if self.folder is not None and _NAME.match(name):
            path = self.folder / name
            if path.is_file():
                data = path.read_bytes()
                return InputFile(data, media_type_of(name, data))
        return self._made.get(name)

    def put(self, name: str, data: bytes, media_type: str | None = None) -> InputFile:
        """Store an upload under ``name`` (replacing any), typed as given or guessed."""
        check_name(name)
        if len(data) > MAX_UPLOAD_BYTES:
            raise ValueError(f"upload of {len(data)} bytes exceeds {MAX_UPLOAD_BYTES}")
        stored = InputFile(data, media_type or media_type_of(name, data))
        with self._lock:
            self._uploads[name] = stored
        return stored

    def clear_uploads(self) -> None:
        with self._lock:
            self._uploads.clear()

    def names(self) -> list[str]:
        """Every name served now, sorted."""
        with self._lock:
            names = set(self._uploads) | set(self._made)
        if self.folder is not None:
            names |= {p.name for p in self.folder.iterdir() if p.is_file() and _NAME.match(p.name)}
        return sorted(names)
