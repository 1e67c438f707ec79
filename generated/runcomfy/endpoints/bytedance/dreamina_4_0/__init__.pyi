"""Types of the ``bytedance/dreamina-4-0/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.bytedance.dreamina_4_0.edit
import runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Bytedance_Dreamina4_0(Namespace):
    """``bytedance/dreamina-4-0/...``"""

    @property
    def edit(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.edit.Edit:
        """RunComfy model bytedance/dreamina-4-0/edit: edit; makes images."""
    @property
    def text_to_image(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image.TextToImage:
        """RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images."""

class AsyncBytedance_Dreamina4_0(Namespace):
    """``bytedance/dreamina-4-0/...``"""

    @property
    def edit(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.edit.AsyncEdit:
        """RunComfy model bytedance/dreamina-4-0/edit: edit; makes images."""
    @property
    def text_to_image(
        self,
    ) -> runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image.AsyncTextToImage:
        """RunComfy model bytedance/dreamina-4-0/text-to-image: text to image; makes images."""
