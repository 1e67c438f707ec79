"""``runcomfy``: the parser, the dispatch, and the one place errors become exit codes.

Only what a command needs is imported, when it runs: ``runcomfy --help`` loads no HTTP client,
no validator and no endpoint module. ``run MODEL`` loads that one endpoint to build its options.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from runcomfy_cli.exitcodes import ExitCode, epilog, exit_code_for

if TYPE_CHECKING:
    from runcomfy_runtime.spec import EndpointSpec

Registry = Mapping[str, "EndpointSpec"]

Handler = Callable[[argparse.Namespace], ExitCode]

DESCRIPTION = """\
Run RunComfy models from the shell: one job (run), a job you already have (status, result,
wait, cancel, download), or a resumable batch of many (batch). Options of `run` come from
the model's documented schema: `runcomfy run MODEL --help` lists them.

The API token comes from $RUNCOMFY_API_TOKEN (or $YOUR_API_TOKEN), or from --token-file;
never from the command line. The base URL from --base-url or $RUNCOMFY_BASE_URL."""


class _Parser(argparse.ArgumentParser):
    """No abbreviations: ``--token`` must never be read as ``--token-file`` (and echoed)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def _common() -> _Parser:
    """Options every command takes, after the command name."""
    common = _Parser(add_help=False)
    group = common.add_argument_group("common options")
    group.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    group.add_argument(
        "--base-url", metavar="URL", help="API base URL (default: $RUNCOMFY_BASE_URL or RunComfy)"
    )
    group.add_argument(
        "--token-file", metavar="PATH", help="read the API token from this file's first line"
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", help="no status line or progress bar on stderr"
    )
    return common


def _waiting(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="give up waiting after this long"
    )
    group.add_argument(
        "--cancel-on-timeout", action="store_true", help="cancel the job if the wait times out"
    )
    group.add_argument("--cost", action="store_true", help="ask for the job's cost in USD")


def _validation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--validate",
        choices=("full", "schema", "off"),
        default="full",
        help="full: schema and image rules (fetches image headers); schema: offline; off",
    )


def _handler(name: str) -> Handler:
    """The command's function, imported when it runs (keeps ``--help`` light)."""

    def handle(args: argparse.Namespace) -> ExitCode:
        from runcomfy_cli import commands

        command: Handler = getattr(commands, name)
        return command(args)

    return handle


_TOKEN_OPTIONS = ("--token", "--api-token", "--api_token")


def _refuse_token_argument(argv: Sequence[str]) -> bool:
    """A token on the command line lands in shell history and ``ps``: refuse it, unechoed."""
    for arg in argv:
        if arg == "--":
            return False
        if arg.split("=", 1)[0] in _TOKEN_OPTIONS:
            print(
                "runcomfy: the API token is never taken on the command line (it would land in "
                "shell history); set RUNCOMFY_API_TOKEN or pass --token-file PATH",
                file=sys.stderr,
            )
            return True
    return False


