"""Every command's entry, by the name ``main`` dispatches on; imported only when one runs."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runcomfy_cli.config import (
    attach_uploader,
    first_request,
    no_token_message,
    out_dir,
    resolve_secret,
)
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import AuthFailure, CliFailure, InputFailure, UsageFailure
from runcomfy_cli.printing import emit

if TYPE_CHECKING:
    from runcomfy_runtime.catalog import CatalogEntry
    from runcomfy_runtime.client import AsyncClient

__all__ = ["batch", "completion", "models", "schema"]  # and, loaded on use, _LAZY's


_LAZY = {
    **dict.fromkeys(("cancel", "download", "result", "run", "status", "wait"), "lifecycle"),
    **dict.fromkeys(("login", "logout"), "login"),
}
"""Commands that live in modules of their own, loaded only when one of them runs: one job's
(``lifecycle``: the HTTP client and all), so ``--help`` and ``models`` without a token stay
light, and the token file's (``login``)."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"runcomfy_cli.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _hint(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(f"runcomfy: {text}", file=sys.stderr)


def models(args: argparse.Namespace) -> ExitCode:
    """``models`` / ``models list``: the generated models, and the live catalog with a token;
    ``models categories``; ``models get ID``."""
    which = getattr(args, "models_command", None)
    if which == "categories":
        return _categories(args)
    if which == "get":
        return _model_get(args)
    return _models_list(args)


def _catalog(args: argparse.Namespace) -> tuple[list[CatalogEntry] | None, str | None]:
    """The catalog's entries matching the filters, or None and why not (no token, an error):
    listing the generated models never fails for the catalog's sake."""
    from runcomfy_cli.messages import explain
    from runcomfy_runtime import errors

    session = args.session
    if not session.has_token():
        return None, (
            "only the generated models are listed: with an API token (`runcomfy login`, "
            "RUNCOMFY_API_TOKEN, RUNCOMFY_TOKEN or --token-file) RunComfy's live catalog is "
            "listed too, with prices"
        )
    client = session.client()
    try:
        found = first_request(
            client,
            lambda c: c.models(args.search, args.category, args.kind),
            session.context,
        )
    except (errors.AuthenticationError, errors.PermissionDeniedError):
        raise
    except errors.APIError as exc:
        return None, f"RunComfy's catalog could not be listed: {explain(exc, session.context)}"
    except CliFailure as exc:  # unreachable: the generated models are still worth listing
        return None, f"RunComfy's catalog could not be listed: {exc}"
    return found, None


