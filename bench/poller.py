"""One poller of ``bench_polling.py`` in a process of its own, so no poller's work slows
another's loop (on a loaded machine a shared loop wakes every sleeper late).

Protocol: the process builds its client, runs its warm-up if it has one, prints ``ready``;
then, for every line it reads on stdin (one per repetition), runs ``--jobs`` jobs at once and
prints one JSON list of ``[requests, notice delay]`` per job; it exits at the end of stdin.

Kinds (the pollers are plain loops on httpx, written from the facts, none copied):

- ``ours`` — ``AsyncRunComfy`` with its defaults, one client for the whole run, after one
  unmeasured job of the model (a script's loop: it learns from every job);
- ``fresh`` — ``AsyncRunComfy`` with its defaults in a fresh process: what it knows of the
  model is what the environment gives it (``RUNCOMFY_NO_POLL_CACHE=1``: nothing; a
  ``RUNCOMFY_CACHE_DIR`` an earlier process wrote to: its record); one repetition per process;
- ``status`` — a fixed poller of the status endpoint: at once, then every ``--interval`` s
  (RunComfy's MCP server 3 s, its CLI 2 s; fal 0.1 s, replicate 0.5 s), then the result;
- ``result`` — a fixed poller of the result endpoint every ``--interval`` s (RunComfy's
  ComfyUI nodes, 5 s).

With ``--length L`` (every job ``L`` s long) a fixed poller is phased across its interval as
real jobs would be: job i's end falls (i + 0.5) / jobs of an interval before one of its polls.

The notice delay is from the job's ``finished_at`` (the emulator's clock, wall time) to the
moment the poller holds the result; requests are status requests (result requests for the
``result`` poller), counted on the client side.

Run: ``python bench/poller.py KIND URL --jobs N [--interval S] [--length L] [--cache DIR]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator_process import TOKEN

from runcomfy import AsyncRunComfy

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "a bench job", "width×height": "1024x1024(1:1)"}
# A connection idle past the emulator's keep-alive (uvicorn's 5 s) is closed under a request
# that reuses it; the client's own pools expire theirs sooner, and so must the ones given here.
LIMITS = httpx.Limits(keepalive_expiry=1.0)

Job = Callable[[int], Awaitable[tuple[int, float]]]  # job index -> (requests, delay)


def counting(hits: dict[str, int], suffix: str) -> Callable[[httpx.Request], Awaitable[None]]:
    """Counts requests ending in ``suffix`` per request id, so jobs sharing a client are
    counted apart."""

    async def hook(request: httpx.Request) -> None:
        path = request.url.path
        if path.endswith(suffix):
            request_id = path.rsplit("/", 2)[-2]
            hits[request_id] = hits.get(request_id, 0) + 1

    return hook


def _finished(body: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(body["finished_at"])).timestamp()


def phase(length: float | None, interval: float, job: int, jobs: int) -> float:
    """Seconds from the first poll to the next: for a known ``length``, the grid places the
    end ``(job + 0.5) / jobs`` of an interval before a poll; else one interval."""
    if length is None:
        return interval
    return (length + interval * (job + 0.5) / jobs) % interval


def fixed(args: argparse.Namespace, hits: dict[str, int]) -> tuple[httpx.AsyncClient, Job]:
    on_result = args.kind == "result"
    http = httpx.AsyncClient(
        base_url=args.url,
        limits=LIMITS,
        headers={"Authorization": f"Bearer {TOKEN}"},
        event_hooks={"request": [counting(hits, "/result" if on_result else "/status")]},
    )

    async def job(index: int) -> tuple[int, float]:
        first = phase(args.length, args.interval, index, args.jobs)
        submitted = (await http.post(f"/v1/models/{MODEL}", json=PAYLOAD)).json()
        wait = first
        if on_result:  # the nodes wait before they ask
            while True:
                await asyncio.sleep(wait)
                wait = args.interval
                result = (await http.get(submitted["result_url"])).json()
                if result["status"] in ("succeeded", "completed", "failed", "cancelled"):
                    break
        else:
            while True:
                status = (await http.get(submitted["status_url"])).json()["status"]
                if status in ("completed", "failed", "cancelled"):
                    break
                await asyncio.sleep(wait)
                wait = args.interval
            result = (await http.get(submitted["result_url"])).json()
        return hits[submitted["request_id"]], time.time() - _finished(result)

    return http, job


def ours(args: argparse.Namespace, hits: dict[str, int]) -> tuple[AsyncRunComfy, Job]:

    http = httpx.AsyncClient(limits=LIMITS, event_hooks={"request": [counting(hits, "/status")]})
    options: dict[str, Any] = {"poll_cache": Path(args.cache)} if args.cache else {}
    client = AsyncRunComfy(api_token=TOKEN, base_url=args.url, http_client=http, **options)

    async def job(index: int) -> tuple[int, float]:
        submitted = await client.submit(MODEL, PAYLOAD, validate="schema")
        result = await submitted.wait(timeout=900)
        assert result.finished_at is not None
        return hits[submitted.request_id], time.time() - result.finished_at.timestamp()

    return client, job


async def main(args: argparse.Namespace) -> None:
    hits: dict[str, int] = {}
    client: AsyncRunComfy | httpx.AsyncClient
    client, job = fixed(args, hits) if args.kind in ("status", "result") else ours(args, hits)
    try:
        if args.kind == "ours":
            await job(-1)  # the warm-up: one job of the model before any measured
        if args.kind == "fresh":
            # A fresh process's first-time work (the schema's compiled validator, the modules
            # a wait loads) is done before it says ready, so it does not land on every other
            # poller's CPU as a repetition starts. None of it touches what it knows of jobs.
            import platformdirs  # noqa: F401

            import runcomfy_runtime.jobs
            import runcomfy_runtime.poll_record
            import runcomfy_runtime.waiting  # noqa: F401

            assert isinstance(client, AsyncRunComfy)
            await client.validate(MODEL, PAYLOAD, level="schema")
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        while await loop.run_in_executor(None, sys.stdin.readline):
            found = await asyncio.gather(*(job(i) for i in range(args.jobs)))
            print(json.dumps(found), flush=True)
            if args.kind == "fresh":
                break
    finally:
        await client.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=["ours", "fresh", "status", "result"])
    parser.add_argument("url")
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--interval", type=float, default=3.0)
    parser.add_argument("--length", type=float, default=None)
    parser.add_argument("--cache", default=None, help="ours: the record's folder")
    asyncio.run(main(parser.parse_args()))
