"""Measure input images (byte size, pixel size, format) while reading as few bytes as we can.

The documented media rules (``file_size_mb<= 15``, ``width_pixels<= 4096``...) must hold
before a paid job is queued, but downloading every input image whole would cost megabytes per
URL. A probe instead asks for the first 64 KiB (``Range: bytes=0-65535``), takes the byte size
from ``Content-Range`` (or ``Content-Length`` when the server ignores ``Range``) and lets
Pillow read the format and pixel size from those header bytes. Only when the header lies
deeper (EXIF-heavy JPEGs put the frame header 100+ KiB in) does it ask for the next range,
doubling, up to ``header_cap_bytes``. Image formats are never parsed here by hand.

Credentials never leave for an image host. The prober shares the API client's
``httpx.AsyncClient`` (one connection pool), whose defaults may carry the API token. It never
calls ``client.build_request``/``client.get`` (where default headers, cookies and params are
merged); it builds every request itself with an explicit header set and sends it with
``client.send(request, auth=None, follow_redirects=False)``, so neither the client's default
headers nor its cookies nor its ``auth`` apply, on the first hop or on any redirect, which it
follows itself. Request event hooks are the one client feature that still runs; if one adds
``Authorization`` or ``Cookie``, the probe raises ``RuntimeError`` rather than carry on.
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
from PIL import Image, ImageFile

from runcomfy_runtime.rules import ImageFacts

DEFAULT_TIMEOUT = 10.0
"""Seconds one probe may take in all: every redirect hop and every range request."""
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_HEADER_CAP_BYTES = 1024 * 1024
"""Bytes read at most to find an image header; generous, since EXIF and ICC blocks precede it."""
FIRST_RANGE_BYTES = 64 * 1024
"""The first range asked for: holds the header of nearly every JPEG, PNG, GIF and small WebP."""

_MIN_FEED_BYTES = 8 * 1024
_SIGNATURE_BYTES = 16  # what Pillow's own format checks look at (``Image.open`` reads 16)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PAGE_TYPES = frozenset(
    {"application/json", "application/problem+json", "application/xhtml+xml", "application/xml"}
)
_SAME_FORMAT = {"MPO": "JPEG"}
"""Pillow names camera multi-picture JPEGs "MPO"; they are JPEG files to every reader."""
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)", re.IGNORECASE)
_USER_AGENT = "runcomfy-runtime (image probe)"


@dataclass(frozen=True, slots=True)
class ProbeFailure:
    """Why an image could not be measured: ``HTTP 404``, ``not an image (text/html)``..."""

    url: str
    reason: str


ProbeResult = ImageFacts | ProbeFailure


class _Failed(Exception):
    """Ends one probe early with the reason the user reads; caught in ``Prober._probe_once``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Header:
    """What Pillow read from an image header. Pixel size is None when only the format is known."""

    width: int | None
    height: int | None
    format: str | None

    def facts(self, size_bytes: int | None, *, at_least: bool = False) -> ImageFacts:
        return ImageFacts(size_bytes, self.width, self.height, self.format, at_least)


def _format_name(pillow_format: str | None) -> str | None:
    return _SAME_FORMAT.get(pillow_format, pillow_format) if pillow_format else None


def _signature_format(prefix: bytes) -> str | None:
    """The format whose signature ``prefix`` starts with, by Pillow's own registered checks.

    Used where Pillow cannot give the pixel size from a prefix (WebP needs the whole file) and
    to give up early on bytes no format Pillow knows could start with.
    """
    Image.init()
    for name in Image.ID:
        accept = Image.OPEN[name][1]
        if accept is not None and accept(prefix[:_SIGNATURE_BYTES]) is True:
            return _format_name(name)
    return None


