"""``runcomfy``: from the command line to an exit code, and the one place errors are reported.

Before argparse sees the command line: an argument that is not text is refused, a token given
as an option is refused unechoed, and the model a command names is resolved (the generated
registry, else RunComfy's catalog), so an unknown id gets "did you mean" instead of a list of
every model, and ``run MODEL --help`` lists a catalog model's options too.

Only what a command needs is imported, when it runs: ``runcomfy --help`` loads no HTTP client,
no validator and no endpoint module. ``run MODEL`` loads that one endpoint to build its options.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import CliFailure, UsageFailure, exit_code_for
from runcomfy_cli.parser import (
    MODEL_COMMANDS,
    VALUE_OPTIONS,
    Parser,
    _global,
    build_parser,
)
from runcomfy_cli.suggest import did_you_mean

if TYPE_CHECKING:
    from runcomfy_cli.config import Session
    from runcomfy_runtime.spec import EndpointSpec

Registry = Mapping[str, "EndpointSpec"]
Handler = Callable[[argparse.Namespace], ExitCode]

TOKEN_OPTIONS = ("--token", "--api-token", "--api_token", "--api-key")
"""Options a user may reach for to pass the token; any of them, or a prefix of one
(``--tok``, ``--api-tok``), is refused without echoing its value."""
_SHORTEST_REFUSED_PREFIX = 4  # "--to", "--ap": shorter prefixes name nothing


# -- before argparse ------------------------------------------------------------------------------


def _undecodable(argv: Sequence[str]) -> str | None:
    """Arguments the shell passed as bytes that are not text in this locale (Python keeps
    them as lone surrogates, which no JSON body or terminal can carry)."""
    for index, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            return (
                f"argument {index} ({shown[:60]!r}) is not valid UTF-8 text (byte "
                f"{exc.start} of it); pass text, or put binary input in a file"
            )
    return None


def _refused_token(argv: Sequence[str], known: set[str]) -> bool:
    """A token on the command line lands in shell history and ``ps``: refuse it, unechoed."""
    for arg in argv:
        if arg == "--":
            return False
        name = arg.split("=", 1)[0]
        if not name.startswith("--") or (name in known and name not in TOKEN_OPTIONS):
            continue
        if name in TOKEN_OPTIONS or (
            len(name) >= _SHORTEST_REFUSED_PREFIX and any(t.startswith(name) for t in TOKEN_OPTIONS)
        ):
            print(
                f"runcomfy: {name} is refused: the API token is never taken on the command line "
                "(it would land in shell history and `ps`); run `runcomfy login`, set "
                "RUNCOMFY_API_TOKEN (or RUNCOMFY_TOKEN), or pass --token-file PATH",
                file=sys.stderr,
            )
            return True
    return False


class _Quiet(argparse.ArgumentParser):
    """The scan's parser: a mistake is left for the real parser to report."""

    def error(self, message: str) -> NoReturn:
        raise ValueError(message)


@dataclass(frozen=True)
class Scan:
    """What the command line says before it is parsed: the global options, the command and,
    for ``run``/``schema``/``batch``, the model id (the first value after the command)."""

    namespace: argparse.Namespace
    command: str | None
    model: str | None

    @property
    def as_json(self) -> bool:
        return bool(self.namespace.output == "json")


def scan(argv: Sequence[str]) -> Scan:
    pre = _Quiet(add_help=False, allow_abbrev=False)
    _global(pre, after_command=False)
    try:
        namespace, rest = pre.parse_known_args(list(argv))
    except ValueError:
        namespace, rest = pre.parse_known_args([])[0], list(argv)
    values: list[str] = []
    index = 0
    while index < len(rest):
        arg = rest[index]
        if arg == "--":
            values.extend(rest[index + 1 :])
            break
        # a negative number is a value to argparse (no option of ours looks like one): read the
        # line as the parser will, or `schema -0` has no model
        if arg.startswith("-") and arg != "-" and not pre._negative_number_matcher.match(arg):
            index += 2 if "=" not in arg and arg in VALUE_OPTIONS else 1
            continue
        values.append(arg)
        index += 1
    command = values[0] if values else None
    model = values[1] if command in MODEL_COMMANDS and len(values) > 1 else None
    return Scan(namespace, command, model)


