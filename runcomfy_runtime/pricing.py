"""What a job will cost, from the catalog's price: a pure function of the price, its unit, the
model's schema and the payload.

RunComfy's catalog gives each model ``base_price_usd`` per ``price_unit``. A job's quantity of
that unit comes from the payload, read by one small function per unit (:data:`QUANTITIES`):

- ``second``: the payload's duration (a field named in :data:`DURATION_FIELDS`), else its
  documented default;
- ``output``, ``image``, ``request``: the number of outputs the payload asks for (a field named
  in :data:`COUNT_FIELDS`, else its default), else one.

A unit with no function here, a price the catalog does not give, or a duration the payload and
the schema both leave open gives no number and says why: never a guess presented as a price.
The emulator charges with the same function, so budgets can be tested offline.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from runcomfy_runtime.spec import EndpointSpec

DURATION_FIELDS = ("duration", "duration_seconds", "seconds", "video_duration")
"""Fields that give a job's length in seconds, in the order they are looked for."""

COUNT_FIELDS = ("num_images", "num_outputs", "num_videos", "number_of_images", "n", "batch_size")
"""Fields that give how many outputs a job makes, in the order they are looked for."""

_SECONDS = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:s|sec|seconds?)?\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Estimate:
    """A job's expected cost: ``usd`` (None when it cannot be priced), and how it was reached
    (``basis``: ``5 s × $0.35 / second``) or why not."""

    model_id: str
    usd: float | None
    basis: str
    price: float | None = None
    unit: str | None = None
    quantity: float | None = None

    def __str__(self) -> str:
        if self.usd is None:
            return f"no estimate: {self.basis}"
        return f"${self.usd:.2f} ({self.basis})"


Quantity = tuple[float | None, str]
"""(how many units, how that was read) or (None, why not)."""


def _given(
    spec: EndpointSpec, payload: Mapping[str, Any], names: tuple[str, ...]
) -> tuple[str | None, Any, str | None]:
    """(field, value, "given" or "default") of the first named field the payload gives or the
    schema has a default for; else (the first such field the schema has or None, None, None)."""
    properties = spec.input_schema.get("properties", {})
    for name in names:
        if name in payload and payload[name] is not None:
            return name, payload[name], "given"
        prop = properties.get(name)
        if isinstance(prop, Mapping) and prop.get("default") is not None:
            return name, prop["default"], "default"
    present = [name for name in names if name in properties]
    return (present[0] if present else None), None, None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value >= 0 else None
    if isinstance(value, str):
        match = _SECONDS.match(value)
        return float(match[1]) if match else None
    return None


def _seconds(spec: EndpointSpec, payload: Mapping[str, Any]) -> Quantity:
    name, value, source = _given(spec, payload, DURATION_FIELDS)
    if source is None:
        if name is None:
            return None, "priced per second, and the model has no duration field"
        return None, f"priced per second, and {name} is neither given nor has a default"
    seconds = _number(value)
    if seconds is None:
        return None, f"priced per second, and {name}={value!r} is not a number of seconds"
    said = "" if source == "given" else " (its default)"
    return seconds, f"{seconds:g} s{said}"


def _outputs(spec: EndpointSpec, payload: Mapping[str, Any]) -> Quantity:
    name, value, source = _given(spec, payload, COUNT_FIELDS)
    if source is None:
        return 1.0, "1"
    count = _number(value)
    if count is None or not count.is_integer():
        return None, f"{name}={value!r} is not a number of outputs"
    return count, f"{count:g} ({name})"


QUANTITIES: dict[str, Callable[[EndpointSpec, Mapping[str, Any]], Quantity]] = {
    "second": _seconds,
    "output": _outputs,
    "image": _outputs,
    "request": _outputs,
}
"""Price unit -> how many of it a payload takes."""


def estimate(
    spec: EndpointSpec,
    payload: Mapping[str, Any],
    price: float | None,
    unit: str | None,
) -> Estimate:
    """The expected cost of one job of ``spec`` with ``payload`` at ``price`` per ``unit``."""
    model_id = spec.model_id
    if price is None:
        return Estimate(model_id, None, "the catalog gives no price for this model")
    read = QUANTITIES.get((unit or "").lower())
    if read is None:
        why = f"priced per {unit!r}, a unit this client cannot count" if unit else "no price unit"
        return Estimate(model_id, None, why, price, unit)
    quantity, how = read(spec, payload)
    if quantity is None:
        return Estimate(model_id, None, how, price, unit)
    return Estimate(
        model_id,
        round(price * quantity, 10),
        f"{how} × ${price:g} / {unit}",
        price,
        unit,
        quantity,
    )
