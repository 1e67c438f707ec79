"""``client.map`` and ``aclient.map`` against the emulator: an outcome per payload, in completion
order, failures as outcomes, the CLI batch's journal with ``out=``, nothing on disk without it.

Killed processes are in ``test_map_process.py``; budgets in ``test_budget.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from runcomfy import AsyncRunComfy, RunComfy
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.batch.outcomes import Outcome
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    BatchFolderError,
    InputValidationError,
    JobFailed,
)
from tests.conftest import QUICK_JOBS
from tests.helpers import SIZE, TEXT_TO_IMAGE, InProcess, journal, lines_of, saved_files

EMULATOR_JOBS = QUICK_JOBS

MODEL = TEXT_TO_IMAGE
BROKEN = {3: {"prompt": "x", "width×height": "2048x2048"}, 17: {"width×height": SIZE}, 30: {}}


def payloads(count: int, broken: dict[int, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    found = [{"prompt": f"prompt {n + 1}", "width×height": SIZE} for n in range(count)]
    for index, payload in (broken or {}).items():
        found[index] = payload
    return found


@pytest.fixture
def client(emulator: EmulatorServer) -> Any:
    with RunComfy(api_token=emulator.token, base_url=emulator.url) as made:
        yield made


def kinds(outcomes: list[Outcome[Any, Any]]) -> Counter[str]:
    return Counter(o.kind for o in outcomes)


# -- an outcome per payload ------------------------------------------------------------------------


def test_map_over_40_payloads_3_invalid_gives_37_results_3_errors_and_37_jobs(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    given = payloads(40, BROKEN)
    outcomes = list(client.map(MODEL, given, concurrency=8))
    assert kinds(outcomes) == {"succeeded": 37, "skipped": 3}
    assert emulator.stats().jobs_created == 37
    assert sorted(o.index for o in outcomes) == list(range(40))
    for outcome in outcomes:
        assert outcome.payload is given[outcome.index]  # the payload as given, not a copy
        if outcome.ok:
            assert outcome.result is not None and outcome.result.urls
            assert outcome.request_id == outcome.result.request_id
        else:
            assert isinstance(outcome.error, InputValidationError)
            assert outcome.request_id is None and outcome.result is None
    invalid = [o for o in outcomes if not o.ok]
    assert [o.index for o in invalid] == [3, 17, 30]  # reported first, before any job
    assert "did you mean '2048x2048(1:1)'?" in (invalid[0].reason or "")
    assert "prompt: is required" in (invalid[1].reason or "")


def test_the_async_twin_gives_the_same(emulator: EmulatorServer) -> None:
    async def run() -> list[Outcome[Any, Any]]:
        async with AsyncRunComfy(api_token=emulator.token, base_url=emulator.url) as aclient:
            return [o async for o in aclient.map(MODEL, payloads(40, BROKEN), concurrency=8)]

    outcomes = asyncio.run(run())
    assert kinds(outcomes) == {"succeeded": 37, "skipped": 3}
    assert emulator.stats().jobs_created == 37
    assert sorted(o.index for o in outcomes) == list(range(40))


def test_outcomes_come_in_completion_order(emulator: EmulatorServer, client: RunComfy) -> None:
    emulator.add_fault("delay", "submit", count=1, seconds=1.0)  # the first payload's submit
    outcomes = list(client.map(MODEL, payloads(4), concurrency=4))
    assert outcomes[-1].index == 0
    assert all(o.ok for o in outcomes)


def test_a_failed_job_and_a_lost_answer_are_outcomes_not_exceptions(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    emulator.add_fault("drop_after", "submit")  # the job exists, its answer never arrives
    emulator.add_fault("job_failed", "submit", count=2, message="out of GPUs")  # jobs 1 and 2
    outcomes = {o.index: o for o in client.map(MODEL, payloads(4), concurrency=1)}
    assert isinstance(outcomes[0].error, AmbiguousSubmitError) and outcomes[0].kind == "ambiguous"
    assert isinstance(outcomes[1].error, JobFailed) and outcomes[1].kind == "failed"
    assert outcomes[1].request_id and "out of GPUs" in (outcomes[1].reason or "")
    assert [outcomes[i].kind for i in (2, 3)] == ["succeeded", "succeeded"]
    assert emulator.stats().jobs_created == 4  # the lost one was never sent again


def test_a_typed_endpoint_maps_to_typed_results(emulator: EmulatorServer, client: RunComfy) -> None:
    endpoint = client.bytedance.dreamina_4_0.text_to_image
    outcomes = list(endpoint.map(payloads(3), concurrency=3))
    assert [o.kind for o in outcomes] == ["succeeded"] * 3
    result = outcomes[0].result
    assert result is not None
    assert type(result.output).__name__ == "TextToImageOutput"
    assert result.output.image == result.urls[0]


def test_a_payload_that_is_no_mapping_or_no_json_is_its_own_outcome(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    given: list[Any] = [["not", "a", "dict"], {"prompt": {1, 2}}, payloads(1)[0]]
    outcomes = {o.index: o for o in client.map(MODEL, given)}
    assert outcomes[0].kind == "skipped" and "a mapping" in (outcomes[0].reason or "")
    assert outcomes[1].kind == "skipped" and "JSON" in (outcomes[1].reason or "")
    assert outcomes[0].payload is given[0]
    assert outcomes[2].ok
    assert emulator.stats().jobs_created == 1


def test_a_run_is_iterated_once(emulator: EmulatorServer, client: RunComfy) -> None:
    run = client.map(MODEL, payloads(1))
    assert len(list(run)) == 1
    with pytest.raises(RuntimeError, match="iterated once"):
        list(run)
    assert emulator.stats().jobs_created == 1


def test_bad_settings_are_refused_when_map_is_called(client: RunComfy) -> None:
    for bad, message in (
        ({"concurrency": 0}, "concurrency must be from 1"),
        ({"max_cost": -1}, "max_cost must be"),
        ({"timeout": 0}, "timeout must be"),
    ):
        with pytest.raises(ValueError, match=message):
            client.map(MODEL, [], **bad)


def test_an_unknown_model_is_raised_before_anything(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    from runcomfy_runtime.errors import UnknownModelError

    with pytest.raises(UnknownModelError):
        list(client.map("acme/nothing/here", payloads(2)))
    assert emulator.stats().submits == 0


def test_closing_a_run_early_sends_nothing_more(emulator: EmulatorServer, client: RunComfy) -> None:
    emulator.reset(queue_seconds=0.05, run_seconds=0.5)
    with client.map(MODEL, payloads(30), concurrency=2) as run:
        first = next(iter(run))
    assert first.ok
    created = emulator.stats().jobs_created
    assert created <= 6  # the two in flight and the next two at most, never the thirty
    assert not run.totals.throttling.throttled


# -- nothing on disk without out=, the CLI's journal with it --------------------------------------


def test_without_out_nothing_touches_the_disk(
    emulator: EmulatorServer, client: RunComfy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    outcomes = list(client.map(MODEL, payloads(3)))
    assert all(o.ok and not o.paths for o in outcomes)
    assert list(tmp_path.iterdir()) == []


def test_with_out_outputs_are_saved_and_a_rerun_sends_and_fetches_nothing(
    emulator: EmulatorServer, client: RunComfy, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = list(client.map(MODEL, payloads(5), out=out))
    assert all(o.ok for o in first)
    for outcome in first:
        assert outcome.paths and outcome.paths[0].parent == out / f"{outcome.line:06d}"
    files, before = saved_files(out), emulator.stats()
    again = list(client.map(MODEL, payloads(5), out=out))
    assert sorted(o.kind for o in again) == ["succeeded"] * 5
    assert {o.index: o.request_id for o in again} == {o.index: o.request_id for o in first}
    assert again[0].result is not None and again[0].result.urls  # rebuilt from the journal
    assert emulator.stats().jobs_created == before.jobs_created
    assert saved_files(out) == files


def write_jsonl(path: Path, given: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in given), encoding="utf-8")
    return path


def test_a_map_and_a_cli_batch_on_one_folder_are_one_batch(
    emulator: EmulatorServer, client: RunComfy, cli: InProcess, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    given = payloads(6)
    done = list(client.map(MODEL, given[:3], out=out))  # the first half from Python
    assert all(o.ok for o in done)
    inputs = write_jsonl(tmp_path / "in.jsonl", given)
    ran = cli("batch", MODEL, str(inputs), "--out", str(out), "--json")
    assert ran.code == ExitCode.OK, ran.stderr
    assert lines_of(ran.json(), "succeeded") == [1, 2, 3, 4, 5, 6]
    assert emulator.stats().jobs_created == 6  # the CLI sent only the three left
    rows = journal(out)
    assert {line: rid for line, (_, rid) in rows.items() if line <= 3} == {
        o.line: o.request_id for o in done
    }
    again = list(client.map(MODEL, given, out=out))  # and back: nothing to send
    assert all(o.ok for o in again) and emulator.stats().jobs_created == 6


def test_a_python_name_in_a_line_is_the_same_payload_as_its_wire_name(
    emulator: EmulatorServer, client: RunComfy, cli: InProcess, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert all(o.ok for o in client.map(MODEL, payloads(2), out=out))
    lines = [{"prompt": f"prompt {n}", "width_height": SIZE} for n in (1, 2)]
    ran = cli("batch", MODEL, str(write_jsonl(tmp_path / "in.jsonl", lines)), "--out", str(out))
    assert ran.code == ExitCode.OK, ran.output
    assert emulator.stats().jobs_created == 2


def test_a_payload_changed_since_its_submit_is_reported_not_sent(
    emulator: EmulatorServer, client: RunComfy, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert all(o.ok for o in client.map(MODEL, payloads(2), out=out))
    edited = payloads(2)
    edited[1]["prompt"] = "edited"
    found = {o.index: o for o in client.map(MODEL, edited, out=out)}
    assert found[1].kind == "changed" and "use a new out= for new input" in (found[1].reason or "")
    assert found[0].ok and emulator.stats().jobs_created == 2


def test_two_runs_on_one_folder_cannot_run_at_once(
    emulator: EmulatorServer, client: RunComfy, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    emulator.reset(queue_seconds=0.05, run_seconds=0.5)
    with client.map(MODEL, payloads(4), out=out, concurrency=1) as first:
        next(iter(first))
        with pytest.raises(BatchFolderError, match="another batch is running") as refused:
            list(client.map(MODEL, payloads(4), out=out))
        assert refused.value.reason == "locked" and f"pid {os.getpid()}" in str(refused.value)


def test_an_ambiguous_payload_is_reported_again_and_resent_only_when_asked(
    emulator: EmulatorServer, client: RunComfy, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    emulator.add_fault("drop_after", "submit")
    first = {o.index: o.kind for o in client.map(MODEL, payloads(2), out=out, concurrency=1)}
    assert first == {0: "ambiguous", 1: "succeeded"}
    again = {o.index: o for o in client.map(MODEL, payloads(2), out=out)}
    assert again[0].kind == "ambiguous" and isinstance(again[0].error, AmbiguousSubmitError)
    assert emulator.stats().submits == 2
    resent = {o.index: o.kind for o in client.map(MODEL, payloads(2), out=out,
                                                    resubmit_ambiguous=True)}  # fmt: skip
    assert resent == {0: "succeeded", 1: "succeeded"}
    assert emulator.stats().submits == 3


# -- estimates ------------------------------------------------------------------------------------


def test_an_estimate_is_the_catalog_s_price_for_the_payload(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    found = client.estimate(MODEL, {"prompt": "x"})
    assert found.usd == pytest.approx(0.03)  # the emulator's made-up price: $0.03 / image
    assert str(found) == "$0.03 (1 × $0.03 / image)"
    assert client.bytedance.dreamina_4_0.text_to_image.estimate({"prompt": "x"}).usd == found.usd
    with pytest.raises(InputValidationError):
        client.estimate(MODEL, {"prompt": "x", "width×height": "bad"})
    assert emulator.stats().submits == 0
