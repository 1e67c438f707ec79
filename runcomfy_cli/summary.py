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
from typing import Any, Literal

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import exit_code_for

Kind = Literal["succeeded", "failed", "skipped", "changed", "ambiguous", "pending", "not_started"]
KINDS: tuple[Kind, ...] = (
    "succeeded", "failed", "skipped", "changed", "ambiguous", "pending", "not_started",
)  # fmt: skip

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
}


@dataclass(frozen=True, slots=True)
class Outcome:
    line: int
    kind: Kind
    reason: str | None = None
    request_id: str | None = None
    paths: tuple[str, ...] = ()

    def record(self) -> dict[str, Any]:
        out: dict[str, Any] = {"line": self.line}
        if self.request_id:
            out["request_id"] = self.request_id
        if self.reason:
            out["reason"] = self.reason
        if self.paths:
            out["paths"] = list(self.paths)
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
    outcomes: Iterable[Outcome], fatal: str | None = None
) -> list[tuple[str, list[Outcome]]]:
    """Outcomes by reason (request ids aside), in order of their first line; the reason the run
    stopped is named once, at the end, not for each line it stopped."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in sorted(outcomes, key=lambda o: o.line):
        reason = same_reason(outcome.reason)
        if fatal and fatal in reason:
            reason = reason.replace(fatal, "what stopped the run (below)")
        groups.setdefault(reason, []).append(outcome)
    return list(groups.items())


@dataclass
class Summary:
    model_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    fatal: BaseException | None = None
    fatal_message: str | None = None
    interrupted: bool = False
    price: str | None = None

    def of(self, kind: Kind) -> list[Outcome]:
        return sorted((o for o in self.outcomes if o.kind == kind), key=lambda o: o.line)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in KINDS}

    def exit_code(self) -> ExitCode:
        if self.interrupted:
            return ExitCode.INTERRUPTED
        if self.fatal is not None:
            return exit_code_for(self.fatal)
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
        for kind in KINDS:
            record[f"{kind}_lines"] = [o.record() for o in self.of(kind)]
        if self.fatal is not None:
            record["fatal"] = self.fatal_message or str(self.fatal)
        record["interrupted"] = self.interrupted
        record["exit_code"] = int(self.exit_code())
        return record

    def _said(self, reason: str | None) -> str:
        fatal = self.fatal_message
        if reason and fatal and fatal in reason:
            return reason.replace(fatal, "what stopped the run (below)")
        return reason or ""

    def text(self) -> str:
        counts = self.counts()
        shown = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items() if n)
        lines = [f"{self.model_id}: {len(self.outcomes)} lines: {shown or 'none'}"]
        for kind, heading in HEADINGS.items():
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
