"""pytest fixtures for testing code that calls RunComfy, offline. Generated; do not edit.

Registered by this package's ``pytest11`` entry point: in a project with
``runcomfy[emulator]`` installed, every test may ask for ``runcomfy_emulator`` (a running
emulator of the API serving this package's models; ``runcomfy_emulator.pytest_plugin`` says
what it offers and how to set it) and ``runcomfy_client`` (a ``RunComfy`` bound to it). Nothing
loads when pytest starts: each fixture imports what it needs when a test asks for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import pytest

from runcomfy_emulator.pytest_plugin import pytest_addoption, pytest_configure, runcomfy_emulator

if TYPE_CHECKING:
    from runcomfy._client import RunComfy
    from runcomfy_emulator.server import EmulatorServer
    from runcomfy_runtime.spec import EndpointSpec

__all__ = [
    "pytest_addoption",
    "pytest_configure",
    "runcomfy_client",
    "runcomfy_emulator",
    "runcomfy_registry",
]


@pytest.fixture
def runcomfy_registry() -> Mapping[str, EndpointSpec]:
    """The models ``runcomfy_emulator`` serves: this package's 4."""
    from runcomfy._registry import REGISTRY

    return REGISTRY


@pytest.fixture
def runcomfy_client(runcomfy_emulator: EmulatorServer) -> Iterator[RunComfy]:
    """A ``RunComfy`` client bound to ``runcomfy_emulator`` (its URL and token)."""
    from runcomfy._client import RunComfy

    with RunComfy(api_token=runcomfy_emulator.token, base_url=runcomfy_emulator.url) as client:
        yield client
