"""The ``bytedance/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy._namespaces.bytedance__dreamina_3_0
    import runcomfy._namespaces.bytedance__dreamina_4_0
    import runcomfy._namespaces.bytedance__seedream_4_0
    from runcomfy_runtime.client import AsyncClient, Client


class Bytedance:
    """``bytedance/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def dreamina_3_0(self) -> runcomfy._namespaces.bytedance__dreamina_3_0.Bytedance_Dreamina3_0:
        """``bytedance/dreamina-3-0/...``"""
        from runcomfy._namespaces import bytedance__dreamina_3_0

        return bytedance__dreamina_3_0.Bytedance_Dreamina3_0(self._client)

    @cached_property
    def dreamina_4_0(self) -> runcomfy._namespaces.bytedance__dreamina_4_0.Bytedance_Dreamina4_0:
        """``bytedance/dreamina-4-0/...``"""
        from runcomfy._namespaces import bytedance__dreamina_4_0

        return bytedance__dreamina_4_0.Bytedance_Dreamina4_0(self._client)

    @cached_property
    def seedream_4_0(self) -> runcomfy._namespaces.bytedance__seedream_4_0.Bytedance_Seedream4_0:
        """``bytedance/seedream-4-0/...``"""
        from runcomfy._namespaces import bytedance__seedream_4_0

        return bytedance__seedream_4_0.Bytedance_Seedream4_0(self._client)


class AsyncBytedance:
    """``bytedance/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def dreamina_3_0(
        self,
    ) -> runcomfy._namespaces.bytedance__dreamina_3_0.AsyncBytedance_Dreamina3_0:
        """``bytedance/dreamina-3-0/...``"""
        from runcomfy._namespaces import bytedance__dreamina_3_0

        return bytedance__dreamina_3_0.AsyncBytedance_Dreamina3_0(self._client)

    @cached_property
    def dreamina_4_0(
        self,
    ) -> runcomfy._namespaces.bytedance__dreamina_4_0.AsyncBytedance_Dreamina4_0:
        """``bytedance/dreamina-4-0/...``"""
        from runcomfy._namespaces import bytedance__dreamina_4_0

        return bytedance__dreamina_4_0.AsyncBytedance_Dreamina4_0(self._client)

    @cached_property
    def seedream_4_0(
        self,
    ) -> runcomfy._namespaces.bytedance__seedream_4_0.AsyncBytedance_Seedream4_0:
        """``bytedance/seedream-4-0/...``"""
        from runcomfy._namespaces import bytedance__seedream_4_0

        return bytedance__seedream_4_0.AsyncBytedance_Seedream4_0(self._client)
