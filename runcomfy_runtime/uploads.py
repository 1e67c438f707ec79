"""Local files too large to send inline: uploaded to the user's own storage, sent as a URL.

RunComfy's Model API fetches media by URL (it also takes small ``data:`` URIs, which is how a
small local file is sent: ``local_files.py``) and asks for stable or pre-signed URLs for
private files. A client given an :class:`Uploader` (``RunComfy(uploader=S3Uploader(...))``)
sends a local file that is too large to inline that way:

1. the offline stage reads each local file; :func:`placement` decides, from sizes alone,
   which go inline and which to the storage; a file to upload is checked against every rule
   of its field on its own bytes, and stands in the payload as a :class:`PendingUpload`;
2. both validation stages end: a payload with any problem uploads nothing;
3. :func:`upload_pending`, the one I/O step, uploads each distinct file once and puts its URL
   where the file stood; a failure raises :class:`~runcomfy_runtime.errors.UploadError`
   and nothing is submitted.

The uploader never sees the API token: it gets a :class:`LocalFile` (path, size, sniffed
media type, digest) and gives back an :class:`Uploaded` (the URL and when it expires).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

from runcomfy_runtime import constants
from runcomfy_runtime.errors import UploadError
from runcomfy_runtime.schema.formats import MediaKind, media_check


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A local file as it was checked: what an uploader needs to store it.

    ``name`` is content-addressed (the SHA-256 of the bytes checked, and the format's
    extension), so two different files never share a name and the same file always gets one.
    """

    path: Path
    size_bytes: int
    media_type: str  # sniffed from the bytes, not guessed from the name: "video/mp4"
    format: str  # the container, as the header readers name it: "MP4", "PNG"
    sha256: str  # hex digest of the bytes checked

    @property
    def name(self) -> str:
        return f"{self.sha256}.{self.format.lower()}"

    @property
    def sha256_base64(self) -> str:
        """The digest as S3's ``ChecksumSHA256`` takes it: the storage then refuses bytes
        that changed since the check."""
        return base64.b64encode(bytes.fromhex(self.sha256)).decode()

    def chunks(self, size: int = constants.UPLOAD_CHUNK_BYTES) -> Iterator[bytes]:
        """The file's bytes in chunks; ``OSError`` at the end if they are not the bytes that
        were checked (the file changed in between), so a streaming upload is abandoned."""
        import hashlib

        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            while chunk := handle.read(size):
                digest.update(chunk)
                yield chunk
        if digest.hexdigest() != self.sha256:
            raise OSError(f"{self.path} changed after it was checked; it was not uploaded")


@dataclass(frozen=True, slots=True)
class Uploaded:
    """Where an uploaded file can be fetched: ``url`` (a pre-signed URL is a credential for
    that one file: it is sent to the API and to no one else), until ``expires_at`` (None: no
    expiry), and ``where`` it was stored, for people (``s3://bucket/key``; never the URL)."""

    url: str
    expires_at: datetime | None = None
    where: str = ""


@runtime_checkable
class Uploader(Protocol):
    """Stores a local file and answers a URL the service can fetch it from.

    Called only after the whole payload passed validation, once per distinct file, from a
    worker thread when the client is async. Raise any exception to fail: the client turns it
    into ``UploadError`` and submits nothing. The built-in ones: ``S3Uploader``,
    ``EmulatorUploader``.
    """

    def upload(self, file: LocalFile) -> Uploaded: ...


@dataclass(frozen=True, slots=True)
class PendingUpload:
    """A checked local file waiting for its upload, where the file stood in the payload.

    ``validate()`` returns these for files too large to inline; ``submit`` uploads them."""

    path: str  # where in the input: "video_url", "elements[0].frontal_image_url"
    file: LocalFile
    shown: str  # the path as the user gave it
    kind: MediaKind

    def __repr__(self) -> str:
        size = self.file.size_bytes / (1024 * 1024)
        return f"PendingUpload({self.shown!r}, {size:.1f} MiB {self.file.media_type})"


# -- the decision -------------------------------------------------------------------------------

Place = Literal["inline", "upload", "too_large"]


@dataclass(frozen=True, slots=True)
class Placement:
    """Where each local file goes, and the request's size with the inline ones in it."""

    places: tuple[Place, ...]
    request_bytes: int
    request_too_large: bool


