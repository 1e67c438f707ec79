"""The installed ``runcomfy`` as a user meets it, in a subprocess, against the emulator serving
the sample catalog: catalog-only models browsed, described and run; RunComfy's own CLI's token
conventions; inline JSON input; suggestions for what was misspelt."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.helpers import RUNCOMFY, SUBPROCESS_LIMIT, isolated_env, run_installed

ROOT = Path(__file__).resolve().parent.parent
TTS = "sonora/voice-1/text-to-speech"
T2I = "bytedance/dreamina-4-0/text-to-image"


@pytest.fixture(scope="module")
def served() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        REGISTRY, queue_seconds=0.05, run_seconds=0.1, catalog=ROOT / "examples/catalog.json"
    ) as server:
        yield server


def test_models_search_lists_a_catalog_only_model_with_its_price(
    served: EmulatorServer, tmp_path: Path
) -> None:
    ran = run_installed(served, "models", "--search", "voice", config_dir=tmp_path)
    assert ran.code == ExitCode.OK, ran.stderr
    assert TTS in ran.stdout and "$0.01 / request" in ran.stdout
    assert T2I not in ran.stdout


def test_schema_and_run_help_describe_a_catalog_only_model(
    served: EmulatorServer, tmp_path: Path
) -> None:
    schema = run_installed(served, "schema", TTS, config_dir=tmp_path)
    assert schema.code == ExitCode.OK, schema.stderr
    assert "voice" in schema.stdout and "'coral'" in schema.stdout
    assert "The text to speak." in schema.stdout
    helped = run_installed(served, "run", TTS, "--help", config_dir=tmp_path)
    assert helped.code == ExitCode.OK, helped.stderr
    assert "--text" in helped.stdout and "--voice" in helped.stdout and "--speed" in helped.stdout


def test_run_a_catalog_only_model_shows_its_price_and_saves_its_audio(
    served: EmulatorServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    ran = run_installed(
        served,
        "run",
        TTS,
        "--text",
        "Hello",
        "--voice",
        "coral",
        "--output-dir",
        str(out),
        "--output",
        "json",
        config_dir=tmp_path,
    )
    assert ran.code == ExitCode.OK, ran.stderr
    record = json.loads(ran.stdout)
    assert record["price"] == "$0.01 / request"
    (saved,) = out.iterdir()
    assert saved.read_bytes()[:4] == b"RIFF"


def test_a_token_written_by_runcomfy_login_is_used(served: EmulatorServer, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "token.json").write_text(
        json.dumps(
            {
                "access_token": served.token,
                "refresh_token": "r",
                "user_email": "me@example.com",
            }
        )
    )
    ran = run_installed(
        served, "run", T2I, "--prompt", "x", "--no-wait", config_dir=config, token=None
    )
    assert ran.code == ExitCode.OK, ran.stderr
    assert served.stats().jobs_created >= 1


def test_runcomfy_token_and_inline_input_work(served: EmulatorServer, tmp_path: Path) -> None:
    before = served.stats().jobs_created
    env = isolated_env(served, tmp_path, token=None)  # no RUNCOMFY_API_TOKEN
    env["RUNCOMFY_TOKEN"] = served.token  # RunComfy's CLI's variable
    inline = '{"prompt": "x", "width_height": "1024x1024(1:1)"}'  # a Python name for a wire key
    done = subprocess.run(
        [str(RUNCOMFY), "run", T2I, "--input", inline, "--no-wait"],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_LIMIT,
    )
    assert done.returncode == ExitCode.OK, done.stderr
    assert served.stats().jobs_created == before + 1


@pytest.mark.parametrize(
    ("argv", "suggested"),
    [
        (["run", "bytedance/dreamina-4.0/edit", "--prompt", "x"], "bytedance/dreamina-4-0/edit"),
        (["run", T2I, "--promt", "x"], "--prompt"),
        (["run", T2I, "--prompt", "x", "--width-height", "2048x2048"], "2048x2048(1:1)"),
    ],
    ids=["model id", "option", "enum value"],
)
def test_what_was_misspelt_gets_the_closest_suggested_and_no_job(
    served: EmulatorServer, tmp_path: Path, argv: list[str], suggested: str
) -> None:
    before = served.stats().submits
    ran = run_installed(served, *argv, config_dir=tmp_path)
    assert ran.code in (ExitCode.USAGE, ExitCode.INVALID_INPUT), ran.stderr
    assert "did you mean" in ran.stderr and suggested in ran.stderr
    assert "Traceback" not in ran.stderr
    assert served.stats().submits == before
