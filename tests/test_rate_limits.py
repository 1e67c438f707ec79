"""Rate limits met as a whole: one limiter per client, a 429 slows every call of it, every
``Retry-After`` is jittered and has a floor, and a submit waits for its slot (a 429 proves the
server did nothing) instead of failing after four tries.

The limiter's decisions are stepped on a fake clock; the behaviour over the wire against
loopback servers (the emulator, and a server of the test's own that notes when each request
arrived)."""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest

from runcomfy import AsyncRunComfy, RateLimiter, RateLimitError, RunComfy, Throttle
from runcomfy_emulator import EmulatorServer
from runcomfy_emulator.faults import FaultBook, parse_faults
from runcomfy_runtime import constants
from runcomfy_runtime.calls import Call
from runcomfy_runtime.polling import PollPolicy
from runcomfy_runtime.retry import RetryPolicy
from tests.hostile import HostileServer, Request, as_json, head

T2I = "bytedance/dreamina-4-0/text-to-image"
FAST_RETRY = RetryPolicy(max_retries=4, base_delay=0.01, max_delay=0.05)
FAST_POLL = PollPolicy(min_interval=0.05, proportion=0.1, max_interval=0.2)
EMULATOR_JOBS = (0.05, 0.1)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def limiter(clock: FakeClock, rng: float = 0.0) -> RateLimiter:
    return RateLimiter(floor=0.5, jitter=0.5, min_rate=1.0, recovery=10.0, clock=clock,
                       rng=lambda: rng)  # fmt: skip


# -- the limiter's decisions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("retry_after", "rng", "expected"),
    [
        (0.0, 0.0, 0.5),  # Retry-After: 0 has a floor: never "at once"
        (0.0, 1.0, 0.75),
        (None, 0.0, 0.5),  # no Retry-After: the call's own backoff, floored (0.2 here)
        (1.0, 0.0, 1.0),
        (1.0, 1.0, 1.5),  # jittered: up to half as long again
        (3.0, 0.5, 3.75),
    ],
)
def test_every_retry_after_is_jittered_and_floored(
    retry_after: float | None, rng: float, expected: float
) -> None:
    clock = FakeClock()
    assert limiter(clock, rng).refused(retry_after, sent_at=clock.now, backoff=0.2) == expected


def test_a_429_closes_the_gate_for_every_call_of_the_client() -> None:
    clock = FakeClock()
    shared = limiter(clock)
    assert shared.admit() == (0.0, clock.now)  # open: send now
    shared.refused(2.0, sent_at=clock.now, backoff=0.1)
    clock.now += 0.5
    wait, at = shared.admit()  # another call, which met no 429 itself
    assert wait == pytest.approx(1.5) and at == pytest.approx(102.0)


def test_after_a_429_requests_are_paced_at_half_the_rate_asked() -> None:
    clock = FakeClock()
    shared = limiter(clock)
    for _ in range(40):  # 40 requests in the last second
        shared.admit()
        clock.now += 0.02
    shared.refused(0.0, sent_at=clock.now - 0.02, backoff=0.1)
    state = shared.state()
    assert state.limited and state.rate == pytest.approx(20.0)  # half of what was asked
    slots = [shared.admit()[1] for _ in range(5)]
    gaps = [b - a for a, b in itertools.pairwise(slots)]
    assert slots[0] >= state.open_at
    assert gaps == pytest.approx([1 / 20] * 4)  # one slot after another, not a burst


def test_the_pace_is_cut_once_per_round_of_requests() -> None:
    clock = FakeClock()
    shared = limiter(clock)
    for _ in range(40):
        shared.admit()
        clock.now += 0.02
    sent = clock.now - 0.5
    for _ in range(30):  # thirty calls in flight refused together: one cut, not thirty
        shared.refused(0.0, sent_at=sent, backoff=0.1)
    assert shared.state().rate == pytest.approx(20.0)
    _, later = shared.admit()  # sent after the cut, refused while the window still counts
    shared.refused(0.0, sent_at=later, backoff=0.1)  # the requests that caused it: no cut
    assert shared.state().rate == pytest.approx(20.0)
    clock.now += constants.RATE_LIMIT_ROUND
    _, later = shared.admit()  # a round later: a second cut, of the pace grown since
    shared.refused(0.0, sent_at=later, backoff=0.1)
    grown = 20.0 * (1 + constants.RATE_LIMIT_GROWTH * constants.RATE_LIMIT_ROUND)
    assert shared.state().rate == pytest.approx(grown / 2)


def demand(
    shared: RateLimiter, clock: FakeClock, seconds: float, refuse: Callable[[int], bool]
) -> int:
    """Calls asking 80 times a second for ``seconds``, each sent at its slot and answered at
    once, refused with 429 (``Retry-After: 0``) where ``refuse(n)`` says; the number sent."""
    end, sent = clock.now + seconds, 0
    while clock.now < end:
        _, at = shared.admit()
        clock.now = max(clock.now, at)  # the call waits for its slot
        if refuse(sent):
            shared.refused(0.0, sent_at=at, backoff=0.1)
        sent += 1
        clock.now += 1 / 80
    return sent