def _known_options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string of ``parser`` and of all its subcommands."""
    found = set(parser._option_string_actions)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= _known_options(child)
    return found


def _unrecognized(parser: Parser, args: argparse.Namespace, extras: Sequence[str]) -> NoReturn:
    """Report unknown arguments against the command's own usage, with "did you mean"; values
    are counted, never shown (one of them could be a token)."""
    command = parser.commands.get(getattr(args, "command", None) or "", parser)
    options = [x.split("=", 1)[0] for x in extras if x.startswith("-") and x != "-"]
    hidden = len(extras) - len(options)
    known = [o for o in command._option_string_actions if o.startswith("--")]
    parts = [f"{o}{did_you_mean(o, known, n=1)}" for o in options]
    message = f"unrecognized option {', '.join(parts)}" if parts else "unexpected arguments"
    if hidden:
        noun = "value" if hidden == 1 else "values"
        message += f" ({hidden} {noun} not shown)"
    command.error(message)


# -- the model --------------------------------------------------------------------------------


def resolve_model(session: Session, registry: Registry, model_id: str) -> EndpointSpec:
    """The spec of ``model_id``: generated, else from RunComfy's catalog (with a token);
    ``UsageFailure`` with the closest known ids otherwise."""
    found = registry.get(model_id)
    if found is not None:
        return found
    from runcomfy_cli.config import first_request
    from runcomfy_runtime import errors

    generated = sorted(registry)
    if not session.has_token():
        raise UsageFailure(
            f"unknown model id {model_id!r}{did_you_mean(model_id, generated)} (`runcomfy "
            f"models` lists the {len(generated)} generated ones; with an API token, "
            "RunComfy's catalog is asked too: `runcomfy login`, RUNCOMFY_API_TOKEN or "
            "--token-file)"
        )
    client = session.client()
    try:
        spec = first_request(client, lambda c: c.spec(model_id), session.context)
    except errors.UnknownModelError:
        known = generated + _catalog_ids(session)
        raise UsageFailure(
            f"unknown model id {model_id!r}{did_you_mean(model_id, known)}: not generated "
            "and not in RunComfy's catalog (`runcomfy models` lists both)"
        ) from None
    except (errors.AuthenticationError, errors.PermissionDeniedError):
        raise
    except errors.APIError as exc:
        from runcomfy_cli.messages import explain

        raise UsageFailure(
            f"unknown model id {model_id!r}{did_you_mean(model_id, generated)}: not generated, "
            f"and RunComfy's catalog could not say ({explain(exc, session.context)})"
        ) from None
    session.spec = spec
    return spec


def _catalog_ids(session: Session) -> list[str]:
    """Every id of the catalog, for suggestions; none when it cannot be listed."""
    from runcomfy_runtime.errors import RunComfyError

    try:
        return [entry.model_id for entry in session.client().models()]
    except RunComfyError:
        return []


# -- running ------------------------------------------------------------------------------------


@contextlib.contextmanager
def verbose_logging(level: int) -> Iterator[None]:
    """``-v``: each request and retry at INFO on stderr; ``-vv``: HTTP detail at DEBUG. The
    runtime scrubs the token from every record of these loggers."""
    if level <= 0:
        yield
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("runcomfy: %(name)s: %(message)s"))
    names = ["runcomfy", "httpx", *(["httpcore"] if level > 1 else [])]
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG if level > 1 else logging.INFO)
    try:
        yield
    finally:
        for logger, before in saved:
            logger.removeHandler(handler)
            logger.setLevel(before)


def _handler(name: str) -> Handler:
    from runcomfy_cli import commands

    found: Handler = getattr(commands, name)
    return found


def _emulator(argv: list[str], registry: Registry) -> int:
    """Everything after ``emulator`` goes to the emulator's own command line, untouched."""
    try:
        from runcomfy_emulator.__main__ import main as emulator_main
    except ModuleNotFoundError as e:  # the package without its [emulator] extra
        missing = (e.name or "?").split(".")[0]
        print(
            f"runcomfy: the emulator needs packages not installed ({missing}): "
            "pip install 'runcomfy[emulator]'",
            file=sys.stderr,
        )
        return ExitCode.UNAVAILABLE
    result = emulator_main(argv, registry=registry)
    return int(result or 0)


