"""The error tree as a user reads and catches it: every class says in a line what it means, a
``JobError`` catches every job outcome at once, and policies refuse impossible values where
they are given."""

from __future__ import annotations

import inspect

import pytest

from runcomfy import (
    CancelRefused,
    JobCancelled,
    JobError,
    JobFailed,
    NoOutputError,
    PollPolicy,
    RetryPolicy,
    RunComfyError,
    WaitTimeout,
)
from runcomfy_runtime import errors

CLASSES = [
    value
    for _, value in inspect.getmembers(errors, inspect.isclass)
    if value.__module__ == errors.__name__
]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_class_of_the_tree_says_what_it_means_in_its_own_docstring(cls: type) -> None:
    doc = cls.__dict__.get("__doc__")
    assert doc and doc.strip(), f"{cls.__name__} has no docstring of its own"
    if issubclass(cls, Exception):
        assert issubclass(cls, RunComfyError)
        assert cls.__name__ in (errors.__doc__ or ""), f"{cls.__name__} is not in the tree"


@pytest.mark.parametrize(
    "error",
    [
        JobFailed("r1", "failed", "boom"),
        JobCancelled("r1"),
        NoOutputError("r1", None),
        WaitTimeout("r1", 30.0, "in_progress"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_one_except_catches_every_job_outcome(error: RunComfyError) -> None:
    with pytest.raises(JobError) as caught:
        raise error
    assert caught.value.request_id == "r1"


def test_a_refused_cancel_is_not_a_job_outcome() -> None:
    assert not issubclass(CancelRefused, JobError)
    assert issubclass(WaitTimeout, TimeoutError)  # still a TimeoutError too


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (lambda: RetryPolicy(max_retries=-1), "max_retries"),
        (lambda: RetryPolicy(max_retries=1.5), "max_retries"),  # type: ignore[arg-type]
        (lambda: RetryPolicy(base_delay=0), "base_delay"),
        (lambda: RetryPolicy(base_delay=2.0, max_delay=1.0), "max_delay"),
        (lambda: RetryPolicy(retry_after_cap=-1), "retry_after_cap"),
        (lambda: RetryPolicy(rate_limit_wait=-5), "rate_limit_wait"),
        (lambda: PollPolicy(min_interval=0), "min_interval"),
        (lambda: PollPolicy(min_interval=-0.3), "min_interval"),
        (lambda: PollPolicy(max_interval=0.1), "max_interval"),  # below min_interval 0.3
        (lambda: PollPolicy(proportion=-0.2), "proportion"),
        (lambda: PollPolicy(jitter=1.0), "jitter"),
        (lambda: PollPolicy(window_interval=0), "window_interval"),
        (lambda: PollPolicy(window_margin=-0.1), "window_margin"),
    ],
)
def test_a_policy_refuses_impossible_values_naming_them(build: object, named: str) -> None:
    with pytest.raises(ValueError, match=f"{named} must be"):
        build()  # type: ignore[operator]


def test_every_wrong_value_is_named_at_once() -> None:
    with pytest.raises(ValueError) as caught:
        RetryPolicy(max_retries=-1, base_delay=-1)
    assert "max_retries" in str(caught.value) and "base_delay" in str(caught.value)
