"""The errors generation raises: each names the file, and every place in it with its reason."""

from __future__ import annotations

from collections.abc import Sequence

from runcomfy_runtime.errors import SchemaProblem


class SchemaFileError(Exception):
    """Everything wrong with one schema file (or page), at once."""

    def __init__(
        self,
        file: str,
        where: str = "",
        reason: str = "",
        *,
        problems: Sequence[SchemaProblem] = (),
    ) -> None:
        self.file = file
        self.problems = tuple(problems) or (SchemaProblem(where, reason),)
        first = self.problems[0]
        self.where, self.reason = first.where, first.reason
        if len(self.problems) == 1:
            place = f" at {first.where}" if first.where else ""
            message = f"{file}{place}: {first.reason}"
        else:
            lines = "\n".join(
                f"  - {'at ' + p.where + ': ' if p.where else ''}{p.reason}" for p in self.problems
            )
            message = f"{file}: {len(self.problems)} problems:\n{lines}"
        super().__init__(message)

    def __reduce__(self) -> tuple[object, ...]:  # crosses process pools
        return (_rebuild, (self.file, [(p.where, p.reason) for p in self.problems]))


def _rebuild(file: str, problems: list[tuple[str, str]]) -> SchemaFileError:
    return SchemaFileError(file, problems=[SchemaProblem(w, r) for w, r in problems])


class SchemaFilesError(Exception):
    """Every refused file of a run, each with every problem: fix them all in one round."""

    def __init__(self, errors: Sequence[SchemaFileError]) -> None:
        self.errors = tuple(errors)
        count = sum(len(e.problems) for e in self.errors)
        head = f"{len(self.errors)} schema file(s) refused, {count} problem(s):"
        super().__init__("\n".join([head, *(str(e) for e in self.errors)]))
