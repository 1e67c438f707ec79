"""Types of the ``bytedance/seedream-4-0/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.bytedance.seedream_4_0.edit
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Bytedance_Seedream4_0(Namespace):
    """``bytedance/seedream-4-0/...``"""

    @property
    def edit(self) -> runcomfy.endpoints.bytedance.seedream_4_0.edit.Edit:
        """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""

class AsyncBytedance_Seedream4_0(Namespace):
    """``bytedance/seedream-4-0/...``"""

    @property
    def edit(self) -> runcomfy.endpoints.bytedance.seedream_4_0.edit.AsyncEdit:
        """RunComfy model bytedance/seedream-4-0/edit: edit; makes images."""
