"""The decisions of uploading local files, each a pure function with a table: inline or upload,
whether an uploader's answer can be sent, what ``--upload`` means; and the small guards around
them (a file that changed since its check, a file that is no regular file, no uploader)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from runcomfy import (
    ConfigurationError,
    InputValidationError,
    LocalFile,
    PendingUpload,
    RunComfy,
    S3Uploader,
    Uploaded,
    UploadError,
)
from runcomfy_cli.failures import UsageFailure
from runcomfy_cli.uploading import Target, parse_target, target_of
from runcomfy_runtime import constants
from runcomfy_runtime.uploads import placement, upload_pending, url_refusal

MiB = 1024 * 1024
FILE_CAP = constants.INLINE_FILE_MAX_BYTES
REQUEST_CAP = constants.INLINE_REQUEST_MAX_BYTES


@pytest.mark.parametrize(
    ("sizes", "can_upload", "places", "too_large"),
    [
        ([1 * MiB], False, ("inline",), False),
        ([1 * MiB], True, ("inline",), False),  # small files keep going inline
        ([FILE_CAP], True, ("inline",), False),  # the cap itself still fits
        ([FILE_CAP + 1], True, ("upload",), False),
        ([FILE_CAP + 1], False, ("too_large",), False),
        ([None], True, ("upload",), False),  # too large to even read for inlining
        ([None, 2 * MiB], False, ("too_large", "inline"), False),
        # eleven 6 MiB files pass the 64 MiB request: the largest go until the rest fits
        ([6 * MiB] * 10 + [6 * MiB - 1], True, ("upload",) + ("inline",) * 9 + ("inline",), False),
        ([6 * MiB] * 11, False, ("inline",) * 11, True),
        ([5 * MiB, 6 * MiB, 4 * MiB] * 5, True, None, False),
    ],
)
def test_placement_inlines_what_fits_and_uploads_the_rest(
    sizes: list[int | None], can_upload: bool, places: tuple[str, ...] | None, too_large: bool
) -> None:
    decided = placement(sizes, rest_bytes=1000, can_upload=can_upload)
    if places is not None:
        assert decided.places == places
    assert decided.request_too_large is too_large
    inline = sum(s or 0 for s, p in zip(sizes, decided.places, strict=True) if p == "inline")
    assert decided.request_bytes == 1000 + inline
    if can_upload:
        assert decided.request_bytes <= REQUEST_CAP
        assert "too_large" not in decided.places


def test_placement_moves_the_largest_inline_files_first() -> None:
    sizes: list[int | None] = [5 * MiB, 6 * MiB, 4 * MiB] * 5  # 75 MiB in all
    decided = placement(sizes, rest_bytes=0, can_upload=True)
    moved = [s for s, p in zip(sizes, decided.places, strict=True) if p == "upload"]
    assert moved == [6 * MiB, 6 * MiB]  # 63 MiB stay: two uploads, the largest


NOW = datetime(2026, 9, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("uploaded", "kind", "refused"),
    [
        (Uploaded("https://bucket.s3.amazonaws.com/k.png?X-Amz-Signature=s"), "image", None),
        (Uploaded("http://127.0.0.1:9000/b/k.mp4", NOW + timedelta(hours=1)), "video", None),
        (Uploaded("http://storage.lan/b/k.png?sig=secret"), "image", "cannot fetch"),
        (Uploaded("ftp://host/k.png"), "image", "cannot fetch"),
        (Uploaded("data:image/png;base64,AAAA"), "image", "cannot fetch"),
        (Uploaded("https://h/k.png", NOW + timedelta(seconds=30)), "image", "expires in 30 s"),
        (Uploaded("https://h/k.png", NOW - timedelta(hours=1)), "image", "expires in 0 s"),
        ("https://h/k.png", "image", "not an Uploaded"),
    ],
)
def test_an_uploaders_answer_is_sent_only_if_the_service_can_fetch_it_in_time(
    uploaded: Any, kind: Any, refused: str | None
) -> None:
    found = url_refusal(uploaded, kind, NOW)
    if refused is None:
        assert found is None
    else:
        assert found is not None and refused in found
        assert "secret" not in found  # a signed URL's query never lands in a message


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("s3://my-bucket", Target("s3", "my-bucket", "")),
        ("s3://my-bucket/", Target("s3", "my-bucket", "")),
        ("s3://my-bucket/runs/2026/", Target("s3", "my-bucket", "runs/2026")),
        ("S3://b/p", Target("s3", "b", "p")),
        (" emulator ", Target("emulator")),
        ("s3://", None),
        ("s3:/bucket", None),
        ("gs://bucket/p", None),
        ("https://bucket.example/p", None),
        ("", None),
    ],
)
def test_upload_targets(text: str, target: Target | None) -> None:
    if target is None:
        with pytest.raises(ValueError, match="s3://BUCKET/PREFIX or emulator"):
            parse_target(text)
    else:
        assert parse_target(text) == target


def test_upload_comes_from_the_option_else_the_environment() -> None:
    environ = {"RUNCOMFY_UPLOAD": "s3://from-env/p"}
    assert target_of("emulator", environ) == Target("emulator")
    assert target_of(None, environ) == Target("s3", "from-env", "p")
    assert target_of(None, {}) is None
    with pytest.raises(UsageFailure, match=r"\$RUNCOMFY_UPLOAD: cannot upload to 'nowhere'"):
        target_of(None, {"RUNCOMFY_UPLOAD": "nowhere"})


def local_file(path: Path, data: bytes) -> LocalFile:
    path.write_bytes(data)
    return LocalFile(path, len(data), "image/png", "PNG", hashlib.sha256(data).hexdigest())


def test_a_local_files_name_is_its_content(tmp_path: Path) -> None:
    one = local_file(tmp_path / "a.png", b"one")
    same = local_file(tmp_path / "b.png", b"one")
    other = local_file(tmp_path / "c.png", b"two")
    assert one.name == same.name == f"{hashlib.sha256(b'one').hexdigest()}.png"
    assert other.name != one.name
    assert one.sha256_base64 == "dpLDrTVAu4A8Ags67mbNiIcSMjTqDG5xQ8Ct1z/0Me0="


def test_a_file_changed_after_its_check_is_not_uploaded(tmp_path: Path) -> None:
    checked = local_file(tmp_path / "a.png", b"checked bytes")
    (tmp_path / "a.png").write_bytes(b"other bytes!!")
    with pytest.raises(OSError, match="changed after it was checked"):
        b"".join(checked.chunks())


def test_s3_uploader_arguments_are_checked_when_built() -> None:
    uploader = S3Uploader("bucket", prefix="/runs/today/", endpoint_url="http://127.0.0.1:1")
    assert uploader.prefix == "runs/today/" and uploader.expires == 3600
    assert repr(uploader) == (
        "S3Uploader(bucket='bucket', prefix='runs/today/', "
        "endpoint_url='http://127.0.0.1:1', expires=3600)"
    )
    assert S3Uploader("b", endpoint_url="http://127.0.0.1:1").prefix == ""
    for bad in (
        {"bucket": ""},
        {"bucket": "a/b"},
        {"expires": 60},
        {"expires": 8 * 86400},
        {"endpoint_url": "https://ACCOUNT_ID.example"},
    ):
        with pytest.raises(ConfigurationError):
            S3Uploader(**{"bucket": "b", "endpoint_url": "http://127.0.0.1:1", **bad})


def test_a_pending_upload_without_an_uploader_is_an_upload_error(tmp_path: Path) -> None:
    file = local_file(tmp_path / "a.png", b"x")
    pending = PendingUpload("images[1]", file, "a.png", "image")
    assert repr(pending) == "PendingUpload('a.png', 0.0 MiB image/png)"
    with pytest.raises(UploadError) as caught:
        upload_pending(None, {"images": ["https://h/x.png", pending]})
    assert (caught.value.path, caught.value.file) == ("images[1]", "a.png")
    assert "no uploader" in caught.value.reason


class Recording:
    def __init__(self) -> None:
        self.files: list[LocalFile] = []

    def upload(self, file: LocalFile) -> Uploaded:
        self.files.append(file)
        return Uploaded(f"https://storage.example/{file.name}")


def test_one_file_in_many_places_is_uploaded_once_and_put_everywhere(tmp_path: Path) -> None:
    file = local_file(tmp_path / "a.png", b"x")
    other = local_file(tmp_path / "b.png", b"y")
    payload = {
        "image_url": PendingUpload("image_url", file, "a.png", "image"),
        "images": [PendingUpload("images[0]", other, "b.png", "image"), "https://h/c.png"],
        "elements": [{"frontal_image_url": PendingUpload("elements[0].f", file, "a", "image")}],
    }
    uploader = Recording()
    sent = upload_pending(uploader, payload)
    assert [f.name for f in uploader.files] == [file.name, other.name]
    assert sent == {
        "image_url": f"https://storage.example/{file.name}",
        "images": [f"https://storage.example/{other.name}", "https://h/c.png"],
        "elements": [{"frontal_image_url": f"https://storage.example/{file.name}"}],
    }


def test_a_large_local_file_without_an_uploader_says_how_to_give_one(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + bytes(5 * MiB))
    with RunComfy(api_token="t", base_url="http://127.0.0.1:1") as client:
        with pytest.raises(InputValidationError) as caught:
            client.validate("bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [big]})
    [problem] = caught.value.problems
    assert "too large to send inline" in problem.message
    assert "RunComfy(uploader=S3Uploader(bucket))" in problem.message
    assert "--upload s3://bucket/prefix" in problem.message


def test_only_a_regular_file_is_read_for_an_upload() -> None:
    with RunComfy(api_token="t", base_url="http://127.0.0.1:1", uploader=Recording()) as client:
        with pytest.raises(InputValidationError) as caught:
            client.validate(
                "bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [Path("/dev/zero")]}
            )
    [problem] = caught.value.problems
    assert problem.message.startswith("the local file is not a regular file")


def test_files_that_together_pass_the_request_cap_send_the_largest_through_the_uploader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.imagefiles import png

    monkeypatch.setattr(constants, "INLINE_REQUEST_MAX_BYTES", 100_000)
    small, large = tmp_path / "small.png", tmp_path / "large.png"
    small.write_bytes(png(400, 400))
    large.write_bytes(png(400, 400) + bytes(100_000))  # trailing bytes: still the same PNG
    uploader = Recording()
    with RunComfy(api_token="t", base_url="http://127.0.0.1:1", uploader=uploader) as client:
        body = client.validate(
            "bytedance/seedream-4-0/edit", {"prompt": "p", "images": [small, large]}
        )
        sent = upload_pending(client.uploader, body)
    assert sent["images"][0].startswith("data:image/png;base64,")
    assert sent["images"][1] == f"https://storage.example/{uploader.files[0].name}"
    assert uploader.files[0].size_bytes == large.stat().st_size
