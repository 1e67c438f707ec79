"""``runcomfy emulator`` (or ``python -m runcomfy_emulator``): the emulated Model API, for
offline development.

The models come from the generated package (``runcomfy emulator`` hands its registry in) and
from ``--catalog FILE.json``; with neither there is nothing to serve, and the command says how
to start it instead.

The token comes from ``--token``, else ``RUNCOMFY_EMULATOR_TOKEN``, else :data:`DEV_TOKEN`, a
fixed, documented development token (printed at start, so a user can copy it). The server
binds 127.0.0.1 unless told otherwise and fetches only its own ``/inputs/`` files
(``fetching.py``); bound beyond loopback with the published token, it warns loudly. Ctrl-C
stops it cleanly (exit 130, no traceback).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from runcomfy_emulator.app import EmulatorApp, create_app
from runcomfy_emulator.connections import ConnectionDropper
from runcomfy_emulator.dialects import DIALECTS
from runcomfy_emulator.faults import parse_faults
from runcomfy_emulator.jobs import Cycle, Seconds
from runcomfy_emulator.limits import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PROBE_TIMEOUT
from runcomfy_emulator.server import bind, build_server
from runcomfy_emulator.settings import DEFAULT_TIMING, EmulatorSettings
from runcomfy_runtime.schema.formats import is_loopback_host

if TYPE_CHECKING:
    import socket

    from runcomfy_runtime.spec import EndpointSpec

__all__ = ["DEFAULT_PORT", "DEV_TOKEN", "TOKEN_ENV", "main", "parser", "seconds"]

DEV_TOKEN = "runcomfy-emulator-dev-token"
"""The token used when none is given: for local development only, never a real secret."""
TOKEN_ENV = "RUNCOMFY_EMULATOR_TOKEN"
USAGE_ERROR = 2
INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


def seconds(text: str) -> Seconds:
    """``3`` -> 3.0; ``15-25`` -> (15.0, 25.0), a range each job draws its length from;
    ``3.2,4.1,5`` -> lengths taken in turn, one per job."""
    low, dash, high = text.partition("-")
    try:
        if "," in text:
            return Cycle(tuple(float(v) for v in text.split(",") if v.strip()))
        if not dash:
            return float(text)
        return (float(low), float(high))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected SECONDS, LOW-HIGH or A,B,C..., got {text!r}"
        ) from None


def default_prog() -> str:
    """How the user started us: ``runcomfy emulator`` (the installed command, or ``python -m
    runcomfy``), else ``python -m runcomfy_emulator``."""
    started = Path(sys.argv[0] if sys.argv else "")
    if started.name == "runcomfy" or started.parts[-2:] == ("runcomfy", "__main__.py"):
        return "runcomfy emulator"
    return "python -m runcomfy_emulator"


def parser(prog: str | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog or default_prog(),
        description="A local emulator of RunComfy's Model API (jobs, catalog, files, faults).",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to bind (default {DEFAULT_HOST}); anything else opens it to the network",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="0 picks a free port")
    p.add_argument("--token", help=f"bearer token (default: ${TOKEN_ENV}, else {DEV_TOKEN})")
    p.add_argument(
        "--queue-seconds",
        type=seconds,
        default=DEFAULT_TIMING.queue_seconds,
        metavar="S|A-B",
        help="least time a job waits in the queue, or a range each job draws from evenly "
        "(default %(default)s)",
    )
    p.add_argument(
        "--run-seconds",
        type=seconds,
        default=DEFAULT_TIMING.run_seconds,
        metavar="S|A-B|A,B,..",
        help="time a job runs, a range such as 15-25, or lengths taken in turn such as "
        "3.2,4.1,5 (default %(default)s)",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_TIMING.seed,
        help="seed of the ranges' draws: the same seed and submissions give the same lengths "
        "(default %(default)s)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_TIMING.workers,
        help="jobs running at once; the rest wait in the queue (default %(default)s)",
    )
    p.add_argument(
        "--faults",
        default="",
        help="faults to arm: JSON, or e.g. 'submit:drop_after,status:server_error=503x2'",
    )
    p.add_argument(
        "--latency",
        type=float,
        metavar="SECONDS",
        help="shorthand: every job takes this long from submit to completion "
        "(no queue time, runs SECONDS); overrides --queue-seconds and --run-seconds",
    )
    p.add_argument(
        "--dialect",
        choices=sorted(DIALECTS),
        default="docs",
        help="answer in the documented words (docs), or as RunComfy's own clients show the "
        "service can: completed/pending/processing/canceled, 400005 for an early result, "
        "cancellation_requested (variants)",
    )
    p.add_argument(
        "--catalog",
        metavar="FILE.json|sample",
        help='more models to serve: a catalog listing {"models": [...], "total": N} as '
        "GET /v1/models?include_schema=true answers, or `sample` for the 25 fictional models "
        "shipped with the package; entries the schema engine refuses are reported and left out",
    )
    p.add_argument("--inputs", type=Path, help="a folder whose files are served at /inputs/")
    p.add_argument(
        "--allow-remote-inputs",
        action="store_true",
        help="fetch any input URL a submit names (default: only this emulator's /inputs/ "
        "files and --allow-input-origin origins)",
    )
    p.add_argument(
        "--allow-input-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="also fetch input files from ORIGIN, e.g. http://127.0.0.1:9000 (repeatable)",
    )
    p.add_argument(
        "--probe-timeout",
        type=float,
        default=DEFAULT_PROBE_TIMEOUT,
        help="seconds to fetch one input file before it is unreadable (default %(default)s)",
    )
    p.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug", "trace"],
    )
    return p


def main(
    argv: Sequence[str] | None = None,
    *,
    registry: Mapping[str, EndpointSpec] | None = None,
    prog: str | None = None,
) -> int:
    """The emulator's command line; ``registry`` holds the models it serves, handed in by the
    generated package (``runcomfy emulator``); ``prog`` names the command in ``--help``."""
    args = parser(prog).parse_args(argv)
    if not registry and args.catalog is None:
        print(NO_MODELS, file=sys.stderr)
        return USAGE_ERROR
    try:
        return _serve(args, registry or {})
    except KeyboardInterrupt:  # Ctrl-C before uvicorn took the signal, or re-raised by it
        print("stopped", file=sys.stderr)
        return INTERRUPTED


NO_MODELS = (
    "error: no models to serve: start it as `runcomfy emulator` (the generated package hands "
    "its models in), or give --catalog FILE.json"
)


def _serve(args: argparse.Namespace, registry: Mapping[str, EndpointSpec]) -> int:
    if args.latency is not None:
        args.queue_seconds, args.run_seconds = 0.0, args.latency
    token, given = _token(args.token)
    try:
        dropper = ConnectionDropper()
        settings = EmulatorSettings(
            token=token,
            queue_seconds=args.queue_seconds,
            run_seconds=args.run_seconds,
            workers=args.workers,
            seed=args.seed,
            inputs_dir=args.inputs,
            faults=tuple(parse_faults(args.faults)),
            probe_timeout=args.probe_timeout,
            dialect=args.dialect,
            catalog=args.catalog,
            allow_remote_inputs=args.allow_remote_inputs,
            input_origins=tuple(args.allow_input_origin),
        )
        app = create_app(registry, settings, dropper=dropper)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return USAGE_ERROR
    sock = _listen(args.host, args.port)
    if sock is None:
        return USAGE_ERROR
    for line in app.emulator.catalog.refused:
        print(line, file=sys.stderr)
    _introduce(app, sock, given)
    _warn(args, token, sock.getsockname()[1])
    _log_to_stderr(args.log_level)
    build_server(app, dropper, log_level=args.log_level).run(sockets=[sock])
    return 0


def _token(option: str | None) -> tuple[str, str]:
    """The token, and where it came from: ``option``, ``env`` or ``dev``."""
    if option:
        return option, "option"
    from_env = os.environ.get(TOKEN_ENV)
    return (from_env, "env") if from_env else (DEV_TOKEN, "dev")


def _listen(host: str, port: int) -> socket.socket | None:
    """The bound socket, or None after saying why not (which port, on which host)."""
    try:
        return bind(host, port)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print(f"error: port {port} is in use on {host}: {e.strerror}", file=sys.stderr)
        else:
            print(f"error: cannot listen on {host} port {port}: {e}", file=sys.stderr)
        return None


_TOKEN_LINES = {
    "dev": f"  export RUNCOMFY_API_TOKEN={DEV_TOKEN}",
    "env": f'  export RUNCOMFY_API_TOKEN="${TOKEN_ENV}"   # the token given in ${TOKEN_ENV}',
    "option": "  export RUNCOMFY_API_TOKEN=<the token given with --token>",
}


def _introduce(app: EmulatorApp, sock: socket.socket, given: str) -> None:
    """The start-up lines: where it listens, and the two lines a user copies."""
    host, port = sock.getsockname()[:2]
    url = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    local = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host)
    client_url = f"http://{local}:{port}" if local else url
    catalog = app.emulator.catalog
    print(f"RunComfy Model API emulator at {url}", flush=True)
    print(f"  export RUNCOMFY_BASE_URL={client_url}")
    print(_TOKEN_LINES[given])
    print(f"  models: {len(catalog.model_ids())} (GET {client_url}/v1/models)", flush=True)


def _warn(args: argparse.Namespace, token: str, port: int) -> None:
    """Loud warnings for a server open to the network."""
    if is_loopback_host(args.host):
        return
    if token == DEV_TOKEN:
        print(
            f"WARNING: listening on {args.host}, beyond this machine, with the published "
            f"development token ({DEV_TOKEN}): anyone who can reach port {port} can use "
            f"this emulator. Give your own token (--token or ${TOKEN_ENV}), or bind "
            f"{DEFAULT_HOST}.",
            file=sys.stderr,
            flush=True,
        )
    if args.allow_remote_inputs:
        print(
            f"WARNING: listening on {args.host} with --allow-remote-inputs: whoever has the "
            "token can make this machine fetch any URL.",
            file=sys.stderr,
            flush=True,
        )


def _log_to_stderr(level: str) -> None:
    """The emulator's own log lines (a client that hung up, say) beside uvicorn's."""
    logger = logging.getLogger("runcomfy_emulator")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if level == "trace" else level.upper())


if __name__ == "__main__":
    sys.exit(main())
