"""Measure input files (byte size; pixel size and format of images; the container of video
and audio) while reading as few bytes as we can.

The documented media rules (``file_size_mb<= 15``, ``width_pixels<= 4096``...) must hold
before a paid job is queued, but downloading every input whole would cost megabytes per URL.
A probe instead asks for the first 64 KiB (``Range: bytes=0-65535``), takes the byte size from
``Content-Range`` (or ``Content-Length`` when the server ignores ``Range``) and reads the format
from those first bytes (``media_headers``). Only when an image header lies deeper (EXIF-heavy
JPEGs put the frame header 100+ KiB in) does it ask for the next range, doubling, up to
``header_cap_bytes``.

Credentials never leave for a file host: every request is built by
:func:`runcomfy_runtime.filehost.file_request` (the reason is in its docstring), and redirects
are followed here, each hop built again.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from runcomfy_runtime import constants
from runcomfy_runtime.fetch import Fetcher, Opened
from runcomfy_runtime.filehost import check_sent, file_request
from runcomfy_runtime.media_headers import Header, HeaderReader, Unreadable, reader_for
from runcomfy_runtime.schema.formats import MediaKind
from runcomfy_runtime.schema.rules import MediaFacts

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PAGE_TYPES = frozenset(
    {"application/json", "application/problem+json", "application/xhtml+xml", "application/xml"}
)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
NOUNS: dict[MediaKind, str] = {"image": "an image", "video": "a video", "audio": "an audio file"}
_ACCEPT: dict[MediaKind, str] = {"image": "image/*", "video": "video/*", "audio": "audio/*"}


@dataclass(frozen=True, slots=True)
class ProbeFailure:
    """Why a file could not be measured: ``HTTP 404``, ``not an image (text/html)``..."""

    url: str
    reason: str


ProbeResult = MediaFacts | ProbeFailure


class _Failed(Exception):
    """Ends one probe early with the reason the user reads; caught in ``Prober._probe_once``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _facts(
    header: Header, size: int | None, kind: MediaKind, *, at_least: bool = False
) -> MediaFacts:
    return MediaFacts(size, header.width, header.height, header.format, at_least, kind)


def facts_of_bytes(
    data: bytes, kind: MediaKind = "image", *, source: str = "<bytes>"
) -> MediaFacts | ProbeFailure:
    """Facts of a whole file held in memory (a local file, a data URI): no network.

    ``source`` names the bytes in a :class:`ProbeFailure` (a path, say). Width and height are
    the stored ones: EXIF orientation is not applied, as it is not for URLs. Whatever the bytes,
    the answer is facts or a failure: no exception escapes.
    """
    reader = reader_for(kind)
    try:
        reader.add(data)
        return _facts(reader.final(), len(data), kind)
    except Unreadable as e:
        return ProbeFailure(source, e.reason)


def decode_data_uri(uri: str) -> bytes | str:
    """The bytes of a ``data:...;base64,`` URI, or why they cannot be had."""
    header, comma, payload = uri.partition(",")
    if not comma or not header.lower().endswith(";base64"):
        return "unsupported data URI (only data:<type>/...;base64, is read)"
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        return f"invalid base64 in the data URI ({e})"


def _facts_of_data_uri(uri: str, kind: MediaKind) -> MediaFacts | ProbeFailure:
    data = decode_data_uri(uri)
    if isinstance(data, str):
        return ProbeFailure(uri, data)
    return facts_of_bytes(data, kind, source=uri)


def _parse_content_range(value: str | None) -> tuple[int, int, int | None]:
    """``bytes 0-65535/1234567`` -> (0, 65535, 1234567); a total of ``*`` gives None."""
    match = _CONTENT_RANGE.fullmatch(value.strip()) if value else None
    if match is None or int(match[2]) < int(match[1]):
        raise _Failed(f"206 answer with an unreadable Content-Range ({value!r})")
    total = None if match[3] == "*" else int(match[3])
    return int(match[1]), int(match[2]), total


def _content_length(response: httpx.Response) -> int | None:
    raw = response.headers.get("Content-Length")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if raw is None or encoding not in ("", "identity"):
        return None  # a compressed body's length is not the file's size
    try:
        return int(raw)
    except ValueError as e:
        raise _Failed(f"unreadable Content-Length ({raw!r})") from e


def _require_success(response: httpx.Response) -> None:
    if not response.is_success:
        raise _Failed(f"HTTP {response.status_code}")


