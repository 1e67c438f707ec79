"""Each file a job produced, as a small frozen value: its URL, its media kind, and how to get its
bytes (``read()``) or, for an image, a PIL image (``image()``).

Where ``read()`` gets its HTTP client: an output value is frozen and holds no client (it
outlives the client that fetched it, pickles, and serves sync and async code alike), so
``read()`` fetches through the runtime's own file-host client (``download.file_host_client``):
one shared ``httpx.Client`` that was never given the token, used through the same capped,
credential-free download path as ``client.download``. Pass ``http=`` to use your own
(proxies, TLS settings): its default headers, cookies and auth are not sent to the file host
all the same. A ``data:`` URL is decoded in place, with the same cap.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes, urlsplit

from runcomfy_runtime import constants
from runcomfy_runtime.errors import DownloadError
from runcomfy_runtime.schema.formats import MEDIA_TYPES, MediaKind
from runcomfy_runtime.schema.outputs import KEY_KINDS

if TYPE_CHECKING:
    import httpx
    from PIL import Image

SUFFIX_FORMATS: dict[str, str] = {name.lower(): name for name in MEDIA_TYPES} | {"jpg": "JPEG"}
"""A URL's suffix -> its container format (``MEDIA_TYPES``), for a URL under no known key."""

MAJOR_KINDS: dict[str, MediaKind] = {"image": "image", "video": "video", "audio": "audio"}
"""A media type's major part (``video`` of ``video/mp4``) -> the kind of file."""


def kind_of(key: str | None, url: str) -> MediaKind | None:
    """The media kind of ``url``: from the output key it came under (the schema engine's
    ``KEY_KINDS``), else from a ``data:`` URL's media type or the URL's suffix; None when
    nothing says."""
    if key in KEY_KINDS:
        return KEY_KINDS[key]
    if url.startswith("data:"):
        major = url[5:].split("/", 1)[0].lower()
    else:
        suffix = PurePosixPath(urlsplit(url).path).suffix.lower().lstrip(".")
        found = SUFFIX_FORMATS.get(suffix)
        major = MEDIA_TYPES[found].split("/", 1)[0] if found else ""
    return MAJOR_KINDS.get(major)


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of a job's output: ``url``, ``kind`` (``image``, ``video``, ``audio`` or None
    when nothing says) and ``key``, the output key it came under (``images``)."""

    url: str
    kind: MediaKind | None = None
    key: str | None = None
    request_id: str | None = None

    def read(
        self, *, http: httpx.Client | None = None, max_bytes: int = constants.DOWNLOAD_MAX_BYTES
    ) -> bytes:
        """The file's bytes, fetched as ``client.download`` fetches (never with the token;
        ``DownloadError`` past ``max_bytes`` or when the host fails); see the module's
        docstring for the HTTP client it uses."""
        if self.url.startswith("data:"):
            return _data_url_bytes(self.url, max_bytes, self.request_id)
        from runcomfy_runtime.download import read_bytes

        return read_bytes(http, self.url, max_bytes=max_bytes, request_id=self.request_id)

    def image(
        self, *, http: httpx.Client | None = None, max_bytes: int = constants.DOWNLOAD_MAX_BYTES
    ) -> Image.Image:
        """The file as a PIL image (loaded, so nothing is read lazily later); ``ValueError``
        for a file that is not an image."""
        if self.kind not in (None, "image"):
            raise ValueError(f"{self.url} is a {self.kind} output, not an image")
        import io

        from PIL import Image, UnidentifiedImageError

        data = self.read(http=http, max_bytes=max_bytes)
        try:
            picture = Image.open(io.BytesIO(data))
            picture.load()
        except (UnidentifiedImageError, OSError) as e:
            raise ValueError(f"{self.url} is not an image Pillow can read ({e})") from None
        return picture

    def _repr_html_(self) -> str:
        from runcomfy_runtime.display import file_html

        return file_html(self)


def _data_url_bytes(url: str, max_bytes: int, request_id: str | None) -> bytes:
    head, comma, body = url.partition(",")
    if not comma:
        raise DownloadError(url[:64], "a data: URL without a comma", request_id)
    if len(body) * 3 // 4 > max_bytes:
        raise DownloadError(url[:64], f"larger than max_bytes={max_bytes}", request_id)
    try:
        data = (
            base64.b64decode(body, validate=True)
            if head.endswith(";base64")
            else (unquote_to_bytes(body))
        )
    except (binascii.Error, ValueError) as e:
        raise DownloadError(url[:64], f"not a readable data: URL ({e})", request_id) from None
    return data
