"""Requests to file hosts (probes of inputs, downloads of outputs) carry none of the user's
credentials: not the default headers, cookies or auth of the ``http_client`` given, not on a
redirect; and a request hook that adds some is refused before anything is sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from runcomfy import AsyncRunComfy, CredentialsRefused, RunComfy
from runcomfy_runtime.results import Output, Result
from tests import imagefiles
from tests.imageserver import ImageServer

TOKEN = "sk-file-host-test-token"
SECRET = "Bearer sk-users-own-secret"
EDIT = "bytedance/dreamina-4-0/edit"
API = "http://127.0.0.1:9"  # never asked: these tests only probe and download


@pytest.fixture
def files() -> Iterator[ImageServer]:
    with ImageServer() as server:
        yield server


def _outputs(files: ImageServer) -> Result[Output]:
    direct = files.serve("/out/a.png", imagefiles.png(16, 16), "image/png")
    moved = files.redirect(
        "/out/moved.png", files.serve("/out/b.png", imagefiles.png(8, 8), "image/png")
    )
    return Result.from_wire(
        "r1", {"status": "succeeded", "output": {"images": [direct, moved]}}, Output
    )


def _credentialled(kind: type[httpx.Client] | type[httpx.AsyncClient]) -> list[object]:
    """The user's clients, each adding credentials to every request by default."""
    return [
        kind(headers={"Authorization": SECRET}),
        kind(cookies={"session": "users-session"}),
        kind(auth=("user", "password")),
    ]


def _clean(files: ImageServer) -> None:
    hits = files.hits()
    assert hits
    leaked = [h for h in hits if "authorization" in h.headers or "cookie" in h.headers]
    assert not leaked, leaked


def test_downloads_carry_none_of_the_users_client_credentials(
    files: ImageServer, tmp_path: Path
) -> None:
    result = _outputs(files)
    for index, http in enumerate(_credentialled(httpx.Client)):
        assert isinstance(http, httpx.Client)
        with http, RunComfy(api_token=TOKEN, base_url=API, http_client=http) as client:
            paths = client.download(result, tmp_path / str(index))
        assert [p.suffix for p in paths] == [".png", ".png"]
    _clean(files)
    assert len(files.hits()) == 3 * 3  # a, moved, b for each client


async def test_async_downloads_carry_none_of_the_users_client_credentials(
    files: ImageServer, tmp_path: Path
) -> None:
    result = _outputs(files)
    for index, http in enumerate(_credentialled(httpx.AsyncClient)):
        assert isinstance(http, httpx.AsyncClient)
        async with http, AsyncRunComfy(api_token=TOKEN, base_url=API, http_client=http) as client:
            paths = await client.download(result, tmp_path / str(index))
        assert len(paths) == 2
    _clean(files)


def _add_token(request: httpx.Request) -> None:
    request.headers["Authorization"] = SECRET


async def _aadd_cookie(request: httpx.Request) -> None:
    request.headers["Cookie"] = "session=users-session"


def test_a_hook_adding_credentials_is_refused_before_a_probe_or_download_is_sent(
    files: ImageServer, tmp_path: Path
) -> None:
    image = files.serve("/in/photo.png", imagefiles.png(640, 480), "image/png")
    with (
        httpx.Client(event_hooks={"request": [_add_token]}) as hooked,
        RunComfy(api_token=TOKEN, base_url=API, http_client=hooked) as client,
    ):
        with pytest.raises(CredentialsRefused) as probing:
            client.validate(EDIT, {"prompt": "p", "image_urls": [image]})
        with pytest.raises(CredentialsRefused):
            client.download(_outputs(files), tmp_path)
    assert probing.value.headers == ("authorization",)
    assert files.hits() == []  # refused before a byte left: not even a connection was asked
    assert list(tmp_path.iterdir()) == []


async def test_an_async_hook_adding_credentials_is_refused_before_anything_is_sent(
    files: ImageServer, tmp_path: Path
) -> None:
    image = files.serve("/in/photo.png", imagefiles.png(640, 480), "image/png")
    async with (
        httpx.AsyncClient(event_hooks={"request": [_aadd_cookie]}) as hooked,
        AsyncRunComfy(api_token=TOKEN, base_url=API, http_client=hooked) as client,
    ):
        with pytest.raises(CredentialsRefused, match="added cookie"):
            await client.validate(EDIT, {"prompt": "p", "image_urls": [image]})
        with pytest.raises(CredentialsRefused):
            await client.download(_outputs(files), tmp_path)
    assert files.hits() == []
