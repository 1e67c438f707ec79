"""Fuzzing the command line and the batch file, against the emulator: whatever is typed or
written, ``runcomfy`` answers with one of its exit codes, never a traceback, never the token.

Hypothesis draws command lines from the parser's own words (commands, options, model ids)
mixed with hostile text, and batch files mixing valid lines, blank lines, bytes that are not
UTF-8 and text that is not a JSON object. Each batch line must end in exactly one place of
the summary: valid lines succeed (one job each), the others are skipped with nothing sent.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from runcomfy import REGISTRY
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.parser import build_parser
from runcomfy_cli.summary import KINDS
from runcomfy_emulator import EmulatorServer
from tests.helpers import SIZE, TEXT_TO_IMAGE, InProcess

# The fixtures (one emulator, one captured output) serve every example: each call reads its own
# output and the emulator's counters are compared before and after.
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
EXIT_CODES = {int(code) for code in ExitCode}


def _words(parser: argparse.ArgumentParser) -> set[str]:
    """Every subcommand and option ``parser`` and its subcommands know."""
    words: set[str] = set()
    for action in parser._actions:
        words.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            words.update(action.choices)
            for child in action.choices.values():
                words |= _words(child)
    return words


AWAY = {"-h", "--help", "--base-url", "--token-file"}  # each tested on its own elsewhere


def _options(parser: argparse.ArgumentParser) -> dict[str, list[str] | None]:
    """Each option of ``parser`` (not its subcommands'): None for a flag, else its choices
    (empty when any value goes)."""
    return {
        name: None if action.nargs == 0 else sorted(map(str, action.choices or ()))
        for action in parser._actions
        for name in action.option_strings
        if name not in AWAY
    }


PARSER = build_parser()
COMMANDS = sorted(set(PARSER.commands) - {"emulator"})  # it starts a server: tested apart
WORDS = sorted(_words(PARSER) - {"emulator"})
OPTIONS = {name: _options(found) for name, found in PARSER.commands.items()}
RUN_OPTIONS = {
    model_id: _options(build_parser(spec).commands["run"]) for model_id, spec in REGISTRY.items()
}
VALUES = sorted(
    {
        str(value)
        for spec in REGISTRY.values()
        for schema in spec.input_schema["properties"].values()
        for value in [*schema.get("enum", []), schema.get("default"), schema.get("maximum")]
        if value is not None
    }
)

hostile = st.one_of(
    st.text(max_size=12),
    st.sampled_from([
        "-", "--", "=", "{", "[]", '{"prompt": 1}', '{"prompt": "x"}', "-1", "nan", "1e309",
        "0", "\udcff", "\x00", "ID", "/dev/null", ".", "..", SIZE,
    ]),
)  # fmt: skip
value = st.one_of(hostile, st.sampled_from(VALUES), st.integers(-5, 5000).map(str))


@st.composite
def option(draw: st.DrawFn, options: dict[str, list[str] | None]) -> list[str]:
    """One of ``options``: a flag alone, a value after ``=`` or as the next word; one of its
    choices where it has them; now and then the wrong way round."""
    name = draw(st.sampled_from(sorted(options)))
    choices = options[name]
    takes_value = choices is not None
    if draw(st.integers(0, 9)) == 0:
        takes_value = not takes_value
    if not takes_value:
        return [name]
    given = draw(st.sampled_from(choices) if choices and draw(st.integers(0, 4)) else value)
    return draw(st.sampled_from([[f"{name}={given}"], [name, given]]))


@st.composite
def command_line(draw: st.DrawFn) -> list[str]:
    """Mostly a real command with its own options; sometimes any words at all."""
    if draw(st.integers(0, 4)) == 0:
        anything = st.one_of(st.sampled_from(WORDS), st.sampled_from(sorted(REGISTRY)), hostile)
        return draw(st.lists(anything, min_size=1, max_size=6))
    command = draw(st.sampled_from(COMMANDS))
    argv = [command]
    if command in ("run", "schema", "batch"):
        model = draw(st.one_of(st.sampled_from(sorted(REGISTRY)), hostile))
        argv.append(model)
        options = RUN_OPTIONS.get(model, OPTIONS["run"]) if command == "run" else OPTIONS[command]
    else:
        options = OPTIONS[command]
    if command == "batch":
        argv += [draw(st.sampled_from(["in.jsonl", "/dev/null", "missing.jsonl"])), "--out", "out"]
    if command == "requests":
        argv.append(draw(st.sampled_from(["get", "cancel"])))
    if command == "completion":
        argv.append(draw(st.sampled_from(["bash", "zsh", "fish"])))
    if command == "models":
        argv.extend(draw(st.sampled_from([[], ["list"], ["categories"], ["get", TEXT_TO_IMAGE]])))
    if command in ("status", "result", "wait", "cancel", "download", "requests"):
        argv.append(draw(st.one_of(st.uuids().map(str), hostile)))
    for _ in range(draw(st.integers(0, 5))):
        argv.extend(draw(option(options)))
    return argv


EMULATOR_JOBS = (0, 0.02)  # as quick as a job can be: fuzzing wants many


@FUZZ
@given(argv=command_line())
@example(argv=["schema", "-0", "--verbose"])  # found here: the scan read no model, argparse did
def test_any_command_line_ends_in_an_exit_code_without_a_traceback(
    cli: InProcess,
    emulator: EmulatorServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
) -> None:
    if argv[0] == "emulator":
        argv = argv[1:] or ["--help"]
    monkeypatch.chdir(tmp_path)  # a run that succeeds saves its outputs here
    (tmp_path / "in.jsonl").write_text('{"prompt": "x"}\n', encoding="utf-8")
    ran = cli(*argv, stdin=b"")
    event(f"exit {ran.code}")
    assert ran.code in EXIT_CODES, (argv, ran.code, ran.stderr)
    assert "Traceback" not in ran.output, (argv, ran.stderr)
    assert emulator.token not in ran.output
    if ran.code not in (ExitCode.OK, ExitCode.ERROR):  # a failure says why (batch -q: a summary)
        assert ran.output.strip(), (argv, ran.code)


valid_line = st.builds(
    lambda prompt: json.dumps({"prompt": prompt or "p", "width×height": SIZE}),
    st.text(max_size=20),
)
# Text that is never a JSON object: it does not start with "{" once the line is stripped.
not_an_object = st.text(min_size=1, max_size=30).filter(
    lambda text: "\n" not in text and text.strip() != "" and not text.strip().startswith("{")
)
not_utf8 = st.binary(max_size=20).map(lambda data: b"\xff" + data.replace(b"\n", b""))
blank = st.sampled_from([b"", b" ", b"\t", b"\r", b"  \t "])
lines = st.lists(
    st.one_of(
        valid_line.map(lambda text: ("valid", text.encode())),
        not_an_object.map(lambda text: ("invalid", text.encode())),
        not_utf8.map(lambda data: ("invalid", data)),
        blank.map(lambda data: ("blank", data)),
    ),
    min_size=1,
    max_size=8,
)


@settings(FUZZ, max_examples=25)
@given(drawn=lines, bom=st.booleans())
def test_every_line_of_any_batch_file_is_accounted_for_once(
    cli: InProcess,
    emulator: EmulatorServer,
    tmp_path_factory: pytest.TempPathFactory,
    drawn: list[tuple[str, bytes]],
    bom: bool,
) -> None:
    folder = tmp_path_factory.mktemp("batch")
    inputs = folder / "in.jsonl"
    inputs.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(data for _, data in drawn))
    expected = {
        kind: [n for n, (drawn_kind, _) in enumerate(drawn, 1) if drawn_kind == wanted]
        for kind, wanted in (("succeeded", "valid"), ("skipped", "invalid"))
    }
    before = emulator.stats().submits

    ran = cli("batch", TEXT_TO_IMAGE, str(inputs), "--out", str(folder / "out"), "--json")

    assert ran.code in (ExitCode.OK, ExitCode.INCOMPLETE, ExitCode.INVALID_INPUT), ran.stderr
    assert "Traceback" not in ran.output
    record = ran.json()
    found = {kind: [entry["line"] for entry in record.get(f"{kind}_lines", [])] for kind in KINDS}
    assert found["succeeded"] == expected["succeeded"], ran.stderr
    assert found["skipped"] == expected["skipped"], ran.stderr
    assert all(not found[kind] for kind in KINDS if kind not in expected), record
    assert emulator.stats().submits - before == len(expected["succeeded"])
