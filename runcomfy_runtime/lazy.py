"""A module loaded when it is first used: the one place the clients' start-up is kept cheap.

Building a client must not load what only a call needs (the flows and what they read, job
handles, downloads; ``bench/bench_codegen.py`` measures a user's script). Instead of an
import inside every method, ``client.py`` and ``jobs.py`` name those modules once, as
:class:`LazyModule` values (typed by a ``TYPE_CHECKING`` import of the real module).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module ``name``; imports it at the first attribute read."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)
