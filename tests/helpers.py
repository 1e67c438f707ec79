"""What the command-line tests share: running ``runcomfy`` in this process or as the installed
command, batch input files and journals, and a stand-in for RunComfy's model catalog.

In-process runs (:class:`InProcess`) call ``runcomfy_cli.main.main`` with the environment set
through ``monkeypatch`` and the output captured by ``capsys``: fast, and a failure shows the
traceback. The installed command runs as a subprocess only where the process itself matters:
its exit code, signals, ``kill -9``, stdin, resource limits.

Every environment here is isolated: no ``RUNCOMFY_*`` variable of the machine, and a config
folder of the test's own, so a ``token.json`` in the user's home is never read.
"""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from runcomfy import REGISTRY
from runcomfy_cli.main import main
from runcomfy_emulator import EmulatorServer
from runcomfy_emulator.server import bind
from runcomfy_runtime.batch.journal import FILENAME

RUNCOMFY = Path(sys.executable).with_name("runcomfy")
SUBPROCESS_LIMIT = 120.0  # seconds; a hang fails the test instead of the whole run
MODEL_IDS = sorted(REGISTRY)
TEXT_TO_IMAGE = "bytedance/dreamina-4-0/text-to-image"
EDIT = "bytedance/dreamina-4-0/edit"
VIDEO = "bytedance/dreamina-3-0/pro/image-to-video"
SIZE = "1024x1024(1:1)"  # the smallest output: the emulator renders one PNG per download
_ENV_PREFIXES = ("RUNCOMFY_", "YOUR_API", "XDG_CONFIG_HOME")
RECORD_OFF = {"RUNCOMFY_NO_POLL_CACHE": "1"}
"""In every test's environment and every subprocess's, however isolated: no test reads or
writes the user's record of job lengths (``runcomfy_runtime/poll_record.py``)."""


def flat(text: str) -> str:
    """Help text with its line wrapping undone, so a wrapped enum value still matches."""
    return re.sub(r"\s+", " ", text)


# -- running the command -------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """One run of the command: exit code and what it printed."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class InProcess:
    """``runcomfy`` in this process: ``cli("run", MODEL, "--prompt", "x")`` -> :class:`Ran`.

    With a ``server``, the base URL and token are the emulator's (``token=None``: no token at
    all); the config folder is ``home/config``, empty unless a test writes a token.json there.
    """

    def __init__(
        self,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        home: Path,
        server: EmulatorServer | None = None,
        *,
        token: str | None = "",
        base_url: str | None = None,
    ) -> None:
        self.monkeypatch = monkeypatch
        self.capsys = capsys
        self.config_dir = home / "config"
        for name in list(os.environ):
            if name.startswith(_ENV_PREFIXES):
                monkeypatch.delenv(name)
        monkeypatch.setenv("RUNCOMFY_CONFIG_DIR", str(self.config_dir))
        for name, value in RECORD_OFF.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
        if base_url or server is not None:
            monkeypatch.setenv("RUNCOMFY_BASE_URL", base_url or server.url)  # type: ignore[union-attr]
        if token is not None and (token or server is not None):
            monkeypatch.setenv("RUNCOMFY_API_TOKEN", token or server.token)  # type: ignore[union-attr]

    def env(self, **values: str | None) -> None:
        """Set (or, with None, remove) environment variables for the next runs."""
        for name, value in values.items():
            if value is None:
                self.monkeypatch.delenv(name, raising=False)
            else:
                self.monkeypatch.setenv(name, value)

    def __call__(self, *argv: str, stdin: bytes | None = None) -> Ran:
        self.capsys.readouterr()
        if stdin is not None:
            stream = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
            self.monkeypatch.setattr(sys, "stdin", stream)
        code = main(list(argv), registry=REGISTRY)
        captured = self.capsys.readouterr()
        return Ran(code, captured.out, captured.err)


