"""A small, playable MP4 (H.264, yuv420p) made with PyAV, the emulator's video output.

PyAV's wheels bundle FFmpeg (with libx264), so nothing outside PyPI is needed; it is imported
only when a video is first made, so the image endpoints work without it. A block slides
across a blue field, so a player shows motion and a decoder sees distinct frames.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def mp4_bytes(width: int, height: int, *, seconds: float = 2.0, fps: int = 24) -> bytes:
    """An MP4 of ``width`` x ``height`` (both even, as yuv420p needs) lasting ``seconds``."""
    if width % 2 or height % 2 or width < 2 or height < 2:
        raise ValueError(f"H.264 in yuv420p needs even sizes, got {width}x{height}")
    try:
        import av
    except ImportError as e:
        raise RuntimeError("video outputs need PyAV: pip install 'runcomfy[emulator]'") from e
    frames = max(1, round(seconds * fps))
    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.options = {"preset": "ultrafast", "crf": "32"}
        side = max(2, min(width, height) // 4)
        for index in range(frames):
            picture = Image.new("RGB", (width, height), (40, 120, 200))
            left = (width - side) * index // max(1, frames - 1)
            top = (height - side) // 2
            ImageDraw.Draw(picture).rectangle(
                (left, top, left + side, top + side), fill=(240, 150, 40)
            )
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]  # no stub
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()
