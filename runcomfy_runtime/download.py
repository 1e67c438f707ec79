"""Saving a result's outputs: streamed, to a temporary name, renamed only when complete.

Outputs live on other hosts, so these requests never carry the API token.
"""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx

from runcomfy_runtime import constants
from runcomfy_runtime.errors import APIConnectionError, APIError
from runcomfy_runtime.jobs import ProgressCallback, Result

_KNOWN = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "video/mp4": ".mp4"}


def extension(content_type: str | None, url: str) -> str:
    """From the answer's Content-Type first, the URL's suffix next; ``.bin`` when neither says."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in _KNOWN:
        return _KNOWN[kind]
    guessed = mimetypes.guess_extension(kind) if kind else None
    if guessed:
        return guessed
    suffix = Path(urlsplit(url).path).suffix.lower()
    return suffix if 1 < len(suffix) <= 6 else ".bin"


def _stem(result: Result, index: int, count: int) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in result.request_id)
    return safe if count == 1 else f"{safe}_{index + 1}"


@contextmanager
def _partial(directory: Path, stem: str) -> Iterator[tuple[Path, IO[bytes]]]:
    """A ``.part`` file that is removed unless the body completes."""
    directory.mkdir(parents=True, exist_ok=True)
    part = directory / f".{stem}.part"
    try:
        with part.open("wb") as handle:
            yield part, handle
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def _finish(part: Path, directory: Path, stem: str, response: httpx.Response, url: str) -> Path:
    final = directory / f"{stem}{extension(response.headers.get('content-type'), url)}"
    os.replace(part, final)
    return final


def _check(response: httpx.Response, url: str) -> int | None:
    if response.status_code >= 400:
        raise APIError(f"download of {url} failed", status_code=response.status_code)
    length = response.headers.get("content-length")
    return int(length) if length and length.isdigit() else None


def download_all(
    http: httpx.Client, result: Result, directory: Path, on_progress: ProgressCallback | None
) -> list[Path]:
    urls = result.urls
    paths = []
    for index, url in enumerate(urls):
        stem = _stem(result, index, len(urls))
        try:
            with http.stream("GET", url, follow_redirects=True) as response:
                total = _check(response, url)
                with _partial(directory, stem) as (part, handle):
                    done = 0
                    for chunk in response.iter_bytes(constants.DOWNLOAD_CHUNK):
                        handle.write(chunk)
                        done += len(chunk)
                        if on_progress:
                            on_progress(url, done, total)
                paths.append(_finish(part, directory, stem, response, url))
        except httpx.TransportError as exc:
            raise APIConnectionError(
                f"download of {url} failed: {exc}", request_id=result.request_id
            ) from exc
    return paths


async def adownload_all(
    http: httpx.AsyncClient, result: Result, directory: Path, on_progress: ProgressCallback | None
) -> list[Path]:
    urls = result.urls
    paths = []
    for index, url in enumerate(urls):
        stem = _stem(result, index, len(urls))
        try:
            async with http.stream("GET", url, follow_redirects=True) as response:
                total = _check(response, url)
                with _partial(directory, stem) as (part, handle):
                    done = 0
                    async for chunk in response.aiter_bytes(constants.DOWNLOAD_CHUNK):
                        handle.write(chunk)
                        done += len(chunk)
                        if on_progress:
                            on_progress(url, done, total)
                paths.append(_finish(part, directory, stem, response, url))
        except httpx.TransportError as exc:
            raise APIConnectionError(
                f"download of {url} failed: {exc}", request_id=result.request_id
            ) from exc
    return paths
