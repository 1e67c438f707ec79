"""The installed ``runcomfy`` command, run as a subprocess against the emulator.

Each test reads the emulator's own counters to check what reached the server (a bad option must
create no job); option parsing itself is also tested in-process, where it is cheaper.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from runcomfy._registry import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.main import build_parser
from runcomfy_cli.options import add_field_options, option_name, payload_from
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.spec import EndpointSpec, FieldSpec

RUNCOMFY = Path(sys.executable).with_name("runcomfy")
MODEL_IDS = sorted(REGISTRY)
TEXT_TO_IMAGE = "bytedance/dreamina-4-0/text-to-image"
VIDEO = "bytedance/dreamina-3-0/pro/image-to-video"
SUBPROCESS_LIMIT = 120.0  # seconds; a hang fails the test instead of the whole run


def cli(
    server: EmulatorServer | None,
    *args: str,
    token: str | None = "",
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed command; ``token=""`` means the emulator's, ``None`` means no token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "YOUR_API"))}
    env["NO_PROXY"] = "127.0.0.1,localhost"
    if server is not None:
        env["RUNCOMFY_BASE_URL"] = server.url
        if token is not None:
            env["RUNCOMFY_API_TOKEN"] = token or server.token
    return subprocess.run(
        [str(RUNCOMFY), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_LIMIT,
        cwd=cwd,
    )


def flat(text: str) -> str:
    """Help text with its line wrapping undone, so a wrapped enum value still matches."""
    return re.sub(r"\s+", " ", text)


def documented_payload(server: EmulatorServer, spec: EndpointSpec) -> dict[str, Any]:
    """The documented example (images on the emulator) plus every other field's default, so
    every kind of option (enum, number, integer, boolean) is exercised."""
    payload = server.example_payload(spec.model_id)
    properties = spec.input_schema["properties"]
    for field in spec.fields:
        schema = properties[field.wire_name]
        if field.wire_name not in payload and "default" in schema and not field.media:
            payload[field.wire_name] = schema["default"]
    return payload


def argv_for(spec: EndpointSpec, payload: dict[str, Any]) -> list[str]:
    """The options that say ``payload``: ``--name=value``, repeated for arrays, flags for bools."""
    argv: list[str] = []
    for field in spec.fields:
        if field.wire_name not in payload:
            continue
        value, name = payload[field.wire_name], option_name(field)
        if isinstance(value, bool):
            argv.append(name if value else f"--no-{name[2:]}")
        elif isinstance(value, list):
            for item in value:
                argv.append(f"{name}={item}")
        else:
            argv.append(f"{name}={value}")
    return argv


# -- the command line, in process ---------------------------------------------------------------


def parsed_payload(model_id: str, *argv: str) -> dict[str, Any]:
    args = build_parser(["run", model_id, *argv], REGISTRY).parse_args(["run", model_id, *argv])
    return payload_from(REGISTRY[model_id], args)


def test_options_convert_numbers_and_keep_what_does_not_parse() -> None:
    assert parsed_payload(VIDEO, "--frames", "121", "--seed", "-1") == {"frames": 121, "seed": -1}
    assert parsed_payload(VIDEO, "--frames", "12.5") == {"frames": 12.5}
    assert parsed_payload(TEXT_TO_IMAGE, "--scale", "0.5") == {"scale": 0.5}
    assert parsed_payload(TEXT_TO_IMAGE, "--scale", "abc") == {"scale": "abc"}


def test_booleans_are_flags_and_arrays_repeat() -> None:
    assert parsed_payload(TEXT_TO_IMAGE, "--force-single") == {"force_single": True}
    assert parsed_payload(TEXT_TO_IMAGE, "--no-force-single") == {"force_single": False}
    urls = ["https://a.example/1.png", "https://a.example/2.png"]
    assert parsed_payload(
        "bytedance/dreamina-4-0/edit", "--image-urls", urls[0], "--image-urls", urls[1]
    ) == {"image_urls": urls}


def test_options_left_out_are_not_sent_and_wire_names_are_kept() -> None:
    payload = parsed_payload(TEXT_TO_IMAGE, "--width-height", "1024x1024(1:1)")
    assert payload == {"width×height": "1024x1024(1:1)"}


def test_a_field_named_like_a_command_option_gets_a_prefixed_option() -> None:
    spec = EndpointSpec(
        model_id="x/y",
        endpoint="/v1/models/x/y",
        input_schema={"type": "object", "properties": {"out": {"type": "string"}}},
        fields=(FieldSpec(python_name="out", wire_name="out", required=False),),
    )
    run = argparse.ArgumentParser()
    run.add_argument("--out")
    add_field_options(run, spec, reserved=run._option_string_actions)
    args = run.parse_args(["--out", "dir", "--field-out", "value"])
    assert args.out == "dir"
    assert payload_from(spec, args) == {"out": "value"}


# -- help -----------------------------------------------------------------------------------------


def test_help_documents_every_exit_code() -> None:
    shown = cli(None, "--help")
    assert shown.returncode == 0
    for code in ExitCode:
        assert re.search(rf"^\s+{code.value}\s", shown.stdout, re.MULTILINE), code


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_run_help_lists_every_option_and_enum_of_the_schema(model_id: str) -> None:
    spec = REGISTRY[model_id]
    shown = cli(None, "run", model_id, "--help")
    assert shown.returncode == 0, shown.stderr
    text = flat(shown.stdout)
    for field in spec.fields:
        assert option_name(field) in text
        for value in spec.input_schema["properties"][field.wire_name].get("enum", []):
            assert flat(str(value)) in text, (field.wire_name, value)


def test_models_lists_every_endpoint_and_schema_json_is_the_raw_schema() -> None:
    listed = cli(None, "models", "--json")
    assert [m["model_id"] for m in json.loads(listed.stdout)] == MODEL_IDS
    raw = json.loads(cli(None, "schema", TEXT_TO_IMAGE, "--json").stdout)
    assert raw["input_schema"] == REGISTRY[TEXT_TO_IMAGE].input_schema
    text = cli(None, "schema", "bytedance/dreamina-4-0/edit").stdout
    assert "width×height" in text and "--width-height" in text
    assert "Rule file_size_mb <= 15: Each image file must be ≤ 15 MB." in text


# -- run against the emulator --------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_run_every_endpoint_with_options_built_from_its_schema(
    emulator: EmulatorServer, model_id: str, tmp_path: Path
) -> None:
    spec = REGISTRY[model_id]
    payload = documented_payload(emulator, spec)
    done = cli(
        emulator, "run", model_id, *argv_for(spec, payload), "--out", str(tmp_path), "--json"
    )
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert [Path(p).parent for p in record["paths"]] == [tmp_path] * len(record["outputs"])
    assert all(Path(p).stat().st_size > 0 for p in record["paths"])
    assert emulator.stats().jobs_created == 1
    job = emulator.emulator.jobs.snapshot(record["request_id"])
    assert job is not None and dict(job.job.payload) == payload


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--width-height", "999", "must be one of: '1024x1024(1:1)'"),
        ("--scale", "abc", "must be a number"),
        ("--scale", "2", "must be <= 1"),
    ],
)
def test_a_bad_option_value_fails_with_the_schema_message_and_creates_no_job(
    emulator: EmulatorServer, option: str, value: str, message: str
) -> None:
    done = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "a cat", option, value)
    assert done.returncode == ExitCode.INVALID_INPUT
    assert message in done.stderr
    assert emulator.stats().submits == 0


def test_invalid_input_in_json_mode_lists_every_problem(emulator: EmulatorServer) -> None:
    done = cli(emulator, "run", TEXT_TO_IMAGE, "--scale", "abc", "--json")
    assert done.returncode == ExitCode.INVALID_INPUT
    problems = {p["path"]: p["message"] for p in json.loads(done.stdout)["problems"]}
    assert set(problems) == {"prompt", "scale"}
    assert emulator.stats().submits == 0


def test_input_file_is_the_base_and_options_override_it(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps({"prompt": "from file", "width×height": "1024x1024(1:1)"}))
    done = cli(
        emulator, "run", TEXT_TO_IMAGE, "--input", str(source), "--prompt", "from option",
        "--no-download", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    job = emulator.emulator.jobs.snapshot(json.loads(done.stdout)["request_id"])
    assert job is not None
    assert dict(job.job.payload) == {"prompt": "from option", "width×height": "1024x1024(1:1)"}


def test_no_wait_then_status_result_wait_and_download_by_id(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    sent = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "a cat", "--no-wait")
    assert sent.returncode == 0, sent.stderr
    request_id = sent.stdout.strip()
    status = json.loads(cli(emulator, "status", request_id, "--json").stdout)
    assert status["request_id"] == request_id
    assert status["status"] in ("in_queue", "in_progress", "completed")
    waited = cli(emulator, "wait", request_id, "--json")
    assert waited.returncode == 0, waited.stderr
    assert json.loads(waited.stdout)["status"] == "succeeded"
    result = json.loads(cli(emulator, "result", request_id, "--json").stdout)
    assert result["outputs"] == json.loads(waited.stdout)["outputs"]
    saved = cli(emulator, "download", request_id, "--out", str(tmp_path))
    assert saved.returncode == 0, saved.stderr
    assert [Path(line) for line in saved.stdout.split()] == sorted(tmp_path.iterdir())
    assert emulator.stats().jobs_created == 1


def test_cancel_a_queued_job_then_waiting_on_it_says_cancelled(emulator: EmulatorServer) -> None:
    emulator.reset(queue_seconds=600)
    request_id = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait").stdout.strip()
    cancelled = cli(emulator, "cancel", request_id, "--json")
    assert cancelled.returncode == 0, cancelled.stderr
    assert json.loads(cancelled.stdout)["status"] == "cancelled"
    assert cli(emulator, "wait", request_id).returncode == ExitCode.CANCELLED


def test_cancel_of_a_finished_job_is_refused(emulator: EmulatorServer) -> None:
    done = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download", "--json")
    refused = cli(emulator, "cancel", json.loads(done.stdout)["request_id"])
    assert refused.returncode == ExitCode.API_ERROR
    assert "cannot be cancelled" in refused.stderr


def test_a_wait_that_times_out_exits_with_the_timeout_code(emulator: EmulatorServer) -> None:
    emulator.reset(queue_seconds=600)
    request_id = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait").stdout.strip()
    waited = cli(emulator, "wait", request_id, "--timeout", "0.5", "--json")
    assert waited.returncode == ExitCode.TIMEOUT
    assert json.loads(waited.stdout)["request_id"] == request_id


def test_a_failed_job_exits_with_the_job_failed_code(emulator: EmulatorServer) -> None:
    emulator.add_fault("job_failed", "submit", message="the GPU caught fire")
    done = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "x")
    assert done.returncode == ExitCode.JOB_FAILED
    assert "the GPU caught fire" in done.stderr


def test_a_wrong_token_exits_with_the_auth_code_and_no_token_is_a_usage_error(
    emulator: EmulatorServer,
) -> None:
    wrong = cli(emulator, "run", TEXT_TO_IMAGE, "--prompt", "x", token="not-the-token")
    assert wrong.returncode == ExitCode.AUTH
    assert "not-the-token" not in wrong.stderr + wrong.stdout
    missing = cli(emulator, "status", "some-id", token=None)
    assert missing.returncode == ExitCode.USAGE
    assert "RUNCOMFY_API_TOKEN" in missing.stderr
    assert emulator.stats().jobs_created == 0


def test_the_token_can_come_from_a_file_and_never_from_an_option(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(emulator.token + "\n")
    done = cli(
        emulator, "run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait", "--token-file",
        str(token_file), token=None,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for option in (["--token", emulator.token], [f"--api-token={emulator.token}"]):
        refused = cli(emulator, "run", TEXT_TO_IMAGE, *option, token=None)
        assert refused.returncode == ExitCode.USAGE
        assert emulator.token not in refused.stderr + refused.stdout  # never echoed
        assert "RUNCOMFY_API_TOKEN" in refused.stderr
    assert emulator.stats().submits == 1  # only the run with --token-file


def test_an_unknown_request_id_is_an_api_error(emulator: EmulatorServer) -> None:
    done = cli(emulator, "status", "no-such-request", "--json")
    assert done.returncode == ExitCode.API_ERROR
    assert json.loads(done.stdout)["error"] == "NotFoundError"


def png(width: int, height: int) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_that_breaks_a_documented_rule_fails_before_any_submit(
    emulator: EmulatorServer,
) -> None:
    url = emulator.put_input("tiny.png", png(100, 100), "image/png")
    done = cli(emulator, "run", VIDEO, "--prompt", "x", "--image-urls", url)
    assert done.returncode == ExitCode.INVALID_INPUT
    assert "The shortest side must be at least 320 pixels." in done.stderr
    assert emulator.stats().submits == 0


def test_a_local_file_is_checked_and_sent_inline(emulator: EmulatorServer, tmp_path: Path) -> None:
    image = tmp_path / "input.png"
    image.write_bytes(png(640, 480))
    done = cli(
        emulator, "run", VIDEO, "--prompt", "x", "--image-urls", str(image), "--no-wait", "--json"
    )
    assert done.returncode == 0, done.stderr
    job = emulator.emulator.jobs.snapshot(json.loads(done.stdout)["request_id"])
    assert job is not None
    assert job.job.payload["image_urls"][0].startswith("data:image/png;base64,")
    missing = cli(emulator, "run", VIDEO, "--prompt", "x", "--image-urls", str(tmp_path / "no"))
    assert missing.returncode == ExitCode.INVALID_INPUT
    assert emulator.stats().submits == 1
