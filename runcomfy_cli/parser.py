"""The command line's grammar: every command, its options, and the help that documents them.

RunComfy's own CLI (``runcomfy``, Rust) and this one overlap; where they do, this one takes
the same spelling: ``run MODEL --input JSON | --input-file PATH|-``, ``--no-wait``,
``--output-dir``, ``--no-download``, the global ``--output pretty|json``, ``-q`` and ``-v``
(before or after the command), ``status``/``cancel ID``, ``requests get|cancel ID``,
``models list|categories|get``, ``completion bash|zsh|fish``.

Model ids are not argparse ``choices``: ``main`` resolves the id first (the generated
registry, else RunComfy's catalog) and says "did you mean" when it is unknown, and
``run MODEL`` gets one option per field of the model's schema.
"""

from __future__ import annotations

import argparse
import math
import sys
import textwrap
from collections.abc import Callable
from typing import Any, NoReturn

from runcomfy_cli.exitcodes import ExitCode, epilog
from runcomfy_runtime.sources import BASE_URL_SOURCES, TOKEN_SOURCES, numbered
from runcomfy_runtime.spec import EndpointSpec

MAX_CONCURRENCY = 256
"""Jobs a batch runs at once: more only queues them on the server and opens more sockets."""

DESCRIPTION = f"""\
Run RunComfy models from the shell: one job (run), a job you already have (status, result,
wait, cancel, download; requests get|cancel), a resumable batch of many (batch), the model
catalog (models, schema), the token (login, logout). Options of `run` come from the model's
documented schema: `runcomfy run MODEL --help` lists them.

The API token is never taken on the command line. It comes from, first found:
{numbered(TOKEN_SOURCES)}
The base URL, first found:
{numbered(BASE_URL_SOURCES)}"""

MODEL_COMMANDS = ("run", "schema", "batch")
"""Commands whose first value is a model id."""

GLOBAL_VALUE_OPTIONS = ("--output", "--base-url", "--token-file")
VALUE_OPTIONS = frozenset(
    {
        *GLOBAL_VALUE_OPTIONS,
        "--input",
        "--input-file",
        "--out",
        "--output-dir",
        "--timeout",
        "--validate",
        "--upload",
        "--concurrency",
        "--search",
        "--category",
        "--kind",
    }
)
"""Options that take a value, for the scan that finds the command and model before parsing."""


