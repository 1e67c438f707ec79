"""The ``runcomfy`` command, in this process, against the emulator.

Each test runs ``runcomfy_cli.main.main`` with its output captured and reads the emulator's own
counters to check what reached the server (a bad option must create no job). The installed
command's process-level behaviour (signals, exit status, stdin) is in ``test_cli_process.py``;
the catalog's part in ``test_cli_catalog.py``; batches in ``test_batch*.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.config import base_url_precedence
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.main import TOKEN_OPTIONS
from runcomfy_cli.options import add_field_options, option_name, payload_from
from runcomfy_cli.parser import build_parser
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.constants import DEFAULT_BASE_URL
from runcomfy_runtime.sources import BASE_URL_SOURCES, TOKEN_SOURCES, numbered
from runcomfy_runtime.spec import EndpointSpec, FieldSpec
from tests.conftest import QUICK_JOBS
from tests.helpers import (
    EDIT,
    MODEL_IDS,
    TEXT_TO_IMAGE,
    VIDEO,
    InProcess,
    closed_port,
    flat,
)

EMULATOR_JOBS = QUICK_JOBS  # done by the client's first poll


@pytest.fixture
def offline(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> InProcess:
    """No server, no token: what the command does on its own."""
    return InProcess(monkeypatch, capsys, tmp_path)


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
            argv.extend(f"{name}={item}" for item in value)
        else:
            argv.append(f"{name}={value}")
    return argv


def sent_payload(server: EmulatorServer, request_id: str) -> dict[str, Any]:
    job = server.emulator.jobs.snapshot(request_id)
    assert job is not None
    return dict(job.job.payload)


# -- options built from the schema -----------------------------------------------------------------


def parsed_payload(model_id: str, *argv: str) -> dict[str, Any]:
    args = build_parser(REGISTRY[model_id]).parse_args(["run", model_id, *argv])
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
    assert parsed_payload(EDIT, "--image-urls", urls[0], "--image-urls", urls[1]) == {
        "image_urls": urls
    }


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


# -- help ------------------------------------------------------------------------------------------


def test_help_documents_every_exit_code_and_where_the_token_and_base_url_come_from(
    offline: InProcess,
) -> None:
    shown = offline("--help")
    assert shown.code == 0
    for code in ExitCode:
        assert re.search(rf"^\s+{code.value}\s", shown.stdout, re.MULTILINE), code
    text = flat(shown.stdout)
    order = ["--token-file PATH", "$RUNCOMFY_API_TOKEN", "$YOUR_API_TOKEN", "$RUNCOMFY_TOKEN"]
    assert [text.index(name) for name in order] == sorted(text.index(name) for name in order)
    assert "token.json" in text and "runcomfy login" in text and "$RUNCOMFY_CONFIG_DIR" in text
    base = ["--base-url URL", "$RUNCOMFY_BASE_URL", "$RUNCOMFY_MODEL_API_BASE", DEFAULT_BASE_URL]
    assert [text.index(name) for name in base] == sorted(text.index(name) for name in base)
    for table in (TOKEN_SOURCES, BASE_URL_SOURCES):  # rendered from the tables, whole
        assert numbered(table) in shown.stdout


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_run_help_lists_every_option_and_enum_of_the_schema(
    offline: InProcess, model_id: str
) -> None:
    spec = REGISTRY[model_id]
    shown = offline("run", model_id, "--help")
    assert shown.code == 0, shown.stderr
    text = flat(shown.stdout)
    for field in spec.fields:
        assert option_name(field) in text
        for value in spec.input_schema["properties"][field.wire_name].get("enum", []):
            assert flat(str(value)) in text, (field.wire_name, value)
    for option in ("--input JSON", "--input-file PATH", "--output-dir", "--no-wait"):
        assert option in text


def test_models_without_a_token_lists_the_generated_ones_with_a_hint(offline: InProcess) -> None:
    listed = offline("models", "--json")
    assert listed.code == 0
    assert [m["model_id"] for m in listed.json()] == MODEL_IDS
    assert all(m["generated"] for m in listed.json())
    assert "RUNCOMFY_API_TOKEN" in listed.stderr and len(listed.stderr.splitlines()) == 1
    assert offline("models", "list", "--search", "seedream").stdout.startswith(
        "bytedance/seedream-4-0/edit"
    )
    assert offline("models", "-q").stderr == ""


def test_schema_json_is_the_raw_schema_and_text_names_options_and_rules(
    offline: InProcess,
) -> None:
    raw = offline("schema", TEXT_TO_IMAGE, "--json").json()
    assert raw["input_schema"] == REGISTRY[TEXT_TO_IMAGE].input_schema
    text = offline("schema", EDIT).stdout
    assert "width×height" in text and "--width-height" in text
    assert "Rule file_size_mb <= 15: Each image file must be ≤ 15 MB." in text


def test_global_options_go_before_or_after_the_command(offline: InProcess) -> None:
    before = offline("--output", "json", "schema", TEXT_TO_IMAGE)
    after = offline("schema", TEXT_TO_IMAGE, "--output=json")
    synonym = offline("schema", TEXT_TO_IMAGE, "--json")
    assert before.json() == after.json() == synonym.json()
    assert offline("--json", "schema", TEXT_TO_IMAGE, "--output", "pretty").stdout.startswith(
        TEXT_TO_IMAGE
    )


# -- mistakes, worded for a person -----------------------------------------------------------------


@pytest.mark.parametrize("help_asked", [False, True])
def test_an_unknown_model_id_suggests_the_closest_and_lists_nothing_else(
    offline: InProcess, help_asked: bool
) -> None:
    ran = offline("run", "bytedance/dreamina-4.0/edit", *(["--help"] if help_asked else []))
    assert ran.code == ExitCode.USAGE
    assert "did you mean 'bytedance/dreamina-4-0/edit'?" in ran.stderr
    assert "invalid choice" not in ran.stderr
    assert "seedream" not in ran.stderr  # not every model listed
    assert ran.stdout == ""


def test_a_mistyped_option_is_reported_against_run_with_a_suggestion(cli: InProcess) -> None:
    ran = cli("run", TEXT_TO_IMAGE, "--promt", "a secret prompt")
    assert ran.code == ExitCode.USAGE
    assert "usage: runcomfy run" in ran.stderr
    assert "--promt; did you mean '--prompt'?" in ran.stderr
    assert "a secret prompt" not in ran.stderr  # values are never echoed
    assert cli("rnu", TEXT_TO_IMAGE).stderr.endswith("did you mean 'run'?\n")


def test_an_enum_value_close_to_one_gets_it_suggested(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--width-height", "2048x2048")
    assert ran.code == ExitCode.INVALID_INPUT
    assert "did you mean '2048x2048(1:1)'?" in ran.stderr
    assert emulator.stats().submits == 0


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--width-height", "999", "must be one of: '1024x1024(1:1)'"),
        ("--scale", "abc", "must be a number"),
        ("--scale", "2", "must be <= 1"),
        ("--scale", "nan", "must be a finite number"),
        ("--scale", "inf", "must be a finite number"),
    ],
)
def test_a_bad_option_value_fails_with_the_schema_message_and_creates_no_job(
    cli: InProcess, emulator: EmulatorServer, option: str, value: str, message: str
) -> None:
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "a cat", option, value)
    assert ran.code == ExitCode.INVALID_INPUT
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr
    assert emulator.stats().submits == 0


def test_invalid_input_in_json_mode_lists_every_problem(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("run", TEXT_TO_IMAGE, "--scale", "abc", "--json")
    assert ran.code == ExitCode.INVALID_INPUT
    problems = {p["path"]: p["message"] for p in ran.json()["problems"]}
    assert set(problems) == {"prompt", "scale"}
    assert emulator.stats().submits == 0


def test_an_argument_that_is_not_text_is_refused_in_one_line(offline: InProcess) -> None:
    ran = offline("run", TEXT_TO_IMAGE, "--prompt", "caf\udce9")  # b"caf\xe9" in a UTF-8 locale
    assert ran.code == ExitCode.USAGE
    assert "argument 4" in ran.stderr and "not valid UTF-8" in ran.stderr
    assert len(ran.stderr.splitlines()) == 1


@pytest.mark.parametrize("value", ["0", "-1", "nan", "soon"])
def test_a_timeout_must_be_a_positive_number(offline: InProcess, value: str) -> None:
    ran = offline("wait", "some-id", "--timeout", value)
    assert ran.code == ExitCode.USAGE
    assert "--timeout" in ran.stderr


# -- the input: --input JSON, --input-file, Python names -------------------------------------------


def test_input_is_inline_json_and_options_override_it(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    given = json.dumps({"prompt": "from json", "width×height": "1024x1024(1:1)"})
    ran = cli(
        "run", TEXT_TO_IMAGE, "--input", given, "--prompt", "from option", "--no-wait", "--json"
    )
    assert ran.code == 0, ran.stderr
    assert ran.json()["wait"] is False
    assert sent_payload(emulator, ran.json()["request_id"]) == {
        "prompt": "from option",
        "width×height": "1024x1024(1:1)",
    }


def test_input_still_takes_a_file_path_and_input_file_takes_a_file_or_stdin(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    source = tmp_path / "input.json"
    source.write_text(json.dumps({"prompt": "from file"}))
    for argv, stdin in (
        (["--input", str(source)], None),
        (["--input-file", str(source)], None),
        (["--input-file", "-"], b'{"prompt": "from file"}'),
    ):
        ran = cli("run", TEXT_TO_IMAGE, *argv, "--no-wait", "--json", stdin=stdin)
        assert ran.code == 0, ran.stderr
        assert sent_payload(emulator, ran.json()["request_id"]) == {"prompt": "from file"}
    both = cli("run", TEXT_TO_IMAGE, "--input", "{}", "--input-file", str(source))
    assert both.code == ExitCode.USAGE and "not allowed with" in both.stderr
    neither = cli("run", TEXT_TO_IMAGE, "--input", "prompt=x")
    assert neither.code == ExitCode.INVALID_INPUT and "--input-file" in neither.stderr


def test_input_keys_may_be_python_names_but_not_both_names(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    given = json.dumps({"prompt": "x", "width_height": "1024x1024(1:1)"})
    ran = cli("run", TEXT_TO_IMAGE, "--input", given, "--no-wait", "--json")
    assert ran.code == 0, ran.stderr
    assert sent_payload(emulator, ran.json()["request_id"])["width×height"] == "1024x1024(1:1)"
    both = json.dumps({"prompt": "x", "width_height": SIZE_A, "width×height": SIZE_A})
    refused = cli("run", TEXT_TO_IMAGE, "--input", both)
    assert refused.code == ExitCode.INVALID_INPUT
    assert "'width×height'" in refused.stderr and "'width_height'" in refused.stderr
    assert emulator.stats().submits == 1


SIZE_A = "1024x1024(1:1)"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--input-file", "/dev/zero"], "larger than 64 MiB"),
        (["--input", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"], "nested too deeply"),
        (["--input", "[" * 100_000], "--input takes the input as a JSON object"),
        (["--input", '{"prompt": "x"'], "invalid JSON"),
        (["--input-file", "/no/such/file.json"], "cannot read --input-file"),
        (["--input-file", "/tmp"], "is a folder"),
    ],
)
def test_input_that_cannot_be_used_is_one_line_and_no_job(
    cli: InProcess, emulator: EmulatorServer, argv: list[str], message: str
) -> None:
    ran = cli("run", TEXT_TO_IMAGE, *argv)
    assert ran.code == ExitCode.INVALID_INPUT, ran.stderr
    assert message in ran.stderr
    assert "Traceback" not in ran.stderr and len(ran.stderr.splitlines()) == 1
    assert emulator.stats().submits == 0


# -- run against the emulator ----------------------------------------------------------------------


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_run_every_endpoint_with_options_built_from_its_schema(
    cli: InProcess, emulator: EmulatorServer, model_id: str, tmp_path: Path
) -> None:
    spec = REGISTRY[model_id]
    payload = documented_payload(emulator, spec)
    out = tmp_path / "out"
    ran = cli("run", model_id, *argv_for(spec, payload), "--output-dir", str(out), "--json")
    assert ran.code == 0, ran.stderr
    record = ran.json()
    assert [Path(p).parent for p in record["paths"]] == [out] * len(record["outputs"])
    assert all(Path(p).stat().st_size > 0 for p in record["paths"])
    assert emulator.stats().jobs_created == 1
    assert sent_payload(emulator, record["request_id"]) == payload


def test_no_wait_then_status_result_wait_and_download_by_id(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    sent = cli("run", TEXT_TO_IMAGE, "--prompt", "a cat", "--no-wait")
    assert sent.code == 0, sent.stderr
    request_id = sent.stdout.strip()
    status = cli("status", request_id, "--json").json()
    assert status["request_id"] == request_id
    assert status["status"] in ("in_queue", "in_progress", "completed")
    waited = cli("wait", request_id, "--json")
    assert waited.code == 0, waited.stderr
    assert waited.json()["status"] == "succeeded"
    for command in (["result"], ["requests", "get"]):
        result = cli(*command, request_id, "--json").json()
        assert result["outputs"] == waited.json()["outputs"]
    saved = cli("download", request_id, "--out", str(tmp_path))
    assert saved.code == 0, saved.stderr
    assert [Path(line) for line in saved.stdout.split()] == sorted(tmp_path.iterdir())
    assert emulator.stats().jobs_created == 1


@pytest.mark.parametrize("command", [["cancel"], ["requests", "cancel"]])
def test_cancel_a_queued_job_then_waiting_on_it_says_cancelled(
    cli: InProcess, emulator: EmulatorServer, command: list[str]
) -> None:
    emulator.reset(queue_seconds=600)
    request_id = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait").stdout.strip()
    cancelled = cli(*command, request_id, "--json")
    assert cancelled.code == 0, cancelled.stderr
    assert cancelled.json()["status"] == "cancelled"
    assert cli("wait", request_id).code == ExitCode.CANCELLED


def test_cancel_of_a_finished_job_is_refused(cli: InProcess) -> None:
    done = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download", "--json")
    refused = cli("cancel", done.json()["request_id"])
    assert refused.code == ExitCode.ERROR
    assert "cannot be cancelled" in refused.stderr


def test_a_wait_that_times_out_says_the_job_goes_on_and_how_to_wait_again(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    emulator.reset(queue_seconds=600)
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--timeout", "0.5", "--json")
    assert ran.code == ExitCode.RETRYABLE
    request_id = ran.json()["request_id"]
    assert f"it goes on: `runcomfy wait {request_id}`" in ran.stderr
    waited = cli("wait", request_id, "--timeout", "0.5")
    assert waited.code == ExitCode.RETRYABLE and "goes on" in waited.stderr
    status = cli("status", request_id, "--json").json()
    assert status["status"] == "in_queue"  # it went on


def test_cancel_on_timeout_says_whether_the_job_was_cancelled(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    emulator.reset(queue_seconds=600)
    queued = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--timeout", "0.5", "--cancel-on-timeout")
    assert queued.code == ExitCode.CANCELLED
    assert "it was cancelled" in queued.stderr
    emulator.reset(queue_seconds=0.0, run_seconds=600)
    running = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--timeout", "1", "--cancel-on-timeout")
    assert running.code == ExitCode.RETRYABLE
    assert "could not be cancelled (status in_progress" in running.stderr
    assert "goes on" in running.stderr


def test_a_failed_job_exits_with_the_job_failed_code(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    emulator.add_fault("job_failed", "submit", message="the GPU caught fire")
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x")
    assert ran.code == ExitCode.JOB_FAILED
    assert "the GPU caught fire" in ran.stderr


def test_an_unknown_request_id_is_bad_input_with_the_id_named(cli: InProcess) -> None:
    ran = cli("status", "no-such-request", "--json")
    assert ran.code == ExitCode.INVALID_INPUT
    assert ran.json()["error"] == "NotFoundError"
    assert "no-such-request" in ran.stderr


def test_ctrl_c_during_a_submit_says_whether_a_job_may_exist(
    cli: InProcess, emulator: EmulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runcomfy_runtime.client import Client

    def before(self: Client, *args: Any, on_sent: Any = None, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    def after(self: Client, *args: Any, on_sent: Any = None, **kwargs: Any) -> Any:
        on_sent()
        raise KeyboardInterrupt

    def said(stderr: str) -> list[str]:  # what was said past the price line
        return [line for line in stderr.splitlines() if "(base price)" not in line]

    monkeypatch.setattr(Client, "submit", before)
    unsent = cli("run", TEXT_TO_IMAGE, "--prompt", "x")
    assert unsent.code == ExitCode.INTERRUPTED
    assert said(unsent.stderr) == [
        "runcomfy: interrupted before the submit was sent: no job was created"
    ]
    monkeypatch.setattr(Client, "submit", after)
    sent = cli("run", TEXT_TO_IMAGE, "--prompt", "x")
    assert sent.code == ExitCode.INTERRUPTED
    (line,) = said(sent.stderr)
    assert "a job may exist" in line


# -- media inputs ----------------------------------------------------------------------------------


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_image_that_breaks_a_documented_rule_fails_before_any_submit(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    url = emulator.put_input("tiny.png", png(100, 100), "image/png")
    ran = cli("run", VIDEO, "--prompt", "x", "--image-urls", url)
    assert ran.code == ExitCode.INVALID_INPUT
    assert "The shortest side must be at least 320 pixels." in ran.stderr
    assert emulator.stats().submits == 0


def test_a_local_file_is_checked_and_sent_inline_with_one_problem_per_file(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    image = tmp_path / "input.png"
    image.write_bytes(png(640, 480))
    ran = cli("run", VIDEO, "--prompt", "x", "--image-urls", str(image), "--no-wait", "--json")
    assert ran.code == 0, ran.stderr
    assert sent_payload(emulator, ran.json()["request_id"])["image_urls"][0].startswith(
        "data:image/png;base64,"
    )
    tiny = tmp_path / "tiny.png"
    tiny.write_bytes(png(10, 10))
    for value, message in (
        (str(tmp_path / "no"), "cannot read the file"),
        ("/dev/zero", "too large to send inline"),
        (str(tiny), "at least 320 pixels"),
    ):
        bad = cli("run", VIDEO, "--prompt", "x", "--image-urls", value, "--json")
        assert bad.code == ExitCode.INVALID_INPUT, bad.stderr
        problems = bad.json()["problems"]
        assert [p["path"] for p in problems] == ["image_urls[0]"], problems
        assert message in problems[0]["message"]
    assert emulator.stats().submits == 1


def test_a_local_file_named_in_input_json_is_sent_inline(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    image = tmp_path / "input.png"
    image.write_bytes(png(640, 480))
    given = json.dumps({"prompt": "x", "image_urls": [str(image)]})
    ran = cli("run", VIDEO, "--input", given, "--no-wait", "--json")
    assert ran.code == 0, ran.stderr
    sent = sent_payload(emulator, ran.json()["request_id"])["image_urls"][0]
    assert sent.startswith("data:image/png;base64,")


# -- the token -------------------------------------------------------------------------------------


def test_no_token_says_where_a_token_may_come_from(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    cli.env(RUNCOMFY_API_TOKEN=None)
    ran = cli("status", "some-id")
    assert ran.code == ExitCode.AUTH
    for where in ("RUNCOMFY_API_TOKEN", "RUNCOMFY_TOKEN", "--token-file", "runcomfy login"):
        assert where in ran.stderr
    assert str(cli.config_dir / "token.json") in ran.stderr
    assert "api_token=" not in ran.stderr
    assert len(ran.stderr.splitlines()) == 1


def test_a_wrong_token_names_its_source_and_says_the_api_refused_it(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    cli.env(RUNCOMFY_API_TOKEN="not-the-token-at-all")
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x")
    assert ran.code == ExitCode.AUTH
    assert ran.stderr.startswith(
        f"runcomfy: the API at {emulator.url} refused the token from $RUNCOMFY_API_TOKEN"
    )
    assert "not-the-token-at-all" not in ran.output
    assert emulator.stats().jobs_created == 0


def test_runcomfy_login_token_json_and_runcomfy_token_are_read(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    cli.env(RUNCOMFY_API_TOKEN=None)
    cli.config_dir.mkdir()
    token_json = cli.config_dir / "token.json"
    token_json.write_text(
        json.dumps({"access_token": emulator.token, "refresh_token": "r", "expires_at": 4e9})
    )
    token_json.chmod(0o600)
    assert cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait").code == 0
    token_json.write_text(json.dumps({"access_token": "stale-token-1234", "expires_at": 1}))
    stale = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait")
    assert stale.code == ExitCode.AUTH
    assert f"refused the token from {token_json}" in stale.stderr
    assert "expired" in stale.stderr and "runcomfy login" in stale.stderr
    cli.env(RUNCOMFY_TOKEN=emulator.token)  # RunComfy's CLI's variable, before token.json
    assert cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait").code == 0
    assert emulator.stats().jobs_created == 2


def test_token_file_takes_a_plain_file_or_a_token_json(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    cli.env(RUNCOMFY_API_TOKEN="wrong-token-from-env")  # --token-file comes first
    plain = tmp_path / "token"
    plain.write_text(emulator.token + "\n")
    as_json = tmp_path / "token.json"
    as_json.write_text(json.dumps({"access_token": emulator.token}))
    for path in (plain, as_json):
        ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait", "--token-file", str(path))
        assert ran.code == 0, ran.stderr
    missing = cli("status", "x", "--token-file", str(tmp_path / "none"))
    assert missing.code == ExitCode.USAGE and "cannot read --token-file" in missing.stderr
    plain.write_text("wrong-token-in-file\n")
    wrong = cli("status", "x", "--token-file", str(plain))
    assert wrong.code == ExitCode.AUTH and f"--token-file {plain}" in wrong.stderr


def token_prefixes() -> list[str]:
    found = {name[:n] for name in TOKEN_OPTIONS for n in range(4, len(name) + 1)}
    return sorted(found)


@pytest.mark.parametrize("option", token_prefixes())
def test_every_prefix_of_a_token_option_is_refused_unechoed(
    cli: InProcess, emulator: EmulatorServer, option: str
) -> None:
    secret = "sk-live-0123456789abcdef"
    for argv in ([option, secret], [f"{option}={secret}"]):
        ran = cli("run", TEXT_TO_IMAGE, *argv, "--prompt", "x")
        assert ran.code == ExitCode.USAGE
        assert secret not in ran.output
        assert "RUNCOMFY_API_TOKEN" in ran.stderr
    assert emulator.stats().submits == 0


def test_verbose_logs_each_request_without_the_token(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("-v", "run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download")
    assert ran.code == 0, ran.stderr
    assert re.search(r"HTTP Request: POST .*/v1/models/", ran.stderr)
    assert "HTTP Request: GET" in ran.stderr
    assert emulator.token not in ran.output
    quiet = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-download")
    assert "HTTP Request" not in quiet.stderr


# -- the base URL ----------------------------------------------------------------------------------


def test_runcomfy_model_api_base_is_read_with_its_v1(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    cli.env(RUNCOMFY_BASE_URL=None, RUNCOMFY_MODEL_API_BASE=f"{emulator.url}/v1")
    ran = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--no-wait")
    assert ran.code == 0, ran.stderr
    assert emulator.stats().jobs_created == 1


def test_a_refused_connection_fails_at_once_in_one_line(cli: InProcess) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    cli.env(RUNCOMFY_BASE_URL=url)
    ran = cli("-v", "status", "some-id")
    assert ran.code == ExitCode.RETRYABLE
    lines = [line for line in ran.stderr.splitlines() if line.startswith("runcomfy: cannot")]
    assert lines == [
        f"runcomfy: cannot reach {url} (connection refused): check the base URL (from "
        f"$RUNCOMFY_BASE_URL; first found: {base_url_precedence()}); for the local emulator, "
        "is it running (`runcomfy emulator`)?"
    ]
    assert "retry" not in ran.stderr  # the first request is not retried: no wait at all
    run = cli("run", TEXT_TO_IMAGE, "--prompt", "x", "--base-url", url)
    assert run.code == ExitCode.RETRYABLE and "--base-url" in run.stderr


def test_a_base_url_that_is_not_the_api_is_named_with_what_to_check(
    cli: InProcess, emulator: EmulatorServer
) -> None:
    ran = cli("status", "some-id", "--base-url", f"{emulator.url}/not-the-api")
    assert ran.code == ExitCode.USAGE
    assert f"{emulator.url}/not-the-api answered HTTP 404" in ran.stderr
    assert "not an API answer: check the base URL (from --base-url" in ran.stderr
    bad = cli("status", "some-id", "--base-url", "http://example.com")
    assert bad.code == ExitCode.USAGE and "clear text" in bad.stderr