def build_parser(
    argv: Sequence[str] = (), registry: Registry | None = None
) -> argparse.ArgumentParser:
    """The whole command line; ``run MODEL`` also gets that model's field options.

    ``registry`` is the generated package's (``runcomfy.REGISTRY``): iterating it lists the
    model ids without importing a single endpoint module.
    """
    registry = registry if registry is not None else {}
    models = sorted(registry)
    parser = _Parser(
        prog="runcomfy",
        description=DESCRIPTION,
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common = [_common()]
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("models", parents=common, help="list every endpoint, one a line")
    p.set_defaults(handler=_handler("models"))

    p = sub.add_parser("schema", parents=common, help="a model's fields, enums, limits, rules")
    p.add_argument("model", choices=models, metavar="MODEL")
    p.set_defaults(handler=_handler("schema"))

    p = sub.add_parser(
        "run",
        parents=common,
        help="validate, submit, wait, download",
        description="Run one job. `runcomfy run MODEL --help` lists the model's options.",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", choices=models, metavar="MODEL", help="one of: " + ", ".join(models))
    p.add_argument("--input", metavar="FILE.json", help="the input as a JSON object (- for stdin)")
    p.add_argument("--out", default=".", metavar="DIR", help="where outputs are saved")
    p.add_argument("--no-wait", action="store_true", help="print the request id and return")
    p.add_argument("--no-download", action="store_true", help="print output URLs, save nothing")
    _validation(p)
    _waiting(p)
    model = next((arg for arg in argv[1:] if arg in registry), None)
    if argv[:1] == ["run"] and model is not None:
        from runcomfy_cli.options import add_field_options

        add_field_options(p, registry[model], reserved=p._option_string_actions)
    p.set_defaults(handler=_handler("run"))

    for name, text in (
        ("status", "a job's status (and queue position)"),
        ("result", "a job's result as it stands"),
        ("wait", "wait for a job; print its output URLs"),
        ("cancel", "cancel a queued job"),
        ("download", "wait for a job and save its outputs"),
    ):
        p = sub.add_parser(
            name,
            parents=common,
            help=text,
            epilog=epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.add_argument("request_id", metavar="ID")
        if name in ("wait", "download"):
            _waiting(p)
        if name == "result":
            p.add_argument("--cost", action="store_true", help="ask for the job's cost in USD")
        if name == "download":
            p.add_argument("--out", default=".", metavar="DIR", help="where outputs are saved")
        p.set_defaults(handler=_handler(name))

    p = sub.add_parser(
        "batch",
        parents=common,
        help="one job per JSONL line; resumable",
        description="One job per line of INPUTS.jsonl. Killed at any point, the same command "
        "resumes: submitted lines are waited on, not submitted again; saved outputs are not "
        "fetched again. The journal lives in DIR/.runcomfy-batch.sqlite.",
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("model", choices=models, metavar="MODEL")
    p.add_argument("inputs", metavar="INPUTS.jsonl")
    p.add_argument("--out", required=True, metavar="DIR", help="outputs, one folder per line")
    p.add_argument("--concurrency", type=_positive, default=8, metavar="N")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="per job wait limit")
    p.add_argument(
        "--resubmit-ambiguous",
        action="store_true",
        help="submit again lines whose earlier submit may have created a job (may pay twice)",
    )
    p.add_argument("--retry-failed", action="store_true", help="submit failed lines again")
    _validation(p)
    p.set_defaults(handler=_handler("batch"))

    sub.add_parser(
        "emulator",
        help="start the local emulator of the API (options: runcomfy emulator --help)",
        add_help=False,
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _emulator(argv: list[str], registry: Registry) -> int:
    """Everything after ``emulator`` goes to the emulator's own command line, untouched."""
    from runcomfy_emulator.__main__ import main as emulator_main

    result = emulator_main(argv, registry=registry)
    return int(result or 0)


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """The command line; ``registry`` is handed in by the generated package's entry point."""
    registry = registry if registry is not None else {}
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["emulator"]:
        return _emulator(args_list[1:], registry)
    if _refuse_token_argument(args_list):
        return ExitCode.USAGE
    args = build_parser(args_list, registry).parse_args(args_list)
    args.registry = registry
    from runcomfy_cli.journal import JournalMismatch
    from runcomfy_cli.lock import BatchLocked
    from runcomfy_cli.options import InputFileError
    from runcomfy_cli.printing import report_error
    from runcomfy_runtime.errors import RunComfyError

    try:
        return int(args.handler(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # `runcomfy ... | head`: the reader left, which is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    except (InputFileError, JournalMismatch, BatchLocked) as exc:
        report_error(args.json, exc, ExitCode.USAGE)
        return ExitCode.USAGE
    except RunComfyError as exc:
        code = exit_code_for(exc)
        report_error(args.json, exc, code)
        return code


if __name__ == "__main__":
    sys.exit(main())
