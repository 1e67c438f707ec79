"""The ``bytedance/seedream-4-0/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy.endpoints.bytedance.seedream_4_0.edit
    from runcomfy_runtime.client import AsyncClient, Client


class Bytedance_Seedream4_0:
    """``bytedance/seedream-4-0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def edit(self) -> runcomfy.endpoints.bytedance.seedream_4_0.edit.Edit:
        """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""
        from runcomfy.endpoints.bytedance.seedream_4_0 import edit

        return edit.Edit(self._client)


class AsyncBytedance_Seedream4_0:
    """``bytedance/seedream-4-0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def edit(self) -> runcomfy.endpoints.bytedance.seedream_4_0.edit.AsyncEdit:
        """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""
        from runcomfy.endpoints.bytedance.seedream_4_0 import edit

        return edit.AsyncEdit(self._client)
