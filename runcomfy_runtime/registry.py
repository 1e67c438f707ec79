"""Model id -> endpoint spec, loading each endpoint's module only when it is first asked for.

The generated package hands the runtime one :class:`Registry`; the runtime (client, CLI,
emulator) never imports generated modules by name, so adding an endpoint touches no runtime code.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from runcomfy_runtime.spec import EndpointSpec


class Registry(Mapping[str, EndpointSpec]):
    """A read-only mapping of model ids to specs, each loaded from its module on first use."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, EndpointSpec] = {}

    def __getitem__(self, model_id: str) -> EndpointSpec:
        spec = self._loaded.get(model_id)
        if spec is None:
            module = importlib.import_module(self._modules[model_id])
            spec = self._loaded[model_id] = module.SPEC
        return spec

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._modules


class LazyRegistry(Mapping[str, EndpointSpec]):
    """A generated package's :class:`Registry`, imported on first use: the typed path
    (``client.vendor.model.run``) never needs it, and its size grows with the endpoints."""

    def __init__(self, module: str, name: str = "REGISTRY") -> None:
        self._module = module
        self._name = name
        self._target: Mapping[str, EndpointSpec] | None = None

    def _loaded(self) -> Mapping[str, EndpointSpec]:
        if self._target is None:
            found: Mapping[str, EndpointSpec] = getattr(
                importlib.import_module(self._module), self._name
            )
            self._target = found
        return self._target

    def __getitem__(self, model_id: str) -> EndpointSpec:
        return self._loaded()[model_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __contains__(self, model_id: object) -> bool:
        return model_id in self._loaded()
