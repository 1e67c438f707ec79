"""One sync client shared by threads, and the twins' one surface.

A client is never changed by a call: 16 threads running jobs through one client against the
emulator (whose status route fails now and then) each get their own result, while other
threads make calls with other policies through ``with_options`` (the command line's first
request, without retries): the shared client keeps its retry policy throughout. The sync and
async twins show each public method's one docstring.
"""

from __future__ import annotations

import inspect
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from runcomfy import AsyncJob, AsyncRunComfy, Job, RunComfy
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.polling import PollPolicy
from runcomfy_runtime.retry import RetryPolicy

T2I = "bytedance/dreamina-4-0/text-to-image"
EMULATOR_JOBS = (0.05, 0.2)
RETRY = RetryPolicy(max_retries=6, base_delay=0.01, max_delay=0.05)
NO_RETRIES = RetryPolicy(max_retries=0)


def test_a_client_shared_by_16_threads_gives_each_its_own_result_and_keeps_its_policy(
    emulator: EmulatorServer,
) -> None:
    poll = PollPolicy(min_interval=0.05, proportion=0.1, max_interval=0.2)
    emulator.add_faults("status:server_error=503x12,result:server_error=502x4")
    stop = threading.Event()
    with RunComfy(api_token=emulator.token, base_url=emulator.url, retry=RETRY,
                  poll=poll) as client:  # fmt: skip

        def job(n: int) -> tuple[str, str]:
            result = client.run(T2I, {"prompt": f"thread {n}"}, validate="schema", timeout=60)
            return result.request_id, result.status

        def first_requests() -> int:
            made = 0
            while not stop.is_set():  # what the CLI does beside: a call with no retries
                client.with_options(retry=NO_RETRIES).categories()
                made += 1
            return made

        with ThreadPoolExecutor(max_workers=18) as pool:
            others = [pool.submit(first_requests) for _ in range(2)]
            results = list(pool.map(job, range(16)))
            stop.set()
            made = sum(f.result() for f in others)
        assert client.retry is RETRY  # never swapped, not even for a moment
    ids = [rid for rid, _ in results]
    assert len(set(ids)) == 16 and {status for _, status in results} == {"succeeded"}
    assert emulator.stats().jobs_created == 16
    assert emulator.stats().faults_fired == {"server_error": 16}  # met, and retried
    assert made > 0


def test_a_view_with_other_options_shares_the_connections_and_closes_nothing(
    emulator: EmulatorServer,
) -> None:
    with RunComfy(api_token=emulator.token, base_url=emulator.url, retry=RETRY) as client:
        view = client.with_options(retry=NO_RETRIES, wait_timeout=5)
        assert (view.retry, view.wait_timeout) == (NO_RETRIES, 5)
        assert (client.retry, client.wait_timeout) == (RETRY, 1800.0)
        assert view.rate_limiter is client.rate_limiter
        view.close()  # its connections are the client's: still open
        assert client.categories() == view.categories()


TWINS = [(RunComfy, AsyncRunComfy), (Job, AsyncJob)]
CLIENT_METHODS = [
    "validate",
    "spec",
    "model",
    "models",
    "categories",
    "submit",
    "run",
    "job",
    "download",
]
PUBLIC = {RunComfy: CLIENT_METHODS, Job: ["status", "result", "cancel", "wait", "download"]}


@pytest.mark.parametrize(("sync", "aio"), TWINS, ids=["clients", "jobs"])
def test_every_public_method_shows_one_docstring_on_both_twins(sync: type, aio: type) -> None:
    for name in PUBLIC[sync]:
        doc = inspect.getdoc(getattr(sync, name))
        assert doc and len(doc) > 20, name
        assert inspect.getdoc(getattr(aio, name)) == doc, name
        assert inspect.iscoroutinefunction(getattr(aio, name)) or name == "job", name
