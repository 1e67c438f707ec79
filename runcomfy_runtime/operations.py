"""Every operation of the clients and the job handles, written once, as a flow (``effects``).

Each function here is a generator: it yields what it needs (one attempt of a request, a sleep,
a probe of the media, an upload, a file host's answer) and receives the answer; the sync and
async clients drive it, each in a few lines. What an answer means is decided only here: the
catalog lookup and its fallback, the two validation stages, the submit and what its answer
names, the not-ready result (``400005``), the end of a wait, the cancel on a timeout.
``core`` is the client, read for its configuration and the decisions that are the same for
both twins (``core.BaseClient``); a flow never does I/O itself, so a unit test steps one with
canned answers (``tests/test_operations.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from runcomfy_runtime import catalog, wire
from runcomfy_runtime.calls import DeadlineReached, sent
from runcomfy_runtime.catalog import CatalogEntry
from runcomfy_runtime.download import download_flow
from runcomfy_runtime.effects import Flow, Probe, Sleep, Upload
from runcomfy_runtime.errors import (
    AmbiguousSubmitError,
    APIConnectionError,
    APIError,
    CancelRefused,
    InputValidationError,
    NotFoundError,
    Problem,
)
from runcomfy_runtime.lazy import LazyModule
from runcomfy_runtime.outputs import OutputBase
from runcomfy_runtime.polling import Expected as Range
from runcomfy_runtime.results import (
    Cancellation,
    JobRef,
    ProgressCallback,
    Result,
    Status,
    StatusCallback,
)
from runcomfy_runtime.statuses import CANCEL_OUTCOMES
from runcomfy_runtime.waiting import Waiter

if TYPE_CHECKING:
    from runcomfy_runtime import local_files, media, pricing, validation
    from runcomfy_runtime.core import BaseClient
    from runcomfy_runtime.endpoint import ValidationLevel
    from runcomfy_runtime.local_files import Inlined
    from runcomfy_runtime.pricing import Estimate
    from runcomfy_runtime.spec import EndpointSpec
else:  # what only some flows need, loaded when first used
    pricing = LazyModule("runcomfy_runtime.pricing")
    validation = LazyModule("runcomfy_runtime.validation")  # jsonschema
    local_files = LazyModule("runcomfy_runtime.local_files")  # Pillow
    media = LazyModule("runcomfy_runtime.media")  # the probes: Pillow, filetype

OutputT = TypeVar("OutputT", bound=OutputBase)
NOT_READY = 400005  # a result asked for before the job is done: keep polling
Expected = float | tuple[float, float] | None

# -- the catalog ---------------------------------------------------------------------------------


def model(core: BaseClient, model_id: str) -> Flow[CatalogEntry]:
    body = yield from sent(core._call("GET", catalog.entry_url(core.base_url, model_id)))
    entry = CatalogEntry.from_wire(body)
    if entry is None:
        raise APIError(f"the catalog answered no entry for {model_id}", body=body)
    return entry


def models(
    core: BaseClient,
    search: str | None,
    category: str | None,
    kind: str | None,
    include_schema: bool,
) -> Flow[list[CatalogEntry]]:
    pager = catalog.Pager(
        core.base_url, search=search, category=category, kind=kind, include_schema=include_schema
    )
    while (url := pager.next_url()) is not None:
        pager.add((yield from sent(core._call("GET", url))))
    return pager.entries


def categories(core: BaseClient) -> Flow[list[str]]:
    body = yield from sent(core._call("GET", catalog.categories_url(core.base_url)))
    return catalog.categories_of(body)


def spec(core: BaseClient, model_id: str) -> Flow[EndpointSpec]:
    """The generated spec, else the catalog's (fetched once per client); a model the catalog
    does not know either is ``UnknownModelError``, naming the closest generated ids."""
    known = core._known_spec(model_id)
    if known is not None:
        return known
    try:
        entry: CatalogEntry | None = yield from model(core, model_id)
    except NotFoundError:
        entry = None
    return core._catalog_spec(model_id, entry)


# -- validation and the submit -------------------------------------------------------------------


def validate(
    core: BaseClient,
    model_id: str,
    payload: Mapping[str, Any],
    level: ValidationLevel,
    extra_body: Mapping[str, Any] | None = None,
) -> Flow[dict[str, Any]]:
    """The payload as it would be sent, or every problem of both stages at once: offline (local
    files, the schema), then online (the media rules, probed) when ``level`` is ``full``."""
    known = core._known_spec(model_id)
    found = known if known is not None or level == "off" else (yield from spec(core, model_id))
    listed, unlisted = split_extra(found, model_id, payload, extra_body)
    if found is None:  # validate="off" for a model known nowhere: the payload goes as it is
        return {**payload, **unlisted}
    inlined = offline_stage(core, found, {**payload, **listed}, level)
    online = []
    if level == "full" and has_remote_media(found, inlined.to_probe):
        online = yield Probe(found, inlined.to_probe)
    problems = inlined.problems + online
    if problems:
        raise InputValidationError(found.model_id, validation.sort_problems(found, problems))
    return {**inlined.payload, **unlisted}


def estimate(core: BaseClient, model_id: str, payload: Mapping[str, Any]) -> Flow[Estimate]:
    """What a job of ``payload`` would cost, from the catalog's price (fetched once per model):
    the payload checked offline first (an invalid one has no price), nothing submitted."""
    found = yield from spec(core, model_id)
    yield from validate(core, model_id, payload, "schema")
    if model_id not in core._prices:
        try:
            core._prices[model_id] = yield from model(core, model_id)
        except NotFoundError:
            core._prices[model_id] = None
    entry = core._prices[model_id]
    if entry is None:
        return pricing.Estimate(model_id, None, "the catalog does not list this model")
    return pricing.estimate(found, payload, entry.base_price_usd, entry.price_unit)


def split_extra(
    found: EndpointSpec | None,
    model_id: str,
    payload: Mapping[str, Any],
    extra_body: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``extra_body`` as (the keys the schema lists, the keys it does not). The first are
    validated with the payload, as if passed as arguments: ``extra_body`` is no way around
    validation; the others (a LoRA on a base model, say) are merged into the body after it.
    A key given both ways is a problem, never a silent choice between two values."""
    if not extra_body:
        return {}, {}
    twice = sorted(set(extra_body) & set(payload))
    if twice:
        problems = [
            Problem((key,), "is given both as an input and in extra_body", extra_body[key])
            for key in twice
        ]
        raise InputValidationError(model_id, problems)
    properties = found.input_schema.get("properties", {}) if found is not None else {}
    listed = {k: v for k, v in extra_body.items() if k in properties}
    return listed, {k: v for k, v in extra_body.items() if k not in listed}


