"""Types of the ``bytedance/dreamina-3-0/pro/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Bytedance_Dreamina3_0_Pro(Namespace):
    """``bytedance/dreamina-3-0/pro/...``"""

    @property
    def image_to_video(
        self,
    ) -> runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video.ImageToVideo:
        """RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos."""

class AsyncBytedance_Dreamina3_0_Pro(Namespace):
    """``bytedance/dreamina-3-0/pro/...``"""

    @property
    def image_to_video(
        self,
    ) -> runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video.AsyncImageToVideo:
        """RunComfy model bytedance/dreamina-3-0/pro/image-to-video: image to video; makes videos."""
