"""Types of the ``acme/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.acme.widget_2_0
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Acme(Namespace):
    """``acme/...``"""

    @property
    def widget_2_0(self) -> runcomfy.endpoints.acme.widget_2_0.Acme_Widget2_0:
        """``acme/widget-2.0/...``"""

class AsyncAcme(Namespace):
    """``acme/...``"""

    @property
    def widget_2_0(self) -> runcomfy.endpoints.acme.widget_2_0.AsyncAcme_Widget2_0:
        """``acme/widget-2.0/...``"""
