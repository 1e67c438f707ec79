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

    Token from ``api_token=``, else ``RUNCOMFY_API_TOKEN``, else ``YOUR_API_TOKEN``.
    """

    registry = LazyRegistry("runcomfy._registry")  # loaded by the dynamic path only

    @cached_property
    def acme(self) -> runcomfy.endpoints.acme.Acme:
        """``acme/...``"""
        from runcomfy.endpoints import acme

        return acme.Acme(self)


class AsyncRunComfy(AsyncClient):
    """Asynchronous RunComfy client with a typed method for every documented endpoint.

    Token from ``api_token=``, else ``RUNCOMFY_API_TOKEN``, else ``YOUR_API_TOKEN``.
    """

    registry = LazyRegistry("runcomfy._registry")  # loaded by the dynamic path only

    @cached_property
    def acme(self) -> runcomfy.endpoints.acme.AsyncAcme:
        """``acme/...``"""
        from runcomfy.endpoints import acme

        return acme.AsyncAcme(self)
