"""Results in a notebook, run headless (nbclient, an ipykernel started from this venv's python)
against the emulator: an image, a video and an audio result each render inline from their
URLs (``<img``, ``<video controls``, ``<audio controls`` in the MIME bundle's HTML, with the
request id, model, status and cost), and an output file's ``read()`` and ``image()`` work.

The HTML itself is pure (``runcomfy_runtime/display.py``): its escaping and the URLs it lets
into an attribute are tested alone, with hostile values.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

from runcomfy import REGISTRY, Output, Result
from runcomfy_emulator import EmulatorServer
from runcomfy_emulator.samples import picture_bytes
from runcomfy_runtime.display import result_html, safe_url
from runcomfy_runtime.errors import DownloadError
from runcomfy_runtime.output_files import OutputFile, kind_of
from tests.imageserver import ImageServer

IMAGE = "bytedance/dreamina-4-0/text-to-image"
VIDEO = "bytedance/dreamina-3-0/pro/image-to-video"
AUDIO = "sonora/voice-1/text-to-speech"
KERNEL = "runcomfy-test-venv"


@pytest.fixture(scope="module")
def served() -> Iterator[EmulatorServer]:
    with EmulatorServer(REGISTRY, queue_seconds=0.05, run_seconds=0.1, catalog="sample") as s:
        yield s


@pytest.fixture
def venv_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec whose kernel is this venv's python (not whatever ``python3`` a machine's
    Jupyter knows), found first through ``JUPYTER_PATH``."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return KERNEL


def _cells(served: EmulatorServer) -> list[str]:
    video = served.example_payload(VIDEO)
    return [
        "import sys\n"
        "from runcomfy import RunComfy\n"
        f"client = RunComfy(api_token={served.token!r}, base_url={served.url!r})\n"
        "print(sys.executable)",
        "image = client.bytedance.dreamina_4_0.text_to_image.run(\n"
        "    prompt='a cat', width_height='1024x1024(1:1)', include_cost=True\n"
        ")\nimage",
        f"video = client.run({VIDEO!r}, {video!r})\nvideo",
        f"audio = client.run({AUDIO!r}, {{'text': 'hello', 'voice': 'coral'}})\naudio",
        "picture = image.output.files[0]\n"
        "data = picture.read()\n"
        "pil = picture.image()\n"
        "print(len(data), data[:8], pil.size, pil.mode, video.output.files[0].read()[4:8])",
        "audio.output",
    ]


def _html(cell: Any) -> str:
    found = [o for o in cell.outputs if o.output_type in ("execute_result", "display_data")]
    assert found, cell.outputs
    return str(found[0]["data"]["text/html"])


def test_a_notebook_shows_image_video_and_audio_results_and_reads_an_output(
    served: EmulatorServer, venv_kernel: str, tmp_path: Path
) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in _cells(served)]
    NotebookClient(
        notebook, timeout=120, kernel_name=venv_kernel, resources={"metadata": {"path": tmp_path}}
    ).execute()
    setup, image, video, audio, read, output = notebook.cells

    assert setup.outputs[0]["text"].strip() == sys.executable  # the kernel is this venv's

    shown = _html(image)
    assert "<img src=" in shown and f'src="{served.url}/files/' in shown
    for fact in ("request id", "model", IMAGE, "status", "succeeded", "cost", "$"):
        assert fact in shown, fact
    assert "<video controls" in _html(video) and VIDEO in _html(video)
    assert "<audio controls" in _html(audio) and AUDIO in _html(audio)
    assert "<audio controls" in _html(output)  # an output alone renders too
    # read(), image() and the video's read(): three fetches; showing the results made none
    assert served.stats().requests.get("files", 0) == 3

    size, rest = read.outputs[0]["text"].split(" ", 1)
    assert int(size) > 1000
    assert rest.strip() == "b'\\x89PNG\\r\\n\\x1a\\n' (1024, 1024) RGB b'ftyp'"


# -- the HTML, alone ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "allowed"),
    [
        ("https://files.runcomfy.net/a.png", "image", True),
        ("http://127.0.0.1:8765/files/a.mp4", "video", True),
        ("HTTPS://files.runcomfy.net/a.png", "image", True),
        ("data:image/png;base64,iVBORw0KGgo=", "image", True),
        ("data:text/html;base64,PHNjcmlwdD4=", "image", False),  # not the medium's type
        ("data:image/png;base64,iVBORw0KGgo=", None, False),  # a link: never data:
        ("javascript:alert(1)", "image", False),
        (" javascript:alert(1)", None, False),
        ("file:///etc/passwd", "image", False),
        ("//evil.example/a.png", "image", False),
    ],
)
def test_only_http_and_media_data_urls_reach_an_attribute(
    url: str, kind: str | None, allowed: bool
) -> None:
    assert (safe_url(url, kind) is not None) is allowed


@pytest.mark.parametrize(
    ("key", "url", "kind"),
    [
        ("images", "https://h/x", "image"),
        ("video", "https://h/x.bin", "video"),
        ("audios", "https://h/x", "audio"),
        (None, "https://h/a/b.MP4?sig=1", "video"),
        (None, "https://h/b.jpg", "image"),
        (None, "https://h/c.flac", "audio"),
        ("extra", "data:audio/wav;base64,UklGRg==", "audio"),
        ("extra", "https://h/readme.txt", None),
    ],
)
def test_each_file_has_the_kind_its_key_or_its_url_says(
    key: str | None, url: str, kind: str | None
) -> None:
    assert kind_of(key, url) == kind


def test_every_value_is_escaped_and_a_hostile_url_is_left_out() -> None:
    body = {
        "request_id": "<script>alert('id')</script>",
        "status": "succeeded",
        "model_id": 'm"><img src=x onerror=alert(1)>',
        "cost": 0.03,
        "output": {"image": "javascript:alert(1)", "video": 'https://h/v.mp4?a="><script>'},
        "error": "<b>bold</b>",
    }
    shown = result_html(Result.from_wire("r", body, Output))
    assert "<script>" not in shown and "onerror=alert(1)>" not in shown
    assert "javascript:" not in shown and "&lt;b&gt;bold&lt;/b&gt;" in shown
    assert "its URL is not http(s), not shown" in shown
    assert 'src="https://h/v.mp4?a=&quot;&gt;&lt;script&gt;"' in shown
    assert "$0.03" in shown


def test_a_data_url_is_read_in_place_and_capped() -> None:
    file = OutputFile("data:audio/wav;base64,UklGRiQAAABXQVZF", "audio")
    assert file.read() == b"RIFF$\x00\x00\x00WAVE"
    with pytest.raises(DownloadError, match="max_bytes=4"):
        file.read(max_bytes=4)
    with pytest.raises(ValueError, match="audio output, not an image"):
        file.image()


def test_read_is_capped_and_sends_no_credential_of_the_client_given() -> None:
    with ImageServer() as image_server:
        _read_from(image_server)


def _read_from(image_server: ImageServer) -> None:
    png = picture_bytes(64, 48, "PNG")
    image_server.serve("/out.png", png, "image/png")
    file = OutputFile(image_server.redirect("/moved.png", "/out.png"), "image")
    with pytest.raises(DownloadError, match="larger"):
        file.read(max_bytes=100)
    assert file.read() == png  # the runtime's own client
    mine = httpx.Client(headers={"Authorization": "Bearer mine"}, cookies={"session": "s"},
                        auth=("user", "password"))  # fmt: skip
    with mine:
        assert file.image(http=mine).size == (64, 48)
    hits = image_server.hits()
    assert [urlsplit(h.path).path for h in hits] == ["/moved.png", "/out.png"] * 3
    for hit in hits:
        assert "authorization" not in hit.headers and "cookie" not in hit.headers


def test_read_rides_out_a_failing_file_host_as_a_download_does(served: EmulatorServer) -> None:
    from runcomfy import RunComfy

    with RunComfy(api_token=served.token, base_url=served.url) as client:
        result = client.run(IMAGE, {"prompt": "a cat", "width×height": "1024x1024(1:1)"})
    served.add_faults("files:server_error=503x2")  # the file host fails twice, then answers
    assert result.output.files[0].read()[:4] == b"\x89PNG"
    assert served.stats().faults_fired.get("server_error", 0) >= 2
