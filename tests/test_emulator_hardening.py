"""The emulator as a server users run on their machines: it fetches only its own input files
unless told, bounds uploads as they arrive, answers bad bodies with 400 (never 500), logs a
client that hangs up in one line, and starts and stops as a command should."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer
from runcomfy_emulator.__main__ import DEV_TOKEN, _warn, default_prog, main
from runcomfy_emulator.bodies import TooLarge, read_capped
from runcomfy_emulator.fetching import FetchPolicy
from tests.emulator_http import WAIT_LIMIT, answer, client_for
from tests.imagefiles import jpeg
from tests.imageserver import ImageServer

EDIT = "bytedance/dreamina-4-0/edit"
TEXT_TO_IMAGE = "bytedance/dreamina-4-0/text-to-image"
SMALL = {"max_upload_bytes": 1000, "max_uploads_total_bytes": 2500}


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(REGISTRY, probe_timeout=5.0, **SMALL) as server:  # type: ignore[arg-type]
        yield server


@pytest.fixture
def api(emulator: EmulatorServer) -> Iterator[httpx.Client]:
    with client_for(emulator) as client:
        yield client


@pytest.fixture(scope="module")
def shared() -> Iterator[httpx.Client]:
    """One emulator for the tests that change nothing on it."""
    with EmulatorServer(REGISTRY, probe_timeout=5.0) as server, client_for(server) as client:
        yield client


@pytest.fixture
def elsewhere() -> Iterator[ImageServer]:
    with ImageServer() as server:
        yield server


def problems(response: httpx.Response) -> list[tuple[str, str]]:
    return [(p["path"], p["message"]) for p in answer(response, 422)["detail"]]


# -- what the emulator fetches --------------------------------------------------------------------


def test_an_input_on_another_origin_is_refused_and_never_fetched(
    shared: httpx.Client, elsewhere: ImageServer
) -> None:
    url = elsewhere.serve("/a.jpg", jpeg(640, 480))
    found = problems(shared.post(f"/v1/models/{EDIT}", json={"prompt": "x", "image_urls": [url]}))
    assert len(found) == 1 and found[0][0] == "image_urls[0]"
    assert "the emulator fetches only its own /inputs/ files" in found[0][1]
    assert "--allow-remote-inputs" in found[0][1] and url in found[0][1]
    assert elsewhere.hits() == []


def test_allow_remote_inputs_fetches_any_url(elsewhere: ImageServer) -> None:
    url = elsewhere.serve("/a.jpg", jpeg(640, 480))
    with EmulatorServer(REGISTRY, allow_remote_inputs=True) as server, client_for(server) as api:
        answer(api.post(f"/v1/models/{EDIT}", json={"prompt": "x", "image_urls": [url]}), 200)
    assert [hit.path for hit in elsewhere.hits()][:1] == ["/a.jpg"]


def test_a_redirect_off_the_allowed_origins_is_not_followed(elsewhere: ImageServer) -> None:
    with ImageServer() as allowed:
        target = elsewhere.serve("/b.jpg", jpeg(640, 480))
        start = allowed.redirect("/a.jpg", target)
        origins = [allowed.base_url]
        with EmulatorServer(REGISTRY, input_origins=origins) as server, client_for(server) as api:
            payload = {"prompt": "x", "image_urls": [start]}
            found = problems(api.post(f"/v1/models/{EDIT}", json=payload))
        assert [hit.path for hit in allowed.hits()] == ["/a.jpg"]
    assert "fetches only" in found[0][1] and target in found[0][1]
    assert elsewhere.hits() == []


def test_its_own_api_is_not_an_input_but_its_inputs_are_under_any_loopback_name(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    port = emulator.url.rsplit(":", 1)[1]
    own_api = f"{emulator.url}/v1/models"
    by_name = f"http://localhost:{port}/inputs/sample-landscape-1024x768.jpg"
    payload = {"prompt": "x", "image_urls": [own_api, by_name]}
    found = problems(api.post(f"/v1/models/{EDIT}", json=payload))
    assert [path for path, _ in found] == ["image_urls[0]"]
    assert "fetches only" in found[0][1]


@pytest.mark.parametrize(
    ("url", "allowed", "why"),
    [
        ("http://127.0.0.1:8765/inputs/a.jpg", True, "its own input"),
        ("http://[::1]:8765/inputs/a.jpg", True, "its own input, IPv6 loopback"),
        ("http://127.0.0.1:8765/files/a.png", False, "its own outputs are not inputs"),
        ("http://127.0.0.1:9000/inputs/a.jpg", False, "another port"),
        ("http://10.0.0.8:8765/inputs/a.jpg", False, "another host"),
        ("http://169.254.169.254/latest/meta-data/", False, "a metadata address"),
        ("https://example.com/a.jpg", False, "the internet"),
        ("http://127.0.0.1:7000/x/a.jpg", True, "an origin it was given"),
        ("https://bucket.example/a.jpg", True, "an https origin it was given"),
        ("https://bucket.example:8443/a.jpg", False, "another port of that origin"),
    ],
)
def test_the_fetch_policy(url: str, allowed: bool, why: str) -> None:
    policy = FetchPolicy(origins=["http://127.0.0.1:7000", "https://bucket.example"])
    policy.own_port(8765)
    assert (policy.refusal(httpx.URL(url)) is None) == allowed, why
    assert FetchPolicy(allow_remote=True).refusal(httpx.URL(url)) is None


def test_a_url_with_a_port_out_of_range_is_a_problem_not_a_500(elsewhere: ImageServer) -> None:
    with EmulatorServer(REGISTRY, allow_remote_inputs=True) as server, client_for(server) as api:
        payload = {"prompt": "x", "image_urls": ["http://[::1]:99999/x.jpg"]}
        found = problems(api.post(f"/v1/models/{EDIT}", json=payload))
    path, message = found[0][0], found[0][1]
    assert path == "image_urls[0]"
    assert "could not read the image" in message or "must be an absolute https:// URL" in message


# -- uploads --------------------------------------------------------------------------------------


def chunks(*sizes: int) -> Iterator[bytes]:
    for size in sizes:
        yield b"x" * size


def test_a_chunked_upload_past_the_cap_is_refused_as_it_arrives(api: httpx.Client) -> None:
    response = api.put("/inputs/big.bin", content=chunks(600, 600))  # no Content-Length
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["error_message"]
    assert api.get("/inputs/big.bin").status_code == 404
    declared = api.put("/inputs/big.bin", content=b"x" * 1001)  # refused on its header
    assert declared.status_code == 413


async def test_reading_stops_at_the_first_chunk_past_the_cap() -> None:
    pulled: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for index in range(100):
            pulled.append(index)
            yield b"x" * 400

    with pytest.raises(TooLarge):
        await read_capped(body(), 1000)
    assert pulled == [0, 1, 2]  # 1200 bytes seen: nothing more was read


def test_all_uploads_together_are_capped_and_a_reset_frees_them(
    emulator: EmulatorServer, api: httpx.Client
) -> None:
    for name in ("a.bin", "b.bin"):
        assert api.put(f"/inputs/{name}", content=b"x" * 1000).status_code == 201
    full = api.put("/inputs/c.bin", content=chunks(500, 500))
    assert full.status_code == 507 and "2500 bytes in all" in full.json()["error_message"]
    assert api.put("/inputs/a.bin", content=b"y" * 1000).status_code == 201  # a replacement
    emulator.reset()
    assert api.put("/inputs/c.bin", content=b"x" * 1000).status_code == 201


@pytest.mark.parametrize(
    ("name", "shown"),
    [("name%0A", "name\\n"), ("..hidden", "..hidden"), ("-dash", "-dash"), ("x" * 201, "x" * 201)],
)
def test_upload_names_must_be_plain_file_names(shared: httpx.Client, name: str, shown: str) -> None:
    response = shared.put(f"/inputs/{name}", content=b"x")
    assert response.status_code == 400
    assert f"invalid input name '{shown}'" in response.json()["error_message"]
    assert shared.put("/inputs/a%2Fb", content=b"x").status_code == 404  # no route: a path


# -- bad bodies -----------------------------------------------------------------------------------

BAD_BODIES = {
    "not json": b"{not json",
    "NaN": b'{"prompt": NaN}',
    "Infinity": b'{"prompt": "x", "seed": Infinity}',
    "-Infinity": b'{"prompt": "x", "scale": -Infinity}',
    "huge float": b'{"prompt": "x", "scale": 1e400}',
    "huge int": b'{"seed": ' + b"9" * 5000 + b"}",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "65 deep": b'{"prompt": ' + b"[" * 65 + b"]" * 65 + b"}",
    "latin-1": '{"prompt": "café"}'.encode("latin-1"),
    "utf-16": '{"prompt": "x"}'.encode("utf-16"),
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
@pytest.mark.parametrize(
    "path", [f"/v1/models/{TEXT_TO_IMAGE}", "/_emulator/faults", "/_emulator/reset"]
)
def test_a_bad_body_is_a_400_never_a_500(shared: httpx.Client, path: str, body: bytes) -> None:
    response = shared.post(path, content=body)
    assert response.status_code == 400, response.text
    assert response.json()["error_message"]


@pytest.mark.parametrize(
    "value",
    [
        "data:image/png;base64,!!!!",
        "data:image/png;base64,",
        "http://[::1",
        "http://[::1]:99999/x.jpg",
        "https://exa mple.com/x.jpg",
    ],
)
def test_a_bad_url_is_a_problem_at_its_path(shared: httpx.Client, value: str) -> None:
    found = problems(shared.post(f"/v1/models/{EDIT}", json={"prompt": "x", "image_urls": [value]}))
    assert [path for path, _ in found] == ["image_urls[0]"]


def test_a_body_past_the_cap_is_413(emulator: EmulatorServer, api: httpx.Client) -> None:
    emulator.emulator.max_body_bytes = 100
    response = api.post(f"/v1/models/{TEXT_TO_IMAGE}", content=chunks(60, 60))
    assert response.status_code == 413
    assert api.post(f"/v1/models/{TEXT_TO_IMAGE}", json={"prompt": "x"}).status_code == 200


# -- a client that hangs up ------------------------------------------------------------------


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_a_client_gone_mid_upload_is_one_line_in_the_log(emulator: EmulatorServer) -> None:
    ours, uvicorn = logging.getLogger("runcomfy_emulator"), logging.getLogger("uvicorn.error")
    lines = Lines()
    level = ours.level
    ours.addHandler(lines)
    uvicorn.addHandler(lines)
    ours.setLevel(logging.INFO)
    try:
        host, port = emulator.url.removeprefix("http://").rsplit(":", 1)
        with socket.create_connection((host, int(port))) as sock:
            head = (
                f"PUT /inputs/gone.jpg HTTP/1.1\r\nHost: {host}\r\n"
                f"Authorization: Bearer {emulator.token}\r\nContent-Length: 900\r\n\r\n"
            )
            sock.sendall(head.encode() + b"x" * 10)
        deadline = time.monotonic() + WAIT_LIMIT
        while not lines.records and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        ours.removeHandler(lines)
        uvicorn.removeHandler(lines)
        ours.setLevel(level)
    assert [r.getMessage() for r in lines.records if r.name == "runcomfy_emulator"] == [
        lines.records[0].getMessage()
    ]
    message = lines.records[0].getMessage()
    assert "disconnected during PUT /inputs/gone.jpg" in message and "\n" not in message
    assert not any(r.exc_info for r in lines.records)
    assert all(r.levelno < logging.ERROR for r in lines.records)


# -- the command line ------------------------------------------------------------------------


def bad_catalog(tmp_path: Path) -> Path:
    entry = {"model_id": "acme/odd/x", "input_schema": {"type": "object", "properties": {}}}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"models": [entry], "total": 1}))
    return path


def test_ctrl_c_stops_the_command_cleanly(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "RUNCOMFY_EMULATOR_TOKEN"}
    command = [sys.executable, "-m", "runcomfy", "emulator", "--port", "0"]
    command += ["--catalog", str(bad_catalog(tmp_path))]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=WAIT_LIMIT)
    finally:
        if process.poll() is None:
            process.kill()
    url = lines[0].rsplit(" ", 1)[1].strip()
    assert lines[0].startswith("RunComfy Model API emulator at http://127.0.0.1:")
    assert lines[1].strip() == f"export RUNCOMFY_BASE_URL={url}"
    assert lines[2].strip() == f"export RUNCOMFY_API_TOKEN={DEV_TOKEN}"
    assert process.returncode in (0, 130), err
    assert "Traceback" not in err, err
    assert "catalog: 'acme/odd/x' not served: input.properties: the input schema has no" in err


def test_a_busy_port_is_named_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["--port", str(port)], registry=REGISTRY) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: port {port} is in use on 127.0.0.1: "), err


def test_without_models_it_says_how_to_start_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "`runcomfy emulator`" in err[0] and "--catalog" in err[0]


def test_help_names_the_command_it_was_run_as(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"], registry=REGISTRY, prog="runcomfy emulator")
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("usage: runcomfy emulator ")
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/runcomfy", "emulator"])
    assert default_prog() == "runcomfy emulator"
    monkeypatch.setattr(sys, "argv", ["/x/runcomfy_emulator/__main__.py"])
    assert default_prog() == "python -m runcomfy_emulator"


@pytest.mark.parametrize(
    ("host", "token", "remote", "warned"),
    [
        ("0.0.0.0", DEV_TOKEN, False, ["published development token"]),
        ("0.0.0.0", "mine", False, []),
        ("0.0.0.0", "mine", True, ["--allow-remote-inputs"]),
        ("127.0.0.1", DEV_TOKEN, True, []),
        ("::1", DEV_TOKEN, False, []),
    ],
)
def test_a_server_open_to_the_network_warns_loudly(
    capsys: pytest.CaptureFixture[str],
    host: str,
    token: str,
    remote: bool,
    warned: list[str],
) -> None:
    _warn(argparse.Namespace(host=host, allow_remote_inputs=remote), token, 8765)
    err = capsys.readouterr().err
    assert [w for w in warned if w in err] == warned
    assert err.count("WARNING") == len(warned)


def test_unknown_fault_kinds_and_bad_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--faults", "x=1"], registry=REGISTRY) == 2
    assert "unknown fault kind 'x'; known: " in capsys.readouterr().err
    assert main(["--run-seconds", "9-3"], registry=REGISTRY) == 2
    assert "low <= high" in capsys.readouterr().err