def submit(
    core: BaseClient,
    model_id: str,
    payload: Mapping[str, Any],
    level: ValidationLevel,
    on_sent: Callable[[], None] | None = None,
    known: EndpointSpec | None = None,
    extra_body: Mapping[str, Any] | None = None,
) -> Flow[JobRef]:
    """Validate, upload what waits for it, send: the job the server's answer names."""
    if known is not None:  # a typed endpoint knows its spec: no registry lookup
        core._specs.setdefault(model_id, known)
    body = yield from validate(core, model_id, payload, level, extra_body)
    if core.uploader is not None:  # a local file too large to inline may wait for it
        body = yield Upload(body)
    answer = yield from sent(core._submit_call(model_id, body, on_sent))
    return submitted(core, model_id, answer)


def job_ref(core: BaseClient, request_id: str, body: Any = None) -> JobRef:
    """A job's handle data: its id (checked) and the URLs the server gave, where trusted."""
    given = body if isinstance(body, Mapping) else {}

    def url(action: str) -> str:
        return wire.trusted_url(core.base_url, given.get(f"{action}_url"), request_id, action)

    return JobRef(wire.checked_request_id(request_id), url("status"), url("result"), url("cancel"))


def submitted(core: BaseClient, model_id: str, body: Any) -> JobRef:
    """The job a submit's success answer names. An answer that cannot be read as an accepted
    job (not JSON, empty, no ``request_id``, an id not of RunComfy's form) is ambiguous, not a
    refusal: the server said 2xx, so a job may exist, and a resubmit could pay for a second."""
    request_id = body.get("request_id") if isinstance(body, Mapping) else None
    if not isinstance(request_id, str) or not request_id.strip():
        reason = "its answer names no job: " + wire.excerpt(body)
    elif not wire.REQUEST_ID.fullmatch(request_id):
        reason = f"it named its job {wire.excerpt(request_id)}, not a request id of RunComfy's form"
    else:
        return job_ref(core, request_id, body)
    raise AmbiguousSubmitError(model_id, f"the server accepted the submit but {reason}")


# -- a job ---------------------------------------------------------------------------------------


def status(core: BaseClient, ref: JobRef, deadline: float | None = None) -> Flow[Status]:
    call = core._call("GET", ref.status_url, request_id=ref.request_id, deadline=deadline)
    return Status.from_wire(ref.request_id, (yield from sent(call)))


def result(
    core: BaseClient,
    ref: JobRef,
    output: type[OutputT],
    include_cost: bool = False,
    deadline: float | None = None,
) -> Flow[Result[OutputT]]:
    """The result now; one asked for too early (``400005``) reads as still running."""
    url = ref.result_url
    if include_cost:
        url += ("&" if "?" in url else "?") + "include_cost=true"
    call = core._call("GET", url, request_id=ref.request_id, deadline=deadline)
    try:
        body = yield from sent(call)
    except APIError as e:
        if e.error_code != NOT_READY:
            raise
        body = {"status": "in_progress"}
    return Result.from_wire(ref.request_id, body, output)


