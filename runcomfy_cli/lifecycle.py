"""One job from the shell: ``run``, and ``status``/``result``/``wait``/``cancel``/``download``
on a request id. Each command is a thin layer over the sync client; what the command adds is
what a person needs to hear when something stops halfway: whether a job exists, what became of
it, and the command that carries on.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from runcomfy_cli.config import attach_uploader, catalog_entry, first_request, out_dir
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import CliFailure, Interrupted
from runcomfy_cli.inputs import extra_input, file_input, inline_input, local_files, wire_keys
from runcomfy_cli.options import payload_from
from runcomfy_cli.printing import emit, result_record
from runcomfy_cli.progress import StatusLine
from runcomfy_runtime.errors import (
    APIConnectionError,
    APIError,
    CancelRefused,
    DownloadError,
    WaitTimeout,
)

if TYPE_CHECKING:
    from pathlib import Path

    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.client import Client
    from runcomfy_runtime.jobs import Job
    from runcomfy_runtime.pricing import Estimate
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


def _input(args: argparse.Namespace) -> dict[str, Any]:
    """``--input`` or ``--input-file`` (the base), overlaid with the field options given."""
    spec = args.spec
    if args.input is not None:
        base = inline_input(args.input)
    elif args.input_file is not None:
        base = file_input(args.input_file)
    else:
        base = {}
    return local_files(spec, payload_from(spec, args, wire_keys(spec, base)))


def _submit(client: Client, model_id: str, body: dict[str, Any]) -> Job[Output]:
    """Send the validated body; on Ctrl-C, say whether a job may exist."""
    sent = False

    def on_sent() -> None:
        nonlocal sent
        sent = True

    try:
        return client.submit(model_id, body, validate="off", on_sent=on_sent)
    except KeyboardInterrupt:
        if sent:
            raise Interrupted(
                "interrupted after the submit was sent: a job may exist, but its request id "
                "never arrived; look for it in your RunComfy dashboard before running again"
            ) from None
        raise Interrupted("interrupted before the submit was sent: no job was created") from None


def run(args: argparse.Namespace) -> ExitCode:
    payload = _input(args)
    extra = extra_input(args.extra)  # inputs the schema does not list: a LoRA, say
    if not (args.no_wait or args.no_download):
        out_dir(args.out, create=False)  # a bad --out is said before a job is paid for
    session = args.session
    client = session.client()
    attach_uploader(client, args)
    with _status_line(args) as line:
        try:
            body = client.validate(args.model, payload, level=args.validate, extra_body=extra)
            entry = catalog_entry(session, args.model)
        except KeyboardInterrupt:
            raise Interrupted("interrupted before the submit: nothing was sent") from None
        price = entry.price if entry is not None else None
        if price:
            line.note(f"{args.model}: {price} (base price)")
        priced: dict[str, Any] = {"price": price} if price else {}
        if args.dry_run or args.max_cost is not None:
            found = _estimate(client, args, payload, entry)
            priced["estimate_usd"] = found.usd
            if args.dry_run:
                line.close()
                record = {"model_id": args.model, "dry_run": True, "basis": found.basis, **priced}
                emit(args.json, record, f"{args.model}: {found}; dry run: nothing was sent")
                return ExitCode.OK
            _within(args.max_cost, found, line)
            args.cost = True  # the confirmed cost, against the cap
        job = _submit(client, args.model, body)
        try:
            if args.no_wait:
                record = {"request_id": job.request_id, "wait": False, **priced}
                emit(args.json, record, job.request_id)
                return ExitCode.OK
            line.update(f"{job.request_id}: submitted")
            return _finish(args, job, line, download=not args.no_download, extra=priced)
        except KeyboardInterrupt:  # from the moment the job exists, whenever Ctrl-C lands
            raise _goes_on(job.request_id) from None


def _estimate(
    client: Client, args: argparse.Namespace, payload: dict[str, Any], entry: CatalogEntry | None
) -> Estimate:
    from runcomfy_runtime.pricing import Estimate, estimate

    spec = client.spec(args.model)
    if entry is None:
        return Estimate(args.model, None, "the catalog does not list this model")
    return estimate(spec, payload, entry.base_price_usd, entry.price_unit)


def _within(cap: float, found: Estimate, line: StatusLine) -> None:
    """The job may go: its estimate fits ``cap`` (one of unknown cost goes, alone, as in a
    batch, and says so); ``OverBudget`` otherwise, before anything is sent."""
    if found.usd is None:
        line.note(f"no estimate ({found.basis}): --max-cost ${cap:.2f} cannot be checked first")
        return
    if found.usd > cap + 1e-9:
        raise CliFailure(
            f"the job is estimated at ${found.usd:.2f} ({found.basis}), above --max-cost "
            f"${cap:.2f}: nothing was sent",
            code=ExitCode.OVER_BUDGET,
        )


def _goes_on(rid: str) -> Interrupted:
    return Interrupted(
        f"interrupted: job {rid} goes on; `runcomfy wait {rid}` waits for it again, "
        f"`runcomfy cancel {rid}` cancels it while it is queued",
        request_id=rid,
    )


def _finish(
    args: argparse.Namespace,
    job: Job[Output],
    line: StatusLine,
    *,
    download: bool,
    extra: dict[str, Any] | None = None,
) -> ExitCode:
    """Wait for ``job``, download when asked, print what was saved (or the output URLs)."""
    rid = job.request_id
    try:
        result = job.wait(args.timeout, on_status=line.on_status, include_cost=args.cost)
    except KeyboardInterrupt:
        raise _goes_on(rid) from None
    except WaitTimeout as exc:
        raise _timed_out(job, exc, cancel=args.cancel_on_timeout) from None
    paths = _download(args, job, result, line) if download else None
    line.close()
    emit(args.json, {**result_record(result, paths), **(extra or {})}, _result_text(result, paths))
    return ExitCode.OK


def _download(
    args: argparse.Namespace, job: Job[Output], result: Result[Output], line: StatusLine
) -> list[Path]:
    rid = job.request_id
    again = f"`runcomfy download {rid} --out {args.out}` saves them"
    try:
        return job.download(args.out, result=result, on_progress=line.on_download)
    except KeyboardInterrupt:
        raise Interrupted(
            f"interrupted while saving the outputs of job {rid}, which succeeded: {again}",
            request_id=rid,
        ) from None
    except (DownloadError, OSError) as exc:
        reason = exc.reason if isinstance(exc, DownloadError) else exc.strerror or str(exc)
        raise CliFailure(
            f"job {rid} succeeded, but its outputs could not be saved ({reason}): {again}",
            request_id=rid,
        ) from None


def _timed_out(job: Job[Output], exc: WaitTimeout, *, cancel: bool) -> CliFailure:
    """What became of a job whose wait timed out: it goes on, or it was cancelled."""
    rid = job.request_id
    base = f"job {rid} did not finish within {exc.waited:.1f}s (last status: {exc.last_status})"
    goes_on = f"`runcomfy wait {rid}` waits for it again"
    if not cancel:
        return CliFailure(
            f"{base}; it goes on: {goes_on}, `runcomfy cancel {rid}` cancels it",
            code=ExitCode.RETRYABLE,
            request_id=rid,
        )
    try:
        done = job.cancel()
    except CancelRefused as refused:
        return CliFailure(
            f"{base}; it could not be cancelled (status {refused.status}: only a queued job "
            f"can be) and goes on: {goes_on}",
            code=ExitCode.RETRYABLE,
            request_id=rid,
        )
    except (APIError, APIConnectionError) as failed:
        return CliFailure(
            f"{base}; cancelling it failed ({failed}), so it may go on: `runcomfy status {rid}`",
            code=ExitCode.RETRYABLE,
            request_id=rid,
        )
    if done.outcome == "cancelled":
        said = "it was cancelled (--cancel-on-timeout)"
    else:
        said = f"its cancellation was requested (status {done.state}): `runcomfy status {rid}`"
    return CliFailure(f"{base}; {said}", code=ExitCode.CANCELLED, request_id=rid)


def _job(args: argparse.Namespace) -> tuple[Client, Job[Output]]:
    client = args.session.client()
    return client, client.job(args.request_id)


def status(args: argparse.Namespace) -> ExitCode:
    client, job = _job(args)
    found = first_request(client, lambda c: c.job(job.request_id).status(), args.session.context)
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
    client, job = _job(args)
    found = first_request(
        client, lambda c: c.job(job.request_id).result(include_cost=args.cost), args.session.context
    )
    record = result_record(found)
    text = _result_text(found, None)
    if found.error not in (None, "", {}):
        text += f"\nerror: {found.error}"
    emit(args.json, record, text)
    return RESULT_CODES.get(found.status, ExitCode.OK)


def wait(args: argparse.Namespace) -> ExitCode:
    client, job = _job(args)
    first_request(client, lambda c: c.job(job.request_id).status(), args.session.context)
    with _status_line(args) as line:
        return _finish(args, job, line, download=False)


def download(args: argparse.Namespace) -> ExitCode:
    """Waits first when the job is still running, so ``download`` works at any moment."""
    out_dir(args.out, create=False)
    client, job = _job(args)
    first_request(client, lambda c: c.job(job.request_id).status(), args.session.context)
    with _status_line(args) as line:
        return _finish(args, job, line, download=True)


def cancel(args: argparse.Namespace) -> ExitCode:
    client, job = _job(args)
    found = first_request(client, lambda c: c.job(job.request_id).cancel(), args.session.context)
    emit(
        args.json,
        {"request_id": found.request_id, "status": found.state, "outcome": found.outcome},
        f"{found.request_id}: {found}",
    )
    return ExitCode.OK
