"""The ``acme/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy._namespaces.acme__widget_2_0
    from runcomfy_runtime.client import AsyncClient, Client


class Acme:
    """``acme/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def widget_2_0(self) -> runcomfy._namespaces.acme__widget_2_0.Acme_Widget2_0:
        """``acme/widget-2.0/...``"""
        from runcomfy._namespaces import acme__widget_2_0

        return acme__widget_2_0.Acme_Widget2_0(self._client)


class AsyncAcme:
    """``acme/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def widget_2_0(self) -> runcomfy._namespaces.acme__widget_2_0.AsyncAcme_Widget2_0:
        """``acme/widget-2.0/...``"""
        from runcomfy._namespaces import acme__widget_2_0

        return acme__widget_2_0.AsyncAcme_Widget2_0(self._client)