class _HeaderReader:
    """Pillow's incremental parser (``ImageFile.Parser``), fed in growing batches.

    The parser re-opens its whole buffer on every ``feed``; feeding each small network chunk
    would re-parse up to a megabyte hundreds of times. Batches of at least 8 KiB and a quarter
    of what was fed so far keep that to a few dozen parses, at the price of reading at most a
    quarter more than the header needed. Nothing is fed once the header is known, so the pixel
    data is never decoded.
    """

    def __init__(self) -> None:
        self._parser = ImageFile.Parser()
        self._pending = bytearray()
        self._prefix = b""
        self.seen = 0
        self._fed = 0

    @property
    def image(self) -> Image.Image | None:
        return self._parser.image

    def add(self, chunk: bytes) -> None:
        if self.image is not None or not chunk:
            return
        self.seen += len(chunk)
        if len(self._prefix) < _SIGNATURE_BYTES:
            self._prefix = (self._prefix + chunk)[:_SIGNATURE_BYTES]
        batch = max(_MIN_FEED_BYTES, self._fed // 4)
        if not self._pending and len(chunk) >= batch:
            self._feed(chunk)  # a big chunk (a whole file, a whole range) needs no copy
            return
        self._pending += chunk
        if len(self._pending) >= batch:
            self.flush()

    def flush(self) -> None:
        """Hand every pending byte to Pillow now (at the end of a range or of the body)."""
        if self.image is None and self._pending:
            data = bytes(self._pending)
            self._pending.clear()
            self._feed(data)

    def _feed(self, data: bytes) -> None:
        self._fed += len(data)
        try:
            self._parser.feed(data)
        except Image.DecompressionBombError as e:
            raise _Failed(f"Pillow refuses to open an image this large ({e})") from e
        except (ValueError, EOFError):
            pass  # a plugin that met the end of a truncated header: wait for more bytes

    def _known(self) -> _Header | None:
        image = self.image
        if image is None:
            return None
        return _Header(image.width, image.height, _format_name(image.format))

    def partial(self, *, cap: int, sniff: int) -> _Header | None:
        """The header if known; None while more bytes may reveal it; ``_Failed`` if none will.

        Past ``cap`` a format recognised by its signature is reported without a pixel size
        (the rules then say what they could not measure) rather than as "not an image".
        """
        signature = None
        if self.image is None:
            signature = _signature_format(self._prefix)
            if self.seen >= cap or (self.seen >= sniff and signature is None):
                self.flush()
        header = self._known()
        if header is not None:
            return header
        if self.seen >= cap:
            if signature is not None:
                return _Header(None, None, signature)
            raise _Failed(f"not an image (no image header in the first {cap} bytes)")
        if self.seen >= sniff and signature is None:
            raise _Failed("not an image (its first bytes match no image format)")
        return None

    def final(self) -> _Header:
        """The header, now that every byte of the image was given; ``_Failed`` if there is none."""
        self.flush()
        header = self._known()
        if header is not None:
            return header
        if self.seen == 0:
            raise _Failed("not an image (empty body)")
        signature = _signature_format(self._prefix)
        if signature is not None:
            raise _Failed(f"not a readable image (starts like {signature}, Pillow cannot read it)")
        raise _Failed("not an image (its bytes match no image format)")


def facts_of_bytes(data: bytes, *, source: str = "<bytes>") -> ImageFacts | ProbeFailure:
    """Facts of a whole image held in memory (a local file, a data URI): no network.

    ``source`` names the bytes in a :class:`ProbeFailure` (a path, say). Width and height are
    the stored ones: EXIF orientation is not applied, as it is not for URLs.
    """
    reader = _HeaderReader()
    reader.add(data)
    try:
        return reader.final().facts(len(data))
    except _Failed as e:
        return ProbeFailure(source, e.reason)


def _facts_of_data_uri(uri: str) -> ImageFacts | ProbeFailure:
    header, comma, payload = uri.partition(",")
    if not comma or not header.lower().endswith(";base64"):
        return ProbeFailure(uri, "unsupported data URI (only data:image/...;base64, is read)")
    try:
        data = base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError) as e:
        return ProbeFailure(uri, f"invalid base64 in the data URI ({e})")
    return facts_of_bytes(data, source=uri)


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


