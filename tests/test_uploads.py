"""Local files too large to inline, end to end: checked on their own bytes, uploaded to a real S3
protocol server on loopback (moto's server mode, started here) or to the emulator's own input
route, sent as the URL, fetched by the emulator, job done. The big files are made once per
run, whatever the number of workers; a few tests use them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from runcomfy import (
    REGISTRY,
    AsyncRunComfy,
    EmulatorUploader,
    InputValidationError,
    LocalFile,
    RunComfy,
    S3Uploader,
    Uploaded,
    UploadError,
)
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.bigfiles import BigFiles, MiB
from tests.helpers import InProcess, run_installed
from tests.s3server import CREDENTIALS, RecordingMotoServer, running_moto

CATALOG = Path(__file__).resolve().parent.parent / "examples" / "catalog.json"
IMAGE_MODEL = "nimbus/glaze-2/image-to-image"  # image_url: file_size_mb< 30 and pixel rules
IMAGES_MODEL = "acme/pixel-4/edit"  # image_urls, the same rules per item
VIDEO_MODEL = "acme/clip-edit/video-to-video"  # ours, below: video_url, file_size_mb< 30
BUCKET = "runcomfy-inputs"

VIDEO_ENTRY: dict[str, Any] = {
    "model_id": VIDEO_MODEL,
    "display_name": "Acme Clip Edit",
    "categories": ["video", "video-to-video"],
    "kind": "video",
    "base_price_usd": 0.1,
    "price_unit": "second",
    "input_schema": {
        "type": "object",
        "properties": {
            "video_url": {
                "type": "string",
                "format": "video_uri",
                "validations": [
                    {
                        "validation_error": "Video file size must be less than 30 MB.",
                        "validation_rule": "file_size_mb<",
                        "validation_value": 30,
                    }
                ],
            },
            "prompt": {"type": "string", "maxLength": 100},
        },
        "required": ["video_url", "prompt"],
    },
}


@pytest.fixture
def big(big_files: BigFiles) -> BigFiles:
    """The run's big files, made once for every worker (``tests/bigfiles.py``)."""
    return big_files


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingMotoServer]:
    """moto's S3 on a free loopback port, with a bucket; boto3 signs with test credentials."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    for server in running_moto():
        boto3.client("s3", endpoint_url=server.url).create_bucket(Bucket=BUCKET)
        yield server


@pytest.fixture
def emulator(moto: RecordingMotoServer) -> Iterator[EmulatorServer]:
    """The emulator with the sample catalog and ours, fetching inputs from moto too."""
    catalog = json.loads(CATALOG.read_text())
    catalog["models"].append(VIDEO_ENTRY)
    with EmulatorServer(
        REGISTRY,
        catalog=catalog,
        input_origins=[moto.url],
        queue_seconds=0.05,
        run_seconds=0.1,
        probe_timeout=10.0,  # a shared machine under load; a probe reads 64 KiB
    ) as server:
        yield server


def client_for(emulator: EmulatorServer, uploader: Any) -> RunComfy:
    return RunComfy(api_token=emulator.token, base_url=emulator.url, uploader=uploader)


def sent(emulator: EmulatorServer, request_id: str) -> dict[str, Any]:
    snapshot = emulator.emulator.jobs.snapshot(request_id)
    assert snapshot is not None
    return dict(snapshot.job.payload)


def object_puts(moto: RecordingMotoServer) -> list[Any]:
    return [r for r in moto.requests if r.method == "PUT" and r.path != f"/{BUCKET}"]


def test_a_20_mb_video_and_a_19_mb_png_are_checked_uploaded_to_s3_and_run(
    big: BigFiles, moto: RecordingMotoServer, emulator: EmulatorServer
) -> None:
    uploader = S3Uploader(BUCKET, prefix="runs/today", endpoint_url=moto.url)
    with client_for(emulator, uploader) as client:
        video = client.submit(VIDEO_MODEL, {"video_url": big.video, "prompt": "slower"})
        image = client.submit(IMAGE_MODEL, {"image_url": big.png, "prompt": "warmer"})
        done = [video.wait(timeout=60), image.wait(timeout=60)]
    assert [r.status for r in done] == ["succeeded", "succeeded"]
    assert done[0].output.video and done[1].output.image

    stored = {r.path: r for r in object_puts(moto)}
    for job, field, path, media_type in (
        (video, "video_url", big.video, "video/mp4"),
        (image, "image_url", big.png, "image/png"),
    ):
        url = urlsplit(sent(emulator, job.request_id)[field])
        query = parse_qs(url.query)
        assert f"{url.scheme}://{url.netloc}" == moto.url
        assert url.path.startswith(f"/{BUCKET}/runs/today/")  # content-addressed key
        assert query["X-Amz-Expires"] == ["3600"] and "X-Amz-Signature" in query
        put = stored[url.path]
        assert put.body == path.read_bytes()  # the whole file, as it is on disk
        assert dict(put.headers)["Content-Type"] == media_type  # sniffed, not guessed
        fetched = [r for r in moto.requests if r.method == "GET" and r.path == url.path]
        assert fetched, "the emulator never fetched the uploaded file"
        assert "(input probe)" in dict(fetched[0].headers)["User-Agent"]
    assert big.video.stat().st_size >= 20 * MiB and big.png.stat().st_size >= 19 * MiB
    assert len(stored) == 2
    assert not [r for r in moto.requests if r.holds(emulator.token)]  # headers, query, bodies


class ThreadRecorder:
    """Wraps an uploader; records the thread each upload ran on."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.threads: list[int] = []

    def upload(self, file: LocalFile) -> Uploaded:
        self.threads.append(threading.get_ident())
        uploaded: Uploaded = self.inner.upload(file)
        return uploaded


