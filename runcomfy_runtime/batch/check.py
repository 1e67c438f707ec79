"""The check of every payload before anything is sent: run in a thread of its own
(``background``), so a stop is seen at once however long one payload takes.

Each payload not yet recorded is validated offline by the client's own validation flow, at a
level that needs no I/O (the same messages as a submit's; an uploader's large files are
checked, not uploaded), and each valid one is priced from the catalog's entry. What it finds
stays on the :class:`Check`: the invalid payloads (with their errors) and the estimates.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from runcomfy_runtime.errors import InputValidationError, Problem, RunComfyError

if TYPE_CHECKING:
    from runcomfy_runtime.batch.settings import Item, Source
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.client import AsyncClient
    from runcomfy_runtime.endpoint import ValidationLevel
    from runcomfy_runtime.spec import EndpointSpec


def _no_io(effect: Any) -> Any:
    raise RuntimeError(f"the offline check asked for I/O ({type(effect).__name__})")


def reason_of(exc: BaseException) -> str:
    problems = getattr(exc, "problems", None)
    return "; ".join(map(str, problems)) if problems else str(exc)


class Check:
    """The check of one batch: ``run`` fills it (in the check's thread), the engine reads it."""

    def __init__(
        self,
        client: AsyncClient,
        spec: EndpointSpec | None,
        entry: CatalogEntry | None,
        validate: ValidationLevel,
        known: set[int],
        *,
        keep_bases: bool = False,
    ) -> None:
        self.client, self.spec, self.entry = client, spec, entry
        self.level: ValidationLevel = "off" if validate == "off" else "schema"
        self.known = known  # lines the journal has: checked when they were first sent
        self.total = 0
        self.invalid: dict[int, str] = {}
        self.given: dict[int, Any] = {}  # the invalid payloads, for their outcomes
        self.errors: dict[int, Exception] = {}  # ...and their errors
        self.estimates: dict[int, float | None] = {}
        self.keep_bases = keep_bases
        self.bases: dict[int, str] = {}  # how each estimate was reached (a dry run shows it)

    def run(self, source: Source, stop: threading.Event) -> None:
        """Every payload of ``source``, until ``stop`` is set."""
        from runcomfy_runtime.pricing import estimate

        assert self.spec is not None
        price = self.entry.base_price_usd if self.entry else None
        unit = self.entry.price_unit if self.entry else None
        for item in source.items():
            if stop.is_set():
                break
            self.total += 1
            error = self._problem(item)
            if error is not None:
                unread = not isinstance(error, ValueError)
                why = f"cannot be checked: {type(error).__name__}: {error}" if unread else None
                self.invalid[item.index] = item.problem or why or reason_of(error)
                self.given[item.index] = item.payload
                self.errors[item.index] = error
                continue
            found = estimate(self.spec, item.payload, price, unit)
            self.estimates[item.index] = found.usd
            if self.keep_bases:
                self.bases[item.index] = found.basis

    def _problem(self, item: Item) -> Exception | None:
        from runcomfy_runtime import operations
        from runcomfy_runtime.effects import drive

        assert self.spec is not None
        if item.problem is not None:
            return InputValidationError(self.spec.model_id, [Problem((), item.problem)])
        if item.line in self.known:
            return None
        try:
            drive(operations.validate(self.client, self.spec.model_id, item.payload, self.level),
                  _no_io)  # fmt: skip
        except ValueError as exc:  # InputValidationError and any unreadable value
            return exc
        except RunComfyError:
            raise  # not this payload's: the spec cannot be had
        except Exception as exc:  # whatever it holds, a payload fails alone
            return exc
        return None
