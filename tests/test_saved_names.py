"""A saved output's extension comes from a table of the media kinds models produce: what its
bytes are first, the server's word next, never an executable suffix."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from runcomfy import RunComfy
from runcomfy_runtime.download import MEDIA_EXTENSIONS, extension, output_stem
from runcomfy_runtime.results import Output, Result
from tests import imagefiles
from tests.hostile import HostileServer, answer

PNG = imagefiles.png(8, 8)
JPEG = imagefiles.jpeg(8, 8)


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * 800)
    return out.getvalue()


SCRIPT = b"#!/bin/sh\necho owned > /tmp/owned\n"


@pytest.mark.parametrize(
    ("data", "content_type", "url", "expected"),
    [
        (PNG, "image/png", "https://f.example/a", ".png"),
        (PNG, "video/mp4", "https://f.example/a.mp4", ".png"),  # the bytes win over the label
        (JPEG, "application/octet-stream", "https://f.example/a", ".jpg"),
        (wav(), None, "https://f.example/a", ".wav"),
        (SCRIPT, "application/x-sh", "https://f.example/a", ".bin"),  # never a .sh
        (SCRIPT, "application/octet-stream", "https://f.example/run.exe", ".bin"),
        (SCRIPT, "text/html", "https://f.example/page.html", ".bin"),
        (
            b"",
            "image/png",
            "https://f.example/a",
            ".png",
        ),  # nothing to sniff: the label, a media kind
        (
            b"\0" * 64,
            None,
            "https://f.example/clip.webm",
            ".webm",
        ),  # the URL's suffix, a media kind
        (b"\0" * 64, None, "https://f.example/photo.jpeg", ".jpg"),
        (b"\0" * 64, "application/x-msdownload", "https://f.example/x.bat", ".bin"),
    ],
    ids=lambda value: value if isinstance(value, str | None) else f"{len(value)}-bytes",
)
def test_the_extension_is_what_the_bytes_are_from_a_table_of_media_kinds(
    data: bytes, content_type: str | None, url: str, expected: str
) -> None:
    assert extension(data, content_type, url) == expected
    assert expected in {*MEDIA_EXTENSIONS.values(), ".bin"}


def test_no_stem_is_empty_or_hidden() -> None:
    assert output_stem("", 0, 1) == "output"
    assert output_stem("r1", 1, 3) == "r1_2"


@pytest.mark.parametrize(
    ("data", "content_type", "suffix"),
    [
        (SCRIPT, "application/x-sh", ".bin"),
        (PNG, "video/mp4", ".png"),
        (wav(), "audio/x-wav", ".wav"),
    ],
)
def test_a_saved_file_is_named_by_what_it_is(
    data: bytes, content_type: str, suffix: str, tmp_path: Path
) -> None:
    with HostileServer() as server:
        server.routes["/out"] = answer(200, data, content_type)
        result = Result.from_wire(
            "req-1", {"status": "succeeded", "output": {"image": server.url + "/out"}}, Output
        )
        with RunComfy(api_token="t", base_url=server.url) as client:
            (path,) = client.download(result, tmp_path)
    assert path.name == f"req-1{suffix}"
    assert path.read_bytes() == data
