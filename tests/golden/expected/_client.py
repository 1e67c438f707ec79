"""The typed clients: each endpoint is an attribute path, e.g.
``client.acme.widget_2_0.make``. Generated; do not edit.

Each namespace lives in its own package under ``runcomfy.endpoints``, imported the
first time it is reached, and each endpoint's module likewise: this file stays small however
many endpoints there are.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from runcomfy_runtime.client import AsyncClient, Client
from runcomfy_runtime.registry import LazyRegistry

if TYPE_CHECKING:
    import runcomfy.endpoints.acme


class RunComfy(Client):
    """Synchronous RunComfy client with a typed method for every documented endpoint.

    The token, first found: ``api_token=``, ``$RUNCOMFY_API_TOKEN``, ``$YOUR_API_TOKEN``
    (the name in RunComfy's API docs), ``$RUNCOMFY_TOKEN`` (RunComfy's own CLI's), then
    ``<config dir>/token.json`` (as `runcomfy login` writes it, here or with RunComfy's CLI;
    config dir: $RUNCOMFY_CONFIG_DIR, else $XDG_CONFIG_HOME/runcomfy, else
    ~/.config/runcomfy).

    The base URL, first found: ``base_url=``, ``$RUNCOMFY_BASE_URL``,
    ``$RUNCOMFY_MODEL_API_BASE`` (RunComfy's CLI's; its trailing /v1 is dropped), then
    ``https://model-api.runcomfy.net`` (the service).
    """

    registry = LazyRegistry("runcomfy._registry")  # loaded by the dynamic path only

    @cached_property
    def acme(self) -> runcomfy.endpoints.acme.Acme:
        """``acme/...``"""
        from runcomfy.endpoints import acme

        return acme.Acme(self)


class AsyncRunComfy(AsyncClient):
    """Asynchronous RunComfy client with a typed method for every documented endpoint.

    The token, first found: ``api_token=``, ``$RUNCOMFY_API_TOKEN``, ``$YOUR_API_TOKEN``
    (the name in RunComfy's API docs), ``$RUNCOMFY_TOKEN`` (RunComfy's own CLI's), then
    ``<config dir>/token.json`` (as `runcomfy login` writes it, here or with RunComfy's CLI;
    config dir: $RUNCOMFY_CONFIG_DIR, else $XDG_CONFIG_HOME/runcomfy, else
    ~/.config/runcomfy).

    The base URL, first found: ``base_url=``, ``$RUNCOMFY_BASE_URL``,
    ``$RUNCOMFY_MODEL_API_BASE`` (RunComfy's CLI's; its trailing /v1 is dropped), then
    ``https://model-api.runcomfy.net`` (the service).
    """

    registry = LazyRegistry("runcomfy._registry")  # loaded by the dynamic path only

    @cached_property
    def acme(self) -> runcomfy.endpoints.acme.AsyncAcme:
        """``acme/...``"""
        from runcomfy.endpoints import acme

        return acme.AsyncAcme(self)