class Parser(argparse.ArgumentParser):
    """No abbreviations (``--tok`` must never be read as ``--token-file`` and echoed); usage
    errors exit 64 (sysexits' EX_USAGE, as RunComfy's CLI), not argparse's 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.commands: dict[str, Parser] = {}

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(ExitCode.USAGE, f"{self.prog}: error: {message}\n")


def _global(parser: argparse.ArgumentParser, *, after_command: bool) -> None:
    """Options every command takes, before the command name or after it (RunComfy's CLI's
    ``--output``, ``-q``, ``-v`` are global). Given after, they must not reset what was given
    before: their defaults there are left out."""

    def default(value: Any) -> Any:
        return argparse.SUPPRESS if after_command else value

    group = parser.add_argument_group("global options (before or after the command)")
    group.add_argument(
        "--output",
        choices=("pretty", "json"),
        default=default("pretty"),
        help="pretty: text for people (default); json: one JSON document on stdout",
    )
    group.add_argument(
        "--json",
        dest="output",
        action="store_const",
        const="json",
        default=default("pretty"),
        help="the same as --output json",
    )
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default(False),
        help="no progress, price or hints on stderr; results and errors only",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="log each request (and retry) to stderr; -vv: HTTP detail. The token is never shown",
    )
    group.add_argument(
        "--base-url", metavar="URL", default=default(None), help="the API's base URL"
    )
    group.add_argument(
        "--token-file",
        metavar="PATH",
        default=default(None),
        help="read the API token from PATH: its first line, or a token.json's access_token",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    if value > MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_CONCURRENCY} (more only queues jobs on the server)"
        )
    return value


def _waiting(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("waiting")
    group.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="stop waiting after this long (the job goes on unless --cancel-on-timeout)",
    )
    group.add_argument(
        "--cancel-on-timeout",
        action="store_true",
        help="cancel the job when the wait times out (only a queued job can be cancelled)",
    )
    group.add_argument("--cost", action="store_true", help="ask for the job's cost in USD")


def _usd(text: str) -> float:
    try:
        value = float(text.strip().removeprefix("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an amount of USD: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError("must be an amount of USD, 0 or more")
    return value


def _budget(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--max-cost",
        type=_usd,
        metavar="USD",
        help=f"the most {what} may cost: confirmed costs plus the estimates of jobs in flight "
        "never pass it; what would is not sent",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="validate and print the estimated cost from the catalog's price; submit nothing",
    )


def _validation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--validate",
        choices=("full", "schema", "off"),
        default="full",
        help="full: schema and media rules (fetches file headers); schema: offline; off",
    )


def _uploads(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--upload",
        metavar="WHERE",
        help="where local files too large to send inline go, to be sent as a URL: "
        "s3://BUCKET/PREFIX (boto3's credentials; an S3-compatible store: "
        "$AWS_ENDPOINT_URL_S3) or emulator (the emulator in use); default $RUNCOMFY_UPLOAD",
    )


def _catalog_filters(parser: argparse.ArgumentParser, *, after: bool) -> None:
    default = argparse.SUPPRESS if after else None
    parser.add_argument("--search", metavar="TEXT", default=default, help="ids or names with TEXT")
    parser.add_argument("--category", metavar="NAME", default=default, help="in this category")
    parser.add_argument("--kind", metavar="KIND", default=default, help="image, video or audio")


Command = Callable[..., "Parser"]
"""Adds one command to the top-level parser: ``command(name, help, **parser options)``."""


def build_parser(spec: EndpointSpec | None = None) -> Parser:
    """The whole command line. ``spec`` (the model ``run`` names, when known) adds one option
    per field of its schema to ``run``."""
    parser = Parser(
        prog="runcomfy",
        description=DESCRIPTION,
        epilog=epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _global(parser, after_command=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str, **kwargs: Any) -> Parser:
        if "description" in kwargs:  # the epilog's table keeps its lines: wrap this by hand
            kwargs["description"] = textwrap.fill(kwargs["description"], 80)
        found: Parser = sub.add_parser(
            name,
            help=help,
            epilog=epilog(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
            **kwargs,
        )
        _global(found, after_command=True)
        found.set_defaults(handler=name)
        parser.commands[name] = found
        return found

    _models_commands(command)
    _run_command(command, spec)
    _job_commands(command)
    _batch_command(command)
    _login_commands(command)
    p = command("completion", "print a shell completion script: bash, zsh or fish")
    p.add_argument("shell", choices=("bash", "zsh", "fish"))
    sub.add_parser(
        "emulator",
        help="start the local emulator of the API (options: runcomfy emulator --help)",
        add_help=False,
    )
    return parser


def _models_commands(command: Command) -> None:
    p = command(
        "models",
        "list models: the generated ones, and RunComfy's live catalog with prices (token)",
        description="The generated models and, with an API token, RunComfy's live catalog "
        "with prices. `models list` is the same; `models categories`, `models get ID`.",
    )
    _catalog_filters(p, after=False)
    models_sub = p.add_subparsers(dest="models_command", metavar="SUBCOMMAND")
    found = models_sub.add_parser("list", help="the same as `models`")
    _catalog_filters(found, after=True)
    _global(found, after_command=True)
    found = models_sub.add_parser("categories", help="the catalog's categories (token)")
    _global(found, after_command=True)
    found = models_sub.add_parser("get", help="one catalog entry, with its price and schema")
    found.add_argument("model_id", metavar="ID")
    _global(found, after_command=True)
    p = command("schema", "a model's fields, enums, limits, rules")
    p.add_argument("model", metavar="MODEL")


def _run_command(command: Command, spec: EndpointSpec | None) -> None:
    p = command(
        "run",
        "validate, submit, wait, download",
        description="Run one job: validate the input, show the price, submit, wait, save the "
        "outputs. `runcomfy run MODEL --help` lists the model's options; options given "
        "override --input.",
    )
    p.add_argument("model", metavar="MODEL", help="a model id (`runcomfy models` lists them)")
    given = p.add_mutually_exclusive_group()
    given.add_argument(
        "--input", metavar="JSON", help='the input as a JSON object: --input \'{"prompt": "x"}\''
    )
    given.add_argument(
        "--input-file", metavar="PATH", help="the input from a JSON file (- for stdin)"
    )
    p.add_argument(
        "--extra",
        metavar="JSON",
        help="inputs the model's schema does not list, as a JSON object merged into the body "
        'after validation (a LoRA: --extra \'{"lora": {"path": "my-style.safetensors"}}\'); '
        "a key the schema lists is validated as usual",
    )
    p.add_argument(
        "--out",
        "--output-dir",
        dest="out",
        default=".",
        metavar="DIR",
        help="where outputs are saved (default: here)",
    )
    p.add_argument("--no-wait", action="store_true", help="print the request id and return")
    p.add_argument("--no-download", action="store_true", help="print output URLs, save nothing")
    _budget(p, "the job")
    _validation(p)
    _uploads(p)
    _waiting(p)
    if spec is not None:
        from runcomfy_cli.options import add_field_options

        add_field_options(p, spec, reserved=p._option_string_actions)


def _job_commands(command: Command) -> None:
    for name, text in (
        ("status", "a job's status (and queue position)"),
        ("result", "a job's result as it stands"),
        ("wait", "wait for a job; print its output URLs"),
        ("cancel", "cancel a queued job"),
        ("download", "wait for a job and save its outputs"),
    ):
        p = command(name, text)
        p.add_argument("request_id", metavar="ID")
        if name in ("wait", "download"):
            _waiting(p)
        if name == "result":
            p.add_argument("--cost", action="store_true", help="ask for the job's cost in USD")
        if name == "download":
            p.add_argument(
                "--out", "--output-dir", dest="out", default=".", metavar="DIR",
                help="where outputs are saved",
            )  # fmt: skip
    p = command("requests", "requests get ID (its result) | requests cancel ID")
    requests_sub = p.add_subparsers(dest="requests_command", required=True, metavar="ACTION")
    for name, text, handler in (
        ("get", "a job's result as it stands (the same as `result`)", "result"),
        ("cancel", "cancel a queued job (the same as `cancel`)", "cancel"),
    ):
        found = requests_sub.add_parser(name, help=text)
        found.add_argument("request_id", metavar="ID")
        if name == "get":
            found.add_argument("--cost", action="store_true", help="ask for the job's cost")
        _global(found, after_command=True)
        found.set_defaults(handler=handler)


def _login_commands(command: Command) -> None:
    from runcomfy_runtime.sources import TOKEN_FILE

    command(
        "login",
        f"save the API token to {TOKEN_FILE} (mode 0600), read as RunComfy's CLI reads it",
        description="Save the API token in the token file RunComfy's own CLI uses (every "
        f"command reads it when no other source gives a token): {TOKEN_FILE}, mode 0600, "
        "written atomically. The token is read from --token-file PATH, a prompt that does not "
        "echo it, or standard input: `printf %s \"$TOKEN\" | runcomfy login`. It is not "
        "checked here: the next command that calls the API uses it.",
    )
    command(
        "logout",
        f"remove {TOKEN_FILE}",
        description=f"Remove the token file ({TOKEN_FILE}); a token in the environment stays.",
    )


def _batch_command(command: Command) -> None:
    p = command(
        "batch",
        "one job per JSONL line; resumable",
        description="One job per line of INPUTS.jsonl. The whole file is validated first (the "
        "schema, offline); invalid lines are listed and skipped. Killed at any point, the same "
        "command resumes: submitted lines are waited on, not submitted again; a submit stopped "
        "before it left is sent again; one that left but was never answered is reported as "
        "ambiguous (a job may exist) and sent again only with --resubmit-ambiguous; saved "
        "outputs are not fetched again. The journal lives in DIR/.runcomfy-batch.sqlite; one "
        "batch at a time per DIR.",
    )
    p.add_argument("model", metavar="MODEL")
    p.add_argument("inputs", metavar="INPUTS.jsonl")
    p.add_argument("--out", required=True, metavar="DIR", help="outputs, one folder per line")
    p.add_argument(
        "--concurrency",
        type=_concurrency,
        default=8,
        metavar="N",
        help=f"jobs at once (default 8, at most {MAX_CONCURRENCY})",
    )
    p.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="per job wait limit")
    p.add_argument(
        "--resubmit-ambiguous",
        action="store_true",
        help="submit again lines whose earlier submit was sent but never answered (a job may "
        "exist: this may pay twice)",
    )
    p.add_argument("--retry-failed", action="store_true", help="submit failed lines again")
    _budget(p, "the batch")
    _validation(p)
    _uploads(p)
