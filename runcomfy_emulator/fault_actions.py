"""What each fault does to the request it fires on (the kinds are described in ``faults.py``).

One small function per request fault, wired in by a table, so the route wrapper that fires
them stays a lookup. The job kinds (``job_failed``, ``result_failed``) are not here: the job
store takes them when a job is created.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from runcomfy_emulator import answers
from runcomfy_emulator.connections import ConnectionDropper, DropConnection
from runcomfy_emulator.faults import Fault

Handler = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Hit:
    """A fault firing on one request: what the fault's action may use."""

    fault: Fault
    route: str
    request: Request
    handler: Handler
    dropper: ConnectionDropper | None


async def _delay(hit: Hit) -> Response:
    await asyncio.sleep(hit.fault.seconds)
    return await hit.handler(hit.request)


async def _server_error(hit: Hit) -> Response:
    return answers.error(hit.fault.status, f"emulated server error on {hit.route}")


async def _rate_limit(hit: Hit) -> Response:
    response = answers.error(429, f"emulated rate limit on {hit.route}")
    response.headers["Retry-After"] = f"{hit.fault.retry_after:g}"
    return response


async def _drop_before(hit: Hit) -> Response:
    return DropConnection(hit.dropper)


async def _drop_after(hit: Hit) -> Response:
    await hit.handler(hit.request)
    return DropConnection(hit.dropper)


async def _garble_after(hit: Hit) -> Response:
    await hit.handler(hit.request)
    return Response(hit.fault.body, media_type="application/json")


async def _permission_200(hit: Hit) -> Response:
    message = f"emulated permission denied on {hit.route}"
    return answers.error(200, message, answers.PERMISSION_DENIED_200)


ACTIONS: dict[str, Callable[[Hit], Awaitable[Response]]] = {
    "delay": _delay,
    "server_error": _server_error,
    "rate_limit": _rate_limit,
    "quota": _rate_limit,
    "drop_before": _drop_before,
    "drop_after": _drop_after,
    "garble_after": _garble_after,
    "permission_200": _permission_200,
}
"""What each request fault does (``faults.py``; the job kinds are taken by the job store)."""
