"""Where the token and the base URL come from: one table each, in order of precedence.

The code that resolves them (``auth.resolve_token``, ``resolve_base_url`` below) reads these
tables, and every text that names the order renders it from them: the command's ``--help``
and messages, the generated clients' docstrings, the README (checked by a test). So the order
is written once and cannot drift between what is done and what is said.

A leaf module: it imports only the constants, so the schema engine, the CLI's help and the
generator can read it without loading the HTTP client.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from runcomfy_runtime import constants

Surface = Literal["python", "cli"]
"""Who reads the text: a Python caller (``api_token=``) or a person at the shell
(``--token-file PATH``)."""


class Source:
    """One place a setting may come from. ``python``/``cli`` name it for each surface (the
    same for an environment variable); ``env`` is the variable read, if it is one. A plain
    slotted class: ``runcomfy --help`` builds these, and a dataclass costs a millisecond."""

    __slots__ = ("cli", "env", "note", "python")

    def __init__(self, python: str, cli: str, note: str = "", env: str | None = None) -> None:
        self.python, self.cli, self.note, self.env = python, cli, note, env

    def __repr__(self) -> str:
        return f"Source({self.python!r}, {self.cli!r}, note={self.note!r}, env={self.env!r})"

    def named(self, surface: Surface) -> str:
        return self.python if surface == "python" else self.cli


def _env(name: str, note: str = "") -> Source:
    return Source(f"${name}", f"${name}", note, env=name)


CONFIG_DIR_SOURCES: tuple[str, ...] = (
    "$RUNCOMFY_CONFIG_DIR",
    "$XDG_CONFIG_HOME/runcomfy",
    "~/.config/runcomfy",
)
"""RunComfy's CLI's config folder, first found (its ``config.rs``)."""

TOKEN_FILE = f"<config dir>/{constants.TOKEN_FILE_NAME}"

TOKEN_SOURCES: tuple[Source, ...] = (
    Source("api_token=", "--token-file PATH"),
    _env("RUNCOMFY_API_TOKEN"),
    _env("YOUR_API_TOKEN", "the name in RunComfy's API docs"),
    _env("RUNCOMFY_TOKEN", "RunComfy's own CLI's"),
    Source(
        TOKEN_FILE,
        TOKEN_FILE,
        note="as `runcomfy login` writes it, here or with RunComfy's CLI; config dir: "
        + ", else ".join(CONFIG_DIR_SOURCES),
    ),
)
"""The API token, first found wins."""

TOKEN_FILE_OPTION_NOTE = "its first line, or the access_token of a token.json"
"""What ``--token-file`` reads (the command line's own first source)."""

BASE_URL_SOURCES: tuple[Source, ...] = (
    Source("base_url=", "--base-url URL"),
    _env("RUNCOMFY_BASE_URL"),
    _env("RUNCOMFY_MODEL_API_BASE", "RunComfy's CLI's; its trailing /v1 is dropped"),
    Source(constants.DEFAULT_BASE_URL, constants.DEFAULT_BASE_URL, "the service"),
)
"""The API's base URL, first found wins; the last is the default."""

TOKEN_ENVS: tuple[str, ...] = tuple(s.env for s in TOKEN_SOURCES if s.env)
BASE_URL_ENVS: tuple[str, ...] = tuple(s.env for s in BASE_URL_SOURCES if s.env)


# -- rendering ---------------------------------------------------------------------------------


def _with_note(source: Source, surface: Surface, quote: str) -> str:
    name = f"{quote}{source.named(surface)}{quote}"
    note = source.note
    if surface == "cli" and source.cli.startswith("--token-file"):
        note = TOKEN_FILE_OPTION_NOTE
    return f"{name} ({note})" if note else name


def inline(sources: Sequence[Source], surface: Surface = "python", *, quote: str = "") -> str:
    """The order in one sentence: ``a, b (why), c, then d``. ``quote`` wraps each name
    (two backquotes for a docstring)."""
    parts = [_with_note(s, surface, quote) for s in sources]
    return ", ".join(parts[:-1]) + f", then {parts[-1]}" if len(parts) > 1 else parts[0]


def paragraph(text: str, indent: str = "    ", width: int = 92) -> str:
    """``text`` wrapped as a paragraph of a docstring indented by ``indent``."""
    return textwrap.fill(
        text, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
    )


def numbered(
    sources: Sequence[Source], surface: Surface = "cli", indent: str = "  ", width: int = 88
) -> str:
    """The order as a numbered list, one source per item, wrapped to ``width`` (``--help``)."""
    return "\n".join(
        textwrap.fill(
            f"{n}. {_with_note(s, surface, '')}",
            width,
            initial_indent=indent,
            subsequent_indent=indent + "   ",
            break_on_hyphens=False,
        )
        for n, s in enumerate(sources, 1)
    )


# -- resolving ---------------------------------------------------------------------------------


def config_dir(environ: Mapping[str, str] = os.environ) -> Path:
    """RunComfy's CLI's config folder, in the order of :data:`CONFIG_DIR_SOURCES`."""
    if environ.get("RUNCOMFY_CONFIG_DIR"):
        return Path(environ["RUNCOMFY_CONFIG_DIR"]).expanduser()
    if environ.get("XDG_CONFIG_HOME"):
        return Path(environ["XDG_CONFIG_HOME"]).expanduser() / "runcomfy"
    return Path.home() / ".config" / "runcomfy"


def token_file(environ: Mapping[str, str] = os.environ) -> Path:
    """Where ``runcomfy login`` writes the token and the client reads it last."""
    return config_dir(environ) / constants.TOKEN_FILE_NAME


def base_url_from_env(environ: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """The base URL the environment gives, and its source's name (``$RUNCOMFY_BASE_URL``), or
    the default; a trailing ``/v1`` (RunComfy's CLI's bases have one) is dropped."""
    for name in BASE_URL_ENVS:
        value = environ.get(name, "").strip().rstrip("/")
        if value:
            return value.removesuffix("/v1"), f"${name}"
    return constants.DEFAULT_BASE_URL, "the default"
