"""Work that must not hold the event loop: run in a daemon thread, awaited, abandoned on a stop.

The check of every payload runs before anything is submitted, and one payload's check can take
long (a huge payload, a slow local file, a pattern matched by a slow engine). On the loop it
would keep the loop from running the SIGINT/SIGTERM handlers until it returned; here the loop
stays free, so a stop is seen at once: the awaiting task is cancelled, the thread is told to
stop at its next payload (``stop``) and, being a daemon, never keeps the process alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _settle(future: asyncio.Future[Any], value: Any, error: BaseException | None) -> None:
    if future.done():  # the awaiting side was cancelled: nobody wants it
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(value)


async def in_background(work: Callable[[threading.Event], T], name: str) -> T:
    """``work(stop)`` in a daemon thread; ``stop`` is set when the awaiting task is cancelled
    or done, and ``work`` is expected to look at it between its items."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    stop = threading.Event()

    def target() -> None:
        value: Any = None
        error: BaseException | None = None
        try:
            value = work(stop)
        except BaseException as exc:  # handed to the awaiting side, whatever it is
            error = exc
        with contextlib.suppress(RuntimeError):  # a closed loop: the run ended without it
            loop.call_soon_threadsafe(_settle, future, value, error)

    threading.Thread(target=target, name=name, daemon=True).start()
    try:
        return await future
    finally:
        stop.set()
