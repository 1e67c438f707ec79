"""Probing input images versus downloading them: body bytes on the wire and wall time.

Ten 12 MB JPEGs, each with a phone-sized 30 KB EXIF block, are served over loopback by a server
in a child process (the image host is another machine; in-process, its threads would fight the
client for the GIL), beside one EXIF-heavy 12 MB JPEG whose frame header lies 150 KB in.
Every figure is a median of a few runs with a fresh Prober (no cache), measured twice: as
loopback gives it, and with 50 ms added before each answer, as a distant host's time to first
byte. Printed per setting:

- the online validation stage (``check_media``) over all ten, against downloading all ten
  whole with httpx, both concurrent: body bytes the server sent and wall time;
- one probe alone against ten at once (``Prober.probe_many``), next to the same for bare httpx
  GETs of the first 64 KiB, the floor any prober on httpx pays;
- the EXIF-heavy JPEG alone, which needs a second range (a second round trip).

Goals: probing costs under 1 % of the bytes; ten probes take well under twice one probe.
Run from the repository root: ``PYTHONPATH=. python bench/bench_probe.py``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import statistics
import time
from collections.abc import Awaitable, Callable
from multiprocessing.connection import Connection

import httpx

from runcomfy_runtime.constants import PROBE_FIRST_RANGE_BYTES as FIRST_RANGE_BYTES
from runcomfy_runtime.fetch import AsyncFetcher
from runcomfy_runtime.media import check_media
from runcomfy_runtime.probe import Prober
from runcomfy_runtime.spec import EndpointSpec, FieldSpec, Rule
from tests import imagefiles
from tests.imageserver import ImageServer

COUNT = 10
SIZE = 12 * 1000 * 1000
REPEATS = 7
LATENCIES = (0.0, 0.05)

SPEC = EndpointSpec(
    model_id="bench/edit",
    endpoint="/v1/models/bench/edit",
    input_schema={
        "type": "object",
        "properties": {
            "image_urls": {"type": "array", "items": {"type": "string", "format": "image_uri"}}
        },
    },
    fields=(
        FieldSpec(
            "image_urls",
            "image_urls",
            required=True,
            media="image",
            many=True,
            rules=(
                Rule("file_size_mb", "<=", 15, "Each image file must be ≤ 15 MB."),
                Rule("width_pixels", "<=", 4096, "Maximum resolution is 4096x4096."),
                Rule("height_pixels", "<=", 4096, "Maximum resolution is 4096x4096."),
            ),
            accepted=("JPEG", "PNG"),
        ),
    ),
)


def serve(control: Connection) -> None:
    """The image host: answers ``bytes`` with the body bytes sent so far, until ``stop``."""
    photos = [
        imagefiles.jpeg(1600 + i, 1200, exif_padding=30_000, pad_to_bytes=SIZE)
        for i in range(COUNT)
    ]
    heavy = imagefiles.jpeg(1600, 1200, exif_padding=150_000, pad_to_bytes=SIZE)
    # Default socket buffers and large writes: the download side must not be handicapped.
    with ImageServer(chunk_size=256 * 1024, send_buffer=None) as server:
        control.send(
            {
                latency: [
                    server.serve(f"/{latency}/heavy.jpg", heavy, delay=latency),
                    *(
                        server.serve(f"/{latency}/photo{i}.jpg", photo, delay=latency)
                        for i, photo in enumerate(photos)
                    ),
                ]
                for latency in LATENCIES
            }
        )
        while control.recv() != "stop":
            control.send(server.bytes_sent())


async def median_of(
    control: Connection, action: Callable[[], Awaitable[object]]
) -> tuple[int, float]:
    """Median body bytes the server sent and median seconds, over ``REPEATS`` runs."""
    runs = []
    for _ in range(REPEATS):
        control.send("bytes")
        before = control.recv()
        start = time.perf_counter()
        await action()
        seconds = time.perf_counter() - start
        control.send("bytes")
        runs.append((control.recv() - before, seconds))
    return int(statistics.median(b for b, _ in runs)), statistics.median(s for _, s in runs)


async def report(
    control: Connection, client: httpx.AsyncClient, heavy: str, urls: list[str]
) -> None:
    async def validate_all() -> None:
        problems = await check_media(SPEC, {"image_urls": urls}, Prober(AsyncFetcher(client)))
        assert problems == [], problems

    async def download_all() -> None:
        answers = await asyncio.gather(*(client.get(url) for url in urls))
        assert all(len(answer.content) == SIZE for answer in answers)

    async def bare_range_gets(count: int) -> None:
        first_range = {"Range": f"bytes=0-{FIRST_RANGE_BYTES - 1}"}
        answers = await asyncio.gather(*(client.get(u, headers=first_range) for u in urls[:count]))
        assert all(answer.status_code == 206 for answer in answers)

    await download_all()  # warm the connection pool once
    probe_bytes, probe_s = await median_of(control, validate_all)
    full_bytes, full_s = await median_of(control, download_all)
    _, one_s = await median_of(control, lambda: Prober(AsyncFetcher(client)).probe(urls[0]))
    _, ten_s = await median_of(control, lambda: Prober(AsyncFetcher(client)).probe_many(urls))
    _, bare_one_s = await median_of(control, lambda: bare_range_gets(1))
    _, bare_ten_s = await median_of(control, lambda: bare_range_gets(COUNT))
    heavy_bytes, heavy_s = await median_of(
        control, lambda: Prober(AsyncFetcher(client)).probe(heavy)
    )

    print(f"  check_media, all ten:   {probe_bytes:>11,} bytes  {probe_s * 1000:8.1f} ms")
    print(f"  download all ten:       {full_bytes:>11,} bytes  {full_s * 1000:8.1f} ms")
    print(
        f"  probe/download: bytes {probe_bytes / full_bytes:.3%} (goal < 1%), "
        f"time {probe_s / full_s:.3f}x"
    )
    print(
        f"  one probe {one_s * 1000:.1f} ms, ten at once {ten_s * 1000:.1f} ms: "
        f"{ten_s / one_s:.2f}x (goal < 2x)"
    )
    print(
        f"  bare httpx 64 KiB GETs: one {bare_one_s * 1000:.1f} ms, ten at once "
        f"{bare_ten_s * 1000:.1f} ms: {bare_ten_s / bare_one_s:.2f}x"
    )
    print(f"  EXIF-heavy JPEG alone:  {heavy_bytes:>11,} bytes  {heavy_s * 1000:8.1f} ms")


async def main(control: Connection, urls: dict[float, list[str]]) -> None:
    print(f"{COUNT} JPEGs of {SIZE:,} bytes, medians of {REPEATS} runs, server in its own process")
    async with httpx.AsyncClient(timeout=60) as client:
        for latency in LATENCIES:
            print(f"added latency per answer: {latency * 1000:.0f} ms")
            heavy, *photos = urls[latency]
            await report(control, client, heavy, photos)


if __name__ == "__main__":
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    host = multiprocessing.get_context("spawn").Process(target=serve, args=(theirs,))
    host.start()
    try:
        asyncio.run(main(ours, ours.recv()))
    finally:
        ours.send("stop")
        host.join()