def _require_media_type(response: httpx.Response, kind: MediaKind) -> None:
    """Fail at once on a page (an error page, a login form) served where a file should be."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type.startswith("text/") or media_type in _PAGE_TYPES:
        raise _Failed(f"not {NOUNS[kind]} ({media_type})")


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


@dataclass(frozen=True, slots=True)
class _Probed:
    """A finished probe, with what it knows about the size for later callers."""

    result: ProbeResult
    exact: bool  # the size is the file's size (or does not matter: a failure)
    limit: int | None  # the count limit it was probed with

    def answers(self, limit: int | None) -> bool:
        """Whether this probe tells a caller who counts to ``limit`` all it needs."""
        if self.exact or limit is None:
            return True
        return self.limit is not None and self.limit >= limit


class Prober:
    """Measures media URLs for the rules; results are kept for the Prober's life.

    ``timeout`` bounds one probe in all (redirects and ranges included). ``header_cap_bytes``
    bounds the bytes read to find an image header. The stored width and height are reported:
    EXIF orientation is not applied, since the documented limits are about the file as
    uploaded. The prober works on any event loop: a sync client calls it from a fresh one each
    time, and finished results outlive the loop that made them.
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        timeout: float = constants.PROBE_TIMEOUT,
        max_redirects: int = constants.PROBE_MAX_REDIRECTS,
        header_cap_bytes: int = constants.PROBE_HEADER_CAP_BYTES,
        first_range_bytes: int = constants.PROBE_FIRST_RANGE_BYTES,
    ) -> None:
        if timeout <= 0:
            raise ValueError(f"timeout must be positive, got {timeout}")
        if max_redirects < 0:
            raise ValueError(f"max_redirects must be >= 0, got {max_redirects}")
        if first_range_bytes <= 0 or header_cap_bytes < first_range_bytes:
            raise ValueError(
                "need 0 < first_range_bytes <= header_cap_bytes, got "
                f"{first_range_bytes} and {header_cap_bytes}"
            )
        self._fetcher = fetcher
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.header_cap_bytes = header_cap_bytes
        self.first_range_bytes = first_range_bytes
        self._request_timeout = httpx.Timeout(timeout).as_dict()
        self._done: dict[tuple[str, MediaKind], _Probed] = {}
        self._running: dict[tuple[str, MediaKind], asyncio.Task[_Probed]] = {}

    async def probe(
        self, url: str, kind: MediaKind = "image", *, count_limit_bytes: int | None = None
    ) -> ProbeResult:
        """Facts of the file at ``url`` (http, https or a ``data:`` URI), or why there are none.

        The byte size comes from the server's headers. When it sends neither ``Content-Range``
        nor ``Content-Length``, the body is counted, but only to ``count_limit_bytes + 1``: a
        ``size_bytes`` of exactly that means "more than the limit", which is all a size rule
        needs. With no limit the size then stays None. Concurrent and later calls for one URL
        share one probe; a larger limit than an earlier count reached probes again.
        """
        key = (url, kind)
        while True:
            done = self._done.get(key)
            if done is not None and done.answers(count_limit_bytes):
                return done.result
            task = self._running.get(key)
            if task is None or task.get_loop() is not asyncio.get_running_loop():
                task = asyncio.get_running_loop().create_task(
                    self._probe_once(url, kind, count_limit_bytes)
                )
                self._running[key] = task
            try:
                probed = await asyncio.shield(task)
            finally:
                if task.done() and self._running.get(key) is task:
                    del self._running[key]
            if probed.answers(count_limit_bytes):
                self._done[key] = probed
                return probed.result
            self._done.pop(key, None)

    async def probe_many(
        self,
        urls: Iterable[str],
        kind: MediaKind = "image",
        *,
        count_limit_bytes: int | None = None,
    ) -> dict[str, ProbeResult]:
        """Probe every URL concurrently; a URL given twice is probed once."""
        unique = list(dict.fromkeys(urls))
        found = await asyncio.gather(
            *(self.probe(url, kind, count_limit_bytes=count_limit_bytes) for url in unique)
        )
        return dict(zip(unique, found, strict=True))

    async def _probe_once(self, url: str, kind: MediaKind, limit: int | None) -> _Probed:
        if url[:5].lower() == "data:":
            return _Probed(_facts_of_data_uri(url, kind), exact=True, limit=limit)
        try:
            async with asyncio.timeout(self.timeout):
                return await self._probe_http(url, kind, limit)
        except _Failed as e:
            reason = e.reason
        except Unreadable as e:
            reason = e.reason
        except (TimeoutError, httpx.TimeoutException):
            reason = f"timed out after {self.timeout:g}s"
        except httpx.InvalidURL as e:
            reason = f"invalid URL ({e})"
        except httpx.TransportError as e:
            reason = f"connection failed: {_describe(e)}"
        except httpx.RequestError as e:
            reason = f"request failed: {_describe(e)}"
        except (ValueError, OverflowError) as e:  # a URL httpx cannot use (``http://[::1``)
            reason = f"invalid URL ({e})"
        except ExceptionGroup as group:  # anyio wraps what failed in a worker thread
            reason = f"request failed: {'; '.join(_describe(e) for e in group.exceptions)}"
        return _Probed(ProbeFailure(url, reason), exact=True, limit=limit)

    async def _probe_http(self, url: str, kind: MediaKind, limit: int | None) -> _Probed:
        """Ask for ranges, doubling, until the header is known; a 200 means read a stream."""
        reader = reader_for(kind)
        start, window = 0, self.first_range_bytes
        while True:
            last = min(start + window, self.header_cap_bytes) - 1
            opened = await self._open(url, kind, (start, last))
            response = opened.response
            try:
                url = str(response.url)  # later ranges skip the redirects
                if response.status_code == 416:  # asked past the end: the file is ``start`` long
                    return self._probed(reader.final(), start, kind, limit)
                _require_success(response)
                _require_media_type(response, kind)
                if response.status_code != 206:
                    return await self._read_stream(opened, kind, limit)
                end, total = await self._read_range(opened, reader, start, last)
            finally:
                await opened.close()
            complete = end + 1 >= total if total is not None else end < last
            if complete:
                size = total if total is not None else end + 1
                return self._probed(reader.final(), size, kind, limit)
            header = reader.partial(cap=self.header_cap_bytes, sniff=self.first_range_bytes)
            if header is not None and total is None and limit is not None:
                return await self._count(url, kind, limit)
            if header is not None:
                return self._probed(header, total, kind, limit)
            start, window = end + 1, window * 2

    @staticmethod
    def _probed(header: Header, size: int | None, kind: MediaKind, limit: int | None) -> _Probed:
        return _Probed(_facts(header, size, kind), exact=size is not None, limit=limit)

    async def _read_range(
        self, opened: Opened, feed: HeaderReader, start: int, last: int
    ) -> tuple[int, int | None]:
        """Feed one 206 body to ``feed``; the last byte offset read and the file's total."""
        first, end, total = _parse_content_range(opened.response.headers.get("Content-Range"))
        if first != start:
            raise _Failed(f"asked for bytes from {start}, the server sent bytes from {first}")
        wanted = min(end, last) - start + 1
        got = 0
        async for chunk in opened.chunks():
            feed.add(chunk[: max(wanted - got, 0)])
            got += len(chunk)
            if got > wanted:
                break  # more than asked for: drop the connection rather than read on
        # Reading a range to its natural end, not stopping at the last byte, lets httpx see
        # the end of the message and keep the connection for the next probe.
        feed.flush()
        return start + min(got, wanted) - 1, total

    async def _count(self, url: str, kind: MediaKind, limit: int) -> _Probed:
        """The server gave no total in ``Content-Range``: read a plain GET to count the size."""
        opened = await self._open(url, kind, None)
        try:
            _require_success(opened.response)
            _require_media_type(opened.response, kind)
            return await self._read_stream(opened, kind, limit)
        finally:
            await opened.close()

    async def _read_stream(self, opened: Opened, kind: MediaKind, limit: int | None) -> _Probed:
        """Read a whole-body answer only as far as the header, or the count, needs."""
        reader = reader_for(kind)
        length = _content_length(opened.response)
        header: Header | None = None
        received = 0
        ended = True
        async for chunk in opened.chunks():
            received += len(chunk)
            if header is None:
                reader.add(chunk)
                header = reader.partial(cap=self.header_cap_bytes, sniff=self.first_range_bytes)
            counting = length is None and limit is not None and received <= limit
            if header is not None and not counting:
                ended = False
                break
        if header is None:
            header = reader.final()
        if length is not None:
            return _Probed(_facts(header, length, kind), exact=True, limit=limit)
        if ended:
            return _Probed(_facts(header, received, kind), exact=True, limit=limit)
        if limit is not None:
            facts = _facts(header, limit + 1, kind, at_least=True)
            return _Probed(facts, exact=False, limit=limit)
        return _Probed(_facts(header, None, kind), exact=False, limit=limit)

    async def _open(self, url: str, kind: MediaKind, byte_range: tuple[int, int] | None) -> Opened:
        """Send the GET, following redirects here so every hop gets our headers and no others."""
        for _ in range(self.max_redirects + 1):
            opened = await self._send(url, kind, byte_range)
            response = opened.response
            if response.status_code not in _REDIRECTS:
                return opened
            await opened.close()
            location = response.headers.get("Location")
            if not location:
                raise _Failed(f"HTTP {response.status_code} without a Location header")
            url = str(response.url.join(location))
        raise _Failed(f"too many redirects (>{self.max_redirects})")

    async def _send(self, url: str, kind: MediaKind, byte_range: tuple[int, int] | None) -> Opened:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise _Failed(f"unsupported URL scheme {scheme!r} (http and https are read)")
        headers = {
            "Accept": _ACCEPT[kind],
            "Accept-Encoding": "identity",
            "User-Agent": constants.PROBE_USER_AGENT,
        }
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        request = file_request(
            url,
            headers,
            timeout=self._request_timeout,
            asynchronous=self._fetcher.asynchronous,
        )
        opened = await self._fetcher.open(request)
        try:
            check_sent(opened.response)
        except BaseException:
            await opened.close()
            raise
        return opened