async def test_the_emulator_uploader_runs_the_same_path_off_the_event_loop_once_per_file(
    big: BigFiles, emulator: EmulatorServer
) -> None:
    uploader = ThreadRecorder(EmulatorUploader(emulator.url, token=emulator.token))
    async with AsyncRunComfy(
        api_token=emulator.token, base_url=emulator.url, uploader=uploader
    ) as client:
        job = await client.submit(
            IMAGES_MODEL, {"image_urls": [big.png, big.png], "prompt": "the same file twice"}
        )
        result = await job.wait(timeout=60)
    assert result.status == "succeeded"
    urls = sent(emulator, job.request_id)["image_urls"]
    assert urls[0] == urls[1] and urls[0].startswith(f"{emulator.url}/inputs/")
    assert emulator.emulator.inputs.get(urls[0].rsplit("/", 1)[1]).data == big.png.read_bytes()
    assert emulator.stats().requests["upload"] == 1  # one file, two places: one upload
    assert uploader.threads and threading.get_ident() not in uploader.threads


def failing(kind: str, moto: RecordingMotoServer, emulator: EmulatorServer) -> Any:
    if kind == "no such bucket":
        return S3Uploader("no-such-bucket", endpoint_url=moto.url)
    if kind == "S3 server stopped":
        moto.stop()
        return S3Uploader(BUCKET, endpoint_url=moto.url)
    return EmulatorUploader(emulator.url, token="not-the-emulator-token")


@pytest.mark.parametrize("kind", ["no such bucket", "S3 server stopped", "emulator refuses"])
def test_an_upload_that_fails_submits_nothing_and_says_which_file(
    kind: str, big: BigFiles, moto: RecordingMotoServer, emulator: EmulatorServer
) -> None:
    with client_for(emulator, failing(kind, moto, emulator)) as client:
        with pytest.raises(UploadError) as caught:
            client.submit(VIDEO_MODEL, {"video_url": big.video, "prompt": "x"})
    error = caught.value
    assert (error.path, error.file) == ("video_url", str(big.video))
    assert str(error).endswith("nothing was submitted, no job was created")
    assert emulator.token not in str(error)
    stats = emulator.stats()
    assert (stats.jobs_created, stats.submits) == (0, 0)


