"""The base classes every generated endpoint class extends: the typed call -> the client."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeAlias, TypeVar, Unpack

from runcomfy_runtime.outputs import OutputBase
from runcomfy_runtime.spec import EndpointSpec

if TYPE_CHECKING:
    from runcomfy_runtime.batch.runs import AsyncMapRun, MapRun
    from runcomfy_runtime.batch.settings import MapOptions
    from runcomfy_runtime.client import AsyncClient, Client
    from runcomfy_runtime.jobs import AsyncJob, Job
    from runcomfy_runtime.pricing import Estimate
    from runcomfy_runtime.results import Result, StatusCallback

ValidationLevel = Literal["full", "schema", "off"]
"""``full``: schema and media rules (probes the files); ``schema``: offline only; ``off``."""

ExtraBody: TypeAlias = Mapping[str, Any] | None
"""Inputs a schema does not list (a LoRA on a base model), merged into the body after the
documented fields are validated; a key the schema lists is validated as usual."""

OutputT = TypeVar("OutputT", bound=OutputBase)
InputT = TypeVar("InputT", bound=Mapping[str, Any])
"""An endpoint's whole input (its generated ``TypedDict``, wire names as keys): what ``map``
and ``estimate`` take, so mypy checks each payload of a batch."""


def wire_payload(values: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON body: arguments left out (None) are not sent, so the server applies its
    documented defaults; sequences become lists."""
    return {
        key: list(value) if isinstance(value, Sequence) and not isinstance(value, str) else value
        for key, value in values.items()
        if value is not None
    }


class SyncEndpoint(Generic[InputT, OutputT]):
    spec: ClassVar[EndpointSpec]
    output: type[OutputT]

    def __init__(self, client: Client) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.model_id}>"

    def _submit(
        self, values: Mapping[str, Any], validate: ValidationLevel, extra_body: ExtraBody = None
    ) -> Job[OutputT]:
        payload = wire_payload(values)
        return self._client._submit(
            self.spec.model_id, payload, validate, self.output, spec=self.spec,
            extra_body=extra_body,
        )  # fmt: skip

    def _run(
        self,
        values: Mapping[str, Any],
        validate: ValidationLevel,
        *,
        extra_body: ExtraBody = None,
        timeout: float | None,
        on_status: StatusCallback | None,
        include_cost: bool,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[OutputT]:
        job = self._submit(values, validate, extra_body)
        return job.wait(timeout, on_status=on_status, include_cost=include_cost, expected=expected)

    def map(
        self, payloads: Iterable[InputT], **options: Unpack[MapOptions]
    ) -> MapRun[InputT, OutputT]:
        """One job per payload (wire names as keys), ``concurrency`` at a time: an ``Outcome``
        per payload as each ends, with this endpoint's typed result. See ``Client.map``."""
        from runcomfy_runtime.batch.runs import MapRun
        from runcomfy_runtime.batch.settings import map_settings

        settings = map_settings(options)
        return MapRun(
            self._client, self.spec.model_id, list(payloads), settings, self.output, self.spec
        )

    def estimate(self, payload: InputT) -> Estimate:
        """What a job of ``payload`` would cost, from the catalog's price. See
        ``Client.estimate``."""
        self._client._specs.setdefault(self.spec.model_id, self.spec)
        return self._client.estimate(self.spec.model_id, payload)


class AsyncEndpoint(Generic[InputT, OutputT]):
    spec: ClassVar[EndpointSpec]
    output: type[OutputT]

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.spec.model_id}>"

    async def _submit(
        self, values: Mapping[str, Any], validate: ValidationLevel, extra_body: ExtraBody = None
    ) -> AsyncJob[OutputT]:
        payload = wire_payload(values)
        return await self._client._submit(
            self.spec.model_id, payload, validate, self.output, spec=self.spec,
            extra_body=extra_body,
        )  # fmt: skip

    async def _run(
        self,
        values: Mapping[str, Any],
        validate: ValidationLevel,
        *,
        extra_body: ExtraBody = None,
        timeout: float | None,
        on_status: StatusCallback | None,
        include_cost: bool,
        expected: float | tuple[float, float] | None = None,
    ) -> Result[OutputT]:
        job = await self._submit(values, validate, extra_body)
        return await job.wait(
            timeout, on_status=on_status, include_cost=include_cost, expected=expected
        )

    def map(
        self, payloads: Iterable[InputT], **options: Unpack[MapOptions]
    ) -> AsyncMapRun[InputT, OutputT]:
        """``async for outcome in endpoint.map(...)``: see ``SyncEndpoint.map``."""
        from runcomfy_runtime.batch.runs import AsyncMapRun
        from runcomfy_runtime.batch.settings import map_settings

        settings = map_settings(options)
        return AsyncMapRun(
            self._client, self.spec.model_id, list(payloads), settings, self.output, self.spec
        )

    async def estimate(self, payload: InputT) -> Estimate:
        self._client._specs.setdefault(self.spec.model_id, self.spec)
        return await self._client.estimate(self.spec.model_id, payload)
