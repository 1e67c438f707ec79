"""The batch's pure decisions, each a table: what a journal state means and what happens next
(``plan``), the budget (``budget``), the throttle window (``throttle``) and prices
(``pricing``). No server, no clock of the machine."""

from __future__ import annotations

from typing import Any

import pytest

from runcomfy import REGISTRY
from runcomfy_runtime.batch.budget import Budget
from runcomfy_runtime.batch.plan import MEANINGS, Choices, decide, left
from runcomfy_runtime.batch.records import STATES, Entry, MemoryLedger, payload_digest
from runcomfy_runtime.batch.throttle import Window
from runcomfy_runtime.pricing import estimate
from runcomfy_runtime.schema.compile import compile_spec

DIGEST = "d" * 64
PLAIN = Choices()
BOTH = Choices(resubmit_ambiguous=True, retry_failed=True)
NO_FOLDER = Choices(save=False)


def entry(state: str | None, **fields: Any) -> Entry | None:
    if state is None:
        return None
    rid = fields.pop(
        "request_id", "rid" if state in ("submitted", "finished", "downloaded") else None
    )
    return Entry(1, fields.pop("digest", DIGEST), state, rid, **fields)  # type: ignore[arg-type]


# -- what happens next to a payload ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "choices", "attempted", "step", "kind"),
    [
        (None, PLAIN, False, "submit", None),
        ("submitting", PLAIN, False, "submit", None),  # its body never left: no job exists
        ("sent", PLAIN, False, "report", "ambiguous"),
        ("sent", BOTH, False, "submit", None),
        ("ambiguous", PLAIN, False, "report", "ambiguous"),
        ("ambiguous", BOTH, False, "submit", None),
        ("ambiguous", BOTH, True, "report", "ambiguous"),  # this run's own submit: no loop
        ("submitted", PLAIN, False, "wait", None),
        ("submitted", BOTH, False, "wait", None),  # a job exists: never submitted again
        ("finished", PLAIN, False, "download", None),
        ("finished", NO_FOLDER, False, "report", "succeeded"),
        ("downloaded", PLAIN, False, "report", "succeeded"),
        ("downloaded", BOTH, False, "report", "succeeded"),
        ("failed", PLAIN, False, "report", "failed"),
        ("failed", BOTH, False, "submit", None),
        ("failed", BOTH, True, "report", "failed"),
        ("submitting", PLAIN, True, "report", "not_started"),
    ],
)
def test_the_next_step_of_each_state(
    state: str | None, choices: Choices, attempted: bool, step: str, kind: str | None
) -> None:
    found = decide(entry(state), {DIGEST}, choices, attempted=attempted)
    assert (found.step, found.kind) == (step, kind)


def test_every_state_has_a_meaning() -> None:
    assert set(MEANINGS) == {None, *STATES}


@pytest.mark.parametrize("state", ["sent", "submitted", "downloaded", "failed"])
def test_a_payload_unlike_its_record_is_changed_whatever_its_state(state: str) -> None:
    found = decide(entry(state), {"other"}, BOTH)
    assert (found.step, found.kind) == ("report", "changed")
    assert "changed since it was submitted" in (found.reason or "")


def test_a_record_of_a_submit_that_never_left_is_no_payload_s_and_is_replaced() -> None:
    assert decide(entry("submitting"), {"other"}, PLAIN).step == "submit"


def test_any_of_a_payload_s_digests_is_its_own() -> None:
    assert decide(entry("downloaded"), {"text", DIGEST}, PLAIN).kind == "succeeded"


@pytest.mark.parametrize(
    ("state", "choices", "kind", "reason"),
    [
        (None, PLAIN, "not_started", None),
        ("submitting", PLAIN, "not_started", "its submit never left; the next run sends it"),
        ("sent", PLAIN, "ambiguous", "the run stopped during its submit: a job may exist"),
        ("submitted", PLAIN, "pending", None),
        ("finished", PLAIN, "pending", None),
        ("finished", NO_FOLDER, "succeeded", None),
        ("downloaded", PLAIN, "succeeded", None),
        ("failed", PLAIN, "failed", None),
    ],
)
def test_what_a_payload_left_behind_is(
    state: str | None, choices: Choices, kind: str, reason: str | None
) -> None:
    found = left(entry(state), choices)
    assert (found.kind, found.reason) == (kind, reason)


def test_a_recorded_error_is_the_reason_of_what_was_left() -> None:
    assert left(entry("ambiguous", error="answer lost"), PLAIN).reason == "answer lost"
    assert left(entry("failed", error="out of GPUs"), PLAIN).reason == "out of GPUs"


