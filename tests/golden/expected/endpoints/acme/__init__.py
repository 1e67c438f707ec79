"""The ``acme/...`` namespace of the typed clients. Generated; do not edit.

Children are built on first use from ``CHILDREN`` (``runcomfy_runtime.namespaces``); their
types are in the stub beside this module, so importing it costs little however many children
it has.
"""

from __future__ import annotations

from runcomfy_runtime.namespaces import Children, Namespace

CHILDREN: Children = {
    "widget_2_0": ("runcomfy.endpoints.acme.widget_2_0", "Acme_Widget2_0"),
}


class Acme(Namespace):
    """``acme/...``"""

    _children = CHILDREN


class AsyncAcme(Namespace):
    """``acme/...``"""

    _children = CHILDREN
    _prefix = "Async"
