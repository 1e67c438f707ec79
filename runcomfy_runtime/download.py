"""Saving a result's outputs: streamed, to a temporary name, renamed only when complete.

The decisions are written once (:func:`download_flow`, a flow of ``effects``): which request
next, what an answer means, when to try again and from which byte. The clients only send the
requests and stream the answers (:func:`fetch` and :func:`afetch`). Outputs live on other
hosts, so every request is built by ``filehost.file_request``: no token, no header, cookie or
auth of the user's client, and redirects followed here, each hop built again (a loop ends as a
``DownloadError``).

A transient failure (a connection lost, HTTP 408/429/5xx) is tried again with the client's
``RetryPolicy`` backoff, from the byte where it stopped when the host allows it (``Range``,
guarded by ``If-Range``: a file that changed is fetched whole again).
"""

from __future__ import annotations

import errno
import glob
import os
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx

from runcomfy_runtime import constants
from runcomfy_runtime.effects import Fetch, Sink, Sleep
from runcomfy_runtime.errors import DownloadError
from runcomfy_runtime.filehost import SEND_OPTIONS, check_sent, file_request
from runcomfy_runtime.retry import RetryPolicy, parse_retry_after, retry_delay

if TYPE_CHECKING:  # annotations only: results -> outputs -> output_files -> here, at run time
    from runcomfy_runtime.results import ProgressCallback, Result

MEDIA_EXTENSIONS: dict[str, str] = {
    "jpg": ".jpg",
    "png": ".png",
    "webp": ".webp",
    "gif": ".gif",
    "mp4": ".mp4",
    "mov": ".mov",
    "webm": ".webm",
    "mp3": ".mp3",
    "wav": ".wav",
    "flac": ".flac",
    "ogg": ".ogg",
    "m4a": ".m4a",
}
"""The media kinds RunComfy's models produce (images, videos, audio), by the name ``filetype``
gives their bytes, with the one extension a saved file of each gets. No other extension is
ever chosen: a file's name never makes it a script or a program."""

CONTENT_TYPES: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/ogg": "ogg",
    "audio/mp4": "m4a",
}
"""What a server's ``Content-Type`` may say, read only when the bytes say nothing."""

SNIFF_BYTES = 8192  # what ``filetype`` reads at most


REDIRECTS = frozenset({301, 302, 303, 307, 308})
TRANSIENT = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Answers of a file host worth another try: it is busy or failing, the file is not at fault."""


def sniffed(prefix: bytes) -> str | None:
    """The media kind of a file's first bytes (``png``, ``mp4``...), when it is one of
    :data:`MEDIA_EXTENSIONS`; None for anything else."""
    import filetype  # loads only when an output is saved

    try:
        found = filetype.guess(prefix[:SNIFF_BYTES])  # type: ignore[no-untyped-call]
    except Exception:
        return None
    kind = found.extension if found is not None else None
    return kind if kind in MEDIA_EXTENSIONS else None


def extension(prefix: bytes, content_type: str | None, url: str) -> str:
    """The saved file's extension: what its bytes are first (a PNG labelled ``video/mp4`` is a
    ``.png``), else what the server's ``Content-Type`` or the URL's suffix names, when that is a
    media kind of :data:`MEDIA_EXTENSIONS`; ``.bin`` otherwise (``application/x-sh`` never
    makes a ``.sh``)."""
    kind = sniffed(prefix)
    if kind is None:
        label = (content_type or "").split(";", 1)[0].strip().lower()
        kind = CONTENT_TYPES.get(label)
    if kind is None:
        suffix = Path(urlsplit(url).path).suffix.lower().lstrip(".")
        kind = {"jpeg": "jpg"}.get(suffix, suffix)
    return MEDIA_EXTENSIONS.get(kind, ".bin")


def output_stem(request_id: str, index: int, count: int) -> str:
    """The file name, less its extension, of output ``index`` of ``count``."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "_" for c in request_id)
    safe = safe or "output"  # never a hidden file named by its extension alone
    return safe if count == 1 else f"{safe}_{index + 1}"


def saved(directory: Path, stem: str) -> Path | None:
    """A complete earlier download of ``stem`` (``.part`` files start with a dot: never)."""
    found = sorted(directory.glob(glob.escape(stem) + ".*")) if directory.is_dir() else []
    return found[0] if found else None


def _too_large(size: int, cap: int) -> str:
    return f"the file is larger ({size} bytes so far) than max_bytes={cap}; nothing was kept"


def _content_range_start(value: str | None) -> int | None:
    """The first byte of ``bytes 100-199/200``; None when unreadable."""
    unit, _, rest = (value or "").strip().partition(" ")
    first = rest.split("-", 1)[0]
    return int(first) if unit.lower() == "bytes" and first.isdigit() else None