def _require_image_type(response: httpx.Response) -> None:
    """Fail at once on a page (an error page, a login form) served where an image should be."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type.startswith("text/") or media_type in _PAGE_TYPES:
        raise _Failed(f"not an image ({media_type})")


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


@dataclass(frozen=True, slots=True)
class _Probed:
    """A cached probe, with what it knows about the size for later callers."""

    result: ProbeResult
    exact: bool  # the size is the file's size (or does not matter: a failure)
    limit: int | None  # the count limit it was probed with

    def answers(self, limit: int | None) -> bool:
        """Whether this probe tells a caller who counts to ``limit`` all it needs."""
        if self.exact or limit is None:
            return True
        return self.limit is not None and self.limit >= limit


class Prober:
    """Measures image URLs for the media rules; results are cached for the Prober's life.

    ``timeout`` bounds one probe in all (redirects and ranges included). ``header_cap_bytes``
    bounds the bytes read to find a header. The stored width and height are reported: EXIF
    orientation is not applied, since the documented limits are about the file as uploaded.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_redirects: int = DEFAULT_MAX_REDIRECTS,
        header_cap_bytes: int = DEFAULT_HEADER_CAP_BYTES,
        first_range_bytes: int = FIRST_RANGE_BYTES,
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
        self._client = client
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.header_cap_bytes = header_cap_bytes
        self.first_range_bytes = first_range_bytes
        self._request_timeout = httpx.Timeout(timeout).as_dict()
        self._probes: dict[str, asyncio.Task[_Probed]] = {}

    async def probe(self, url: str, *, count_limit_bytes: int | None = None) -> ProbeResult:
        """Facts of the image at ``url`` (http, https or a ``data:`` URI), or why there are none.

        The byte size comes from the server's headers. When it sends neither ``Content-Range``
        nor ``Content-Length``, the body is counted, but only to ``count_limit_bytes + 1``: a
        ``size_bytes`` of exactly that means "more than the limit", which is all a size rule
        needs. With no limit the size then stays None. Concurrent and later calls for one URL
        share one probe; a larger limit than an earlier count reached probes again.
        """
        while True:
            task = self._probes.get(url)
            if task is None:
                task = asyncio.get_running_loop().create_task(
                    self._probe_once(url, count_limit_bytes)
                )
                self._probes[url] = task
            try:
                probed = await asyncio.shield(task)
            except Exception:
                if task.done() and self._probes.get(url) is task:
                    del self._probes[url]  # a bug, not a fact about the URL: do not keep it
                raise
            if probed.answers(count_limit_bytes):
                return probed.result
            if self._probes.get(url) is task:
                del self._probes[url]

    async def probe_many(
        self, urls: Iterable[str], *, count_limit_bytes: int | None = None
    ) -> dict[str, ProbeResult]:
        """Probe every URL concurrently; a URL given twice is probed once."""
        unique = list(dict.fromkeys(urls))
        found = await asyncio.gather(
            *(self.probe(url, count_limit_bytes=count_limit_bytes) for url in unique)
        )
        return dict(zip(unique, found, strict=True))

    async def _probe_once(self, url: str, limit: int | None) -> _Probed:
        if url[:5].lower() == "data:":
            return _Probed(_facts_of_data_uri(url), exact=True, limit=limit)
        try:
            async with asyncio.timeout(self.timeout):
                return await self._probe_http(url, limit)
        except _Failed as e:
            reason = e.reason
        except (TimeoutError, httpx.TimeoutException):
            reason = f"timed out after {self.timeout:g}s"
        except httpx.InvalidURL as e:
            reason = f"invalid URL ({e})"
        except httpx.TransportError as e:
            reason = f"connection failed: {_describe(e)}"
        except httpx.RequestError as e:
            reason = f"request failed: {_describe(e)}"
        return _Probed(ProbeFailure(url, reason), exact=True, limit=limit)

    async def _probe_http(self, url: str, limit: int | None) -> _Probed:
        """Ask for ranges, doubling, until Pillow has the header; a 200 means read a stream."""
        reader = _HeaderReader()
        start, window = 0, self.first_range_bytes
        while True:
            last = min(start + window, self.header_cap_bytes) - 1
            response = await self._open(url, (start, last))
            try:
                url = str(response.url)  # later ranges skip the redirects
                if response.status_code == 416:  # asked past the end: the file is ``start`` long
                    return self._probed(reader.final(), start, limit)
                _require_success(response)
                _require_image_type(response)
                if response.status_code != 206:
                    return await self._read_stream(response, limit)
                end, total = await self._read_range(response, reader, start, last)
            finally:
                await response.aclose()
            complete = end + 1 >= total if total is not None else end < last
            if complete:
                return self._probed(reader.final(), total if total is not None else end + 1, limit)
            header = reader.partial(cap=self.header_cap_bytes, sniff=self.first_range_bytes)
            if header is not None and total is None and limit is not None:
                return await self._count(url, limit)
            if header is not None:
                return self._probed(header, total, limit)
            start, window = end + 1, window * 2

    @staticmethod
    def _probed(header: _Header, size: int | None, limit: int | None) -> _Probed:
        return _Probed(header.facts(size), exact=size is not None, limit=limit)

    async def _read_range(
        self, response: httpx.Response, reader: _HeaderReader, start: int, last: int
    ) -> tuple[int, int | None]:
        """Feed one 206 body to ``reader``; the last byte offset read and the file's total."""
        first, end, total = _parse_content_range(response.headers.get("Content-Range"))
        if first != start:
            raise _Failed(f"asked for bytes from {start}, the server sent bytes from {first}")
        wanted = min(end, last) - start + 1
        got = 0
        async for chunk in response.aiter_bytes():
            reader.add(chunk[: max(wanted - got, 0)])
            got += len(chunk)
            if got > wanted:
                break  # more than asked for: drop the connection rather than read on
        # Reading a range to its natural end, not stopping at the last byte, lets httpx see
        # the end of the message and keep the connection for the next probe.
        reader.flush()
        return start + min(got, wanted) - 1, total

    async def _count(self, url: str, limit: int) -> _Probed:
        """The server gave no total in ``Content-Range``: read a plain GET to count the size."""
        response = await self._open(url, None)
        try:
            _require_success(response)
            _require_image_type(response)
            return await self._read_stream(response, limit)
        finally:
            await response.aclose()

    async def _read_stream(self, response: httpx.Response, limit: int | None) -> _Probed:
        """Read a whole-body answer only as far as the header, or the count, needs."""
        reader = _HeaderReader()
        length = _content_length(response)
        header: _Header | None = None
        received = 0
        ended = True
        async for chunk in response.aiter_bytes():
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
            return _Probed(header.facts(length), exact=True, limit=limit)
        if ended:
            return _Probed(header.facts(received), exact=True, limit=limit)
        if limit is not None:
            return _Probed(header.facts(limit + 1, at_least=True), exact=False, limit=limit)
        return _Probed(header.facts(None), exact=False, limit=limit)

    async def _open(self, url: str, byte_range: tuple[int, int] | None) -> httpx.Response:
        """Send the GET, following redirects here so every hop gets our headers and no others."""
        for _ in range(self.max_redirects + 1):
            response = await self._send(url, byte_range)
            if response.status_code not in _REDIRECTS:
                return response
            await response.aclose()
            location = response.headers.get("Location")
            if not location:
                raise _Failed(f"HTTP {response.status_code} without a Location header")
            url = str(response.url.join(location))
        raise _Failed(f"too many redirects (>{self.max_redirects})")

    async def _send(self, url: str, byte_range: tuple[int, int] | None) -> httpx.Response:
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise _Failed(f"unsupported URL scheme {scheme!r} (http and https are read)")
        headers = {"Accept": "image/*", "Accept-Encoding": "identity", "User-Agent": _USER_AGENT}
        if byte_range is not None:
            headers["Range"] = f"bytes={byte_range[0]}-{byte_range[1]}"
        request = httpx.Request(
            "GET", url, headers=headers, extensions={"timeout": self._request_timeout}
        )
        response = await self._client.send(request, stream=True, auth=None, follow_redirects=False)
        await _refuse_credentials(response)
        return response


async def _refuse_credentials(response: httpx.Response) -> None:
    """Stop loudly if a request hook of the shared client put credentials on an image request.

    Credentials in the image URL itself (``https://user:pass@host/``) are the user's to send.
    """
    sent = response.request
    own = bool(sent.url.username or sent.url.password)
    leaked = [name for name in ("authorization", "cookie") if name in sent.headers]
    if leaked and not (own and leaked == ["authorization"]):
        await response.aclose()
        raise RuntimeError(
            f"a request hook of the shared httpx client added {', '.join(leaked)} to an image "
            f"request for {sent.url.host}; image hosts must never receive credentials"
        )
