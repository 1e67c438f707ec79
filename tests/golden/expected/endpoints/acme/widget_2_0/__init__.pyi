"""Types of the ``acme/widget-2.0/...`` namespace, for type checkers and IDEs. Generated; do not edit."""

import runcomfy.endpoints.acme.widget_2_0.make
from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children

class Acme_Widget2_0(Namespace):
    """``acme/widget-2.0/...``"""

    @property
    def make(self) -> runcomfy.endpoints.acme.widget_2_0.make.Make:
        """RunComfy model acme/widget-2.0/make: make; makes images."""

class AsyncAcme_Widget2_0(Namespace):
    """``acme/widget-2.0/...``"""

    @property
    def make(self) -> runcomfy.endpoints.acme.widget_2_0.make.AsyncMake:
        """RunComfy model acme/widget-2.0/make: make; makes images."""
