"""Saving a result's outputs: streamed, to a temporary name, renamed only when complete.

Outputs live on other hosts, so these requests never carry the API token.
"""

from __future__ import annotations

import glob
import mimetypes
import os
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import httpx

from runcomfy_runtime import constants
from runcomfy_runtime.errors import DownloadError
from runcomfy_runtime.results import ProgressCallback, Result

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/webm": ".webm",
    "video/quicktime": ".mov",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
    "audio/wave": ".wav",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/ogg": ".ogg",
    "audio/mp4": ".m4a",
}
"""Content types RunComfy's outputs come in, with a fixed extension each (``mimetypes``
differs between machines)."""


def extension(content_type: str | None, url: str) -> str:
    """From the answer's Content-Type first, the URL's suffix next; ``.bin`` when neither says."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    if kind in EXTENSIONS:
        return EXTENSIONS[kind]
    suffix = Path(urlsplit(url).path).suffix.lower()
    if 1 < len(suffix) <= 6 and suffix[1:].isalnum():
        return suffix
    guessed = (
        mimetypes.guess_extension(kind) if kind and kind != "application/octet-stream" else None
    )
    return guessed or ".bin"


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
        max_bytes: int,
        request_id: str,
    ) -> None:
        if response.status_code >= 400:
            raise DownloadError(url, f"HTTP {response.status_code}", request_id=request_id)
        length = response.headers.get("content-length")
        self.total = int(length) if length and length.isdigit() else None
        if self.total is not None and self.total > max_bytes:
            raise DownloadError(url, _too_large(self.total, max_bytes), request_id=request_id)
        self.url, self.on_progress, self.done = url, on_progress, 0
        self.max_bytes, self.request_id = max_bytes, request_id
        name = f"{stem}{extension(response.headers.get('content-type'), url)}"
        self.path = directory / name
        self.part = directory / f".{stem}.part"
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self.handle: IO[bytes] = self.part.open("wb")
        except OSError as e:
            raise DownloadError(
                url, f"cannot write {self.part}: {e.strerror or e}", request_id
            ) from e

    def write(self, chunk: bytes) -> None:
        self.done += len(chunk)
        if self.done > self.max_bytes:
            raise DownloadError(self.url, _too_large(self.done, self.max_bytes), self.request_id)
        try:
            self.handle.write(chunk)
        except OSError as e:  # a full disk, say
            raise DownloadError(
                self.url, f"cannot write {self.part}: {e.strerror or e}", self.request_id
            ) from e
        if self.on_progress:
            self.on_progress(self.url, self.done, self.total)

    def __enter__(self) -> _Saving:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        try:
            self.handle.close()  # flushes: a full disk may say so only now
            if kind is None:
                os.replace(self.part, self.path)
                return
        except OSError as e:
            self.part.unlink(missing_ok=True)
            raise DownloadError(
                self.url, f"cannot write {self.path}: {e.strerror or e}", self.request_id
            ) from e
        self.part.unlink(missing_ok=True)


def _too_large(size: int, cap: int) -> str:
    return f"the file is larger ({size} bytes so far) than max_bytes={cap}; nothing was kept"


def _todo(
    result: Result[Any], directory: Path, skip_existing: bool
) -> list[tuple[str, str, Path | None]]:
    """(url, file stem, an earlier complete download or None) for every output, in order."""
    urls = result.urls
    plan = []
    for index, url in enumerate(urls):
        stem = output_stem(result.request_id, index, len(urls))
        plan.append((url, stem, saved(directory, stem) if skip_existing else None))
    return plan


def _lost(url: str, result: Result[Any], exc: httpx.TransportError) -> DownloadError:
    return DownloadError(url, f"{type(exc).__name__}: {exc}", request_id=result.request_id)


def download_all(
    http: httpx.Client,
    result: Result[Any],
    directory: Path,
    on_progress: ProgressCallback | None,
    skip_existing: bool = False,
    max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
) -> list[Path]:
    paths = []
    for url, stem, earlier in _todo(result, directory, skip_existing):
        if earlier is not None:
            paths.append(earlier)
            continue
        try:
            with http.stream("GET", url, follow_redirects=True) as response:
                with _Saving(
                    directory, stem, url, response, on_progress, max_bytes, result.request_id
                ) as saving:
                    for chunk in response.iter_bytes(constants.DOWNLOAD_CHUNK):
                        saving.write(chunk)
        except httpx.TransportError as exc:
            raise _lost(url, result, exc) from exc
        paths.append(saving.path)
    return paths


async def adownload_all(
    http: httpx.AsyncClient,
    result: Result[Any],
    directory: Path,
    on_progress: ProgressCallback | None,
    skip_existing: bool = False,
    max_bytes: int = constants.DOWNLOAD_MAX_BYTES,
) -> list[Path]:
    paths = []
    for url, stem, earlier in _todo(result, directory, skip_existing):
        if earlier is not None:
            paths.append(earlier)
            continue
        try:
            async with http.stream("GET", url, follow_redirects=True) as response:
                with _Saving(
                    directory, stem, url, response, on_progress, max_bytes, result.request_id
                ) as saving:
                    async for chunk in response.aiter_bytes(constants.DOWNLOAD_CHUNK):
                        saving.write(chunk)
        except httpx.TransportError as exc:
            raise _lost(url, result, exc) from exc
        paths.append(saving.path)
    return paths


# -- reading one output into memory (``output.read()``) ----------------------------------------

_file_host_client: httpx.Client | None = None


def file_host_client() -> httpx.Client:
    """The runtime's own client for file hosts, built on first use and shared: it was never
    given the token or any credential, so nothing but the request itself reaches the host."""
    global _file_host_client
    if _file_host_client is None or _file_host_client.is_closed:
        _file_host_client = httpx.Client(
            timeout=httpx.Timeout(constants.READ_TIMEOUT, connect=constants.CONNECT_TIMEOUT),
            headers={"User-Agent": constants.USER_AGENT},
        )
    return _file_host_client


def read_bytes(
    http: httpx.Client | None, url: str, *, max_bytes: int, request_id: str | None
) -> bytes:
    """The bytes at ``url``, streamed and capped at ``max_bytes`` as a download is (the same
    checks of status and size, the same ``DownloadError``), kept in memory instead of a file.
    Every hop is a bare request sent without the client's auth, and redirects are followed
    here, so no default header, cookie or auth of ``http`` reaches the file host."""
    client = http if http is not None else file_host_client()
    rid = request_id or ""
    response = _file_response(client, url, rid)
    chunks: list[bytes] = []
    size = 0
    try:
        if response.status_code >= 400:
            raise DownloadError(url, f"HTTP {response.status_code}", request_id=rid)
        length = response.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise DownloadError(url, _too_large(int(length), max_bytes), request_id=rid)
        for chunk in response.iter_bytes(constants.DOWNLOAD_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise DownloadError(url, _too_large(size, max_bytes), request_id=rid)
            chunks.append(chunk)
    except httpx.TransportError as exc:
        raise DownloadError(url, f"{type(exc).__name__}: {exc}", request_id=rid) from exc
    finally:
        response.close()
    return b"".join(chunks)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_REDIRECTS = 5


def _file_response(client: httpx.Client, url: str, rid: str) -> httpx.Response:
    """The streamed answer for ``url`` after its redirects, each hop a bare GET."""
    hop = url
    for _ in range(_MAX_REDIRECTS + 1):
        try:
            request = httpx.Request("GET", hop, headers={"User-Agent": constants.USER_AGENT})
            response = client.send(request, stream=True, auth=None, follow_redirects=False)
        except httpx.TransportError as exc:
            raise DownloadError(url, f"{type(exc).__name__}: {exc}", request_id=rid) from exc
        except (httpx.InvalidURL, ValueError) as exc:
            raise DownloadError(url, f"not a URL that can be fetched ({exc})", rid) from None
        location = response.headers.get("location")
        if response.status_code not in _REDIRECTS or not location:
            return response
        response.close()
        hop = str(httpx.URL(hop).join(location))
    raise DownloadError(url, f"too many redirects (>{_MAX_REDIRECTS})", request_id=rid)
