"""``map`` as users call it: :class:`AsyncMapRun` (``async for outcome in aclient.map(...)``)
and :class:`MapRun` (``for outcome in client.map(...)``), both faces of one engine.

The async run drives the engine on the caller's loop. The sync run drives the same engine on
a loop of its own, in a thread (an anyio blocking portal), with an async twin of the sync
client: same token, base URL, policies, registry and learned job lengths, its own
connections. Nothing starts until the first outcome is asked for; a run is iterated once.

Stopping early (``break`` then ``close()``/``aclose()``, the end of a ``with`` block, Ctrl-C in
the sync run) sends nothing more: submits in the air finish and their ids are recorded (with
``out=``, a rerun resumes), those still waiting to leave are dropped, waits are abandoned
(their jobs go on); ``left`` then holds the outcome of every payload not finished.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

from runcomfy_runtime.batch.outcomes import Outcome, OutputT, Totals
from runcomfy_runtime.batch.settings import BatchSettings, Payloads, map_settings

__all__ = ["AsyncMapRun", "MapRun", "map_settings"]

if TYPE_CHECKING:
    import asyncio

    from anyio.from_thread import BlockingPortal

    from runcomfy_runtime.batch.engine import Engine
    from runcomfy_runtime.client import AsyncClient, Client
    from runcomfy_runtime.spec import EndpointSpec

PayloadT = TypeVar("PayloadT")


class AsyncMapRun(Generic[PayloadT, OutputT]):
    """The outcomes of ``aclient.map(...)``, in completion order: iterate once."""

    def __init__(
        self,
        client: AsyncClient,
        model_id: str,
        payloads: Sequence[PayloadT],
        settings: BatchSettings,
        output: type[OutputT],
        spec: EndpointSpec | None = None,
    ) -> None:
        from runcomfy_runtime.batch.engine import Engine

        self.engine: Engine[OutputT] = Engine(
            client, model_id, Payloads(payloads), settings, output=output, spec=spec
        )
        self._task: asyncio.Future[None] | None = None
        self._ended = False
        self._left: list[Outcome[PayloadT, OutputT]] = []

    @property
    def totals(self) -> Totals:
        """What the batch spent and was expected to spend; how it met rate limits."""
        return self.engine.totals

    @property
    def interrupted(self) -> bool:
        return self.engine.interrupted

    @property
    def stopped_by(self) -> BaseException | None:
        """The error no payload could escape that stopped the taking of new ones, if any."""
        return self.engine.fatal

    @property
    def left(self) -> list[Outcome[PayloadT, OutputT]]:
        """After stopping early: the outcomes not taken, one per payload not finished
        (``pending`` with the request id of a job left running, ``not_started``...)."""
        return list(self._left)

    def __aiter__(self) -> AsyncMapRun[PayloadT, OutputT]:
        return self

    async def __anext__(self) -> Outcome[PayloadT, OutputT]:
        import asyncio

        if self._task is None:
            if self._ended:
                raise RuntimeError("a map run is iterated once: call map again for another")
            self._task = asyncio.ensure_future(self.engine.run())
        try:
            found = await self.engine.next()
        except asyncio.CancelledError:  # the caller is stopped (Ctrl-C under asyncio.run)
            await self.aclose()  # submits in flight finish and are recorded first
            raise
        if found is None:
            self._ended = True
            raise StopAsyncIteration
        outcome: Outcome[PayloadT, OutputT] = found
        return outcome

    async def aclose(self) -> None:
        """Stop: nothing more is sent; submits in flight finish and are recorded."""
        import asyncio

        self._ended = True
        if self._task is None:
            return
        self.engine.stop()
        await asyncio.wait({self._task})  # its errors were handed to the iteration
        self._left.extend(self.engine.unread())

    async def __aenter__(self) -> AsyncMapRun[PayloadT, OutputT]:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class MapRun(Generic[PayloadT, OutputT]):
    """The outcomes of ``client.map(...)``, in completion order: iterate once."""

    def __init__(
        self,
        client: Client,
        model_id: str,
        payloads: Sequence[PayloadT],
        settings: BatchSettings,
        output: type[OutputT],
        spec: EndpointSpec | None = None,
    ) -> None:
        self._args = (client, model_id, payloads, settings, output, spec)
        self._run: AsyncMapRun[PayloadT, OutputT] | None = None
        self._iterator: Iterator[Outcome[PayloadT, OutputT]] | None = None
        self._started = False

    @property
    def totals(self) -> Totals:
        if self._run is None:
            return Totals(max_cost=self._args[3].max_cost)
        return self._run.totals

    @property
    def interrupted(self) -> bool:
        return self._run is not None and self._run.interrupted

    @property
    def stopped_by(self) -> BaseException | None:
        return self._run.stopped_by if self._run is not None else None

    @property
    def left(self) -> list[Outcome[PayloadT, OutputT]]:
        """After stopping early: the outcomes not taken (see :attr:`AsyncMapRun.left`)."""
        return self._run.left if self._run is not None else []

    def __iter__(self) -> Iterator[Outcome[PayloadT, OutputT]]:
        if self._started:
            raise RuntimeError("a map run is iterated once: call map again for another")
        self._started = True
        self._iterator = self._outcomes()
        return self._iterator

    def _outcomes(self) -> Iterator[Outcome[PayloadT, OutputT]]:
        from anyio.from_thread import start_blocking_portal

        client, model_id, payloads, settings, output, spec = self._args
        with start_blocking_portal() as portal:
            twin = portal.call(_build_twin, client)
            try:
                run = self._run = AsyncMapRun(twin, model_id, payloads, settings, output, spec)
                yield from _drive(portal, run)
            finally:
                portal.call(twin.aclose)

    def close(self) -> None:
        """Stop: nothing more is sent; submits in flight finish and are recorded."""
        if self._iterator is not None:
            self._iterator.close()  # type: ignore[attr-defined]

    def __enter__(self) -> MapRun[PayloadT, OutputT]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


async def _build_twin(client: Client) -> AsyncClient:
    return client._async_twin()  # built on the loop that will use it


def _drive(
    portal: BlockingPortal, run: AsyncMapRun[PayloadT, OutputT]
) -> Iterator[Outcome[PayloadT, OutputT]]:
    """Each outcome from the portal's loop; stopped cleanly however the iteration ends
    (exhausted, closed, Ctrl-C)."""
    try:
        while True:
            try:
                outcome = portal.call(run.__anext__)
            except StopAsyncIteration:
                return
            yield outcome
    finally:
        portal.call(run.aclose)
