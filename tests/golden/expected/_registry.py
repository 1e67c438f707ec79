"""Every model id and the module that defines it. Generated; do not edit.

The runtime looks endpoints up here (the dynamic path, the CLI, the emulator); a module is
imported only when its model id is first used.
"""

from __future__ import annotations

from runcomfy_runtime.registry import Registry

MODULES: dict[str, str] = {
    "acme/widget-2.0/make": "runcomfy.endpoints.acme.widget_2_0.make",
}

REGISTRY = Registry(MODULES)
