"""The ``bytedance/dreamina-3-0/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy._namespaces.bytedance__dreamina_3_0__pro
    from runcomfy_runtime.client import AsyncClient, Client


class Bytedance_Dreamina3_0:
    """``bytedance/dreamina-3-0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def pro(self) -> runcomfy._namespaces.bytedance__dreamina_3_0__pro.Bytedance_Dreamina3_0_Pro:
        """``bytedance/dreamina-3-0/pro/...``"""
        from runcomfy._namespaces import bytedance__dreamina_3_0__pro

        return bytedance__dreamina_3_0__pro.Bytedance_Dreamina3_0_Pro(self._client)


class AsyncBytedance_Dreamina3_0:
    """``bytedance/dreamina-3-0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def pro(
        self,
    ) -> runcomfy._namespaces.bytedance__dreamina_3_0__pro.AsyncBytedance_Dreamina3_0_Pro:
        """``bytedance/dreamina-3-0/pro/...``"""
        from runcomfy._namespaces import bytedance__dreamina_3_0__pro

        return bytedance__dreamina_3_0__pro.AsyncBytedance_Dreamina3_0_Pro(self._client)
