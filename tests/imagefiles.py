"""Test images made in memory with Pillow: real encoders, small pixels, size from padding.

Large files are made cheap by padding, not by pixels: ``exif_padding`` puts big APP segments
(an EXIF block, then ICC profile segments) before the JPEG frame header, so a prober must read
deep to find it; ``pad_to_bytes`` appends bytes after the JPEG's end-of-image marker, which
decoders ignore, so a 15 MB file costs one allocation, not a 15 MB encode.
"""

from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image, ImageDraw

_EXIF_ROOM = 60_000  # an APP1 segment holds at most 65533 bytes; leave room for the TIFF tags
_MAKER_NOTE = 0x927C
_ORIENTATION = 0x0112


def _picture(width: int, height: int, *, noise: bool = False) -> Image.Image:
    if noise:
        return Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    image = Image.new("RGB", (width, height), (40, 120, 200))
    ImageDraw.Draw(image).rectangle((width // 4, height // 4, width // 2, height // 2), "orange")
    return image


def _encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def _exif(padding: int, orientation: int | None) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[_ORIENTATION] = orientation
    if padding:
        exif[_MAKER_NOTE] = bytes(padding)
    return exif.tobytes()


def jpeg(
    width: int,
    height: int,
    *,
    progressive: bool = False,
    exif_padding: int = 0,
    pad_to_bytes: int | None = None,
    orientation: int | None = None,
    noise: bool = False,
) -> bytes:
    """A JPEG whose frame header lies at least ``exif_padding`` bytes into the file.

    The first 60 KB of padding go in an EXIF block (APP1), the rest in ICC profile segments
    (APP2, split by Pillow into 64 KiB pieces), as camera and editor files do.
    """
    options: dict[str, Any] = {"quality": 90, "progressive": progressive}
    in_exif = min(exif_padding, _EXIF_ROOM)
    if in_exif or orientation is not None:
        options["exif"] = _exif(in_exif, orientation)
    if exif_padding > in_exif:
        options["icc_profile"] = bytes(exif_padding - in_exif)
    data = _encode(_picture(width, height, noise=noise), "JPEG", **options)
    return pad(data, pad_to_bytes)


def pad(data: bytes, to_bytes: int | None) -> bytes:
    """``data`` grown to ``to_bytes`` with zeros after its end (past a JPEG's EOI marker)."""
    if to_bytes is None or to_bytes <= len(data):
        return data
    return data + bytes(to_bytes - len(data))


def png(width: int, height: int) -> bytes:
    return _encode(_picture(width, height), "PNG")


def webp(width: int, height: int, *, noise: bool = False) -> bytes:
    """A WebP; ``noise`` makes it big (Pillow reads WebP sizes only from the whole file)."""
    return _encode(_picture(width, height, noise=noise), "WEBP", quality=90)


def gif(width: int, height: int) -> bytes:
    return _encode(_picture(width, height), "GIF")


def mpo(width: int, height: int) -> bytes:
    """A multi-picture JPEG, as phone cameras write: Pillow calls its format "MPO"."""
    first, second = _picture(width, height), _picture(width, height, noise=True)
    return _encode(first, "MPO", save_all=True, append_images=[second])
