"""What a file is, read from its first bytes: pixel size and format of an image, the container
of a video or audio file. Never parsed by hand: Pillow reads image headers, ``filetype`` reads
container signatures.

A reader is fed bytes as they arrive and says, as early as it can, whether it knows the answer
(``partial``), needs more, or never will; ``final`` answers once every byte was given. Every
failure is a :class:`Unreadable` with the reason a user reads: whatever the bytes are, nothing
else escapes (Pillow's plugins raise ``struct.error``, ``SyntaxError``, ``IndexError``...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image, ImageFile

from runcomfy_runtime.schema.formats import MediaKind

SIGNATURE_BYTES = 16  # what Pillow's own format checks look at (``Image.open`` reads 16)
CONTAINER_SNIFF_BYTES = 8192  # what ``filetype`` reads at most to name a container
_MIN_FEED_BYTES = 8 * 1024
_SAME_FORMAT = {"MPO": "JPEG"}
"""Pillow names camera multi-picture JPEGs "MPO"; they are JPEG files to every reader."""
_CONTAINER_NAMES = {"mkv": "MKV", "m4a": "M4A", "mid": "MIDI"}


class Unreadable(Exception):
    """The bytes are not a readable file of the kind wanted; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Header:
    """What a header says: the format, and for images the pixel size (None when only the
    format is known)."""

    format: str | None
    width: int | None = None
    height: int | None = None


class HeaderReader(Protocol):
    seen: int

    def add(self, chunk: bytes) -> None: ...
    def flush(self) -> None: ...
    def partial(self, *, cap: int, sniff: int) -> Header | None: ...
    def final(self) -> Header: ...


def _format_name(pillow_format: str | None) -> str | None:
    return _SAME_FORMAT.get(pillow_format, pillow_format) if pillow_format else None


def signature_format(prefix: bytes) -> str | None:
    """The image format whose signature ``prefix`` starts with, by Pillow's registered checks.

    Used where Pillow cannot give the pixel size from a prefix (WebP needs the whole file) and
    to give up early on bytes no format Pillow knows could start with.
    """
    Image.init()
    for name in Image.ID:
        accept = Image.OPEN[name][1]
        try:
            known = accept is not None and accept(prefix[:SIGNATURE_BYTES]) is True
        except Exception:  # a plugin's check on odd bytes: not this format
            known = False
        if known:
            return _format_name(name)
    return None


class ImageHeaderReader:
    """Pillow's incremental parser (``ImageFile.Parser``), fed in growing batches.

    The parser re-opens its whole buffer on every ``feed``; feeding each small network chunk
    would re-parse up to a megabyte hundreds of times. Batches of at least 8 KiB and a quarter
    of what was fed so far keep that to a few dozen parses, at the price of reading at most a
    quarter more than the header needed. Nothing is fed once the header is known, so the pixel
    data is never decoded.
    """

    def __init__(self) -> None:
        self._parser = ImageFile.Parser()
        self._pending = bytearray()
        self._prefix = b""
        self._error: str | None = None
        self.seen = 0
        self._fed = 0

    @property
    def image(self) -> Image.Image | None:
        return self._parser.image

    def add(self, chunk: bytes) -> None:
        if self.image is not None or not chunk:
            return
        self.seen += len(chunk)
        if len(self._prefix) < SIGNATURE_BYTES:
            self._prefix = (self._prefix + chunk)[:SIGNATURE_BYTES]
        batch = max(_MIN_FEED_BYTES, self._fed // 4)
        if not self._pending and len(chunk) >= batch:
            self._feed(chunk)  # a big chunk (a whole file, a whole range) needs no copy
            return
        self._pending += chunk
        if len(self._pending) >= batch:
            self.flush()

    def flush(self) -> None:
        """Hand every pending byte to Pillow now (at the end of a range or of the body)."""
        if self.image is None and self._pending:
            data = bytes(self._pending)
            self._pending.clear()
            self._feed(data)

    def _feed(self, data: bytes) -> None:
        self._fed += len(data)
        try:
            self._parser.feed(data)
        except Image.DecompressionBombError as e:
            raise Unreadable(f"Pillow refuses to open an image this large ({e})") from e
        except Exception as e:  # a truncated header, or bytes a plugin chokes on: more may help
            self._error = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__

    def _known(self) -> Header | None:
        image = self.image
        if image is None:
            return None
        return Header(_format_name(image.format), image.width, image.height)

    def partial(self, *, cap: int, sniff: int) -> Header | None:
        """The header if known; None while more bytes may reveal it; ``Unreadable`` if none will.

        Past ``cap`` a format recognised by its signature is reported without a pixel size
        (the rules then say what they could not measure) rather than as "not an image".
        """
        signature = None
        if self.image is None:
            signature = signature_format(self._prefix)
            if self.seen >= cap or (self.seen >= sniff and signature is None):
                self.flush()
        header = self._known()
        if header is not None:
            return header
        if self.seen >= cap:
            if signature is not None:
                return Header(signature)
            raise Unreadable(f"not an image (no image header in the first {cap} bytes)")
        if self.seen >= sniff and signature is None:
            raise Unreadable("not an image (its first bytes match no image format)")
        return None

    def final(self) -> Header:
        """The header, now that every byte of the image was given; ``Unreadable`` if none."""
        self.flush()
        header = self._known()
        if header is not None:
            return header
        if self.seen == 0:
            raise Unreadable("not an image (empty file)")
        signature = signature_format(self._prefix)
        why = f"; Pillow: {self._error}" if self._error else ", Pillow cannot read it"
        if signature is not None:
            raise Unreadable(f"not a readable image (starts like {signature}{why})")
        raise Unreadable("not an image (its bytes match no image format)")


class ContainerReader:
    """The container of a video or audio file (MP4, WEBM, MP3, WAV...), by ``filetype``.

    Only the first :data:`CONTAINER_SNIFF_BYTES` matter; nothing past them is kept.
    """

    def __init__(self, kind: MediaKind) -> None:
        self.kind = kind
        self._prefix = bytearray()
        self.seen = 0

    def add(self, chunk: bytes) -> None:
        self.seen += len(chunk)
        room = CONTAINER_SNIFF_BYTES - len(self._prefix)
        if room > 0:
            self._prefix += chunk[:room]

    def flush(self) -> None:
        pass

    def _guess(self) -> Header | None:
        import filetype  # loads only when a video or audio input is checked

        try:
            found = filetype.guess(bytes(self._prefix))  # type: ignore[no-untyped-call]
        except Exception:
            return None
        if found is None or found.mime.split("/", 1)[0] not in ("video", "audio"):
            return None
        return Header(_CONTAINER_NAMES.get(found.extension, found.extension.upper()))

    def partial(self, *, cap: int, sniff: int) -> Header | None:
        if len(self._prefix) < CONTAINER_SNIFF_BYTES:
            return None
        return self.final()

    def final(self) -> Header:
        if self.seen == 0:
            raise Unreadable(f"not {_a(self.kind)} file (empty file)")
        header = self._guess()
        if header is None:
            raise Unreadable(
                f"not {_a(self.kind)} file (its first bytes match no video or audio format)"
            )
        return header


def _a(kind: MediaKind) -> str:
    return "an audio" if kind == "audio" else f"a {kind}"


def reader_for(kind: MediaKind) -> HeaderReader:
    return ImageHeaderReader() if kind == "image" else ContainerReader(kind)
