"""The ``bytedance/...`` namespace of the typed clients. Generated; do not edit.

Children are built on first use from ``CHILDREN`` (``runcomfy_runtime.namespaces``); their
types are in the stub beside this module, so importing it costs little however many children
it has.
"""

from __future__ import annotations

from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children = {
    "dreamina_3_0": ("runcomfy.endpoints.bytedance.dreamina_3_0", "Bytedance_Dreamina3_0"),
    "dreamina_4_0": ("runcomfy.endpoints.bytedance.dreamina_4_0", "Bytedance_Dreamina4_0"),
    "seedream_4_0": ("runcomfy.endpoints.bytedance.seedream_4_0", "Bytedance_Seedream4_0"),
}


class Bytedance(Namespace):
    """``bytedance/...``"""

    _children = CHILDREN


class AsyncBytedance(Namespace):
    """``bytedance/...``"""

    _children = CHILDREN
    _prefix = "Async"