def test_the_memory_ledger_keeps_the_journal_s_rules() -> None:
    ledger = MemoryLedger()
    ledger.submitting(1, DIGEST, 1.5)
    ledger.unsent(1)  # never reached the server: forgotten
    assert ledger.entry(1) is None
    ledger.submitting(1, DIGEST, 1.5)
    ledger.sent(1)
    ledger.submitted(1, "rid")
    ledger.unsent(1)  # a job exists: never forgotten
    ledger.finished(1, {"image": "u"}, 1.25)
    found = ledger.entry(1)
    assert found is not None and (found.state, found.cost, found.estimate) == (
        "finished",
        1.25,
        1.5,
    )


def test_a_payload_s_digest_is_the_same_as_a_dict_or_as_a_line() -> None:
    from pathlib import Path

    a = payload_digest({"prompt": "x", "image_urls": [Path("a.png")]})
    assert a == payload_digest({"image_urls": ["a.png"], "prompt": "x"})
    assert a != payload_digest({"image_urls": ["b.png"], "prompt": "x"})


# -- the budget ------------------------------------------------------------------------------------


def test_without_a_cap_everything_goes() -> None:
    budget = Budget(None)
    assert [budget.admit(e) for e in (1e9, None)] == ["go", "go"]


def test_three_jobs_fit_a_cap_of_three_and_a_fourth_waits_then_stops() -> None:
    budget = Budget(5.25)
    held = [budget.start(1.75) for _ in range(3) if budget.admit(1.75) == "go"]
    assert len(held) == 3
    assert budget.admit(1.75) == "wait"  # jobs in flight might cost less
    for one in held:
        budget.settle(one, 1.75)
    assert budget.admit(1.75) == "stop"
    assert (budget.spent, budget.estimated) == (pytest.approx(5.25), pytest.approx(5.25))


def test_a_job_confirmed_cheaper_than_expected_leaves_room() -> None:
    budget = Budget(3.0)
    first = budget.start(2.0)
    assert budget.admit(2.0) == "wait"
    budget.settle(first, 0.5)
    assert budget.admit(2.0) == "go"


def test_a_cap_below_one_job_starts_nothing() -> None:
    assert Budget(1.0).admit(1.75) == "stop"


def test_a_job_without_an_estimate_runs_alone_until_its_cost_is_known() -> None:
    budget = Budget(10.0)
    assert budget.admit(None) == "go"
    first = budget.start(None)
    assert budget.admit(None) == "wait"
    assert budget.admit(1.0) == "wait"  # nothing starts beside a job of unknown cost
    budget.settle(first, 4.0)
    assert budget.learned == 4.0
    assert budget.admit(None) == "go"  # now priced at the cost learned: 8 <= 10
    budget.start(None)
    assert budget.admit(None) == "wait"
    assert budget.held == 4.0


def test_a_job_whose_cost_is_never_known_stops_a_capped_batch() -> None:
    budget = Budget(10.0)
    budget.settle(budget.start(None), None)
    assert budget.admit(1.0) == "stop"


def test_a_job_never_created_gives_its_hold_back() -> None:
    budget = Budget(2.0)
    budget.forfeit(budget.start(2.0))
    assert (budget.admit(2.0), budget.estimated, budget.spent) == ("go", 0.0, 0.0)


def test_a_job_that_may_exist_is_counted_at_its_estimate() -> None:
    budget = Budget(2.0)
    budget.settle(budget.start(1.5), None)  # ambiguous, or failed without a confirmed cost
    assert budget.spent == 1.5 and budget.admit(1.0) == "stop"


def test_a_resumed_batch_counts_what_it_spent_and_holds_what_is_in_flight() -> None:
    from runcomfy_runtime.batch.budget import resume

    budget = Budget(10.0)
    entries = [
        Entry(1, DIGEST, "downloaded", "r1", estimate=2.0, cost=1.5),  # confirmed
        Entry(2, DIGEST, "sent", estimate=2.0),  # may exist: counted as expected
        Entry(3, DIGEST, "submitted", "r3", estimate=2.0),  # in flight: held
        Entry(4, DIGEST, "submitting", estimate=2.0),  # never left: nothing
    ]
    assert resume(budget, entries) == {3: 2.0}
    assert (budget.spent, budget.held, budget.estimated) == (3.5, 2.0, 6.0)
    assert budget.admit(2.0) == "go" and budget.admit(4.6) == "wait"