KeptT_co = TypeVar("KeptT_co", covariant=True)


class Keeper(Protocol[KeptT_co]):
    """Where the bytes of one output go as they arrive: a ``.part`` file (``client.download``)
    or memory (``OutputFile.read()``); ``finish`` gives what was kept."""

    @property
    def url(self) -> str: ...
    @property
    def stem(self) -> str: ...
    @property
    def request_id(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def prefix(self) -> bytearray: ...
    def open(self, *, append: bool) -> None: ...
    def write(self, chunk: bytes) -> None: ...
    def finish(self, name: str) -> KeptT_co: ...
    def discard(self) -> None: ...


_PART_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def open_part(path: Path) -> IO[bytes]:
    """A ``.part`` file, created or emptied, never through a link: one planted under its name
    (in a folder others can write, a batch's) would have its target truncated and overwritten.
    The final name needs no such care: a rename replaces a link, it does not follow it."""
    flags = _PART_FLAGS | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.fdopen(os.open(path, flags, 0o666), "wb")
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise OSError(e.errno, "a symbolic link is in its place: not written through") from e
        raise


class _PartFile:
    """The ``.part`` file of one output: written, resumed or restarted, renamed when complete,
    removed otherwise, so no half-written file ever stands under the final name."""

    def __init__(self, directory: Path, stem: str, url: str, request_id: str) -> None:
        self.directory, self.stem, self.url, self.request_id = directory, stem, url, request_id
        self.part = directory / f".{stem}.part"
        self.handle: IO[bytes] | None = None
        self.size = 0
        self.prefix = bytearray()  # the first bytes: what the file is

    def _failed(self, path: Path, e: OSError) -> DownloadError:
        return DownloadError(self.url, f"cannot write {path}: {e.strerror or e}", self.request_id)

    def open(self, *, append: bool) -> None:
        """Start writing: after the bytes already saved, or from the start."""
        try:
            if self.handle is None:
                self.directory.mkdir(parents=True, exist_ok=True)
                self.handle = open_part(self.part)
            if not append:
                self.handle.seek(0)
                self.handle.truncate()
                self.size = 0
                self.prefix = bytearray()
        except OSError as e:
            raise self._failed(self.part, e) from e

    def write(self, chunk: bytes) -> None:
        assert self.handle is not None
        try:
            self.handle.write(chunk)
        except OSError as e:  # a full disk, say
            raise self._failed(self.part, e) from e
        if self.size < SNIFF_BYTES:
            self.prefix += chunk[: SNIFF_BYTES - self.size]
        self.size += len(chunk)

    def finish(self, name: str) -> Path:
        """Flush (a full disk may say so only now) and rename to ``name``."""
        path = self.directory / name
        try:
            if self.handle is None:
                self.open(append=False)  # an empty file is a file too
            assert self.handle is not None
            self.handle.close()
            os.replace(self.part, path)
        except OSError as e:
            self.discard()
            raise self._failed(path, e) from e
        return path

    def discard(self) -> None:
        if self.handle is not None and not self.handle.closed:
            self.handle.close()
        self.part.unlink(missing_ok=True)


Step = Literal["body", "redirect", "retry", "done"]


class Fetching:
    """The decisions of fetching one output: each request, what its head means, how its body
    is kept, and whether (and after how long) to try again. A sink of ``effects.Fetch``."""

    def __init__(
        self,
        url: str,
        part: Keeper[Any],
        *,
        retry: RetryPolicy,
        timeout: Mapping[str, float | None],
        max_bytes: int,
        on_progress: ProgressCallback | None,
    ) -> None:
        self.source = url  # as the result named it: what progress and errors say
        self.url = url  # the current hop
        self.part = part
        self.retry = retry
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.on_progress = on_progress
        self.step: Step = "retry"
        self.redirects = 0
        self.failures = 0  # in a row, without a byte of progress between them
        self.retry_after: float | None = None
        self.total: int | None = None
        self.content_type: str | None = None
        self.validator: str | None = None  # ETag or Last-Modified, for If-Range
        self.resumable = False
        self.last_status: int | None = None
        self._progress_at_failure = 0

    def _error(self, reason: str) -> DownloadError:
        return DownloadError(self.source, reason, request_id=self.part.request_id)

    def request(self, *, asynchronous: bool) -> httpx.Request:
        headers = {
            "Accept": "*/*",
            "Accept-Encoding": "identity",  # a range counts the file's bytes, not gzip's
            "User-Agent": constants.USER_AGENT,
        }
        if self.part.size and self.resumable:
            headers["Range"] = f"bytes={self.part.size}-"
            if self.validator:
                headers["If-Range"] = self.validator
        try:
            return file_request(self.url, headers, timeout=self.timeout, asynchronous=asynchronous)
        except (httpx.InvalidURL, ValueError) as e:
            raise self._error(f"not a URL that can be fetched ({e})") from None

    # -- the sink ------------------------------------------------------------------------------

    def head(self, status: int, headers: Mapping[str, str], url: str) -> bool:
        """What an answer's status and headers mean; True when its body is the file's."""
        if status in REDIRECTS:
            self._redirect(headers.get("location"), url, status)
            return False
        self.last_status = status
        if status in TRANSIENT:
            self.step = "retry"
            self.retry_after = parse_retry_after(headers.get("retry-after"))
            return False
        start = _content_range_start(headers.get("content-range")) if status == 206 else 0
        if status in (206, 416) and start != self.part.size:
            self.resumable = False  # the range was not what was asked: fetch it whole
            self.step = "retry"
            self.retry_after = None
            return False
        if status not in (200, 206):
            raise self._error(f"HTTP {status}")
        append = status == 206
        self.part.open(append=append)
        length = headers.get("content-length")
        self.total = self.part.size + int(length) if length and length.isdigit() else None
        if self.total is not None and self.total > self.max_bytes:
            raise self._error(_too_large(self.total, self.max_bytes))
        encoding = headers.get("content-encoding", "identity").strip().lower()
        self.resumable = encoding in ("", "identity") and (
            headers.get("accept-ranges", "").lower() == "bytes" or status == 206
        )
        self.validator = self.validator if append else _strong_validator(headers)
        self.content_type = headers.get("content-type")
        self.step = "body"
        return True

    def write(self, chunk: bytes) -> None:
        if self.part.size + len(chunk) > self.max_bytes:
            raise self._error(_too_large(self.part.size + len(chunk), self.max_bytes))
        self.part.write(chunk)
        if self.on_progress:
            self.on_progress(self.source, self.part.size, self.total)

    def end(self) -> None:
        self.step = "done"

    # -- what next -----------------------------------------------------------------------------

    def _redirect(self, location: str | None, url: str, status: int) -> None:
        if not location:
            raise self._error(f"HTTP {status} without a Location header")
        self.redirects += 1
        if self.redirects > constants.DOWNLOAD_MAX_REDIRECTS:
            raise self._error(f"too many redirects (>{constants.DOWNLOAD_MAX_REDIRECTS})")
        try:
            self.url = str(httpx.URL(url).join(location))
        except (httpx.InvalidURL, ValueError) as e:
            raise self._error(f"HTTP {status} to an unusable Location ({e})") from None
        self.step = "redirect"

    def _again(self, why: str, retry_after: float | None) -> float:
        """Seconds before the next try; ``DownloadError`` once the retries are spent."""
        if self.part.size > self._progress_at_failure:
            self.failures = 0  # bytes arrived since the last failure: a fresh start
        self._progress_at_failure = self.part.size
        delay = None
        if self.failures < self.retry.max_retries:
            delay = retry_delay(self.retry, self.failures, retry_after)
        if delay is None:
            tries = self.failures + 1
            raise self._error(f"{why} ({tries} {'try' if tries == 1 else 'tries'})")
        self.failures += 1
        return delay

    def failed(self, exc: httpx.HTTPError) -> float:
        """A request that ended without a whole answer: seconds before the next try."""
        cause = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return self._again(cause, None)

    def throttled(self) -> float:
        """An answer that asked for another try (a busy or failing host, a range refused)."""
        return self._again(f"HTTP {self.last_status}", self.retry_after)

    def name(self) -> str:
        return (
            f"{self.part.stem}{extension(bytes(self.part.prefix), self.content_type, self.source)}"
        )


def _strong_validator(headers: Mapping[str, str]) -> str | None:
    """What ``If-Range`` may carry: a strong ETag, else Last-Modified."""
    etag = headers.get("etag", "").strip()
    if etag and not etag.startswith("W/"):
        return etag
    return headers.get("last-modified") or None


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


DownloadFlow = Generator[Fetch | Sleep, None, list[Path]]


def download_flow(
    result: Result[Any],
    directory: Path,
    *,
    on_progress: ProgressCallback | None,
    skip_existing: bool,
    max_bytes: int,
    retry: RetryPolicy,
    timeout: Mapping[str, float | None],
) -> DownloadFlow:
    """Every output of ``result`` saved into ``directory``: the paths, in output order."""
    paths = []
    for url, stem, earlier in _todo(result, directory, skip_existing):
        if earlier is not None:
            paths.append(earlier)
            continue
        part = _PartFile(directory, stem, url, result.request_id)
        fetching = Fetching(
            url,
            part,
            retry=retry,
            timeout=timeout,
            max_bytes=max_bytes,
            on_progress=on_progress,
        )
        try:
            paths.append((yield from _fetch_one(fetching, part)))
        except BaseException:
            part.discard()
            raise
    return paths


class _Memory:
    """One output kept in memory: the :class:`Keeper` of ``OutputFile.read()``. A restart
    (a range refused, a file that changed) forgets what was kept, as a ``.part`` file does."""

    def __init__(self, url: str, request_id: str) -> None:
        self.url, self.request_id, self.stem = url, request_id, "output"
        self.chunks: list[bytes] = []
        self.size = 0
        self.prefix = bytearray()

    def open(self, *, append: bool) -> None:
        if not append:
            self.chunks, self.size, self.prefix = [], 0, bytearray()

    def write(self, chunk: bytes) -> None:
        if self.size < SNIFF_BYTES:
            self.prefix += chunk[: SNIFF_BYTES - self.size]
        self.chunks.append(chunk)
        self.size += len(chunk)

    def finish(self, name: str) -> bytes:
        return b"".join(self.chunks)

    def discard(self) -> None:
        self.chunks = []


def read_flow(
    url: str,
    *,
    max_bytes: int,
    retry: RetryPolicy,
    timeout: Mapping[str, float | None],
    request_id: str = "",
) -> Generator[Fetch | Sleep, None, bytes]:
    """The bytes of one output, fetched as :func:`download_flow` fetches each (the same
    requests, caps, retries and resumption), kept in memory instead of a file."""
    memory = _Memory(url, request_id)
    fetching = Fetching(
        url, memory, retry=retry, timeout=timeout, max_bytes=max_bytes, on_progress=None
    )
    return (yield from _fetch_one(fetching, memory))


def _fetch_one(
    fetching: Fetching, part: Keeper[KeptT_co]
) -> Generator[Fetch | Sleep, None, KeptT_co]:
    while True:
        try:
            yield Fetch(fetching)
        except httpx.HTTPError as exc:  # a connection lost, a body cut short, an encoding
            delay = fetching.failed(exc)
        else:
            if fetching.step == "done":
                return part.finish(fetching.name())
            if fetching.step == "redirect":
                continue
            delay = fetching.throttled()
        yield Sleep(delay)


def _head(response: httpx.Response, sink: Sink) -> bool:
    check_sent(response)  # for a transport that does not trace (filehost.py)
    return sink.head(response.status_code, response.headers, str(response.url))


def fetch(http: httpx.Client, sink: Sink) -> None:
    """An :class:`~runcomfy_runtime.effects.Fetch` done with a sync ``httpx.Client``."""
    response = http.send(sink.request(asynchronous=False), **SEND_OPTIONS)
    try:
        if _head(response, sink):
            for chunk in response.iter_bytes():  # as they arrive: a cut keeps every byte
                sink.write(chunk)
            sink.end()
    finally:
        response.close()


async def afetch(http: httpx.AsyncClient, sink: Sink) -> None:
    """:func:`fetch` with an ``httpx.AsyncClient``."""
    response = await http.send(sink.request(asynchronous=True), **SEND_OPTIONS)
    try:
        if _head(response, sink):
            async for chunk in response.aiter_bytes():
                sink.write(chunk)
            sink.end()
    finally:
        await response.aclose()


# -- one output into memory, for ``OutputFile.read()`` -----------------------------------------

_file_host_client: httpx.Client | None = None


def file_host_client() -> httpx.Client:
    """The runtime's own client for file hosts, built on first use and shared: it was never
    given the token or any credential (and :func:`fetch` would send none of a client's)."""
    global _file_host_client
    if _file_host_client is None or _file_host_client.is_closed:
        _file_host_client = httpx.Client()
    return _file_host_client


def read_bytes(
    http: httpx.Client | None, url: str, *, max_bytes: int, request_id: str | None
) -> bytes:
    """:func:`read_flow` driven with ``http`` (else :func:`file_host_client`), with the
    client's default retries and timeouts."""
    import time

    from runcomfy_runtime.effects import Effect, drive

    client = http if http is not None else file_host_client()
    timeout = httpx.Timeout(constants.READ_TIMEOUT, connect=constants.CONNECT_TIMEOUT)

    def perform(effect: Effect) -> None:
        if isinstance(effect, Sleep):
            time.sleep(effect.seconds)
        elif isinstance(effect, Fetch):
            fetch(client, effect.sink)

    flow = read_flow(
        url,
        max_bytes=max_bytes,
        retry=RetryPolicy(),
        timeout=timeout.as_dict(),
        request_id=request_id or "",
    )
    return drive(flow, perform)
