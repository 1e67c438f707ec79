"""The emulator's HTTP routes: the RunComfy Model API, its file routes, and its control routes.

API (token required)::

    GET  /v1/models                           catalog     200 {"models", "total"} | 400 | 401
         ?search=&category=&kind=&include_schema=true&limit=(50; at most 200)&offset=
    GET  /v1/models/categories                categories  200 {"categories"} | 401
    GET  /v1/models/{model_id}                model       200 entry | 401 | 404 400001
    POST /v1/models/{model_id}                submit      200 | 400 400001 | 401 400004 | 422
                                                          | 400 bad JSON | 413 past 64 MiB
         (a ``lora`` object is taken on any model, as RunComfy runs a LoRA on its base model)
    GET  /v1/requests/{id}/status             status      200 | 401 | 404 404001
    GET  /v1/requests/{id}/result             result      200 | 401 | 404 404001
                                                          (variants: 400 400005 until it ends)
    POST /v1/requests/{id}/cancel             cancel      202 | 401 | 404 404001

The words of the answers follow the dialect (``--dialect``; ``dialects.py``)::

    dialect   queued    running      cancelled  success result  early result  cancel outcome
    docs      in_queue  in_progress  cancelled  succeeded       200, status   cancelled
    variants  pending   processing   canceled   completed       400 400005    cancellation_requested

Files::

    GET  /files/{request_id}.png|.mp4|.wav    outputs, once the job succeeded (no token)
    GET  /inputs                              the input files served, as JSON (no token)
    GET  /inputs/{name}                       an input file (no token; honours Range)
    PUT  /inputs/{name}                       upload an input file (token): 201 {"url", ...}
                                              | 400 bad name | 413 past 64 MiB (counted as it
                                              arrives) | 507 past 256 MiB for all uploads

Control (token required; see ``faults.py`` for the fault format)::

    GET/POST/DELETE /_emulator/faults         list / arm (an object or a list) / disarm all
    POST /_emulator/reset                     forget jobs, faults, counts, uploads; the body
                                              may set queue_seconds, run_seconds (a number or
                                              a [low, high] range), workers, seed
    GET  /_emulator/stats                     {"jobs_created", "submits", "requests", ...}
    GET  /_emulator/jobs/{request_id}         what the job was given: {"payload", "lora"}

Faults fire before anything else is looked at, as a gateway's would. A body that is not
strict JSON (not UTF-8, NaN, nested past 64 levels...) is a 400 on every route that reads one
(``bodies.py``); a client that hangs up mid-request is one line in the log. Limits live in
``limits.py``. The emulator fetches input URLs only from its own ``/inputs/`` unless told
(``fetching.py``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runcomfy_emulator import answers
from runcomfy_emulator.bodies import BadJson, TooLarge, parse_json, read_capped
from runcomfy_emulator.catalog import query_of
from runcomfy_emulator.connections import ConnectionDropper
from runcomfy_emulator.core import Emulator, take_lora
from runcomfy_emulator.examples import input_url
from runcomfy_emulator.fault_actions import ACTIONS, Hit
from runcomfy_emulator.faults import faults_from_json
from runcomfy_emulator.inputs import NoRoom, check_name
from runcomfy_emulator.jobs import Snapshot
from runcomfy_emulator.outputs import MEDIA_TYPES, plan_output, render
from runcomfy_emulator.ranges import bytes_response
from runcomfy_emulator.settings import EmulatorSettings
from runcomfy_runtime.errors import Problem
from runcomfy_runtime.spec import EndpointSpec
from runcomfy_runtime.validation import sort_problems

Handler = Callable[[Request], Awaitable[Response]]
log = logging.getLogger("runcomfy_emulator")


class EmulatorApp(Starlette):
    """The Starlette app, with the :class:`Emulator` behind it at ``.emulator``."""

    emulator: Emulator


def create_app(
    registry: Mapping[str, EndpointSpec],
    settings: EmulatorSettings | None = None,
    *,
    dropper: ConnectionDropper | None = None,
    **changes: Any,
) -> EmulatorApp:
    """An ASGI app emulating the Model API for the endpoints of ``registry``, as ``settings``
    say (``settings.py``; ``changes`` are fields of it, a shorthand: ``create_app(REGISTRY,
    token="t")``). The settings need a token.

    ``dropper`` lets drop faults hang up without a byte of answer; the server module attaches
    it to uvicorn. Without it, a drop still reaches the client as a transport error (see
    ``connections.py``). The dialect words the answers (``dialects.py``: ``docs`` or
    ``variants``); a catalog adds the models of a listing (a file, or decoded entries;
    ``catalog.py``), and entries the engine refuses are listed in
    ``app.emulator.catalog.refused``. The emulator fetches only its own ``/inputs/`` files and
    the input origins unless remote inputs are allowed (``fetching.py``); uploads are capped one
    by one and in all (``limits.py``).
    """
    emulator = Emulator(registry, EmulatorSettings.of(settings, changes))
    routes = _Routes(emulator, dropper)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        yield
        await emulator.aclose()

    app = EmulatorApp(routes=routes.table(), lifespan=lifespan)
    app.emulator = emulator
    return app


def _base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class _Routes:
    """The handlers, closed over one emulator."""

    def __init__(self, emulator: Emulator, dropper: ConnectionDropper | None) -> None:
        self.emulator = emulator
        self.dropper = dropper

    def table(self) -> list[Route]:
        faulted, guarded = self._faulted, self._guarded

        def api(route: str, handler: Handler) -> Handler:
            return faulted(route, guarded(handler))  # faults first, as a gateway's would

        def route(path: str, handler: Handler, *, methods: list[str]) -> Route:
            # one line in the log per request; a client gone mid-request is never a traceback
            return Route(path, _logged(handler), methods=methods)

        return [
            route("/v1/models", api("catalog", self.models), methods=["GET"]),
            route("/v1/models/categories", api("catalog", self.categories), methods=["GET"]),
            route("/v1/models/{model_id:path}", api("catalog", self.model), methods=["GET"]),
            route("/v1/models/{model_id:path}", api("submit", self.submit), methods=["POST"]),
            route("/v1/requests/{rid}/status", api("status", self.status), methods=["GET"]),
            route("/v1/requests/{rid}/result", api("result", self.result), methods=["GET"]),
            route("/v1/requests/{rid}/cancel", api("cancel", self.cancel), methods=["POST"]),
            route("/files/{name}", faulted("files", self.output_file), methods=["GET"]),
            route("/inputs", self.input_list, methods=["GET"]),
            route("/inputs/{name}", faulted("inputs", self.input_file), methods=["GET"]),
            route("/inputs/{name}", api("upload", self.upload), methods=["PUT"]),
            route("/_emulator/faults", guarded(self.faults), methods=["GET", "POST", "DELETE"]),
            route("/_emulator/reset", guarded(self.reset), methods=["POST"]),
            route("/_emulator/stats", guarded(self.stats), methods=["GET"]),
            route("/_emulator/jobs/{rid}", guarded(self.job_record), methods=["GET"]),
        ]

    # -- wrappers --------------------------------------------------------------------------

    def _faulted(self, route: str, handler: Handler) -> Handler:
        """Count the request, then let the first armed fault for ``route`` act on it."""

        async def endpoint(request: Request) -> Response:
            self.emulator.counters.request(route)
            fault = self.emulator.faults.take(route)
            if fault is None:
                return await handler(request)
            hit = Hit(fault, route, request, handler, self.dropper)
            return await ACTIONS[fault.kind](hit)

        return endpoint

    def _guarded(self, handler: Handler) -> Handler:
        """Refuse a request without the token: 401 with error_code 400004."""

        async def endpoint(request: Request) -> Response:
            return self._denied(request) or await handler(request)

        return endpoint

    def _denied(self, request: Request) -> Response | None:
        if self.emulator.authorized(request.headers.get("authorization")):
            return None
        return answers.error(
            401,
            "missing, expired or revoked token: send 'Authorization: Bearer <token>'",
            answers.BAD_TOKEN,
        )

    # -- the API ---------------------------------------------------------------------------

    async def models(self, request: Request) -> Response:
        try:
            query = query_of(request.query_params)
        except ValueError as e:
            return answers.error(400, str(e))
        return JSONResponse(self.emulator.catalog.listing(query))

    async def categories(self, request: Request) -> Response:
        return JSONResponse({"categories": self.emulator.catalog.categories()})

    async def model(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        entry = self.emulator.catalog.entry(model_id)
        if entry is None:
            return answers.error(404, f"unknown model id {model_id!r}", answers.UNKNOWN_MODEL)
        return JSONResponse(entry)

    async def submit(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        spec = self.emulator.spec(model_id)
        if spec is None:
            known = ", ".join(self.emulator.catalog.model_ids())
            message = f"unknown model id {model_id!r}; known: {known}"
            return answers.error(400, message, answers.UNKNOWN_MODEL)
        own = request.scope.get("server")
        if own:  # the port it came in on: the emulator's own /inputs/ there may be fetched
            self.emulator.fetch_policy.own_port(int(own[1]))
        body = await self._json_body(request)
        if isinstance(body, Response):
            return body
        payload, lora, lora_problems = take_lora(spec, body)
        problems, source = await self.emulator.problems(spec, payload)
        problems = sort_problems(spec, [*problems, *lora_problems])
        if problems:
            return answers.problems_answer(model_id, problems)
        try:
            plan = plan_output(spec, payload, source)
        except ValueError as e:  # a size field without an enum, given a value we cannot read
            return answers.problems_answer(model_id, [Problem((), str(e))])
        job = self.emulator.create_job(spec, payload, plan, lora)
        return JSONResponse(answers.submitted(_base_url(request), job))

    async def status(self, request: Request) -> Response:
        dialect = self.emulator.dialect

        def body(snap: Snapshot) -> Response:
            return JSONResponse(answers.status(_base_url(request), snap, dialect))

        return await self._with_job(request, body)

    async def result(self, request: Request) -> Response:
        include_cost = request.query_params.get("include_cost", "").lower() in ("true", "1")
        dialect, wall = self.emulator.dialect, self.emulator.wall

        def body(snap: Snapshot) -> Response:
            if answers.result_too_early(snap, dialect):
                return answers.not_ready()
            price = self.emulator.cost(snap.job)
            found = answers.result(
                _base_url(request),
                snap,
                wall,
                include_cost=include_cost,
                price=price,
                dialect=dialect,
            )
            return JSONResponse(found)

        return await self._with_job(request, body)

    async def cancel(self, request: Request) -> Response:
        found = self.emulator.jobs.cancel(request.path_params["rid"])
        if found is None:
            return _unknown_request(request)
        snapshot, done = found
        body = answers.cancelled(snapshot, done, self.emulator.dialect)
        return JSONResponse(body, status_code=202)

    async def _json_body(self, request: Request) -> Any:
        """The request's JSON, read within the body cap; an error answer instead (413, 400)."""
        cap = self.emulator.max_body_bytes
        if _declared(request) > cap:
            return answers.error(413, f"request bodies are limited to {cap} bytes")
        try:
            raw = await read_capped(request.stream(), cap)
            return parse_json(raw) if raw.strip() else None
        except TooLarge:
            return answers.error(413, f"request bodies are limited to {cap} bytes")
        except BadJson as e:
            detail = [{"path": "", "message": str(e), "value": None, "fact": None}]
            return answers.error(400, f"invalid request body: {e}", detail=detail)

    async def _with_job(self, request: Request, body: Callable[[Snapshot], Response]) -> Response:
        snapshot = self.emulator.jobs.snapshot(request.path_params["rid"])
        if snapshot is None:
            return _unknown_request(request)
        return body(snapshot)

    # -- files -----------------------------------------------------------------------------

    async def output_file(self, request: Request) -> Response:
        name: str = request.path_params["name"]
        rid = name.rpartition(".")[0]
        snapshot = self.emulator.jobs.snapshot(rid)
        if (
            snapshot is None
            or not answers.succeeded(snapshot)
            or name != answers.file_name(snapshot.job)
        ):
            return answers.error(404, f"no output file {name!r} (yet)")
        plan = snapshot.job.output
        data = await run_in_threadpool(render, plan)
        return bytes_response(request, data, MEDIA_TYPES[plan.kind])

    async def input_list(self, request: Request) -> Response:
        names = await run_in_threadpool(self.emulator.inputs.names)
        base = _base_url(request)
        return JSONResponse({"inputs": [{"name": n, "url": input_url(base, n)} for n in names]})

    async def input_file(self, request: Request) -> Response:
        name: str = request.path_params["name"]
        found = await run_in_threadpool(self.emulator.inputs.get, name)
        if found is None:
            return answers.error(404, f"no input file {name!r}")
        return bytes_response(request, found.data, found.media_type)

    async def upload(self, request: Request) -> Response:
        name: str = request.path_params["name"]
        try:
            check_name(name)
        except ValueError as e:
            return answers.error(400, str(e))
        inputs = self.emulator.inputs
        room = inputs.room_for(name)
        try:
            if _declared(request) > room:
                raise TooLarge(room)
            data = await read_capped(request.stream(), room)  # counted as it arrives
            stored = inputs.put(name, data, request.headers.get("content-type") or None)
        except TooLarge:
            if room < inputs.max_upload_bytes:
                message = f"uploads are limited to {inputs.max_total_bytes} bytes in all"
                return answers.error(507, message + "; a reset frees them")
            return answers.error(413, f"uploads are limited to {inputs.max_upload_bytes} bytes")
        except NoRoom as e:  # another upload took the room while this one arrived
            return answers.error(507, str(e))
        url = input_url(_base_url(request), name)
        body = {"name": name, "url": url, "size_bytes": len(data), "media_type": stored.media_type}
        return JSONResponse(body, status_code=201)

    # -- control ---------------------------------------------------------------------------

    async def faults(self, request: Request) -> Response:
        book = self.emulator.faults
        if request.method == "POST":
            given = await self._json_body(request)
            if isinstance(given, Response):
                return given
            try:
                book.add(*faults_from_json(given))
            except ValueError as e:
                return answers.error(400, f"invalid fault: {e}")
        elif request.method == "DELETE":
            book.clear()
        return JSONResponse({"faults": book.pending()})

    async def reset(self, request: Request) -> Response:
        given = await self._json_body(request)
        if isinstance(given, Response):
            return given
        given = {} if given is None else given
        try:
            if not isinstance(given, dict):
                raise ValueError("the body must be a JSON object")
            unknown = set(given) - {"queue_seconds", "run_seconds", "workers", "seed"}
            if unknown:
                raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
            for name in ("queue_seconds", "run_seconds"):
                if isinstance(given.get(name), list):  # a range, as JSON writes it
                    given[name] = tuple(given[name])
            self.emulator.reset(**given)
        except (ValueError, TypeError) as e:
            return answers.error(400, f"invalid reset: {e}")
        return JSONResponse(self.emulator.jobs.timing.to_dict())

    async def job_record(self, request: Request) -> Response:
        """What a job was given: its payload as validated and the ``lora`` beside it."""
        job = self.emulator.jobs.get(request.path_params["rid"])
        if job is None:
            return _unknown_request(request)
        return JSONResponse(job.record())

    async def stats(self, request: Request) -> Response:
        body = self.emulator.stats().to_dict()
        body["faults_pending"] = self.emulator.faults.pending()
        return JSONResponse(body)


