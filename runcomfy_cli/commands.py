"""Every command's entry, by the name ``main`` dispatches on; imported only when one runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.lifecycle import cancel, download, result, run, status, wait
from runcomfy_cli.printing import emit

__all__ = ["batch", "cancel", "download", "models", "result", "run", "schema", "status", "wait"]


def models(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.describe import model_line, model_record

    specs = [args.registry[model_id] for model_id in sorted(args.registry)]
    emit(
        args.json,
        [model_record(spec) for spec in specs],
        "\n".join(model_line(spec) for spec in specs),
    )
    return ExitCode.OK


def schema(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.describe import schema_record, schema_text

    spec = args.registry[args.model]
    emit(args.json, schema_record(spec), schema_text(spec))
    return ExitCode.OK


def batch(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.options import InputFileError

    if not Path(args.inputs).is_file():
        raise InputFileError(f"no such input file: {args.inputs}")
    return asyncio.run(_batch(args))


async def _batch(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.batch import BatchOptions, BatchRunner
    from runcomfy_cli.config import async_client
    from runcomfy_cli.journal import Journal
    from runcomfy_cli.lock import holding
    from runcomfy_cli.printing import report_error
    from runcomfy_cli.progress import BatchBar, Counts

    options = BatchOptions(
        model_id=args.model,
        inputs=Path(args.inputs),
        out=Path(args.out),
        concurrency=args.concurrency,
        validate=args.validate,
        timeout=args.timeout,
        resubmit_ambiguous=args.resubmit_ambiguous,
        retry_failed=args.retry_failed,
    )
    bar = BatchBar(sys.stderr, Counts(), live=sys.stderr.isatty() and not args.quiet)
    options.out.mkdir(parents=True, exist_ok=True)
    with holding(options.out):  # one batch per folder: two would submit the same lines
        journal = Journal.open(options.out, options.model_id)
        try:
            async with async_client(args) as client:
                summary = await BatchRunner(client, journal, options, bar).run()
        finally:
            journal.close()
    code = summary.exit_code()
    if summary.fatal is not None:
        report_error(False, summary.fatal, code)
    emit(args.json, summary.record(), summary.text())
    return code