def test_under_a_quota_the_pace_is_cut_until_it_fits() -> None:
    clock = FakeClock()
    shared = RateLimiter(floor=0.01, jitter=0.0, min_rate=1.0, clock=clock)
    window: list[float] = []

    def quota(_: int) -> bool:  # 12 a second through, in a sliding second
        while window and window[0] <= clock.now - 1.0:
            window.pop(0)
        if len(window) >= 12:
            return True
        window.append(clock.now)
        return False

    demand(shared, clock, 1.0, lambda n: False)
    sent = [demand(shared, clock, 1.0, quota) for _ in range(8)]
    assert shared.state().limited and shared.state().rate is not None  # paced, never lifted
    assert sent[-1] < 30 < sent[0]  # the pace fell towards the quota


def test_a_server_refusing_a_share_whatever_the_pace_is_not_paced_into_a_crawl() -> None:
    clock = FakeClock()
    shared = RateLimiter(floor=0.01, jitter=0.0, min_rate=1.0, clock=clock)
    demand(shared, clock, 1.0, lambda n: False)
    sent = [demand(shared, clock, 1.0, lambda n: n % 2 == 1) for _ in range(8)]
    assert shared.state().rate is None  # cut, judged no help, lifted; the gate still holds
    assert min(sent) < 60 and sent[-1] >= 70  # back to what the calls ask (80 a second)
    clock.now += constants.RATE_LIMIT_RECOVERY + 1  # the limit lifted; a new one is judged anew
    demand(shared, clock, 1.0, lambda n: n % 2 == 1)
    assert shared.state().rate is not None


def test_the_pace_grows_with_time_and_quiet_lifts_it() -> None:
    clock = FakeClock()
    shared = limiter(clock)
    shared.admit()
    shared.refused(1.0, sent_at=clock.now, backoff=0.1)
    assert shared.state().rate == 1.0  # min_rate: one request asked in the last second
    clock.now += 2.0
    assert shared.state().rate == pytest.approx(1.0 * (1 + constants.RATE_LIMIT_GROWTH * 2))
    clock.now += 8.5
    assert shared.state() == Throttle(limited=False, rate=None, open_at=101.0, refusals=1)
    assert shared.admit() == (0.0, clock.now)


def test_subscribers_hear_every_429_with_the_state() -> None:
    clock = FakeClock()
    shared = limiter(clock)
    heard: list[Throttle] = []
    unsubscribe = shared.subscribe(heard.append)
    shared.refused(1.0, sent_at=clock.now, backoff=0.1)
    shared.refused(1.0, sent_at=clock.now, backoff=0.1)
    unsubscribe()
    shared.refused(1.0, sent_at=clock.now, backoff=0.1)
    assert [t.refusals for t in heard] == [1, 2] and all(t.limited for t in heard)


def test_impossible_limiter_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="floor > 0"):
        RateLimiter(floor=0)


def test_the_emulators_quota_refuses_what_exceeds_its_rate_in_a_sliding_second() -> None:
    clock = FakeClock()
    book = FaultBook(clock=clock)
    (quota,) = parse_faults("*:quota=3/2x100")
    assert (quota.per_second, quota.retry_after, quota.count) == (3, 2, 100)
    book.add(quota)
    fired = []
    for _ in range(5):
        fired.append(book.take("status") is not None)
        clock.now += 0.1
    assert fired == [False, False, False, True, True]
    clock.now += 0.55  # the first request left the window: one more fits
    assert book.take("submit") is None
    assert book.take("submit") is not None


# -- over the wire -------------------------------------------------------------------------------


@pytest.fixture
def arrivals() -> Iterator[tuple[HostileServer, list[float]]]:
    """A server answering each status request 429 (``Retry-After: 0``) three times, then 200;
    the arrival time of every request is noted."""
    times: list[float] = []
    lock = threading.Lock()

    def behave(conn: object, request: Request, stop: threading.Event) -> None:
        with lock:
            times.append(time.monotonic())
            count = len(times)
        if count <= 3:
            body = b'{"error_message": "slow down"}'
            conn.sendall(  # type: ignore[attr-defined]
                head(429, {"Retry-After": "0", "Content-Length": str(len(body))}) + body
            )
        else:
            as_json(200, {"request_id": "r1", "status": "in_progress"})(conn, request, stop)  # type: ignore[arg-type]

    with HostileServer() as server:
        server.routes["/v1/requests/r1/status"] = behave
        yield server, times


