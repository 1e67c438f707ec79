"""``python -m runcomfy_emulator``: the emulated Model API, for offline development.

The token comes from ``--token``, else ``RUNCOMFY_EMULATOR_TOKEN``, else :data:`DEV_TOKEN`, a
fixed, documented development token (printed at start, so a user can copy it). The server
binds 127.0.0.1 unless told otherwise: it fetches any URL a submit names, so it should not
face a network.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from runcomfy_emulator.app import DEFAULT_TIMING, create_app
from runcomfy_emulator.connections import ConnectionDropper
from runcomfy_emulator.core import DEFAULT_PROBE_TIMEOUT
from runcomfy_emulator.dialects import DIALECTS
from runcomfy_emulator.faults import parse_faults
from runcomfy_emulator.jobs import Seconds
from runcomfy_emulator.server import bind, build_server

if TYPE_CHECKING:
    from runcomfy_runtime.spec import EndpointSpec

DEV_TOKEN = "runcomfy-emulator-dev-token"
"""The token used when none is given: for local development only, never a real secret."""
TOKEN_ENV = "RUNCOMFY_EMULATOR_TOKEN"
DEFAULT_PORT = 8765


def seconds(text: str) -> Seconds:
    """``3`` -> 3.0; ``15-25`` -> (15.0, 25.0), a range each job draws its length from."""
    low, dash, high = text.partition("-")
    try:
        if not dash:
            return float(text)
        return (float(low), float(high))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected SECONDS or LOW-HIGH, got {text!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m runcomfy_emulator",
        description="A local emulator of RunComfy's Model API (jobs, files, faults).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
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
        metavar="S|A-B",
        help="time a job runs, or a range such as 15-25 (default %(default)s)",
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
        type=Path,
        metavar="FILE.json",
        help='more models to serve: a catalog listing {"models": [...], "total": N} as '
        "GET /v1/models?include_schema=true answers; entries the schema engine refuses are "
        "reported and left out",
    )
    p.add_argument("--inputs", type=Path, help="a folder whose files are served at /inputs/")
    p.add_argument(
        "--probe-timeout",
        type=float,
        default=DEFAULT_PROBE_TIMEOUT,
        help="seconds to fetch one input image before it is unreadable (default %(default)s)",
    )
    p.add_argument("--log-level", default="info")
    return p


def main(
    argv: Sequence[str] | None = None, *, registry: Mapping[str, EndpointSpec] | None = None
) -> int:
    """The emulator's command line; ``registry`` holds the models it serves, handed in by the
    generated package (``runcomfy emulator``)."""
    args = parser().parse_args(argv)
    if args.latency is not None:
        args.queue_seconds, args.run_seconds = 0.0, args.latency
    token = args.token or os.environ.get(TOKEN_ENV) or DEV_TOKEN
    try:
        faults = parse_faults(args.faults)
        dropper = ConnectionDropper()
        app = create_app(
            registry if registry is not None else {},
            token=token,
            queue_seconds=args.queue_seconds,
            run_seconds=args.run_seconds,
            workers=args.workers,
            seed=args.seed,
            inputs_dir=args.inputs,
            faults=faults,
            probe_timeout=args.probe_timeout,
            dropper=dropper,
            dialect=args.dialect,
            catalog=args.catalog,
        )
        sock = bind(args.host, args.port)
    except (ValueError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for line in app.emulator.catalog.refused:
        print(line, file=sys.stderr)
    host, port = sock.getsockname()[:2]
    url = f"http://{host}:{port}"
    shown = token if token == DEV_TOKEN else "(as given)"
    print(f"RunComfy Model API emulator at {url}", flush=True)
    print(f"  token: {shown}   e.g. curl -H 'Authorization: Bearer <token>' {url}/inputs")
    print(f"  export RUNCOMFY_BASE_URL={url}", flush=True)
    build_server(app, dropper, log_level=args.log_level).run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