def placement(
    sizes: Sequence[int | None],
    *,
    rest_bytes: int,
    can_upload: bool,
    file_cap: int = constants.INLINE_FILE_MAX_BYTES,
    request_cap: int = constants.INLINE_REQUEST_MAX_BYTES,
) -> Placement:
    """Inline or upload, for each local file of one request; pure.

    ``sizes[i]`` is file ``i``'s length as a data URI, None when it is larger than is read for
    inlining; ``rest_bytes`` the request's size without the files. A file over ``file_cap``
    goes to the storage, or is too large with no uploader. When the inline files together
    pass ``request_cap``, the largest go to the storage until the rest fits.
    """
    places: list[Place] = []
    for size in sizes:
        fits = size is not None and size <= file_cap
        places.append("inline" if fits else "upload" if can_upload else "too_large")
    inline = [i for i, place in enumerate(places) if place == "inline"]
    total = rest_bytes + sum(sizes[i] or 0 for i in inline)
    if can_upload:
        for i in sorted(inline, key=lambda i: -(sizes[i] or 0)):
            if total <= request_cap:
                break
            places[i] = "upload"
            total -= sizes[i] or 0
    return Placement(tuple(places), total, total > request_cap)


def url_refusal(uploaded: Uploaded, kind: MediaKind, now: datetime) -> str | None:
    """Why an uploader's answer cannot be sent, or None: the service fetches only https (http
    on loopback, for the emulator), and a URL about to expire would fail the job."""
    if not isinstance(uploaded, Uploaded) or not isinstance(uploaded.url, str):
        return f"the uploader answered {type(uploaded).__name__}, not an Uploaded"
    if not media_check(kind)(uploaded.url) or uploaded.url.startswith("data:"):
        return (
            f"the uploader gave a URL the service cannot fetch ({_shown(uploaded.url)}): "
            "it needs https (http only on a loopback host)"
        )
    if uploaded.expires_at is not None:
        left = (uploaded.expires_at - now).total_seconds()
        if left < constants.UPLOAD_MIN_LIFETIME:
            return (
                f"the uploaded file's URL expires in {max(left, 0):.0f} s, before the "
                f"service could fetch it (at least {constants.UPLOAD_MIN_LIFETIME:g} s needed)"
            )
    return None


def _shown(url: str) -> str:
    """A URL without its query: a pre-signed URL's signature never lands in an error."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.scheme else url[:40]


# -- the I/O step -------------------------------------------------------------------------------


def pending_in(payload: Any) -> list[PendingUpload]:
    """Every pending upload in ``payload``, at any depth, in order."""
    if isinstance(payload, PendingUpload):
        return [payload]
    if isinstance(payload, Mapping):
        return [p for value in payload.values() for p in pending_in(value)]
    if isinstance(payload, list | tuple):
        return [p for value in payload for p in pending_in(value)]
    return []


def replaced(payload: Any, value_of: Callable[[PendingUpload], Any]) -> Any:
    """``payload`` with each pending upload replaced by ``value_of(it)``, at any depth."""
    if isinstance(payload, PendingUpload):
        return value_of(payload)
    if isinstance(payload, Mapping):
        return {key: replaced(value, value_of) for key, value in payload.items()}
    if isinstance(payload, list | tuple):
        return [replaced(value, value_of) for value in payload]
    return payload


def upload_pending(uploader: Uploader | None, payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with every pending upload uploaded and replaced by its URL.

    Each distinct file (by content and type) is uploaded once, however often it appears.
    The first failure raises ``UploadError`` naming the file and every place it stood;
    nothing is submitted after it.
    """
    pending = pending_in(payload)
    if not pending:
        return payload
    by_file: dict[tuple[str, str], list[PendingUpload]] = {}
    for item in pending:
        by_file.setdefault((item.file.sha256, item.file.media_type), []).append(item)
    urls: dict[tuple[str, str], str] = {}
    for key, places in by_file.items():
        urls[key] = _upload_one(uploader, places)
    result: dict[str, Any] = replaced(payload, lambda p: urls[p.file.sha256, p.file.media_type])
    return result


async def aupload_pending(uploader: Uploader | None, payload: dict[str, Any]) -> dict[str, Any]:
    """:func:`upload_pending` off the event loop (uploaders such as boto3 block)."""
    if not pending_in(payload):
        return payload
    import anyio.to_thread

    return await anyio.to_thread.run_sync(upload_pending, uploader, payload)


def _upload_one(uploader: Uploader | None, places: list[PendingUpload]) -> str:
    first = places[0]
    where = ", ".join(dict.fromkeys(p.path for p in places))

    def failed(reason: str) -> UploadError:
        return UploadError(where, first.shown, reason)

    if uploader is None:
        raise failed("this client has no uploader (RunComfy(uploader=...))")
    try:
        uploaded = uploader.upload(first.file)
    except Exception as e:  # any uploader's failure: the user's storage, their code
        raise failed(_reason(e)) from e
    refusal = url_refusal(uploaded, first.kind, datetime.now(UTC))
    if refusal is not None:
        raise failed(refusal)
    return uploaded.url


def _reason(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def expiry_after(seconds: float) -> datetime:
    """The moment ``seconds`` from now: a pre-signed URL's ``expires_at``."""
    return datetime.now(UTC) + timedelta(seconds=seconds)
