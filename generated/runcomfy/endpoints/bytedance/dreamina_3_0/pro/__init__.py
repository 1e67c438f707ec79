"""The ``bytedance/dreamina-3-0/pro/...`` namespace of the typed clients. Generated; do not edit.

Children are built on first use from ``CHILDREN`` (``runcomfy_runtime.namespaces``); their
types are in the stub beside this module, so importing it costs little however many children
it has.
"""

from __future__ import annotations

from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children = {
    "image_to_video": (
        "runcomfy.endpoints.bytedance.dreamina_3_0.pro.image_to_video",
        "ImageToVideo",
    ),
}


class Bytedance_Dreamina3_0_Pro(Namespace):
    """``bytedance/dreamina-3-0/pro/...``"""

    _children = CHILDREN


class AsyncBytedance_Dreamina3_0_Pro(Namespace):
    """``bytedance/dreamina-3-0/pro/...``"""

    _children = CHILDREN
    _prefix = "Async"
