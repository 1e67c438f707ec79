"""The ``acme/widget-2.0/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy.endpoints.acme.widget_2_0.make
    from runcomfy_runtime.client import AsyncClient, Client


class Acme_Widget2_0:
    """``acme/widget-2.0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def make(self) -> runcomfy.endpoints.acme.widget_2_0.make.Make:
        """RunComfy model acme/widget-2.0/make: make; makes images."""
        from runcomfy.endpoints.acme.widget_2_0 import make

        return make.Make(self._client)


class AsyncAcme_Widget2_0:
    """``acme/widget-2.0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def make(self) -> runcomfy.endpoints.acme.widget_2_0.make.AsyncMake:
        """RunComfy model acme/widget-2.0/make: make; makes images."""
        from runcomfy.endpoints.acme.widget_2_0 import make

        return make.AsyncMake(self._client)