def isolated_env(
    server: EmulatorServer | None, config_dir: Path, token: str | None = ""
) -> dict[str, str]:
    """The environment of a subprocess: the machine's, minus every RunComfy setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_ENV_PREFIXES)}
    env.update(NO_PROXY="127.0.0.1,localhost", RUNCOMFY_CONFIG_DIR=str(config_dir), **RECORD_OFF)
    if server is not None:
        env["RUNCOMFY_BASE_URL"] = server.url
        if token is not None:
            env["RUNCOMFY_API_TOKEN"] = token or server.token
    return env


def run_installed(
    server: EmulatorServer | None,
    *args: str,
    config_dir: Path,
    token: str | None = "",
    stdin: bytes | None = None,
    preexec_fn: Callable[[], None] | None = None,
    env: Mapping[str, str] | None = None,
) -> Ran:
    """The installed ``runcomfy`` command, run to its end (``env``: variables to add)."""
    done = subprocess.run(
        [str(RUNCOMFY), *args],
        env={**isolated_env(server, config_dir, token), **(env or {})},
        input=stdin,
        capture_output=True,
        timeout=SUBPROCESS_LIMIT,
        preexec_fn=preexec_fn,
    )
    return Ran(done.returncode, done.stdout.decode(), done.stderr.decode())


def start_installed(
    server: EmulatorServer, *args: str, config_dir: Path, stderr: int = subprocess.DEVNULL
) -> subprocess.Popen[str]:
    """The installed ``runcomfy`` command, started; the caller signals or waits for it."""
    return subprocess.Popen(
        [str(RUNCOMFY), *args],
        env=isolated_env(server, config_dir),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def wait_for(condition: Callable[[], bool], what: str, limit: float = SUBPROCESS_LIMIT) -> None:
    """Poll until ``condition()`` holds (not a timed assertion: the limit only stops a hang)."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


# -- batches --------------------------------------------------------------------------------------


def write_lines(path: Path, count: int, bad: Mapping[int, str] | None = None) -> Path:
    """``count`` lines of valid input, with line numbers (1-based) in ``bad`` replaced."""
    lines = [
        json.dumps({"prompt": f"prompt {n}", "width×height": SIZE}) for n in range(1, count + 1)
    ]
    for number, text in (bad or {}).items():
        lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


Rows = dict[int, tuple[str, str | None]]


def journal(out: Path) -> Rows:
    """line -> (state, request id), read as the runner left it (empty before it exists)."""
    path = out / FILENAME
    if not path.exists():
        return {}
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as db:
            rows = db.execute("SELECT line, state, request_id FROM lines").fetchall()
    except sqlite3.OperationalError:  # created but its tables not yet: nothing recorded
        return {}
    return {line: (state, rid) for line, state, rid in rows}


def count(rows: Rows, *states: str) -> int:
    return sum(1 for state, _ in rows.values() if state in states)


def saved_files(out: Path) -> dict[Path, tuple[int, int]]:
    """Every output file under ``out`` and its (inode, mtime): a rewrite changes both."""
    found = {}
    for path in out.glob("*/*"):
        stat = path.stat()
        found[path] = (stat.st_ino, stat.st_mtime_ns)
    return found


def lines_of(record: Mapping[str, Any], kind: str) -> list[int]:
    entries = record[f"{kind}_lines"]
    assert isinstance(entries, list)
    return [entry["line"] for entry in entries]


def closed_port() -> int:
    """A loopback port nothing listens on: a connection to it is refused."""
    sock = bind("127.0.0.1", 0)
    port: int = sock.getsockname()[1]
    sock.close()
    return port


def wait_line(stream: Any, wanted: str, seen: list[str]) -> None:
    """Read ``stream`` line by line until one contains ``wanted``; every line goes to ``seen``."""
    for line in iter(stream.readline, ""):
        seen.append(line)
        if wanted in line:
            return
    raise AssertionError(f"{wanted!r} never came; got {''.join(seen)!r}")


def schema_of(*fields: Any) -> dict[str, Any]:
    """The input schema a hand-built spec's fields (``FieldSpec``) describe: a media field is a
    string of its format, or a list of them; anything else a string."""
    properties: dict[str, Any] = {}
    for f in fields:
        value: dict[str, Any] = {"type": "string"}
        if f.media is not None:
            value["format"] = f"{f.media}_uri"
        properties[f.wire_name] = {"type": "array", "items": value} if f.many else value
    return {"type": "object", "properties": properties, "additionalProperties": False}
