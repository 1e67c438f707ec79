"""Every model id and the module that defines it. Generated; do not edit.

The runtime looks endpoints up here (the dynamic path, the CLI, the emulator); a module is
imported only when its model id is first used.
"""

from __future__ import annotations

from runcomfy_runtime.registry import Registry

MODULES: dict[str, str] = {
    "bytedance/dreamina-3-0/pro/image-to-video": "runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video",
    "bytedance/dreamina-4-0/edit": "runcomfy.endpoints.bytedance.dreamina_4_0.edit",
    "bytedance/dreamina-4-0/text-to-image": "runcomfy.endpoints.bytedance.dreamina_4_0.text_to_image",
    "bytedance/seedream-4-0/edit": "runcomfy.endpoints.bytedance.seedream_4_0.edit",
}

REGISTRY = Registry(MODULES)