def _declared(request: Request) -> int:
    """The body's declared length (0 when none is declared or it is unreadable)."""
    declared = request.headers.get("content-length", "")
    return int(declared) if declared.isdigit() else 0


CLIENT_GONE = 499
"""The status of an answer never sent: the client hung up mid-request (nginx's word for it)."""


def _logged(handler: Handler) -> Handler:
    """One line per request at ``info`` (method, path, status, time taken: never a header, so
    never the token); a client that hangs up mid-request is one line too, and nothing is
    answered."""

    async def endpoint(request: Request) -> Response:
        if not log.isEnabledFor(logging.INFO):
            return await _answer(handler, request)
        started = time.perf_counter()
        response = await _answer(handler, request)
        if response.status_code == CLIENT_GONE:
            return response  # its one line is said already
        query = f"?{request.url.query}" if request.url.query else ""
        log.info(
            "%s %s%s -> %d (%.1f ms)",
            request.method,
            request.url.path,
            query,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    return endpoint


async def _answer(handler: Handler, request: Request) -> Response:
    """``handler``'s answer; a client gone mid-request is logged and answered with nothing."""
    try:
        return await handler(request)
    except ClientDisconnect:
        host, port = request.client or ("?", 0)
        log.info(
            "client %s:%s disconnected during %s %s; nothing answered",
            host,
            port,
            request.method,
            request.url.path,
        )
        return Response(status_code=CLIENT_GONE)  # never sent: the connection is gone


def _unknown_request(request: Request) -> Response:
    rid = request.path_params["rid"]
    return answers.error(404, f"unknown or expired request id {rid!r}", answers.UNKNOWN_REQUEST)
