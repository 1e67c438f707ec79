"""The end of a batch: what became of every line, and the exit code that sums it up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from runcomfy_cli.exitcodes import ExitCode, exit_code_for

Kind = Literal["succeeded", "failed", "skipped", "ambiguous", "pending"]

HEADINGS: dict[Kind, str] = {
    "failed": "failed",
    "skipped": "skipped (invalid input; nothing was sent)",
    "ambiguous": (
        "ambiguous (a submit was sent but its answer never recorded: a job may exist; check "
        "your RunComfy dashboard, then rerun with --resubmit-ambiguous to submit again)"
    ),
    "pending": "not finished (rerun the same command to resume)",
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

    def text(self) -> str:
        rid = f" [{self.request_id}]" if self.request_id else ""
        return f"  line {self.line}{rid}: {self.reason or ''}".rstrip(": ")


@dataclass
class Summary:
    model_id: str
    outcomes: list[Outcome] = field(default_factory=list)
    fatal: BaseException | None = None
    interrupted: bool = False

    def of(self, kind: Kind) -> list[Outcome]:
        return sorted((o for o in self.outcomes if o.kind == kind), key=lambda o: o.line)

    def counts(self) -> dict[str, int]:
        kinds: tuple[Kind, ...] = ("succeeded", "failed", "skipped", "ambiguous", "pending")
        return {kind: len(self.of(kind)) for kind in kinds}

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
        for kind in HEADINGS:
            record[f"{kind}_lines"] = [o.record() for o in self.of(kind)]
        record["succeeded_lines"] = [o.record() for o in self.of("succeeded")]
        if self.fatal is not None:
            record["fatal"] = str(self.fatal)
        record["interrupted"] = self.interrupted
        record["exit_code"] = int(self.exit_code())
        return record

    def text(self) -> str:
        counts = self.counts()
        lines = [
            f"{self.model_id}: {len(self.outcomes)} lines: "
            + ", ".join(f"{n} {kind}" for kind, n in counts.items())
        ]
        for kind, heading in HEADINGS.items():
            found = self.of(kind)
            if found:
                lines.append(f"{heading}:")
                lines.extend(o.text() for o in found)
        if self.fatal is not None:
            lines.append(f"stopped early: {self.fatal}")
        if self.interrupted:
            lines.append("interrupted: lines not listed were not finished; rerun to resume")
        return "\n".join(lines)
