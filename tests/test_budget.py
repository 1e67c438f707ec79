"""Prices and budgets against the emulator's catalog, which charges as it prices: a model priced
per second (``acme/clipper-1/text-to-video``, $0.08 / second), payloads of 5 s ($0.40 each).

A kill and rerun under a cap is in ``test_map_process.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY, RunComfy
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.helpers import InProcess, lines_of

CATALOG = Path(__file__).resolve().parent.parent / "examples" / "catalog.json"
PER_SECOND = "acme/clipper-1/text-to-video"  # $0.08 / second
UNPRICED = "vertex-labs/seedance-2.5/text-to-video"  # per second, its duration "auto" by default
ONE = 0.40  # 5 s at $0.08


@pytest.fixture
def emulator() -> Iterator[EmulatorServer]:  # conftest's `cli` runs against this one
    with EmulatorServer(REGISTRY, catalog=CATALOG, queue_seconds=0.05, run_seconds=0.1) as server:
        yield server


@pytest.fixture
def client(emulator: EmulatorServer) -> Iterator[RunComfy]:
    with RunComfy(api_token=emulator.token, base_url=emulator.url) as made:
        yield made


def clips(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"prompt": f"clip {n}", "duration": 5, **fields} for n in range(count)]


def jsonl(path: Path, payloads: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(p) + "\n" for p in payloads), encoding="utf-8")
    return path


def test_an_estimate_is_the_price_times_the_seconds(client: RunComfy) -> None:
    assert client.estimate(PER_SECOND, {"prompt": "x", "duration": 10}).usd == pytest.approx(0.8)
    found = client.estimate(PER_SECOND, {"prompt": "x"})  # its documented default: 5 s
    assert str(found) == "$0.40 (5 s (its default) × $0.08 / second)"
    unknown = client.estimate(UNPRICED, {"prompt": "x"})
    assert unknown.usd is None and "'auto' is not a number of seconds" in unknown.basis


def test_a_cap_of_three_payloads_lets_exactly_three_through(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    run = client.map(PER_SECOND, clips(5), max_cost=3 * ONE, concurrency=5)
    outcomes = list(run)
    assert Counter(o.kind for o in outcomes) == {"succeeded": 3, "over_budget": 2}
    assert emulator.stats().jobs_created == 3
    assert sorted(o.index for o in outcomes if o.ok) == [0, 1, 2]  # in order: the first three
    assert run.totals.charged == pytest.approx(3 * ONE)
    assert run.totals.estimated == pytest.approx(3 * ONE)
    assert sum(o.cost or 0 for o in outcomes) == pytest.approx(3 * ONE)
    refused = [o for o in outcomes if o.kind == "over_budget"]
    assert all("would pass max_cost $1.20" in (o.reason or "") for o in refused)


def test_a_cap_below_one_payload_starts_nothing(emulator: EmulatorServer, client: RunComfy) -> None:
    outcomes = list(client.map(PER_SECOND, clips(3), max_cost=ONE - 0.01))
    assert [o.kind for o in outcomes] == ["over_budget"] * 3
    assert emulator.stats().submits == 0


def test_a_model_with_no_estimate_runs_one_job_at_a_time_until_its_first_cost(
    emulator: EmulatorServer, client: RunComfy
) -> None:
    # The emulator charges a job it cannot price its base price once: $0.12. A cap of $0.30:
    # the first runs alone, then each is expected to cost what the first did: 2 fit.
    run = client.map(UNPRICED, clips(5, duration="auto"), max_cost=0.30, concurrency=5)
    outcomes = list(run)
    assert Counter(o.kind for o in outcomes) == {"succeeded": 2, "over_budget": 3}
    assert emulator.stats().jobs_created == 2
    first, second = sorted(
        (emulator.emulator.jobs.snapshot(o.request_id or "") for o in outcomes if o.ok),
        key=lambda snap: snap.job.created if snap else 0,
    )
    assert first is not None and second is not None
    assert first.finished is not None and second.job.created >= first.finished  # alone
    assert run.totals.charged == pytest.approx(0.24)


def test_the_cli_batch_keeps_its_cap_and_says_its_totals(
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    inputs = jsonl(tmp_path / "in.jsonl", clips(5))
    out = tmp_path / "out"
    ran = cli("batch", PER_SECOND, str(inputs), "--out", str(out), "--max-cost", "1.20", "--json")
    assert ran.code == ExitCode.INCOMPLETE, ran.stderr
    record = ran.json()
    assert (record["succeeded"], record["over_budget"]) == (3, 2)
    assert lines_of(record, "over_budget") == [4, 5]
    assert record["charged_usd"] == pytest.approx(1.2)
    assert record["estimated_usd"] == pytest.approx(1.2)
    assert record["max_cost_usd"] == 1.2
    assert "at most 3 will be sent" in ran.stderr
    assert emulator.stats().jobs_created == 3
    again = cli("batch", PER_SECOND, str(inputs), "--out", str(out), "--max-cost", "2.00")
    assert again.code == ExitCode.OK, again.stderr  # the journal kept count: two more fit
    assert "charged $2.00, estimated $2.00 (max_cost $2.00)" in again.stdout
    assert emulator.stats().jobs_created == 5


def test_a_cli_batch_dry_run_prints_the_estimate_and_creates_nothing(
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    payloads = [*clips(2), {"prompt": "long", "duration": 10}, {"prompt": "x", "duration": 7}]
    inputs = jsonl(tmp_path / "in.jsonl", payloads)
    out = tmp_path / "out"
    ran = cli("batch", PER_SECOND, str(inputs), "--out", str(out), "--dry-run")
    assert ran.code == ExitCode.INCOMPLETE, ran.stderr  # line 4 is invalid: 7 s is no choice
    assert "line 1: $0.40 (5 s × $0.08 / second)" in ran.stdout
    assert "line 3: $0.80 (10 s × $0.08 / second)" in ran.stdout
    assert "estimated total: $1.60 for 3 lines" in ran.stdout
    assert "line 4" in ran.stdout and "must be one of" in ran.stdout
    assert emulator.stats().submits == 0
    assert not out.exists()
    as_json = cli("batch", PER_SECOND, str(inputs), "--out", str(out), "--dry-run", "--json")
    record = as_json.json()
    assert record["dry_run"] is True and record["estimated_usd"] == pytest.approx(1.6)
    assert [o["estimate_usd"] for o in record["not_started_lines"]] == [0.4, 0.4, 0.8]


def test_run_dry_run_prints_the_estimate_and_sends_nothing(
    emulator: EmulatorServer, cli: InProcess
) -> None:
    ran = cli("run", PER_SECOND, "--prompt", "x", "--duration", "10", "--dry-run", "--json")
    assert ran.code == ExitCode.OK, ran.stderr
    assert ran.json()["estimate_usd"] == pytest.approx(0.8)
    text = cli("run", PER_SECOND, "--prompt", "x", "--dry-run")
    assert "$0.40 (5 s (its default) × $0.08 / second); dry run: nothing was sent" in text.stdout
    assert emulator.stats().submits == 0


def test_run_over_its_max_cost_sends_nothing_and_says_the_figures(
    emulator: EmulatorServer, cli: InProcess, tmp_path: Path
) -> None:
    ran = cli("run", PER_SECOND, "--prompt", "x", "--duration", "10", "--max-cost", "0.5")
    assert ran.code == ExitCode.OVER_BUDGET
    assert "estimated at $0.80 (10 s × $0.08 / second), above --max-cost $0.50" in ran.stderr
    assert emulator.stats().submits == 0
    within = cli("run", PER_SECOND, "--prompt", "x", "--max-cost", "0.5", "--no-download", "--json")
    assert within.code == ExitCode.OK, within.stderr
    assert within.json()["cost"] == pytest.approx(ONE)
