"""Every failure is a typed error of the tree: answers nested deeper than a recursive walk could
go are parsed and scrubbed, a submit whose answer cannot be read is ambiguous (exit 9 in the
CLI), a download that redirects in a loop or cannot be fetched is a ``DownloadError``."""

from __future__ import annotations

from pathlib import Path

import pytest

from runcomfy import AmbiguousSubmitError, APIConnectionError, DownloadError, RunComfy
from runcomfy_runtime.auth import Secret, scrubbed
from runcomfy_runtime.results import Output, Result
from runcomfy_runtime.retry import RetryPolicy
from tests.helpers import InProcess
from tests.hostile import HostileServer, answer, as_json, head

T2I = "bytedance/dreamina-4-0/text-to-image"
SUBMIT = "/v1/models/" + T2I
TOKEN = "sk-deep-answers-token"
FAST_RETRY = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02)


def nested(depth: int, leaf: object = "x") -> object:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


def client_for(server: HostileServer) -> RunComfy:
    return RunComfy(api_token=TOKEN, base_url=server.url, retry=FAST_RETRY)


def test_a_submit_answer_nested_600_deep_is_ambiguous_not_a_recursion_error() -> None:
    with HostileServer() as server:
        server.routes[SUBMIT] = as_json(200, {"detail": nested(600)})
        with client_for(server) as client, pytest.raises(AmbiguousSubmitError):
            client.submit(T2I, {"prompt": "p"}, validate="off")


def test_a_submit_answer_too_deep_for_the_json_decoder_is_ambiguous() -> None:
    with HostileServer() as server:
        deep = ("[" * 100_000 + "]" * 100_000).encode()
        server.routes[SUBMIT] = answer(200, b'{"request_id": "r1", "x": ' + deep + b"}")
        with client_for(server) as client, pytest.raises(AmbiguousSubmitError):
            client.submit(T2I, {"prompt": "p"}, validate="off")


def test_a_deep_answer_beside_its_request_id_is_the_job_and_a_deep_error_is_typed() -> None:
    with HostileServer() as server:
        server.routes[SUBMIT] = as_json(200, {"request_id": "r1", "echo": nested(900, TOKEN)})
        server.routes["/v1/requests/r1/status"] = as_json(
            503, {"error_message": nested(900, TOKEN)}
        )
        with client_for(server) as client:
            job = client.submit(T2I, {"prompt": "p"}, validate="off")
            assert job.request_id == "r1"
            with pytest.raises(Exception) as caught:
                job.status()
    assert type(caught.value).__name__ == "ServerError"
    assert TOKEN not in str(caught.value)


def test_the_token_scrubber_walks_any_depth_the_decoder_accepts() -> None:
    secret = Secret(TOKEN)
    body = {"a": nested(5000, f"Bearer {TOKEN}"), TOKEN: [1, {"b": TOKEN}]}
    clean = scrubbed(body, secret)
    assert clean["[redacted]"] == [1, {"b": "[redacted]"}]  # type: ignore[index]
    leaf = clean["a"]  # type: ignore[index]
    for _ in range(5000):
        leaf = leaf[0]
    assert leaf == "Bearer [redacted]"


def test_the_cli_exits_9_on_a_submit_whose_deep_answer_names_no_job(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with HostileServer() as server:
        server.routes[SUBMIT] = as_json(200, {"detail": nested(600)})
        cli = InProcess(monkeypatch, capsys, tmp_path, token=TOKEN, base_url=server.url)
        ran = cli("run", T2I, "--prompt", "p", "--no-wait")
    assert ran.code == 9, ran.output
    assert "Traceback" not in ran.output and "RecursionError" not in ran.output


def test_an_api_answer_whose_gzip_is_broken_is_typed() -> None:
    def broken(conn, request, stop):  # type: ignore[no-untyped-def]
        conn.sendall(head(200, {"Content-Type": "application/json", "Content-Encoding": "gzip",
                                "Content-Length": "9"}) + b"not gzip!")  # fmt: skip

    with HostileServer() as server:
        server.routes["/v1/requests/r1/status"] = broken
        server.routes[SUBMIT] = broken
        with client_for(server) as client:
            with pytest.raises(APIConnectionError):
                client.job("r1").status()
            with pytest.raises(AmbiguousSubmitError):  # the server answered: a job may exist
                client.submit(T2I, {"prompt": "p"}, validate="off")


def _result(*urls: str) -> Result[Output]:
    return Result.from_wire("r1", {"status": "succeeded", "output": {"images": list(urls)}}, Output)


def test_a_download_that_redirects_in_a_loop_is_a_download_error(tmp_path: Path) -> None:
    def loop(to: str):  # type: ignore[no-untyped-def]
        def behave(conn, request, stop):  # type: ignore[no-untyped-def]
            conn.sendall(head(302, {"Location": to, "Content-Length": "0"}))

        return behave

    with HostileServer() as server:
        server.routes["/a.png"] = loop("/b.png")
        server.routes["/b.png"] = loop("/a.png")
        with client_for(server) as client, pytest.raises(DownloadError, match="redirects"):
            client.download(_result(server.url + "/a.png"), tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("url", ["http://[::1", "ftp://files.example/out.png", "https://"])
def test_an_output_url_that_cannot_be_fetched_is_a_download_error(url: str, tmp_path: Path) -> None:
    with HostileServer() as server, client_for(server) as client:
        with pytest.raises(DownloadError) as caught:
            client.download(_result(url), tmp_path)
    assert caught.value.request_id == "r1"
