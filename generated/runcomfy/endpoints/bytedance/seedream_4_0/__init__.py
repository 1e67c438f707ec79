"""The ``bytedance/seedream-4-0/...`` namespace of the typed clients. Generated; do not edit.

Children are built on first use from ``CHILDREN`` (``runcomfy_runtime.namespaces``); their
types are in the stub beside this module, so importing it costs little however many children
it has.
"""

from __future__ import annotations

from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children = {
    "edit": ("runcomfy.endpoints.bytedance.seedream_4_0.edit", "Edit"),
}


class Bytedance_Seedream4_0(Namespace):
    """``bytedance/seedream-4-0/...``"""

    _children = CHILDREN


class AsyncBytedance_Seedream4_0(Namespace):
    """``bytedance/seedream-4-0/...``"""

    _children = CHILDREN
    _prefix = "Async"
