"""The ``bytedance/dreamina-3-0/pro/...`` namespace of the typed clients. Generated; do not edit."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video
    from runcomfy_runtime.client import AsyncClient, Client


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
