"""Types of the ``bytedance/dreamina-3-0/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.bytedance.dreamina_3_0.pro
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Bytedance_Dreamina3_0(Namespace):
    """``bytedance/dreamina-3-0/...``"""

    @property
    def pro(self) -> runcomfy.endpoints.bytedance.dreamina_3_0.pro.Bytedance_Dreamina3_0_Pro:
        """``bytedance/dreamina-3-0/pro/...``"""

class AsyncBytedance_Dreamina3_0(Namespace):
    """``bytedance/dreamina-3-0/...``"""

    @property
    def pro(self) -> runcomfy.endpoints.bytedance.dreamina_3_0.pro.AsyncBytedance_Dreamina3_0_Pro:
        """``bytedance/dreamina-3-0/pro/...``"""
