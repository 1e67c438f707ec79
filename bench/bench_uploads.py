"""Local files too large to inline: what the client's check costs, and what an upload adds.

For a real MP4 of 20 MiB and one grown to 200 MiB (a ``free`` box: players skip it), each
figure is a median [min-max] of a few runs, interleaved:

- ``validate()`` with an uploader (the whole local check: header, every rule, size, SHA-256,
  reading the file once in chunks), against a bare ``hashlib.sha256`` of the file, the floor
  any content-addressed upload pays; and its peak Python heap (tracemalloc), against the
  file's size: the file is never held in memory;
- the upload step alone (``upload_pending``) to moto's S3 server on loopback, started here:
  the PUT of the whole file and the pre-signing.

Goals: the local check costs within 1.5x a bare hash; its memory stays flat (under 8 MiB)
whatever the file's size. Run from the repository root: ``.venv/bin/python
bench/bench_uploads.py``.
"""

from __future__ import annotations

import hashlib
import os
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runcomfy_runtime.local_files import inline_local_files
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, Rule
from runcomfy_runtime.uploaders import S3Uploader
from runcomfy_runtime.uploads import pending_in, upload_pending
from tests.bigfiles import MiB, noise_mp4, padded_mp4
from tests.s3server import CREDENTIALS, running_moto

REPEATS = 5
SPEC = EndpointSpec(
    model_id="bench/video-to-video",
    endpoint="/v1/models/bench/video-to-video",
    input_schema={"type": "object"},
    fields=(
        FieldSpec(
            "video_url",
            "video_url",
            required=True,
            media="video",
            rules=(Rule("file_size_mb", "<", 500, "Video file size must be less than 500 MB."),),
        ),
    ),
)


def figure(samples: list[float], unit: str = "ms", scale: float = 1000) -> str:
    return (
        f"{statistics.median(samples) * scale:.1f} "
        f"[{min(samples) * scale:.1f}-{max(samples) * scale:.1f}] {unit}"
    )


def timed(action: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    action(*args)
    return time.perf_counter() - start


def bare_hash(path: Path) -> None:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(MiB):
            digest.update(chunk)


def check(path: Path) -> dict[str, Any]:
    inlined = inline_local_files(SPEC, {"video_url": path}, check=True, can_upload=True)
    assert not inlined.problems and pending_in(inlined.payload), inlined.problems
    return inlined.payload


def peak_heap(path: Path) -> float:
    tracemalloc.start()
    check(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    os.environ.update(CREDENTIALS)
    folder = Path(tempfile.mkdtemp())
    small = noise_mp4(folder / "20.mp4", 20 * MiB)
    files = {"20 MiB": small, "200 MiB": padded_mp4(small, folder / "200.mp4", 200 * MiB)}
    ratios: list[float] = []
    peaks: list[float] = []
    for name, path in files.items():
        ours: list[float] = []
        floor: list[float] = []
        for _ in range(REPEATS):  # interleaved: the page cache and the machine's load alike
            floor.append(timed(bare_hash, path))
            ours.append(timed(check, path))
        ratio = statistics.median(ours) / statistics.median(floor)
        ratios.append(ratio)
        peak = peak_heap(path)
        peaks.append(peak)
        print(
            f"{name}: validate {figure(ours)} vs sha256 alone {figure(floor)} ({ratio:.2f}x); "
            f"peak heap {peak / MiB:.2f} MiB for a {path.stat().st_size / MiB:.0f} MiB file"
        )
    for moto in running_moto():
        import boto3

        boto3.client("s3", endpoint_url=moto.url).create_bucket(Bucket="bench")
        uploader = S3Uploader("bench", endpoint_url=moto.url)
        payload = check(small)
        took = [timed(upload_pending, uploader, payload) for _ in range(REPEATS)]
        print(f"20 MiB upload to moto on loopback (PUT + pre-sign): {figure(took)}")
    print(f"local check within 1.5x a bare hash: {'PASS' if max(ratios) <= 1.5 else 'MISS'}")
    print(f"memory flat, under 8 MiB: {'PASS' if max(peaks) < 8 * MiB else 'MISS'}")


if __name__ == "__main__":
    main()
