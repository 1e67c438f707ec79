"""Types of the ``bytedance/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.bytedance.dreamina_3_0
import runcomfy.endpoints.bytedance.dreamina_4_0
import runcomfy.endpoints.bytedance.seedream_4_0
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Bytedance(Namespace):
    """``bytedance/...``"""

    @property
    def dreamina_3_0(self) -> runcomfy.endpoints.bytedance.dreamina_3_0.Bytedance_Dreamina3_0:
        """``bytedance/dreamina-3-0/...``"""
    @property
    def dreamina_4_0(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.Bytedance_Dreamina4_0:
        """``bytedance/dreamina-4-0/...``"""
    @property
    def seedream_4_0(self) -> runcomfy.endpoints.bytedance.seedream_4_0.Bytedance_Seedream4_0:
        """``bytedance/seedream-4-0/...``"""

class AsyncBytedance(Namespace):
    """``bytedance/...``"""

    @property
    def dreamina_3_0(self) -> runcomfy.endpoints.bytedance.dreamina_3_0.AsyncBytedance_Dreamina3_0:
        """``bytedance/dreamina-3-0/...``"""
    @property
    def dreamina_4_0(self) -> runcomfy.endpoints.bytedance.dreamina_4_0.AsyncBytedance_Dreamina4_0:
        """``bytedance/dreamina-4-0/...``"""
    @property
    def seedream_4_0(self) -> runcomfy.endpoints.bytedance.seedream_4_0.AsyncBytedance_Seedream4_0:
        """``bytedance/seedream-4-0/...``"""