def main(argv: Sequence[str] | None = None, *, registry: Registry | None = None) -> int:
    """The command line; ``registry`` is handed in by the generated package's entry point.
    Returns the exit code (also for ``--help`` and usage errors: it never exits itself)."""
    registry = registry if registry is not None else {}
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["emulator"]:
        return _emulator(args_list[1:], registry)
    try:
        return _main(args_list, registry)
    except SystemExit as exc:  # argparse: --help (0) or a usage error it printed (64)
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE


def _main(argv: list[str], registry: Registry) -> int:
    from runcomfy_cli.config import Session

    problem = _undecodable(argv)
    if problem is not None:
        print(f"runcomfy: {problem}", file=sys.stderr)
        return ExitCode.USAGE
    found = scan(argv)
    session = Session(argparse.Namespace(**vars(found.namespace), registry=registry))
    with verbose_logging(found.namespace.verbose):
        try:
            return _run(argv, registry, found, session)
        except BaseException as exc:  # reported once, here, whatever it is
            return _report(exc, found, session)
        finally:
            session.close()


def _run(argv: list[str], registry: Registry, found: Scan, session: Session) -> int:
    spec = None
    if found.command in MODEL_COMMANDS and found.model is not None:
        spec = resolve_model(session, registry, found.model)
    parser = build_parser(spec if found.command == "run" else None)
    if _refused_token(argv, _known_options(parser)):
        return ExitCode.USAGE
    if found.command is not None and found.command not in parser.commands:
        parser.error(
            f"unknown command {found.command!r}{did_you_mean(found.command, parser.commands)}"
        )
    args, extras = parser.parse_known_args(argv)
    if extras:
        _unrecognized(parser, args, extras)
    if found.command in MODEL_COMMANDS and getattr(args, "model", None) != found.model:
        parser.error(f"put the model id first after the command: runcomfy {found.command} MODEL")
    args.registry = registry
    args.session = session
    args.spec = spec
    args.json = args.output == "json"
    session.args = args
    return int(_handler(args.handler)(args))


def _report(exc: BaseException, found: Scan, session: Session) -> int:
    """The exit code of ``exc``, after telling the user (once)."""
    from runcomfy_cli.messages import explain
    from runcomfy_cli.printing import report_error
    from runcomfy_runtime.errors import RunComfyError

    args = session.args
    as_json = bool(getattr(args, "json", found.as_json))
    if isinstance(exc, SystemExit):
        raise exc
    if isinstance(exc, KeyboardInterrupt):
        print("runcomfy: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    if isinstance(exc, BrokenPipeError):  # `runcomfy ... | head`: the reader left
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    if isinstance(exc, CliFailure | RunComfyError):
        code = exit_code_for(exc)
        message = str(exc) if isinstance(exc, CliFailure) else explain(exc, session.context)
        report_error(as_json, exc, code, message)
        return code
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        report_error(as_json, exc, ExitCode.ERROR, f"{exc.strerror or exc}{where}")
        return ExitCode.ERROR
    if not isinstance(exc, Exception):
        raise exc
    report_error(
        as_json,
        exc,
        ExitCode.ERROR,
        f"unexpected error: {type(exc).__name__}: {exc} (run with -v to see where)",
    )
    if found.namespace.verbose:
        traceback.print_exception(exc, file=sys.stderr)
    return ExitCode.ERROR


if __name__ == "__main__":
    sys.exit(main())
