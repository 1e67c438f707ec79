"""How a generated namespace reaches its children: by name, from a table, on first use.

A namespace (``client.bytedance``, ``client.bytedance.dreamina_4_0``) may hold hundreds of
children. Defining one descriptor per child would make importing it cost as much as the
catalog is large; instead its class holds a table (name -> the module and class of the child)
and this one ``__getattr__`` builds a child the first time it is asked for and keeps it. The
typed attributes exist for type checkers and IDEs only (``if TYPE_CHECKING`` in the
generated class).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

Children = Mapping[str, tuple[str, str]]
"""Attribute name -> (module, class name) of a child namespace or endpoint."""


class Namespace:
    """The base of every generated namespace class (sync and async)."""

    _children: ClassVar[Children] = {}
    _prefix = ""  # "Async" on the async twin: its children are the Async classes

    def __init__(self, client: Any) -> None:
        self._client = client

    if not TYPE_CHECKING:  # hidden from type checkers: a misspelt attribute stays an error

        def __getattr__(self, name: str) -> Any:
            return self._child(name)

    def _child(self, name: str) -> Any:
        found = type(self)._children.get(name)
        if found is None:
            known = ", ".join(sorted(type(self)._children))
            raise AttributeError(
                f"{type(self).__name__!r} has no attribute {name!r}; known: {known}"
            )
        module, class_name = found
        child = getattr(importlib.import_module(module), self._prefix + class_name)(self._client)
        self.__dict__[name] = child  # built once: later reads never reach __getattr__
        return child

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *type(self)._children})