def test_a_local_file_breaking_a_rule_or_any_problem_anywhere_uploads_nothing(
    big: BigFiles, moto: RecordingMotoServer, emulator: EmulatorServer
) -> None:
    with client_for(emulator, S3Uploader(BUCKET, endpoint_url=moto.url)) as client:
        with pytest.raises(InputValidationError) as too_big:
            client.submit(VIDEO_MODEL, {"video_url": big.too_big, "prompt": "x"})
        with pytest.raises(InputValidationError) as elsewhere:
            client.submit(VIDEO_MODEL, {"video_url": big.video, "prompt": "x" * 101})
    [problem] = too_big.value.problems
    assert (problem.location, problem.message) == (
        "video_url",
        "Video file size must be less than 30 MB.",
    )
    assert [p.location for p in elsewhere.value.problems] == ["prompt"]
    assert object_puts(moto) == []
    assert emulator.stats().submits == 0


def test_the_installed_command_uploads_a_large_video_with_upload_s3(
    big: BigFiles, moto: RecordingMotoServer, emulator: EmulatorServer, tmp_path: Path
) -> None:
    s3 = run_installed(
        emulator,
        *("run", VIDEO_MODEL, "--video-url", str(big.video), "--prompt", "x"),
        *("--upload", f"s3://{BUCKET}/cli", "--no-download", "--json"),
        config_dir=tmp_path,
        env={**CREDENTIALS, "AWS_ENDPOINT_URL_S3": moto.url},  # boto3's own setting
    )
    assert s3.code == 0, s3.stderr
    assert s3.json()["status"] == "succeeded"
    assert f"({big.video.stat().st_size / MiB:.1f} MiB) to s3://{BUCKET}/cli/" in s3.stderr
    url = sent(emulator, s3.json()["request_id"])["video_url"]
    assert url.startswith(f"{moto.url}/{BUCKET}/cli/") and "X-Amz-Signature" in url
    assert url not in s3.stderr + s3.stdout  # where it went is said, the signed URL never
    assert not [r for r in moto.requests if r.holds(emulator.token)]


def test_the_command_uploads_to_the_emulator_from_runcomfy_upload_or_fails_with_no_job(
    big: BigFiles,
    moto: RecordingMotoServer,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    cli = InProcess(monkeypatch, capsys, tmp_path, emulator)
    args = ("run", VIDEO_MODEL, "--video-url", str(big.video), "--prompt", "x", "--no-download")
    cli.env(RUNCOMFY_UPLOAD="emulator")
    local = cli(*args, "--json")
    assert local.code == 0, local.stderr
    assert sent(emulator, local.json()["request_id"])["video_url"].startswith(
        f"{emulator.url}/inputs/"
    )
    refused = cli(*args, "--upload", "s3://no-such-bucket", "--json")  # the option wins
    assert refused.code == ExitCode.UNAVAILABLE, refused.stderr
    record = refused.json()
    assert record["error"] == "UploadError" and "no job was created" in record["message"]
    unknown = cli(*args, "--upload", "ftp://host/dir")
    assert unknown.code == ExitCode.USAGE
    assert "--upload: cannot upload to 'ftp://host/dir': give s3://BUCKET/PREFIX" in unknown.stderr
    assert emulator.stats().jobs_created == 1


def test_a_batch_uploads_a_large_file_once_per_line_and_a_failed_upload_fails_its_line(
    big: BigFiles,
    moto: RecordingMotoServer,
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    cli = InProcess(monkeypatch, capsys, tmp_path, emulator)
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        json.dumps({"video_url": str(big.video), "prompt": "one"})
        + "\n"
        + json.dumps({"video_url": str(big.video), "prompt": "two"})
        + "\n"
    )
    ran = cli("batch", VIDEO_MODEL, str(lines), "--out", str(tmp_path / "runs"), "--upload",
              "emulator", "--output", "json")  # fmt: skip
    assert ran.code == 0, ran.stderr
    assert emulator.stats().jobs_created == 2
    assert emulator.stats().requests["upload"] == 2  # once per line: each line is one call
    failed = cli("batch", VIDEO_MODEL, str(lines), "--out", str(tmp_path / "again"), "--upload",
                 "s3://no-such-bucket", "--output", "json")  # fmt: skip
    assert failed.code == ExitCode.INCOMPLETE, failed.stderr
    assert "no job was created" in failed.stdout + failed.stderr
    assert emulator.stats().jobs_created == 2
