"""The base classes every generated endpoint class extends: the typed call -> the client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from runcomfy_runtime.spec import EndpointSpec

if TYPE_CHECKING:
    from runcomfy_runtime.client import AsyncClient, Client
    from runcomfy_runtime.jobs import AsyncJob, Job, Result, StatusCallback

ValidationLevel = Literal["full", "schema", "off"]
"""``full``: schema and image rules (probes the images); ``schema``: offline only; ``off``."""


def wire_payload(values: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body: arguments left out (None) are not sent, so the server applies its
    documented defaults; sequences become lists."""
    return {
        key: list(value) if isinstance(value, Sequence) and not isinstance(value, str) else value
        for key, value in values.items()
        if value is not None
    }


class SyncEndpoint:
    spec: ClassVar[EndpointSpec]

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.model_id}>"

    def _submit(self, values: Mapping[str, Any], validate: ValidationLevel) -> Job:
        return self._client.submit(self.spec.model_id, wire_payload(values), validate=validate)

    def _run(
        self,
        values: Mapping[str, Any],
        validate: ValidationLevel,
        *,
        timeout: float | None,
        on_status: StatusCallback | None,
        include_cost: bool,
    ) -> Result:
        return self._client.run(
            self.spec.model_id,
            wire_payload(values),
            validate=validate,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
        )


class AsyncEndpoint:
    spec: ClassVar[EndpointSpec]

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.model_id}>"

    async def _submit(self, values: Mapping[str, Any], validate: ValidationLevel) -> AsyncJob:
        return await self._client.submit(
            self.spec.model_id, wire_payload(values), validate=validate
        )

    async def _run(
        self,
        values: Mapping[str, Any],
        validate: ValidationLevel,
        *,
        timeout: float | None,
        on_status: StatusCallback | None,
        include_cost: bool,
    ) -> Result:
        return await self._client.run(
            self.spec.model_id,
            wire_payload(values),
            validate=validate,
            timeout=timeout,
            on_status=on_status,
            include_cost=include_cost,
        )