def cancel(core: BaseClient, ref: JobRef) -> Flow[Cancellation]:
    call = core._call("POST", ref.cancel_url, request_id=ref.request_id, kind="cancel")
    return cancellation(ref.request_id, (yield from sent(call)))


def cancellation(request_id: str, body: Any) -> Cancellation:
    """What a cancel's answer means: cancelled, only requested, or ``CancelRefused``."""
    body = body if isinstance(body, Mapping) else {}
    state = str(body.get("status") or "unknown")
    outcome = CANCEL_OUTCOMES.get(str(body.get("outcome") or "cancelled").lower(), "refused")
    if outcome == "refused":
        raise CancelRefused(request_id, state)
    if outcome == "requested":
        return Cancellation(request_id, "requested", state)
    return Cancellation(request_id, "cancelled", state)


def wait(
    core: BaseClient,
    ref: JobRef,
    output: type[OutputT],
    *,
    timeout: float | None = None,
    on_status: StatusCallback | None = None,
    include_cost: bool = False,
    cancel_on_timeout: bool = False,
    expected: Expected = None,
    submitted_at: float | None = None,
    model_id: str | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Flow[Result[OutputT]]:
    """Poll until the job ends: the succeeded result, or ``JobFailed``/``JobCancelled``/
    ``NoOutputError``; at the deadline ``WaitTimeout`` (after cancelling the job, when asked),
    whatever the server does meanwhile."""
    decide = waiter(core, ref, timeout, on_status, submitted_at, model_id, expected, clock)
    deadline = time.monotonic() + decide.timeout  # what each request's limits are cut to
    try:
        yield Sleep(decide.first_delay())
        while True:
            if decide.status_seen((yield from status(core, ref, deadline))):
                found = yield from result(core, ref, output, include_cost, deadline)
                done = decide.result_seen(found)
                if done is not None:
                    core._learn(model_id, done, decide)
                    return done
            delay = decide.next_delay()
            if delay is None:
                break
            yield Sleep(delay)
    except DeadlineReached:
        pass
    what: Cancellation | Exception | None = None
    if cancel_on_timeout:
        what = yield from _cancel_quietly(core, ref)
    raise decide.timed_out(what)


def _cancel_quietly(core: BaseClient, ref: JobRef) -> Flow[Cancellation | Exception]:
    try:
        return (yield from cancel(core, ref))
    except (CancelRefused, APIError, APIConnectionError) as e:
        return e


# -- outputs -------------------------------------------------------------------------------------


def download(
    core: BaseClient,
    result: Result[Any],
    directory: str | Path,
    on_progress: ProgressCallback | None,
    skip_existing: bool,
    max_bytes: int,
) -> Flow[list[Path]]:
    return (
        yield from download_flow(
            result,
            Path(directory),
            on_progress=on_progress,
            skip_existing=skip_existing,
            max_bytes=max_bytes,
            retry=core.retry,
            timeout=core.timeout.as_dict(),
        )
    )


def job_download(
    core: BaseClient,
    found: Result[OutputT] | Flow[Result[OutputT]],
    directory: str | Path,
    on_progress: ProgressCallback | None,
    skip_existing: bool,
    max_bytes: int,
) -> Flow[list[Path]]:
    """A job's outputs saved: ``found`` is its result, or the wait that gives it."""
    if not isinstance(found, Result):
        found = yield from found
    return (yield from download(core, found, directory, on_progress, skip_existing, max_bytes))


# -- what the flows decide with the client's configuration ---------------------------------------


def offline_stage(
    core: BaseClient, found: EndpointSpec, payload: Mapping[str, Any], level: ValidationLevel
) -> Inlined:
    """Local files inlined (or, too large for that and with an uploader, checked and left for
    the submit to upload), then the schema: what needs no network."""
    can_upload = core.uploader is not None
    inlined = local_files.inline_local_files(
        found, payload, check=level != "off", can_upload=can_upload
    )
    if level != "off":
        inlined.problems.extend(
            local_files.local_file_hint(p)
            for p in validation.schema_problems(found, inlined.payload)
            if p.path not in inlined.local_paths  # a local file's problem is said once
        )
    return inlined


def has_remote_media(found: EndpointSpec, payload: Mapping[str, Any]) -> bool:
    return bool(media.media_values(found, payload))


def waiter(
    core: BaseClient,
    ref: JobRef,
    timeout: float | None,
    on_status: StatusCallback | None,
    submitted_at: float | None,
    model_id: str | None,
    expected: Expected,
    clock: Callable[[], float] = time.monotonic,
) -> Waiter:
    """What decides a wait: its deadline, its polling, and how long jobs of the model run
    (given, or learnt from this client's finished jobs and the record of earlier ones)."""
    hint = Range.around(expected) if expected is not None else None
    learnt = core._expected(model_id)  # the first wait reads the record, with a hint or not
    return Waiter(
        ref.request_id,
        core.wait_timeout if timeout is None else timeout,
        core.poll,
        on_status,
        clock=clock,
        submitted_at=submitted_at,
        expected=hint or learnt,
    )
