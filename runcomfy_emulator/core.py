"""The emulator's state and its decisions, apart from HTTP: the routes (``app.py``) translate.

One :class:`Emulator` holds the models it serves (the registry it was handed and a catalog
listing's), the job store, the faults, the counters and the input files. It is also the
in-process control surface the :class:`~runcomfy_emulator.server.EmulatorServer` exposes to
tests; everything on it is safe to call from another thread.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

import httpx

from runcomfy_emulator.catalog import PRICES, Catalog, load_source
from runcomfy_emulator.clock import wall_time_of
from runcomfy_emulator.dialects import dialect_named
from runcomfy_emulator.faults import FaultBook
from runcomfy_emulator.fetching import GuardedTransport
from runcomfy_emulator.inputs import InputStore
from runcomfy_emulator.jobs import Failure, Job, JobStore, OutputPlan, Seconds, Timing
from runcomfy_emulator.limits import DEFAULT_PROBE_TIMEOUT, MAX_BODY_BYTES
from runcomfy_emulator.outputs import check_sizes
from runcomfy_emulator.settings import EmulatorSettings
from runcomfy_emulator.stats import Counters, Stats
from runcomfy_runtime.errors import Problem
from runcomfy_runtime.fetch import AsyncFetcher
from runcomfy_runtime.media import check_media, media_values
from runcomfy_runtime.pricing import estimate
from runcomfy_runtime.probe import ProbeFailure, Prober
from runcomfy_runtime.spec import EndpointSpec
from runcomfy_runtime.validation import schema_problems

__all__ = ["DEFAULT_PROBE_TIMEOUT", "Emulator"]

_FAILURES: dict[str, Failure] = {"job_failed": "failed", "result_failed": "completed"}


class Emulator:
    """Jobs, faults, counters and inputs of one emulated API."""

    def __init__(self, registry: Mapping[str, EndpointSpec], settings: EmulatorSettings) -> None:
        if not settings.token:
            raise ValueError("the emulator needs a non-empty token")
        for spec in registry.values():
            check_sizes(spec)
        catalog = load_source(settings.catalog) if settings.catalog is not None else None
        self.settings = settings
        self.registry = registry
        self.catalog = Catalog(registry, catalog)
        self.token = settings.token
        self.probe_timeout = settings.probe_timeout
        self.dialect = dialect_named(settings.dialect)
        self.jobs = JobStore(settings.clock, settings.timing)
        self.wall = wall_time_of(settings.clock)
        self.faults = FaultBook()
        self.faults.add(*settings.faults)
        self.counters = Counters()
        self.inputs = InputStore(  # the catalog has no examples: the registry's are enough
            registry,
            folder=settings.inputs_dir,
            max_upload_bytes=settings.max_upload_bytes,
            max_total_bytes=settings.max_uploads_total_bytes,
        )
        self.fetch_policy = settings.fetch_policy()
        self.max_body_bytes = MAX_BODY_BYTES
        self._http: httpx.AsyncClient | None = None

    def authorized(self, header: str | None) -> bool:
        """Whether ``Authorization`` carries the token; compared in constant time."""
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return False
        return hmac.compare_digest(given.strip().encode(), self.token.encode())

    async def problems(
        self, spec: EndpointSpec, payload: Any
    ) -> tuple[list[Problem], tuple[int, int] | None]:
        """Every problem of the input (schema, then media rules) and the first image's size.

        Files are fetched as the real service fetches them: over HTTP, each bounded by
        ``probe_timeout``, only where the fetch policy allows (``fetching.py``); a file that
        cannot be read is a problem, not an error.
        """
        found = schema_problems(spec, payload)
        prober = Prober(AsyncFetcher(self._client()), timeout=self.probe_timeout)  # uploads change
        found.extend(await check_media(spec, payload, prober))
        source = None
        first = _first_image(spec, payload)
        if not found and first is not None:
            facts = await prober.probe(first)  # answered from the prober's cache
            if not isinstance(facts, ProbeFailure) and facts.width and facts.height:
                source = (facts.width, facts.height)
        return found, source

    def spec(self, model_id: str) -> EndpointSpec | None:
        """The spec of a model the emulator serves (registry or catalog), or None."""
        return self.catalog.spec(model_id)

    def cost(self, job: Job) -> float:
        """What a successful job costs, as the catalog prices it (``pricing.estimate``: the
        price times the payload's duration for ``second``, times its outputs for ``output``);
        the registry's models have made-up prices, as their entries say. A job the price
        cannot be computed for costs the base price once."""
        price, unit = self.catalog.price(job.model_id)
        if price is None:
            price, unit = PRICES[job.output.kind]
        spec = self.spec(job.model_id)
        found = estimate(spec, job.payload, price, unit).usd if spec is not None else None
        return round(found if found is not None else price, 10)

    def create_job(
        self, spec: EndpointSpec, payload: Mapping[str, Any], plan: OutputPlan, lora: Any = None
    ) -> Job:
        """Queue a job; an armed job fault decides that it will fail, and how."""
        fault = self.faults.take_job_fault()
        return self.jobs.create(
            spec.model_id,
            payload,
            plan,
            failure=_FAILURES[fault.kind] if fault else None,
            failure_message=fault.message if fault else None,
            lora=lora,
        )

    def stats(self) -> Stats:
        return Stats(
            jobs_created=len(self.jobs),
            requests=self.counters.requests(),
            faults_fired=self.faults.fired(),
        )

    def reset(
        self,
        *,
        queue_seconds: Seconds | None = None,
        run_seconds: Seconds | None = None,
        workers: int | None = None,
        seed: int | None = None,
    ) -> None:
        """Back to start-up: no jobs, faults, counts or uploads; optionally new timings."""
        now = self.jobs.timing
        timing = Timing(
            now.queue_seconds if queue_seconds is None else queue_seconds,
            now.run_seconds if run_seconds is None else run_seconds,
            now.workers if workers is None else workers,
            now.seed if seed is None else seed,
        )
        self.jobs.reset(timing)
        self.faults.clear()
        self.counters.clear()
        self.inputs.clear_uploads()

    def _client(self) -> httpx.AsyncClient:
        # trust_env=False: a proxy from the environment must not carry loopback fetches away
        # (nor get a transport of its own, past the guard).
        if self._http is None:
            transport = GuardedTransport(self.fetch_policy)
            self._http = httpx.AsyncClient(transport=transport, trust_env=False)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None


def _first_image(spec: EndpointSpec, payload: Any) -> str | None:
    """The first image URL of the payload, wherever it nests: its size shapes a video."""
    if not isinstance(payload, Mapping):
        return None
    found = media_values(spec, payload)
    return next((value.url for value in found if value.kind == "image"), None)


def take_lora(spec: EndpointSpec, payload: Any) -> tuple[Any, Any, list[Problem]]:
    """(the payload without ``lora``, the ``lora`` given, what is wrong with it).

    RunComfy runs a LoRA on its base model's id with ``lora`` in the body, whether or not the
    base model's schema lists it; where the schema does, it is validated like any field and
    stays in the payload. Otherwise it must be an object naming its ``path``, and it is kept
    beside the job (``Job.lora``), so a test can see it arrived.
    """
    properties = spec.input_schema.get("properties", {})
    if not isinstance(payload, dict) or "lora" not in payload or "lora" in properties:
        return payload, None, []
    rest = {k: v for k, v in payload.items() if k != "lora"}
    lora = payload["lora"]
    if not isinstance(lora, Mapping) or not isinstance(lora.get("path"), str) or not lora["path"]:
        why = 'must be an object naming the LoRA\'s file: {"path": "my-style.safetensors"}'
        return rest, lora, [Problem(("lora",), why, lora)]
    return rest, lora, []
