"""The ``bytedance/...`` namespaces of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video
    import runcomfy.endpoints.bytedance.dreamina_4_0.edit
    import runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image
    import runcomfy.endpoints.bytedance.seedream_4_0.edit
    from runcomfy_runtime.client import AsyncClient, Client


class Bytedance:
    """``bytedance/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def dreamina_3_0(self) -> Bytedance_Dreamina3_0:
        return Bytedance_Dreamina3_0(self._client)

    @cached_property
    def dreamina_4_0(self) -> Bytedance_Dreamina4_0:
        return Bytedance_Dreamina4_0(self._client)

    @cached_property
    def seedream_4_0(self) -> Bytedance_Seedream4_0:
        return Bytedance_Seedream4_0(self._client)


class Bytedance_Dreamina3_0:
    """``bytedance/dreamina-3-0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def pro(self) -> Bytedance_Dreamina3_0_Pro:
        return Bytedance_Dreamina3_0_Pro(self._client)


class Bytedance_Dreamina3_0_Pro:
    """``bytedance/dreamina-3-0/pro/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def image_to_video(
        self,
    ) -> runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video.ImageToVideo:
        """RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos."""
        from runcomfy.endpoints.bytedance.dreamina_3_0.pro import image_to_video

        return image_to_video.ImageToVideo(self._client)


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


class Bytedance_Seedream4_0:
    """``bytedance/seedream-4-0/...``"""

    def __init__(self, client: Client) -> None:
        self._client = client

    @cached_property
    def edit(self) -> runcomfy.endpoints.bytedance.seedream_4_0.edit.Edit:
        """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""
        from runcomfy.endpoints.bytedance.seedream_4_0 import edit

        return edit.Edit(self._client)


class AsyncBytedance:
    """``bytedance/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def dreamina_3_0(self) -> AsyncBytedance_Dreamina3_0:
        return AsyncBytedance_Dreamina3_0(self._client)

    @cached_property
    def dreamina_4_0(self) -> AsyncBytedance_Dreamina4_0:
        return AsyncBytedance_Dreamina4_0(self._client)

    @cached_property
    def seedream_4_0(self) -> AsyncBytedance_Seedream4_0:
        return AsyncBytedance_Seedream4_0(self._client)


class AsyncBytedance_Dreamina3_0:
    """``bytedance/dreamina-3-0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def pro(self) -> AsyncBytedance_Dreamina3_0_Pro:
        return AsyncBytedance_Dreamina3_0_Pro(self._client)


class AsyncBytedance_Dreamina3_0_Pro:
    """``bytedance/dreamina-3-0/pro/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def image_to_video(
        self,
    ) -> runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video.AsyncImageToVideo:
        """RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos."""
        from runcomfy.endpoints.bytedance.dreamina_3_0.pro import image_to_video

        return image_to_video.AsyncImageToVideo(self._client)


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


class AsyncBytedance_Seedream4_0:
    """``bytedance/seedream-4-0/...``"""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    @cached_property
    def edit(self) -> runcomfy.endpoints.bytedance.seedream_4_0.edit.AsyncEdit:
        """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""
        from runcomfy.endpoints.bytedance.seedream_4_0 import edit

        return edit.AsyncEdit(self._client)
