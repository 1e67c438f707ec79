"""The typed clients: each endpoint is an attribute path, e.g.
``client.acme.widget_2_0.make``. Generated; do not edit.

Namespaces are tiny objects; an endpoint's module is imported the first time it is reached.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from runcomfy._registry import REGISTRY
from runcomfy_runtime.client import AsyncClient, Client

if TYPE_CHECKING:
    import runcomfy.endpoints.acme.widget_2_0.make


class RunComfy(Client):
    """Synchronous RunComfy client with a typed method for every documented endpoint.

    Token from ``api_token=``, else ``RUNCOMFY_API_TOKEN``, else ``YOUR_API_TOKEN``.
    """

    registry = REGISTRY

    @cached_property
    def acme(self) -> Acme:
        return Acme(self)


class Acme:
    """``acme/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def widget_2_0(self) -> Acme_Widget2_0:
        return Acme_Widget2_0(self._client)


class Acme_Widget2_0:
    """``acme/widget-2.0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def make(self) -> runcomfy.endpoints.acme.widget_2_0.make.Make:
        """``acme/widget-2.0/make``"""
        from runcomfy.endpoints.acme.widget_2_0 import make

        return make.Make(self._client)


class AsyncRunComfy(AsyncClient):
    """Asynchronous RunComfy client with a typed method for every documented endpoint.

    Token from ``api_token=``, else ``RUNCOMFY_API_TOKEN``, else ``YOUR_API_TOKEN``.
    """

    registry = REGISTRY

    @cached_property
    def acme(self) -> AsyncAcme:
        return AsyncAcme(self)


class AsyncAcme:
    """``acme/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def widget_2_0(self) -> AsyncAcme_Widget2_0:
        return AsyncAcme_Widget2_0(self._client)


class AsyncAcme_Widget2_0:
    """``acme/widget-2.0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def make(self) -> runcomfy.endpoints.acme.widget_2_0.make.AsyncMake:
        """``acme/widget-2.0/make``"""
        from runcomfy.endpoints.acme.widget_2_0 import make

        return make.AsyncMake(self._client)