def test_retry_after_zero_is_not_four_attempts_back_to_back(
    arrivals: tuple[HostileServer, list[float]],
) -> None:
    server, times = arrivals
    with RunComfy(api_token="t", base_url=server.url) as client:
        assert client.job("r1").status().state == "in_progress"
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) == 4
    assert min(gaps) >= constants.RATE_LIMIT_FLOOR * 0.95, gaps


def test_a_429_met_by_one_call_holds_back_the_clients_other_calls(
    arrivals: tuple[HostileServer, list[float]],
) -> None:
    server, times = arrivals
    server.routes["/v1/requests/r2/status"] = as_json(200, {"request_id": "r2", "status": "x"})
    paced = RateLimiter(min_rate=20.0)  # the default gate; a pace that keeps the test short
    with RunComfy(api_token="t", base_url=server.url, rate_limiter=paced) as client:
        first = threading.Thread(target=lambda: client.job("r1").status())
        first.start()
        while not client.rate_limiter.state().refusals:  # the first 429 is in
            time.sleep(0.005)
        refused_at = times[0]
        client.job("r2").status()  # never refused itself, but its client was
        asked_r2 = time.monotonic()
        first.join()
    assert asked_r2 - refused_at >= constants.RATE_LIMIT_FLOOR * 0.95


def test_a_submit_waits_out_more_429s_than_its_retries_and_creates_one_job(
    emulator: EmulatorServer,
) -> None:
    emulator.add_faults("submit:rate_limit=0x6")  # more 429s than max_retries=4 allows
    quick = RateLimiter(floor=0.02, jitter=0.5, min_rate=20.0)
    with RunComfy(api_token=emulator.token, base_url=emulator.url, retry=FAST_RETRY,
                  poll=FAST_POLL, rate_limiter=quick) as client:  # fmt: skip
        result = client.run(T2I, {"prompt": "p"}, validate="off")
    assert result.status == "succeeded"
    stats = emulator.stats()
    assert stats.submits == 7 and stats.jobs_created == 1
    assert quick.state().refusals == 6


def test_a_call_gives_up_once_its_rate_limit_wait_is_spent(emulator: EmulatorServer) -> None:
    emulator.add_faults("submit:rate_limit=0x50")
    patience = RetryPolicy(max_retries=4, base_delay=0.01, max_delay=0.05, rate_limit_wait=0.3)
    quick = RateLimiter(floor=0.05, jitter=0.0)
    with RunComfy(api_token=emulator.token, base_url=emulator.url, retry=patience,
                  rate_limiter=quick) as client:  # fmt: skip
        with pytest.raises(RateLimitError):
            client.submit(T2I, {"prompt": "p"}, validate="off")
    assert emulator.stats().jobs_created == 0


async def test_concurrent_async_calls_share_the_limiter_and_every_line_is_done(
    emulator: EmulatorServer,
) -> None:
    emulator.add_faults('{"kind": "quota", "route": "*", "count": 100000, "per_second": 30,'
                        ' "retry_after": 0}')  # fmt: skip
    quick = RateLimiter(floor=0.05, jitter=0.5)
    heard: list[Throttle] = []
    quick.subscribe(heard.append)
    async with AsyncRunComfy(api_token=emulator.token, base_url=emulator.url, retry=FAST_RETRY,
                             poll=FAST_POLL, rate_limiter=quick) as client:  # fmt: skip
        gate = asyncio.Semaphore(12)

        async def line(n: int) -> str:
            async with gate:
                return (await client.run(T2I, {"prompt": f"p{n}"}, validate="off")).status

        done = await asyncio.gather(*(line(n) for n in range(16)))
    assert done == ["succeeded"] * 16
    assert emulator.stats().jobs_created == 16
    assert heard and heard[-1].refusals == len(heard)


def _submit_call(limiter: RateLimiter, cap: float) -> Call:
    return Call(
        "POST",
        "https://api.example/v1/models/x",
        kind="submit",
        headers={},
        retry=RetryPolicy(retry_after_cap=cap),
        timeout=httpx.Timeout(5.0),
        origin=("https", "api.example", 443),
        limiter=limiter,
    )


def test_a_submit_waits_for_a_slot_paced_beyond_the_cap_but_not_for_a_gate_beyond_it() -> None:
    paced = RateLimiter(floor=0.01, jitter=0.0, min_rate=0.5)
    _, at = paced.admit()
    paced.refused(0.0, sent_at=at, backoff=0.01)  # one request asked: paced at 0.5 a second
    for _ in range(3):
        paced.admit()  # three calls ahead of this one
    assert _submit_call(paced, cap=1.0).pause() > 1.0  # its slot, past the cap: it waits
    gated = RateLimiter(jitter=0.0)
    _, at = gated.admit()
    gated.refused(30.0, sent_at=at, backoff=0.01)  # the server said: not for 30 s
    with pytest.raises(RateLimitError, match="retry_after_cap=1s"):
        _submit_call(gated, cap=1.0).pause()
