"""Output files: a PNG of the size the input asks for, a small MP4 for video endpoints, a
short WAV tone for audio ones.

The kind is the endpoint's ``output_kind`` (its output schema or catalog entry says it); when
that is unknown, the model id decides as it always did: ``video`` in the id means a video,
anything else an image.

What a job will produce is decided at submit time (:func:`plan_output`), from the payload and
the schema's documented defaults; the bytes are made only when the file is first downloaded,
and cached by size, so a test that submits fifty jobs pays for a handful of encodes.

Sizes come from the endpoint's size field: ``width×height`` (``"2048x2048(1:1)"``) or
``resolution`` (``"2304x1728 (4:3)"``, or ``"1K"``/``"2K"``/``"4K"`` for 1024/2048/4096
square), the documented default when the payload leaves it out. An image endpoint with neither
field gets :data:`FALLBACK_IMAGE_SIZE`: the docs say nothing about its size, so any size is
as true as another. A video's ``resolution`` (``480p``, ``720p``, ``1080p``, ``4k``; else the
tier its id ends with: ``.../image-to-video/1080p``) is the short side of the frame, in the
shape its ``aspect_ratio`` says (else the input image's, else 16:9); without one, the video
is small (:data:`VIDEO_LONG_SIDE`).
Large frames are encoded with fewer of them (:func:`video_frames`), so a 4K output stays cheap.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Mapping
from typing import Any

from PIL import Image, ImageDraw

from runcomfy_emulator.jobs import OutputPlan
from runcomfy_runtime.schema.formats import MediaKind
from runcomfy_runtime.spec import EndpointSpec

SIZE_FIELDS = ("width×height", "resolution")
FALLBACK_IMAGE_SIZE = (1024, 1024)
VIDEO_LONG_SIDE = 480
"""Pixels on the video's long side: small, since only its being a playable file matters."""
VIDEO_SECONDS = 2.0
VIDEO_FPS = 24
VIDEO_FALLBACK_ASPECT = (16, 9)
"""Used only when the input image's size is unknown (it is known once validation passed)."""

AUDIO_SECONDS = 1.5

MEDIA_TYPES = {"image": "image/png", "video": "video/mp4", "audio": "audio/wav"}
EXTENSIONS = {"image": "png", "video": "mp4", "audio": "wav"}

_PIXELS = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)")
_K = re.compile(r"^\s*(\d+)\s*K\s*$", re.IGNORECASE)
_LINES = re.compile(r"^\s*(\d+)\s*p\s*$", re.IGNORECASE)
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*$")
VIDEO_K_LINES = {1: 540, 2: 1440, 4: 2160, 8: 4320}
"""A video's ``2k``/``4k``...: the lines of its short side, as video labels mean them."""
FRAME_BUDGET = 48 * 854 * 480
"""Pixels encoded per video: 48 frames at 480p; a 4K video gets fewer, larger frames."""


def parse_size(text: str) -> tuple[int, int]:
    """``"2048x2048(1:1)"`` -> (2048, 2048); ``"2K"`` -> (2048, 2048); else ``ValueError``."""
    pixels = _PIXELS.match(text)
    if pixels:
        return int(pixels[1]), int(pixels[2])
    k = _K.match(text)
    if k:
        side = int(k[1]) * 1024
        return side, side
    raise ValueError(f"not a size: {text!r} (expected WIDTHxHEIGHT or 1K/2K/4K)")


def video_lines(text: str) -> int | None:
    """``"720p"`` -> 720; ``"4k"`` -> 2160; else None (a label that names no size)."""
    lines = _LINES.match(text)
    if lines:
        return int(lines[1])
    k = _K.match(text)
    return VIDEO_K_LINES.get(int(k[1])) if k else None


def aspect_of(text: str) -> tuple[float, float] | None:
    """``"16:9"`` -> (16, 9); ``"auto"``/``"adaptive"`` -> None."""
    found = _RATIO.match(text)
    return (float(found[1]), float(found[2])) if found and float(found[2]) > 0 else None


def output_kind(spec: EndpointSpec) -> MediaKind:
    """The spec's ``output_kind``; unknown, ``video`` when the model id says so, else
    ``image``."""
    if spec.output_kind is not None:
        return spec.output_kind
    return "video" if "video" in spec.model_id else "image"


def requested_size(spec: EndpointSpec, payload: Mapping[str, Any]) -> tuple[int, int]:
    """The image size the payload asks for, or its size field's documented default."""
    properties = spec.input_schema.get("properties", {})
    for name in SIZE_FIELDS:
        if name not in properties:
            continue
        value = payload.get(name, properties[name].get("default"))
        if isinstance(value, str):
            return parse_size(value)
    return FALLBACK_IMAGE_SIZE