def _models_list(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.describe import catalog_record, catalog_rows, generated_record, model_line

    catalog, why = _catalog(args)
    by_id = {entry.model_id: entry for entry in catalog or []}
    specs = [
        spec
        for spec in (args.registry[model_id] for model_id in sorted(args.registry))
        if _matches(args, spec.model_id, spec.summary, spec.output_kind, by_id, catalog)
    ]
    others = [entry for entry in catalog or [] if entry.model_id not in args.registry]
    records = [generated_record(s, by_id.get(s.model_id)) for s in specs]
    records += [catalog_record(entry) for entry in others]
    lines = [model_line(spec, by_id.get(spec.model_id)) for spec in specs]
    if catalog is not None:
        lines = [
            f"generated ({len(specs)}): `runcomfy run MODEL --help` lists a model's options",
            *(f"  {line}" for line in lines),
            "",
            f"RunComfy's catalog, not generated ({len(others)}): run by id, validated against "
            "the catalog's schema",
            *(f"  {row}" for row in catalog_rows(others)),
        ]
    if why is not None:
        _hint(args, why)
    emit(args.json, records, "\n".join(lines))
    return ExitCode.OK


def _matches(
    args: argparse.Namespace,
    model_id: str,
    summary: str | None,
    kind: str | None,
    by_id: dict[str, CatalogEntry],
    catalog: list[CatalogEntry] | None,
) -> bool:
    """A generated model matches the filters: as the catalog filtered it when the catalog has
    it, else by its id, summary and kind (a category is known from the catalog only)."""
    if catalog is not None and model_id in by_id:
        return True
    search = (args.search or "").lower()
    if search and search not in model_id.lower() and search not in (summary or "").lower():
        return False
    if args.kind and args.kind.lower() != (kind or "").lower():
        return False
    return not (args.category and catalog is not None)


def _categories(args: argparse.Namespace) -> ExitCode:
    session = args.session
    client = session.client()
    found = first_request(client, lambda c: c.categories(), session.context)
    emit(args.json, {"categories": found}, "\n".join(found))
    return ExitCode.OK


def _model_get(args: argparse.Namespace) -> ExitCode:
    """One model: the catalog's entry (price, categories, schema); a generated model is shown
    from its spec when the catalog cannot say."""
    from runcomfy_cli.describe import catalog_record, generated_record, schema_text
    from runcomfy_cli.messages import explain
    from runcomfy_cli.suggest import did_you_mean
    from runcomfy_runtime import errors

    model_id = args.model_id.strip().strip("/")
    spec = args.registry.get(model_id)
    session = args.session
    entry = None
    if session.has_token():
        client = session.client()
        try:
            entry = first_request(client, lambda c: c.model(model_id), session.context)
        except errors.NotFoundError:
            entry = None
        except (errors.AuthenticationError, errors.PermissionDeniedError):
            raise
        except errors.APIError as exc:
            if spec is None:
                raise
            _hint(args, f"RunComfy's catalog could not say: {explain(exc, session.context)}")
    elif spec is None:
        raise AuthFailure(f"{model_id!r} is not a generated model; {no_token_message()}")
    if entry is None and spec is None:
        raise UsageFailure(
            f"unknown model id {model_id!r}{did_you_mean(model_id, args.registry)}: not "
            "generated and not in RunComfy's catalog"
        )
    if spec is not None:
        record = generated_record(spec, entry)
    else:
        assert entry is not None
        record = catalog_record(entry)
    schema = dict(entry.input_schema) if entry and entry.input_schema else None
    record["input_schema"] = schema or (spec.input_schema if spec else None)
    head = f"{model_id}"
    if entry is not None:
        name = f" - {entry.display_name}" if entry.display_name else ""
        head += f"{name} [{', '.join(entry.categories)}] {entry.price or 'no price listed'}"
    shown = spec
    if shown is None and entry is not None:
        try:
            shown = entry.spec()
        except errors.SchemaError:
            shown = None
    body = schema_text(shown) if shown is not None else ""
    if entry is None:  # the schema's text opens with the id already
        head, _, body = body.partition("\n")
    text = f"{head}\n{body}" if body else head
    emit(args.json, record, text)
    return ExitCode.OK


def schema(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.describe import schema_record, schema_text

    spec = args.spec
    emit(args.json, schema_record(spec), schema_text(spec))
    return ExitCode.OK


def completion(args: argparse.Namespace) -> ExitCode:
    from runcomfy_cli.completion import script
    from runcomfy_cli.parser import build_parser

    print(script(args.shell, build_parser(), args.registry), end="")
    return ExitCode.OK


def batch(args: argparse.Namespace) -> ExitCode:
    inputs = Path(args.inputs).expanduser()
    if not inputs.exists():
        raise InputFailure(f"no such input file: {args.inputs}")
    if not inputs.is_file():
        raise InputFailure(
            f"{args.inputs} is not a regular file: the batch reads it more than once (the check "
            "of every line first, then the run), so it cannot be a pipe or a device"
        )
    resolve_secret(args)  # no token: said before a folder is made
    out = out_dir(args.out, create=not args.dry_run)  # a dry run makes nothing
    import asyncio  # only the batch runs a loop

    return asyncio.run(_batch(args, inputs, out))


async def _batch(args: argparse.Namespace, inputs: Path, out: Path) -> ExitCode:
    from runcomfy_cli.batch import run_batch
    from runcomfy_cli.messages import explain
    from runcomfy_cli.printing import report_error
    from runcomfy_cli.progress import BatchBar, Counts
    from runcomfy_runtime.batch.settings import BatchSettings

    settings = BatchSettings(
        concurrency=args.concurrency,
        out=out,
        max_cost=args.max_cost,
        validate=args.validate,
        timeout=args.timeout,
        resubmit_ambiguous=args.resubmit_ambiguous,
        retry_failed=args.retry_failed,
        dry_run=args.dry_run,
        option="--out",
    )
    session = args.session
    bar = BatchBar(sys.stderr, Counts(), live=sys.stderr.isatty(), quiet=args.quiet)
    async with session.async_client() as client:
        attach_uploader(client, args)
        entry = await _preflight(client, args)
        summary = await run_batch(
            client, args.model, inputs, settings, bar,
            spec=args.spec, entry=entry, explain=lambda exc: explain(exc, session.context),
        )  # fmt: skip
    summary.price = entry.price if entry is not None else None
    code = summary.exit_code()
    if summary.fatal is not None:
        report_error(False, summary.fatal, code, summary.fatal_message)
    emit(args.json, summary.record(), summary.text())
    return code


async def _preflight(client: AsyncClient, args: argparse.Namespace) -> CatalogEntry | None:
    """The batch's first request: the model's catalog entry (its price), failing fast when the
    API cannot be reached, and stopping before any submit when it refuses the token."""
    from runcomfy_cli.config import afirst_request
    from runcomfy_runtime import errors

    try:
        entry = await afirst_request(client, lambda c: c.model(args.model), args.session.context)
    except (errors.AuthenticationError, errors.PermissionDeniedError):
        raise
    except errors.APIError:
        return None
    if entry.price and not args.quiet:
        print(f"{args.model}: {entry.price} (base price, per job)", file=sys.stderr)
    return entry
