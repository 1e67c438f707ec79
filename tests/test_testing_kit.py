"""The testing kit in this suite's own hands: the plugin's fixtures (loaded here through the
editable install's entry point, beside this suite's ``emulator`` fixture), the emulator's
request log, and the sample catalog by name."""

from __future__ import annotations

import logging

import httpx
import pytest

from runcomfy import REGISTRY, RunComfy
from runcomfy_emulator import EmulatorServer
from runcomfy_emulator.catalog import SAMPLE_CATALOG, catalog_file


def test_the_plugins_fixtures_sit_beside_this_suites_own(
    runcomfy_client: RunComfy, runcomfy_emulator: EmulatorServer, emulator: EmulatorServer
) -> None:
    assert runcomfy_emulator is not emulator and runcomfy_emulator.url != emulator.url
    assert runcomfy_client.base_url == runcomfy_emulator.url
    result = runcomfy_client.bytedance.dreamina_4_0.text_to_image.run(prompt="a cat")
    assert result.output.image and result.output.image.startswith(runcomfy_emulator.url)
    assert runcomfy_emulator.stats().jobs_created == 1 and emulator.stats().jobs_created == 0


@pytest.mark.runcomfy_emulator(catalog="sample", faults="status:server_error=503x1")
def test_the_marker_sets_the_catalog_and_faults(
    runcomfy_client: RunComfy, runcomfy_emulator: EmulatorServer
) -> None:
    speech = runcomfy_client.run("sonora/voice-1/text-to-speech", {"text": "hi", "voice": "coral"})
    assert speech.output.audio
    assert sum(runcomfy_emulator.stats().faults_fired.values()) == 1


def test_the_emulator_logs_one_line_per_request_at_info(caplog: pytest.LogCaptureFixture) -> None:
    with EmulatorServer(REGISTRY) as server, caplog.at_level(logging.INFO, "runcomfy_emulator"):
        httpx.get(f"{server.url}/v1/models?search=voice", headers=server.headers)
        httpx.get(f"{server.url}/v1/requests/abc123/status", headers=server.headers)
        httpx.get(f"{server.url}/v1/requests/abc123/status")  # no token: 401
    lines = [r.getMessage() for r in caplog.records if r.name == "runcomfy_emulator"]
    assert [line.split(" (")[0] for line in lines] == [
        "GET /v1/models?search=voice -> 200",
        "GET /v1/requests/abc123/status -> 404",
        "GET /v1/requests/abc123/status -> 401",
    ]
    assert all(r.levelno == logging.INFO for r in caplog.records if r.name == "runcomfy_emulator")
    assert not any(server.token in line for line in lines)


def test_the_sample_catalog_is_known_by_name_and_a_path_is_a_path() -> None:
    assert catalog_file("sample") == SAMPLE_CATALOG and SAMPLE_CATALOG.is_file()
    assert str(catalog_file("./sample")) == "sample"  # a file that happens to be called so
    with EmulatorServer(REGISTRY, catalog="sample") as server:
        assert "sonora/voice-1/text-to-speech" in server.emulator.catalog.model_ids()