def test_what_is_said_when_the_payloads_to_send_pass_the_cap() -> None:
    from runcomfy_runtime.batch.budget import over_cap

    assert over_cap(Budget(5.25), [1.75] * 3) is None
    assert "at most 3 will be sent" in (over_cap(Budget(5.25), [1.75] * 5) or "")
    assert "nothing is sent" in (over_cap(Budget(1.0), [1.75]) or "")


@pytest.mark.parametrize(
    ("cap", "estimates", "fits"),
    [(5.25, [1.75] * 5, 3), (1.0, [1.75], 0), (None, [1.75] * 5, 5), (9.0, [1.0, None, 5.0], 3)],
)
def test_how_many_payloads_fit(cap: float | None, estimates: list[float | None], fits: int) -> None:
    assert Budget(cap).fits(estimates) == fits


# -- the throttle window --------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_refusals_halve_the_window_once_per_cooldown_and_clean_answers_raise_it_by_one() -> None:
    """Growth counts clean answers since the last cut: refusals within a cooldown do not reset
    it, or a server refusing a share of all submits would pin the window at its floor."""
    clock = Clock()
    window = Window(64, cooldown=1.0, clock=clock)
    window.refused()
    window.refused(5)  # the same burst
    assert window.size == 32
    clock.now = 1.5
    window.refused()
    assert window.size == 16
    for _ in range(15):
        window.answered()
    assert window.size == 16
    window.answered()
    assert window.size == 17
    assert (window.seen.refused, window.seen.lowest, window.seen.throttled) == (7, 16, True)


@pytest.mark.parametrize(
    ("limit", "cuts", "size"), [(1, 3, 1), (8, 10, 1), (3, 1, 1), (64, 10, 8), (256, 2, 64)]
)
def test_the_window_never_falls_below_an_eighth_of_the_concurrency_or_one(
    limit: int, cuts: int, size: int
) -> None:
    clock = Clock()
    window = Window(limit, cooldown=0.0, clock=clock)
    for n in range(cuts):
        clock.now = n
        window.refused()
    assert window.size == size


def test_the_window_never_grows_past_the_concurrency() -> None:
    window = Window(2)
    for _ in range(10):
        window.answered()
    assert window.size == 2 and not window.seen.throttled


# -- prices ----------------------------------------------------------------------------------------


def spec_of(properties: dict[str, Any]) -> Any:
    return compile_spec("acme/m/x", {"type": "object", "properties": properties})


DURATION = {"duration": {"type": "integer", "enum": [5, 10], "default": 5}}
COUNT = {"num_images": {"type": "integer", "default": 2}}
PROMPT = {"prompt": {"type": "string"}}


@pytest.mark.parametrize(
    ("properties", "payload", "price", "unit", "usd", "basis"),
    [
        (DURATION, {"duration": 10}, 0.35, "second", 3.5, "10 s × $0.35 / second"),
        (DURATION, {}, 0.35, "second", 1.75, "5 s (its default) × $0.35 / second"),
        ({"duration": {"type": "string"}}, {"duration": "8s"}, 0.1, "second", 0.8, "8 s × $0.1"),
        ({"duration": {"type": "string"}}, {"duration": "auto"}, 0.1, "second", None, "'auto'"),
        (PROMPT, {}, 0.1, "second", None, "has no duration field"),
        ({"duration": {"type": "integer"}}, {}, 0.1, "second", None, "neither given nor"),
        (COUNT, {"num_images": 3}, 0.03, "image", 0.09, "3 (num_images) × $0.03 / image"),
        (COUNT, {}, 0.03, "output", 0.06, "2 (num_images)"),
        (PROMPT, {}, 0.5, "request", 0.5, "1 × $0.5 / request"),
        (PROMPT, {}, 0.5, "token", None, "a unit this client cannot count"),
        (PROMPT, {}, None, None, None, "gives no price"),
    ],
)
def test_an_estimate_is_the_price_times_what_the_payload_asks_or_says_why_not(
    properties: dict[str, Any],
    payload: dict[str, Any],
    price: float | None,
    unit: str | None,
    usd: float | None,
    basis: str,
) -> None:
    found = estimate(spec_of(properties), payload, price, unit)
    assert found.usd == (pytest.approx(usd) if usd is not None else None)
    assert basis in found.basis
    assert str(found).startswith("no estimate" if usd is None else "$")


def test_a_generated_model_is_priced_from_its_schema() -> None:
    spec = REGISTRY["bytedance/dreamina-4-0/text-to-image"]
    assert estimate(spec, {"prompt": "x"}, 0.03, "image").usd == pytest.approx(0.03)
