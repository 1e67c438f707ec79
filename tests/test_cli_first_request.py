"""The command's first request: made through a view of the client without retries (the client
itself is never changed, so nothing sharing it is affected), failing fast on a host that cannot
be reached, which is told by the type of what the system raised, not by its words."""

from __future__ import annotations

import itertools
import socket

import httpx
import pytest

from runcomfy import RunComfy
from runcomfy_cli.config import Context, Unreachable, first_request, unreachable
from runcomfy_runtime.errors import APIConnectionError
from runcomfy_runtime.retry import RetryPolicy
from tests.hostile import HostileServer, Request, as_json

RETRY = RetryPolicy(max_retries=3, base_delay=0.01, max_delay=0.02)


def _failed(cause: BaseException, words: str) -> APIConnectionError:
    """An ``APIConnectionError`` as the client raises it: from httpx's, from the system's."""
    try:
        try:
            raise cause
        except OSError as system:
            raise httpx.ConnectError(words) from system
    except httpx.ConnectError as connect:
        error = APIConnectionError("GET http://x/ failed")
        error.__cause__ = connect
        return error


@pytest.mark.parametrize(
    ("cause", "why"),
    [
        (ConnectionRefusedError(111, "Verbindungsaufbau abgelehnt"), "connection refused"),
        (socket.gaierror(-2, "Nom ou service inconnu"), "host name not found"),
        (OSError("All connection attempts failed"), "odd words"),  # nothing known: its words
    ],
)
def test_an_unreachable_host_is_told_by_the_type_of_the_failure(cause: OSError, why: str) -> None:
    found = unreachable(_failed(cause, "odd words"), Context(base_url="http://x"))
    assert isinstance(found, Unreachable) and f"({why})" in str(found)


def test_a_failure_that_is_not_a_connection_keeps_its_retries() -> None:
    error = APIConnectionError("GET http://x/ failed")
    error.__cause__ = httpx.ReadTimeout("slow")
    assert unreachable(error, Context()) is None


def test_the_first_request_goes_without_retries_and_leaves_the_client_unchanged() -> None:
    answers = itertools.count()

    def flaky(conn: socket.socket, request: Request, stop: object) -> None:
        status = 503 if next(answers) == 0 else 200
        as_json(status, {"categories": ["image"]})(conn, request, stop)  # type: ignore[arg-type]

    with HostileServer() as server:
        server.routes["/v1/models/categories"] = flaky
        with RunComfy(api_token="t", base_url=server.url, retry=RETRY) as client:
            found = first_request(client, lambda c: c.categories(), Context())
            assert client.retry is RETRY
        assert found == ["image"]
        assert len(server.requests) == 2  # the first without retries, then once more
