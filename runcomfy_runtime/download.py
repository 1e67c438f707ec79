"""Saving a result's outputs: streamed, to a temporary name, renamed only when complete.

Outputs live on other hosts, so these requests never carry the API token.
"""

from __future__ import annotations

import glob
import mimetypes
import os
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


def output_stem(request_id: str, index: int, count: int) -> str:
    """The file name, less its extension, of output ``index`` of ``count``."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in request_id)
    return safe if count == 1 else f"{safe}_{index + 1}"


def saved(directory: Path, stem: str) -> Path | None:
    """A complete earlier download of ``stem`` (``.part`` files start with a dot: never)."""
    found = sorted(directory.glob(glob.escape(stem) + ".*")) if directory.is_dir() else []
    return found[0] if found else None


class _Saving:
    """One output on its way to disk: a ``.part`` file, progress, and the rename at the end.

    The partial file is removed if the body does not complete, so no half-written file ever
    stands under the final name.
    """

    def __init__(
        self,
        directory: Path,
        stem: str,
        url: str,
        response: httpx.Response,
        on_progress: ProgressCallback | None,
    ) -> None:
        if response.status_code >= 400:
            raise APIError(f"download of {url} failed", status_code=response.status_code)
        length = response.headers.get("content-length")
        self.total = int(length) if length and length.isdigit() else None
        self.url, self.on_progress, self.done = url, on_progress, 0
        name = f"{stem}{extension(response.headers.get('content-type'), url)}"
        self.path = directory / name
        directory.mkdir(parents=True, exist_ok=True)
        self.part = directory / f".{stem}.part"
        self.handle: IO[bytes] = self.part.open("wb")

    def write(self, chunk: bytes) -> None:
        self.handle.write(chunk)
        self.done += len(chunk)
        if self.on_progress:
            self.on_progress(self.url, self.done, self.total)

    def __enter__(self) -> _Saving:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.handle.close()
        if kind is None:
            os.replace(self.part, self.path)
        else:
            self.part.unlink(missing_ok=True)


def _todo(
    result: Result, directory: Path, skip_existing: bool
) -> list[tuple[str, str, Path | None]]:
    """(url, file stem, an earlier complete download or None) for every output, in order."""
    urls = result.urls
    plan = []
    for index, url in enumerate(urls):
        stem = output_stem(result.request_id, index, len(urls))
        plan.append((url, stem, saved(directory, stem) if skip_existing else None))
    return plan


def _lost(url: str, result: Result, exc: httpx.TransportError) -> APIConnectionError:
    return APIConnectionError(f"download of {url} failed: {exc}", request_id=result.request_id)


def download_all(
    http: httpx.Client,
    result: Result,
    directory: Path,
    on_progress: ProgressCallback | None,
    skip_existing: bool = False,
) -> list[Path]:
    paths = []
    for url, stem, earlier in _todo(result, directory, skip_existing):
        if earlier is not None:
            paths.append(earlier)
            continue
        try:
            with http.stream("GET", url, follow_redirects=True) as response:
                with _Saving(directory, stem, url, response, on_progress) as saving:
                    for chunk in response.iter_bytes(constants.DOWNLOAD_CHUNK):
                        saving.write(chunk)
        except httpx.TransportError as exc:
            raise _lost(url, result, exc) from exc
        paths.append(saving.path)
    return paths


async def adownload_all(
    http: httpx.AsyncClient,
    result: Result,
    directory: Path,
    on_progress: ProgressCallback | None,
    skip_existing: bool = False,
) -> list[Path]:
    paths = []
    for url, stem, earlier in _todo(result, directory, skip_existing):
        if earlier is not None:
            paths.append(earlier)
            continue
        try:
            async with http.stream("GET", url, follow_redirects=True) as response:
                with _Saving(directory, stem, url, response, on_progress) as saving:
                    async for chunk in response.aiter_bytes(constants.DOWNLOAD_CHUNK):
                        saving.write(chunk)
        except httpx.TransportError as exc:
            raise _lost(url, result, exc) from exc
        paths.append(saving.path)
    return paths
