"""The files the emulator makes to serve as inputs: sample images, a clip, tones, and the
stand-ins for the files the documented examples name.

Every file is made on its first request and then kept (``functools.cache``), so start-up costs
nothing and a test that fetches one sample a hundred times pays for one encode. Each sample is
a real file of its format: images by Pillow, the MP4 by PyAV (H.264), the WAV by the standard
library, the MP3 by PyAV's bundled LAME encoder.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from runcomfy_runtime.schema.formats import MediaKind

EXAMPLE_SIZE = (1024, 768)
"""Pixel size of the images standing in for documented example URLs: valid for every rule."""
CLIP_SECONDS = 1.0
TONE_SECONDS = 2.0


@functools.lru_cache(maxsize=32)
def picture_bytes(width: int, height: int, fmt: str) -> bytes:
    """A simple picture (a blue field, an orange block): real pixels, cheap to encode."""
    image = Image.new("RGB", (width, height), (40, 120, 200))
    block = (width // 4, height // 4, width // 2, height // 2)
    ImageDraw.Draw(image).rectangle(block, fill=(240, 150, 40))
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


@functools.cache
def clip_bytes(width: int = 640, height: int = 360) -> bytes:
    from runcomfy_emulator.video import mp4_bytes

    return mp4_bytes(width, height, seconds=CLIP_SECONDS, fps=12)


@functools.cache
def wav_tone(seconds: float = TONE_SECONDS) -> bytes:
    from runcomfy_emulator.audio import wav_bytes

    return wav_bytes(seconds)


@functools.cache
def mp3_tone(seconds: float = TONE_SECONDS) -> bytes:
    from runcomfy_emulator.audio import mp3_bytes

    return mp3_bytes(seconds)


@dataclass(frozen=True, slots=True)
class Sample:
    """A file the emulator can make: how, its media type, its kind and container format."""

    make: Callable[[], bytes]
    media_type: str
    kind: MediaKind
    format: str  # as the runtime's probe names it: JPEG, PNG, MP4, WAV, MP3


def _picture(width: int, height: int, fmt: str) -> Sample:
    return Sample(
        functools.partial(picture_bytes, width, height, fmt), f"image/{fmt.lower()}", "image", fmt
    )


CLIP = Sample(clip_bytes, "video/mp4", "video", "MP4")
WAV = Sample(wav_tone, "audio/wav", "audio", "WAV")
MP3 = Sample(mp3_tone, "audio/mpeg", "audio", "MP3")

SAMPLES: dict[str, Sample] = {
    "sample-landscape-1024x768.jpg": _picture(1024, 768, "JPEG"),
    "sample-portrait-768x1024.jpg": _picture(768, 1024, "JPEG"),
    "sample-square-1024x1024.png": _picture(1024, 1024, "PNG"),
    "sample-wide-1280x720.png": _picture(1280, 720, "PNG"),
    "sample-clip-640x360.mp4": CLIP,
    "sample-tone-2s.wav": WAV,
    "sample-tone-2s.mp3": MP3,
}
"""Valid inputs of every kind, in the documented formats, served at ``/inputs/<name>``."""

DEFAULT_SAMPLE = "sample-landscape-1024x768.jpg"
DEFAULT_SAMPLES: dict[MediaKind, tuple[str, ...]] = {
    "image": (DEFAULT_SAMPLE, "sample-square-1024x1024.png"),
    "video": ("sample-clip-640x360.mp4",),
    "audio": ("sample-tone-2s.wav", "sample-tone-2s.mp3"),
}
"""The samples that fill a required media field of each kind, the first its formats accept."""


def sample_for(kind: MediaKind, accepted: tuple[str, ...] = ()) -> str:
    """The name of the sample of ``kind`` whose format ``accepted`` allows (empty: any)."""
    names = DEFAULT_SAMPLES[kind]
    wanted = {name.upper() for name in accepted}
    return next((n for n in names if not wanted or SAMPLES[n].format in wanted), names[0])


_STAND_INS: dict[str, Sample] = {
    ".png": _picture(*EXAMPLE_SIZE, "PNG"),
    ".mp3": MP3,
    ".wav": WAV,
}
_BY_KIND: dict[MediaKind, Sample] = {
    "image": _picture(*EXAMPLE_SIZE, "JPEG"),
    "video": CLIP,
    "audio": WAV,
}


def stand_in(name: str, kind: MediaKind) -> Sample:
    """What to serve under the name of a documented example's file: a file of that kind, in
    the format the name says where one is made (``.png``, ``.mp3``, ``.wav``), else the kind's
    usual one (JPEG, MP4, WAV)."""
    found = _STAND_INS.get(Path(name).suffix.lower())
    return found if found is not None and found.kind == kind else _BY_KIND[kind]