def check_sizes(spec: EndpointSpec) -> None:
    """Fail at start-up, not mid-test, when a size field of an image endpoint documents a
    value we cannot read (a video's ``resolution`` such as ``720p`` shapes nothing here)."""
    if output_kind(spec) != "image":
        return
    properties = spec.input_schema.get("properties", {})
    for name in SIZE_FIELDS:
        prop = properties.get(name, {})
        for value in [*prop.get("enum", []), prop.get("default")]:
            if isinstance(value, str):
                try:
                    parse_size(value)
                except ValueError as e:
                    raise ValueError(f"{spec.model_id}: field {name!r}: {e}") from None


def video_size(
    source: tuple[int, int] | None,
    lines: int | None = None,
    aspect: tuple[float, float] | None = None,
) -> tuple[int, int]:
    """The frame: ``aspect`` (else the input's, else 16:9); ``lines`` on the short side, or
    :data:`VIDEO_LONG_SIDE` on the long side when no resolution is asked; both sides even."""
    width, height = aspect or source or VIDEO_FALLBACK_ASPECT
    if lines is not None:
        scale = lines / min(width, height)
    else:
        scale = VIDEO_LONG_SIDE / max(width, height)
    return _even(width * scale), _even(height * scale)


def video_frames(width: int, height: int) -> int:
    """How many frames a video of that size gets: :data:`FRAME_BUDGET` pixels, 6 to 48."""
    return max(6, min(round(VIDEO_SECONDS * VIDEO_FPS), FRAME_BUDGET // (width * height)))


def _asked(spec: EndpointSpec, payload: Mapping[str, Any], name: str) -> str | None:
    properties = spec.input_schema.get("properties", {})
    if name not in properties:
        return None
    value = payload.get(name, properties[name].get("default"))
    return value if isinstance(value, str) else None


def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def plan_output(
    spec: EndpointSpec, payload: Mapping[str, Any], source: tuple[int, int] | None
) -> OutputPlan:
    """What a job on ``spec`` with ``payload`` will produce; ``source`` is the first input
    image's size (it shapes the video)."""
    return _PLANS[output_kind(spec)](spec, payload, source)


def _image_plan(
    spec: EndpointSpec, payload: Mapping[str, Any], source: tuple[int, int] | None
) -> OutputPlan:
    return OutputPlan("image", *requested_size(spec, payload))


def _video_plan(
    spec: EndpointSpec, payload: Mapping[str, Any], source: tuple[int, int] | None
) -> OutputPlan:
    resolution = _asked(spec, payload, "resolution") or spec.model_id.rsplit("/", 1)[-1]
    ratio = _asked(spec, payload, "aspect_ratio")
    lines = video_lines(resolution) if resolution else None
    return OutputPlan("video", *video_size(source, lines, aspect_of(ratio) if ratio else None))


def _audio_plan(
    spec: EndpointSpec, payload: Mapping[str, Any], source: tuple[int, int] | None
) -> OutputPlan:
    return OutputPlan("audio")


Planner = Callable[[EndpointSpec, Mapping[str, Any], tuple[int, int] | None], OutputPlan]
_PLANS: dict[MediaKind, Planner] = {
    "image": _image_plan,
    "video": _video_plan,
    "audio": _audio_plan,
}


@functools.lru_cache(maxsize=32)
def render(plan: OutputPlan) -> bytes:
    """The file's bytes; cached by plan, since equal plans make equal files."""
    return _RENDERERS[plan.kind](plan)


def _mp4(plan: OutputPlan) -> bytes:
    from runcomfy_emulator.video import mp4_bytes

    frames = video_frames(plan.width, plan.height)
    return mp4_bytes(plan.width, plan.height, seconds=frames / VIDEO_FPS, fps=VIDEO_FPS)


def _wav(plan: OutputPlan) -> bytes:
    from runcomfy_emulator.audio import wav_bytes

    return wav_bytes(AUDIO_SECONDS)


def _png(plan: OutputPlan) -> bytes:
    width, height = plan.width, plan.height
    image = Image.new("RGB", (width, height), (30, 30, 60))
    inset = (width // 8, height // 8, width * 7 // 8, height * 7 // 8)
    ImageDraw.Draw(image).ellipse(inset, fill=(250, 200, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


_RENDERERS: dict[str, Callable[[OutputPlan], bytes]] = {"image": _png, "video": _mp4, "audio": _wav}
