"""Should a failed request be tried again, and after how long? Pure decisions, no I/O.

The rule that matters most: a submit is retried only when the server cannot have accepted it
(the connection failed before the request went out, or a 429 refused it). Anything else after
the request left (a lost answer, a read timeout, a 5xx) could hide a created job.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import Enum
from time import time

from runcomfy_runtime import constants


class Failure(Enum):
    NOT_SENT = "not_sent"  # connect refused / timed out, pool timeout: nothing reached the server
    LOST = "lost"  # sent, then the connection dropped or the answer timed out
    STATUS = "status"  # an HTTP answer with an error status


@dataclass(frozen=True)
class RetryPolicy:
    """How a failed request is tried again. ``max_retries`` bounds the tries of a call on its
    own (a wait's calls retry until its deadline); a 429 is never counted against it, since it
    proves the server did nothing: a call waits out 429s for ``rate_limit_wait`` seconds in all
    (each ``Retry-After`` up to ``retry_after_cap``), a wait's calls until its deadline."""

    max_retries: int = constants.MAX_RETRIES
    base_delay: float = constants.RETRY_BASE_DELAY
    max_delay: float = constants.RETRY_MAX_DELAY
    retry_after_cap: float = constants.RETRY_AFTER_CAP
    rate_limit_wait: float = constants.RATE_LIMIT_WAIT

    def __post_init__(self) -> None:
        refuse_impossible(
            self,
            ("max_retries", isinstance(self.max_retries, int) and self.max_retries >= 0,
             "a whole number >= 0"),
            ("base_delay", self.base_delay > 0, "> 0 (a retry at once would hammer the API)"),
            ("max_delay", self.max_delay >= self.base_delay, f">= base_delay ({self.base_delay})"),
            ("retry_after_cap", self.retry_after_cap >= 0, ">= 0"),
            ("rate_limit_wait", self.rate_limit_wait >= 0, ">= 0"),
        )  # fmt: skip


def refuse_impossible(policy: object, *checks: tuple[str, bool, str]) -> None:
    """``ValueError`` naming every field of ``policy`` whose value is impossible: a negative
    retry count or interval is refused where it is given, not met as odd behaviour later."""
    wrong = [
        f"{name} must be {wanted}, got {getattr(policy, name)!r}"
        for name, holds, wanted in checks
        if not holds
    ]
    if wrong:
        raise ValueError(f"{type(policy).__name__}: " + "; ".join(wrong))


def should_retry(
    policy: RetryPolicy,
    *,
    idempotent: bool,
    failure: Failure,
    status: int | None,
    attempt: int,
    persistent: bool = False,
) -> bool:
    """``attempt`` counts retries already made (0 after the first try); a ``persistent`` call
    (one inside a wait, bounded by its deadline) is not bounded by ``max_retries``."""
    if status == 429:
        return True  # a 429 is the server refusing: no job was created; the limiter paces it
    if attempt >= policy.max_retries and not persistent:
        return False
    if failure is Failure.NOT_SENT:
        return True
    if failure is Failure.LOST:
        return idempotent
    return idempotent and status is not None and status >= 500


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    retry_after: float | None,
    rng: Callable[[], float] = random.random,
) -> float | None:
    """Seconds to wait before the next try; None when the server asks for longer than the cap."""
    if retry_after is not None:
        return float(retry_after) if retry_after <= policy.retry_after_cap else None
    ceiling = min(policy.max_delay, policy.base_delay * 2.0**attempt)
    return ceiling * (0.5 + rng() / 2)  # "equal jitter": never zero, never above the ceiling


def parse_retry_after(value: str | None, now: Callable[[], float] = time) -> float | None:
    """``Retry-After`` as seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment: float = parsedate_to_datetime(value).timestamp()
        return max(0.0, moment - now())
    except (TypeError, ValueError):
        return None
