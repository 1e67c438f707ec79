"""One job from the shell: ``run``, and ``status``/``result``/``wait``/``cancel``/``download``
on a request id. Each command is a thin layer over the sync client; errors propagate as the
client's typed errors and ``main`` turns them into exit codes.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from runcomfy_cli.config import sync_client
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.options import local_files, payload_from, read_input_file
from runcomfy_cli.printing import emit, result_record
from runcomfy_cli.progress import StatusLine

if TYPE_CHECKING:
    from pathlib import Path

    from runcomfy_runtime.jobs import Job
    from runcomfy_runtime.results import Output, Result


def _status_line(args: argparse.Namespace) -> StatusLine:
    return StatusLine(sys.stderr, live=sys.stderr.isatty(), quiet=args.quiet)


def _result_text(result: Result[Output], paths: list[Path] | None) -> str:
    if paths:
        return "\n".join(str(p) for p in paths)
    lines = [f"{result.request_id}: {result.status}", *result.urls]
    if result.cost is not None:
        lines.append(f"cost: {result.cost} USD")
    return "\n".join(lines)


def _finish(
    args: argparse.Namespace, job: Job[Output], line: StatusLine, *, download: bool
) -> ExitCode:
    """Wait for ``job``, download when asked, print what was saved (or the output URLs)."""
    try:
        result = job.wait(
            args.timeout,
            on_status=line.on_status,
            include_cost=args.cost,
            cancel_on_timeout=args.cancel_on_timeout,
        )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: job {job.request_id} goes on; resume with "
            f"`runcomfy wait {job.request_id}`",
            file=sys.stderr,
        )
        raise
    paths = (
        job.download(args.out, result=result, on_progress=line.on_download) if download else None
    )
    line.close()
    emit(args.json, result_record(result, paths), _result_text(result, paths))
    return ExitCode.OK


def run(args: argparse.Namespace) -> ExitCode:
    spec = args.registry[args.model]
    base = read_input_file(args.input) if args.input else None
    payload = local_files(spec, payload_from(spec, args, base))
    with sync_client(args) as client, _status_line(args) as line:
        job = client.submit(args.model, payload, validate=args.validate)
        if args.no_wait:
            emit(args.json, {"request_id": job.request_id}, job.request_id)
            return ExitCode.OK
        line.update(f"{job.request_id}: submitted")
        return _finish(args, job, line, download=not args.no_download)


def status(args: argparse.Namespace) -> ExitCode:
    with sync_client(args) as client:
        found = client.job(args.request_id).status()
    record = {
        "request_id": found.request_id,
        "status": found.state,
        "queue_position": found.queue_position,
    }
    emit(args.json, record, f"{found.request_id}: {found}")
    return ExitCode.OK


RESULT_CODES = {"failed": ExitCode.JOB_FAILED, "cancelled": ExitCode.CANCELLED}


def result(args: argparse.Namespace) -> ExitCode:
    """The result as it stands; a job still running is not an error (its status is shown)."""
    with sync_client(args) as client:
        found = client.job(args.request_id).result(include_cost=args.cost)
    record = result_record(found)
    text = _result_text(found, None)
    if found.error not in (None, "", {}):
        text += f"\nerror: {found.error}"
    emit(args.json, record, text)
    return RESULT_CODES.get(found.status, ExitCode.OK)


def wait(args: argparse.Namespace) -> ExitCode:
    with sync_client(args) as client, _status_line(args) as line:
        return _finish(args, client.job(args.request_id), line, download=False)


def download(args: argparse.Namespace) -> ExitCode:
    """Waits first when the job is still running, so ``download`` works at any moment."""
    with sync_client(args) as client, _status_line(args) as line:
        return _finish(args, client.job(args.request_id), line, download=True)


def cancel(args: argparse.Namespace) -> ExitCode:
    with sync_client(args) as client:
        found = client.job(args.request_id).cancel()
    emit(
        args.json,
        {"request_id": found.request_id, "status": found.state},
        f"{found.request_id}: {found}",
    )
    return ExitCode.OK
