"""The token goes to the API's origin and nowhere else: not to image hosts, output hosts,
redirect targets, logs, reprs or error messages."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from runcomfy import (
    REGISTRY,
    AmbiguousSubmitError,
    APIError,
    AuthenticationError,
    ConfigurationError,
    RunComfy,
)
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.results import Output, Result
from tests.imagefiles import jpeg, png
from tests.imageserver import ImageServer

TOKEN = "sk-live-4f1d6c0ffee-very-secret"


def _leaks(text: str) -> bool:
    return TOKEN in text or TOKEN[8:] in text


@pytest.fixture
def other_origin() -> ImageServer:
    with ImageServer() as server:
        yield server


def test_probes_and_downloads_on_another_origin_carry_no_token(
    other_origin: ImageServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    image = other_origin.serve("/in/photo.jpg", jpeg(1024, 768))
    out_png = other_origin.serve("/out/result.png", png(64, 64), content_type="image/png")
    moved = other_origin.redirect("/out/moved.png", out_png)
    caplog.set_level(logging.DEBUG)
    allowed = [other_origin.base_url]  # the emulator fetches inputs elsewhere only when told
    with EmulatorServer(
        REGISTRY, token=TOKEN, queue_seconds=0.05, run_seconds=0.05, input_origins=allowed
    ) as emulator:
        emulator.add_faults("status:server_error=503")  # a retry, so our own log speaks too
        with RunComfy(api_token=TOKEN, base_url=emulator.url) as client:
            result = client.run(
                "bytedance/dreamina-4-0/edit", {"prompt": "p", "image_urls": [image]}
            )
            assert result.status == "succeeded"
            # Outputs served from another origin, one of them through a redirect.
            elsewhere = Result.from_wire(
                result.request_id,
                {"status": "succeeded", "output": {"images": [out_png, moved]}},
                Output,
            )
            paths = client.download(elsewhere, tmp_path)
    assert [p.suffix for p in paths] == [".png", ".png"]
    hits = other_origin.hits()
    assert {h.path for h in hits} >= {"/in/photo.jpg", "/out/result.png", "/out/moved.png"}
    for hit in hits:
        assert "authorization" not in hit.headers, hit
        assert not _leaks(json.dumps(hit.headers)), hit
    assert any("retry 1" in r.getMessage() for r in caplog.records if r.name == "runcomfy")
    assert any(r.name.startswith("httpcore") for r in caplog.records)  # DEBUG really was on
    for record in caplog.records:
        assert not _leaks(record.getMessage()), record.getMessage()


def test_a_redirect_from_the_api_to_another_origin_is_refused_and_sends_nothing_there() -> None:
    with ImageServer() as api, ImageServer() as elsewhere:
        landing = elsewhere.serve("/catch", b"{}", "application/json")
        api.redirect("/v1/requests/r1/status", landing)
        api.redirect("/v1/models/bytedance/dreamina-4-0/text-to-image", landing, status=307)
        with RunComfy(api_token=TOKEN, base_url=api.base_url) as client:
            with pytest.raises(APIError, match="redirect to another origin"):
                client.job("r1").status()
            with pytest.raises(APIError, match="redirect to another origin") as caught:
                client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "secret prompt"})
        assert not isinstance(caught.value, AmbiguousSubmitError)
        (sent,) = api.hits("/v1/requests/r1/status")
        assert sent.headers["authorization"] == f"Bearer {TOKEN}"  # the API's own origin: yes
        assert elsewhere.hits() == []  # neither the token nor the prompt went anywhere else


def test_server_urls_on_another_origin_are_not_followed_with_the_token() -> None:
    seen: list[httpx.Request] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            evil = "https://evil.example/steal"
            body = {"request_id": "r2", "status_url": evil, "result_url": evil, "cancel_url": evil}
            return httpx.Response(200, json=body)
        return httpx.Response(200, json={"request_id": "r2", "status": "in_queue"})

    http = httpx.Client(transport=httpx.MockTransport(api))
    with RunComfy(
        api_token=TOKEN, base_url="https://model-api.runcomfy.net", http_client=http
    ) as client:
        job = client.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
        job.status()
    assert [r.url.host for r in seen] == ["model-api.runcomfy.net"] * 2
    assert str(seen[1].url) == "https://model-api.runcomfy.net/v1/requests/r2/status"


def test_the_token_shows_in_no_repr_str_or_error(emulator: EmulatorServer) -> None:
    client = RunComfy(api_token=TOKEN, base_url=emulator.url)
    job = client.job("r1")
    texts = [repr(client), str(client), repr(job), repr(client._token), str(client._token)]
    with RunComfy(api_token=TOKEN + "x", base_url=emulator.url) as wrong:
        with pytest.raises(AuthenticationError) as caught:
            wrong.submit("bytedance/dreamina-4-0/text-to-image", {"prompt": "p"})
    texts += [str(caught.value), repr(caught.value), repr(caught.value.body)]
    client.close()
    for text in texts:
        assert not _leaks(text), text


def test_log_records_are_scrubbed_even_when_a_handler_formats_them(
    caplog: pytest.LogCaptureFixture,
) -> None:
    RunComfy(api_token=TOKEN).close()
    caplog.set_level(logging.DEBUG)
    logging.getLogger("httpx").debug("sending Authorization: Bearer %s", TOKEN)
    logging.getLogger("runcomfy").info("token was %s", TOKEN)
    assert caplog.records
    assert all(not _leaks(r.getMessage()) for r in caplog.records)


def test_no_token_is_a_clear_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RUNCOMFY_API_TOKEN", "YOUR_API_TOKEN", "RUNCOMFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RUNCOMFY_CONFIG_DIR", "/nonexistent")
    with pytest.raises(ConfigurationError, match=r"\$RUNCOMFY_API_TOKEN, \$YOUR_API_TOKEN"):
        RunComfy()
    monkeypatch.setenv("YOUR_API_TOKEN", TOKEN)  # the name the documentation uses
    with RunComfy(base_url="http://127.0.0.1:9") as client:
        assert client._headers_for("http://127.0.0.1:9/v1/x") == {
            "Authorization": f"Bearer {TOKEN}"
        }
        assert client._headers_for("http://127.0.0.1:10/v1/x") == {}


def test_a_short_test_token_does_not_shred_other_log_messages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    RunComfy(api_token="t").close()  # tests and examples use such tokens
    caplog.set_level(logging.INFO)
    logging.getLogger("runcomfy").info("GET https://model-api.runcomfy.net/v1/requests/r/status")
    assert (
        caplog.records[-1].getMessage() == "GET https://model-api.runcomfy.net/v1/requests/r/status"
    )
