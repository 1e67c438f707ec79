"""``runcomfy batch``: one job per JSONL line, a face of the batch engine ``client.map`` runs.

The engine (``runcomfy_runtime.batch``) does the work: the check of the whole file first (in a
thread of its own, so Ctrl-C is seen at once), the invalid lines listed and skipped, then
``concurrency`` jobs at a time, each line as far as its journal entry allows, within the
budget, exactly once across kills. What a journal state means is decided once, in
``runcomfy_runtime.batch.plan``. This module only reads the file (each line bounded, decoded
alone, parsed as the ``run`` command parses ``--input``), shows progress, and stops the engine
on SIGINT/SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runcomfy_cli.inputs import MAX_INPUT_BYTES, json_object, local_files, wire_keys
from runcomfy_cli.progress import BatchBar
from runcomfy_cli.summary import Summary, same_reason
from runcomfy_runtime.batch.records import payload_digest, text_digest
from runcomfy_runtime.batch.settings import BatchSettings, Item

if TYPE_CHECKING:
    from runcomfy_runtime.batch.outcomes import Outcome
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.client import AsyncClient
    from runcomfy_runtime.spec import EndpointSpec


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: its number (as an editor counts), its text, or why it has none."""

    number: int
    text: str
    problem: str | None = None


def read_lines(path: Path) -> Iterator[Line]:
    """Every non-blank line, each read bounded (:data:`MAX_INPUT_BYTES`) and decoded alone: a
    line too long or not UTF-8 is a line with a problem, not the end of the batch."""
    with path.open("rb") as handle:
        number = 0
        while raw := handle.readline(MAX_INPUT_BYTES + 1):
            number += 1
            if len(raw) > MAX_INPUT_BYTES:
                while raw and not raw.endswith(b"\n"):  # the rest of the line, unkept
                    raw = handle.readline(1 << 20)
                yield Line(number, "", f"the line is longer than {MAX_INPUT_BYTES >> 20} MiB")
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                yield Line(number, "", f"not UTF-8 text (byte {exc.start} cannot be decoded)")
                continue
            if text:
                yield Line(number, text)


class Lines:
    """The engine's source: each line of the file as the payload it holds. A line is known in
    the journal by its payload's digest (as ``map`` knows a dict), or by its text's (what
    journal version 2 recorded)."""

    def __init__(self, path: Path, spec: EndpointSpec) -> None:
        self.path = path
        self.spec = spec

    def items(self) -> Iterator[Item]:
        for line in read_lines(self.path):
            index = line.number - 1
            if line.problem is not None:
                yield Item(index, None, line.problem)
                continue
            try:
                payload = local_files(self.spec, wire_keys(self.spec, json_object(line.text)))
            except ValueError as exc:  # not JSON, not an object, a field given twice
                yield Item(index, None, str(exc))
                continue
            yield Item(index, payload, digests=(payload_digest(payload), text_digest(line.text)))


@contextlib.contextmanager
def _stopped_by_signals(stop: Callable[[], None]) -> Iterator[None]:
    """Call ``stop`` on SIGINT/SIGTERM while inside; where the loop cannot (not the main
    thread, Windows), signals keep their default meaning."""
    loop = asyncio.get_running_loop()
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        installed.append(signum)
    try:
        yield
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)


class _Shown:
    """The engine's watcher: the bar's counts, its notes, and each line's outcome noted once
    per distinct reason (the summary lists every line of it)."""

    def __init__(self, bar: BatchBar) -> None:
        self.bar = bar
        self.counts = bar.counts
        self.noted: set[tuple[str, str]] = set()
        self.fatal: str | None = None
        self.drawn = False  # the bar is shown once the check is done

    def checked(self, total: int, invalid: Mapping[int, str]) -> None:
        self.counts.total = total
        self.counts.queued = total - len(invalid)
        if invalid:
            self.bar.note(f"{len(invalid)} invalid lines, skipped (nothing was sent):")
        for index, reason in sorted(invalid.items()):
            self.bar.note(f"  line {index + 1}: {reason}")
        self.bar.start()
        self.drawn = True

    def started(self, index: int) -> None:
        self.counts.queued -= 1
        self.counts.running += 1

    def ended(self, index: int) -> None:
        self.counts.running -= 1

    def note(self, text: str) -> None:
        self.bar.note(text)

    def outcome(self, outcome: Outcome[Any, Any], listed: bool) -> None:
        self.counts.end(outcome.kind)
        if outcome.kind == "succeeded":
            return
        key = (outcome.kind, same_reason(outcome.reason))
        if listed or key in self.noted or (self.fatal and self.fatal in (outcome.reason or "")):
            return  # said once: here, under the check's heading, or at the end
        self.noted.add(key)
        self.bar.note(f"line {outcome.line}: {outcome.kind}: {outcome.reason}")


async def run_batch(
    client: AsyncClient,
    model_id: str,
    inputs: Path,
    settings: BatchSettings,
    bar: BatchBar,
    *,
    spec: EndpointSpec | None = None,
    entry: CatalogEntry | None = None,
    explain: Callable[[BaseException], str] = str,
) -> Summary:
    """Run the batch of ``inputs``; the summary counts what the journal holds of every line.
    SIGINT/SIGTERM stop it cleanly: submits in flight are finished and their ids committed,
    waits are abandoned (a rerun resumes)."""
    from runcomfy_runtime.batch.engine import Engine
    from runcomfy_runtime.results import Output

    if spec is None:
        spec = await client.spec(model_id)
    shown = _Shown(bar)
    engine = Engine(
        client, model_id, Lines(inputs, spec), settings,
        output=Output, spec=spec, entry=entry, watcher=shown, explain=explain,
    )  # fmt: skip
    summary = Summary(model_id, totals=engine.totals, dry_run=settings.dry_run)
    with _stopped_by_signals(engine.stop):
        task = asyncio.ensure_future(engine.run())
        try:
            while (outcome := await engine.next()) is not None:
                summary.outcomes.append(outcome)
                shown.fatal = engine.fatal_message
                if not (settings.dry_run and outcome.kind == "not_started"):
                    shown.outcome(outcome, listed=engine.was_invalid(outcome.index))
        finally:
            engine.stop()
            await asyncio.wait({task})
            if shown.drawn:
                await bar.stop()
    summary.fatal, summary.fatal_message = engine.fatal, engine.fatal_message
    summary.interrupted = engine.interrupted
    return summary
