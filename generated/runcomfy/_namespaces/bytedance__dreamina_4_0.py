"""The ``bytedance/dreamina-4-0/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy.endpoints.bytedance.dreamina_4_0.edit
    import runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image
    from runcomfy_runtime.client import AsyncClient, Client


class Bytedance_Dreamina4_0:
    """``bytedance/dreamina-4-0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def edit(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.edit.Edit:
        """RunComfy model bytedance/dreamina-4-0/edit: edit; makes images."""
        from runcomfy.endpoints.bytedance.dreamina_4_0 import edit

        return edit.Edit(self._client)

    @cached_property
    def text_to_image(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image.TextToImage:
        """RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images."""
        from runcomfy.endpoints.bytedance.dreamina_4_0 import text_to_image

        return text_to_image.TextToImage(self._client)


class AsyncBytedance_Dreamina4_0:
    """``bytedance/dreamina-4-0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def edit(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.edit.AsyncEdit:
        """RunComfy model bytedance/dreamina-4-0/edit: edit; makes images."""
        from runcomfy.endpoints.bytedance.dreamina_4_0 import edit

        return edit.AsyncEdit(self._client)

    @cached_property
    def text_to_image(
        self,
    ) -> runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image.AsyncTextToImage:
        """RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images."""
        from runcomfy.endpoints.bytedance.dreamina_4_0 import text_to_image

        return text_to_image.AsyncTextToImage(self._client)
