"""The ``acme/widget-2.0/...`` namespace of the typed clients. Generated; do not edit.

Children are built on first use from ``CHILDREN`` (``runcomfy_runtime.namespaces``); their
types are in the stub beside this module, so importing it costs little however many children
it has.
"""

from __future__ import annotations

from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children = {
    "make": ("runcomfy.endpoints.acme.widget_2_0.make", "Make"),
}


class Acme_Widget2_0(Namespace):
    """``acme/widget-2.0/...``"""

    _children = CHILDREN


class AsyncAcme_Widget2_0(Namespace):
    """``acme/widget-2.0/...``"""

    _children = CHILDREN
    _prefix = "Async"
