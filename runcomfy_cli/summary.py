"""The end of a batch: what became of every line, and the exit code that sums it up.

The count is of what the journal holds, not of what this run happened to finish: a line whose
job is still running when the run stops is "pending", one never started is "not started", so
the numbers always add up to the lines of the file. Lines that failed for the same reason are
shown once, with their numbers, however many there are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import exit_code_for
from runcomfy_runtime.batch.outcomes import KINDS, Kind, Outcome, Totals

HEADINGS: dict[Kind, str] = {
    "skipped": "invalid input, skipped (nothing was sent)",
    "changed": (
        "changed since they were submitted (their jobs are kept as they were; use a new --out "
        "for new input)"
    ),
    "failed": "failed",
    "ambiguous": (
        "ambiguous (a submit was sent but its answer never recorded: a job may exist; check "
        "your RunComfy dashboard, then rerun with --resubmit-ambiguous to submit again)"
    ),
    "pending": "pending: a job exists but is not finished or saved yet (run the same command "
    "to resume)",
    "not_started": "not started (run the same command to resume)",
    "over_budget": "not sent: over the budget (--max-cost); a rerun with a higher cap sends them",
}


def line_record(outcome: Outcome[Any, Any]) -> dict[str, Any]:
    """One line's outcome as JSON."""
    out: dict[str, Any] = {"line": outcome.line}
    if outcome.request_id:
        out["request_id"] = outcome.request_id
    if outcome.reason:
        out["reason"] = outcome.reason
    if outcome.paths:
        out["paths"] = [str(p) for p in outcome.paths]
    if outcome.cost is not None:
        out["cost_usd"] = outcome.cost
    if outcome.estimate is not None:
        out["estimate_usd"] = round(outcome.estimate, 6)
    return out


def numbers(lines: Iterable[int]) -> str:
    """``1-3, 7, 9-10``: line numbers, runs collapsed."""
    ordered = sorted(set(lines))
    runs: list[tuple[int, int]] = []
    for n in ordered:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)


_REQUEST_ID = re.compile(r"(request[ _]id |job )\S+")


def same_reason(reason: str | None) -> str:
    """A reason with its request id taken out, so lines that failed alike group together."""
    return _REQUEST_ID.sub(r"\1…", reason or "")


def grouped(
    outcomes: Iterable[Outcome[Any, Any]], fatal: str | None = None
) -> list[tuple[str, list[Outcome[Any, Any]]]]:
    """Outcomes by reason (request ids aside), in order of their first line; the reason the run
    stopped is named once, at the end, not for each line it stopped."""
    groups: dict[str, list[Outcome[Any, Any]]] = {}
    for outcome in sorted(outcomes, key=lambda o: o.line):
        reason = same_reason(outcome.reason)
        if fatal and fatal in reason:
            reason = reason.replace(fatal, "what stopped the run (below)")
        groups.setdefault(reason, []).append(outcome)
    return list(groups.items())


@dataclass
class Summary:
    model_id: str
    outcomes: list[Outcome[Any, Any]] = field(default_factory=list)
    fatal: BaseException | None = None
    fatal_message: str | None = None
    interrupted: bool = False
    price: str | None = None
    totals: Totals = field(default_factory=Totals)
    dry_run: bool = False

    def of(self, kind: Kind) -> list[Outcome[Any, Any]]:
        return sorted((o for o in self.outcomes if o.kind == kind), key=lambda o: o.line)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in KINDS}

    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.fatal is not None:
            return exit_code_for(self.fatal)
        if self.dry_run:
            return ExitCode.OK if not self.of("skipped") else ExitCode.INCOMPLETE
        counts = self.counts()
        return ExitCode.OK if counts["succeeded"] == len(self.outcomes) else ExitCode.INCOMPLETE

    def record(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "model_id": self.model_id,
            "lines": len(self.outcomes),
            **self.counts(),
        }
        if self.price:
            record["price"] = self.price
        record.update(self.totals.record())
        if self.dry_run:
            record["dry_run"] = True
        for kind in KINDS:
            record[f"{kind}_lines"] = [line_record(o) for o in self.of(kind)]
        if self.fatal is not None:
            record["fatal"] = self.fatal_message or str(self.fatal)
        record["interrupted"] = self.interrupted
        record["exit_code"] = int(self.exit_code())
        return record

    def _estimates(self) -> list[str]:
        """A dry run's figures: each line to send, and the total."""
        found = self.of("not_started")
        lines = ["dry run: nothing was sent; the lines to send would cost:"]
        for outcome in found:
            cost = f"${outcome.estimate:.2f}" if outcome.estimate is not None else "no estimate"
            basis = (outcome.reason or "").partition("; ")[2]
            lines.append(f"  line {outcome.line}: {cost}{f' ({basis})' if basis else ''}")
        unknown = self.totals.unpriced
        rest = f" ({unknown} lines without an estimate)" if unknown else ""
        lines.append(f"estimated total: ${self.totals.estimated:.2f} for {len(found)} lines{rest}")
        return lines

    def _said(self, reason: str | None) -> str:
        fatal = self.fatal_message
        if reason and fatal and fatal in reason:
            return reason.replace(fatal, "what stopped the run (below)")
        return reason or ""

    def text(self) -> str:
        counts = self.counts()
        shown = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items() if n)
        lines = [f"{self.model_id}: {len(self.outcomes)} lines: {shown or 'none'}"]
        if self.dry_run:
            lines.extend(self._estimates())
        elif self.totals.charged or self.totals.estimated or self.totals.max_cost is not None:
            lines.append(f"cost: {self.totals.text()}")
        if self.totals.throttling.throttled:
            lines.append(self.totals.throttling.text())
        for kind, heading in HEADINGS.items():
            if self.dry_run and kind == "not_started":
                continue
            found = self.of(kind)
            if not found:
                continue
            lines.append(f"{heading}:")
            for reason, group in grouped(found, self.fatal_message):
                if len(group) == 1:
                    one = group[0]
                    rid = f" [{one.request_id}]" if one.request_id else ""
                    said = self._said(one.reason)
                    lines.append(f"  line {one.line}{rid}{': ' + said if said else ''}")
                else:
                    what = f": {reason}" if reason else ""
                    lines.append(f"  {len(group)} lines ({numbers(o.line for o in group)}){what}")
        if self.fatal is not None:
            lines.append(f"stopped early: {self.fatal_message or self.fatal}")
        if self.interrupted:
            lines.append("interrupted: run the same command to resume")
        return "\n".join(lines)
