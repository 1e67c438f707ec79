"""The command line with the catalog's structured inputs: a structured field is one JSON option
(inline or ``@file.json``), local files inside it are checked and sent inline, a nested
problem is refused at its full path before any job, and ``runcomfy schema`` shows the nested
shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests import catalog400, imagefiles
from tests.conftest import QUICK_JOBS
from tests.helpers import InProcess, run_installed

SHOTS = "aurora/vid-1.0/multi-shot-to-video"
KEYFRAMES = "aurora/vid-1.0/keyframes-to-video/draft"


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(REGISTRY, catalog=catalog400.subset(), queue_seconds=QUICK_JOBS[0],
                        run_seconds=QUICK_JOBS[1]) as server:  # fmt: skip
        yield server


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    emulator: EmulatorServer,
) -> InProcess:
    return InProcess(monkeypatch, capsys, tmp_path, emulator)


def test_a_structured_field_is_one_json_option_inline_or_from_a_file(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    face = tmp_path / "face.png"
    face.write_bytes(imagefiles.png(640, 480))
    elements = tmp_path / "elements.json"
    elements.write_text(json.dumps([{"frontal_image_url": str(face)}]))
    shots = '[{"prompt": "a pier", "duration": 3}, {"prompt": "a gull", "duration": 2}]'
    ran = cli("run", SHOTS, "--prompt", "a harbour", "--multi-prompt", shots,
              "--elements", f"@{elements}", "--no-wait", "--json")  # fmt: skip
    assert ran.code == 0, ran.output
    record = emulator.job_record(ran.json()["request_id"])
    assert record["payload"]["multi_prompt"] == json.loads(shots)
    sent = record["payload"]["elements"][0]["frontal_image_url"]
    assert sent.startswith("data:image/png;base64,")  # the local file, checked and inlined


def test_a_nested_problem_is_refused_at_its_full_path_before_any_job(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    narrow = tmp_path / "narrow.png"
    narrow.write_bytes(imagefiles.png(120, 400))
    ran = cli("run", SHOTS, "--prompt", "p", "--multi-prompt",
              '[{"prompt": "a", "duration": 30}]', "--elements",
              json.dumps([{"frontal_image_url": str(narrow)}]))  # fmt: skip
    assert ran.code == ExitCode.INVALID_INPUT, ran.output
    assert "multi_prompt[0].duration: must be <= 12" in ran.stderr
    assert "elements[0].frontal_image_url: An element's image must be at least 300" in ran.stderr
    assert emulator.stats().submits == 0


def test_broken_json_in_a_structured_option_names_the_option(
    cli: InProcess, emulator: EmulatorServer, tmp_path: Path
) -> None:
    ran = cli("run", SHOTS, "--prompt", "p", "--multi-prompt", "[{prompt: 1}]")
    assert ran.code == ExitCode.INVALID_INPUT
    assert "--multi-prompt: invalid JSON" in ran.stderr
    missing = cli("run", SHOTS, "--prompt", "p", "--multi-prompt", f"@{tmp_path / 'no.json'}")
    assert missing.code == ExitCode.INVALID_INPUT and "--multi-prompt" in missing.stderr
    assert emulator.stats().submits == 0


def test_schema_shows_the_nested_shape_and_help_says_how_to_give_it(cli: InProcess) -> None:
    shown = cli("schema", KEYFRAMES)
    assert shown.code == 0, shown.output
    text = shown.stdout
    assert "keyframes  [list of object, required]  --keyframes JSON" in text
    assert "      image_url  [image, required]" in text
    assert "      time  [number, required]" in text and "Limits: >= 0; <= 20." in text
    helped = cli("run", SHOTS, "--help")
    assert "--multi-prompt JSON" in helped.stdout and "@FILE.json" in helped.stdout


def test_a_batch_whose_schema_has_a_catastrophic_pattern_checks_every_line_at_once(
    tmp_path: Path,
) -> None:
    """Issue 18, finding 4: ``runcomfy batch``'s first stage ran 609 s on such a pattern and
    ignored SIGINT and SIGTERM (the C regex engine never returned to the interpreter)."""
    model = catalog400.entry("acme/regex-1/text-to-image", "text-to-image", None, False)
    model["input_schema"]["properties"]["prompt"]["pattern"] = "^(a+)+$"
    lines = tmp_path / "lines.jsonl"
    lines.write_text("".join(json.dumps({"prompt": "a" * 40 + "!"}) + "\n" for _ in range(20)))
    with EmulatorServer(REGISTRY, catalog=[model]) as server:
        ran = run_installed(server, "batch", model["model_id"], str(lines), "--out",
                            str(tmp_path / "runs"), config_dir=tmp_path / "config")  # fmt: skip
        assert server.stats().submits == 0
    assert ran.code == ExitCode.INCOMPLETE, ran.output  # every line invalid, said at once
    assert ran.output.count("must match the pattern") >= 1


def test_a_file_name_holding_a_nul_is_bad_input_not_a_traceback(cli: InProcess) -> None:
    for argv in (["--input-file=\x00"], ["--prompt", "p", "--multi-prompt", "@a\x00b"]):
        ran = cli("run", SHOTS, *argv)
        assert ran.code == ExitCode.INVALID_INPUT, ran.output
        assert "Traceback" not in ran.output and "embedded null byte" in ran.stderr
