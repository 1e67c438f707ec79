"""The ``bytedance/dreamina-3-0/...`` namespace of the typed clients. Generated; do not edit.

Children are built on first use from ``CHILDREN`` (``runcomfy_runtime.namespaces``); their
types are in the stub beside this module, so importing it costs little however many children
it has.
"""

from __future__ import annotations

from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children = {
    "pro": ("runcomfy.endpoints.bytedance.dreamina_3_0.pro", "Bytedance_Dreamina3_0_Pro"),
}


class Bytedance_Dreamina3_0(Namespace):
    """``bytedance/dreamina-3-0/...``"""

    _children = CHILDREN


class AsyncBytedance_Dreamina3_0(Namespace):
    """``bytedance/dreamina-3-0/...``"""

    _children = CHILDREN
    _prefix = "Async"
