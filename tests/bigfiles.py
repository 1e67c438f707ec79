"""Large media files for the upload tests, made in-process in well under a second each: a real
MP4 (H.264 of noise frames, which no encoder can shrink) and a PNG of noise (incompressible,
so it stays the size asked for). The set the tests share (``BigFiles``) is made once per run
(conftest's ``big_files``); a test reads them and never changes them."""

from __future__ import annotations

import io
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

MiB = 1024 * 1024


def noise_mp4(path: Path, at_least: int, *, width: int = 640, height: int = 360) -> Path:
    """A playable MP4 of at least ``at_least`` bytes: lossless H.264 of random frames."""
    import av

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=24)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "qp": "0"}
        while out.tell() < at_least:
            picture = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    path.write_bytes(out.getvalue())
    return path


def padded_mp4(source: Path, path: Path, size: int) -> Path:
    """``source`` grown to exactly ``size`` bytes by a top-level ``free`` box: still a valid
    MP4 (players skip ``free`` boxes), as large as a test needs without encoding more."""
    data = source.read_bytes()
    room = size - len(data)
    if room < 8:
        raise ValueError(f"{source} is already {len(data)} bytes")
    path.write_bytes(data + struct.pack(">I", room) + b"free" + bytes(room - 8))
    return path


def noise_png(path: Path, at_least: int) -> Path:
    """A square PNG of random RGB pixels of at least ``at_least`` bytes."""
    side = int((at_least / 3) ** 0.5) + 2
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", compress_level=0)  # noise: nothing to gain
    path.write_bytes(buffer.getvalue())
    return path


@dataclass(frozen=True)
class BigFiles:
    video: Path  # a real MP4, 20 MiB
    png: Path  # noise, 19 MiB
    too_big: Path  # the MP4 grown to 40 MiB by a free box: past the 30 MB rule

    @classmethod
    def of(cls, folder: Path) -> BigFiles:
        return cls(folder / "big.mp4", folder / "big.png", folder / "too-big.mp4")


def make_big_files(folder: Path) -> Path:
    """The ``BigFiles`` of ``folder``, made; ``folder`` itself (``tests/once.py`` keeps it)."""
    files = BigFiles.of(folder)
    noise_mp4(files.video, 20 * MiB)
    noise_png(files.png, 19 * MiB)
    padded_mp4(files.video, files.too_big, 40 * MiB)
    return folder
