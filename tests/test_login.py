"""``runcomfy login`` then ``runcomfy run``, as installed: the token file is written 0600,
atomically, in RunComfy's CLI's format and folder, and the run uses it; ``logout`` removes it.
The prompt, on a terminal, does not echo the token."""

from __future__ import annotations

import json
import os
import pty
import select
import stat
import subprocess
import time
from pathlib import Path

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.login import PROMPT, token_record, write_token_file
from runcomfy_emulator import EmulatorServer
from tests.helpers import RUNCOMFY, SUBPROCESS_LIMIT, isolated_env, run_installed

T2I = "bytedance/dreamina-4-0/text-to-image"
RUNCOMFY_CLI_TOKEN_FIELDS = {"access_token", "refresh_token", "expires_at", "user_email"}
"""The fields of RunComfy's CLI's ``Token`` (``src/config.rs``), every one written."""


def test_login_then_run_uses_the_token_file_written_0600(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    config = tmp_path / "nested" / "config"  # not there yet: login makes it
    logged = run_installed(emulator, "login", config_dir=config, token=None,
                           stdin=f"{emulator.token}\n".encode())  # fmt: skip
    assert logged.code == ExitCode.OK, logged.stderr
    path = config / "token.json"
    assert logged.stdout.strip() == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.stat().st_mode) == 0o700
    record = json.loads(path.read_text())
    assert set(record) == RUNCOMFY_CLI_TOKEN_FIELDS and record["access_token"] == emulator.token
    assert emulator.token not in logged.output
    assert [p.name for p in config.iterdir()] == ["token.json"]  # no temporary file left

    ran = run_installed(emulator, "run", T2I, "--prompt", "x", "--output-dir",
                        str(tmp_path / "out"), config_dir=config, token=None)  # fmt: skip
    assert ran.code == ExitCode.OK, ran.stderr
    assert emulator.stats().jobs_created == 1
    assert "open to others" not in ran.stderr

    out = run_installed(emulator, "logout", config_dir=config, token=None)
    assert out.code == ExitCode.OK and not path.exists()
    after = run_installed(emulator, "run", T2I, "--prompt", "x", "--no-wait", config_dir=config,
                          token=None)  # fmt: skip
    assert after.code == ExitCode.AUTH and "runcomfy login" in after.stderr
    assert emulator.stats().jobs_created == 1


def test_login_takes_the_token_from_token_file(tmp_path: Path) -> None:
    given = tmp_path / "secret"
    given.write_text("from-a-file-123\n")
    given.chmod(0o600)
    config = tmp_path / "config"
    ran = run_installed(None, "login", "--token-file", str(given), config_dir=config, token=None)
    assert ran.code == ExitCode.OK, ran.stderr
    assert json.loads((config / "token.json").read_text())["access_token"] == "from-a-file-123"


def test_login_replaces_an_earlier_token_and_tightens_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text(json.dumps(token_record("old-token-123")))
    path.chmod(0o644)
    write_token_file(path, "new-token-456")
    assert json.loads(path.read_text())["access_token"] == "new-token-456"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_login_says_when_an_environment_token_comes_first(tmp_path: Path) -> None:
    env_token = run_installed(None, "login", config_dir=tmp_path, token=None,
                              stdin=b"file-token-123\n")  # fmt: skip
    assert env_token.code == ExitCode.OK
    assert "comes first" not in env_token.stderr
    env = {**isolated_env(None, tmp_path), "RUNCOMFY_TOKEN": "env-token-123"}
    shadowed = subprocess.run(
        [str(RUNCOMFY), "login"], env=env, input="file-token-456\n", capture_output=True,
        text=True, timeout=SUBPROCESS_LIMIT,
    )  # fmt: skip
    assert shadowed.returncode == ExitCode.OK
    assert "$RUNCOMFY_TOKEN is set and comes first" in shadowed.stderr


def test_login_refuses_no_token_and_one_that_cannot_be_sent(tmp_path: Path) -> None:
    empty = run_installed(None, "login", config_dir=tmp_path, token=None, stdin=b"\n")
    assert empty.code == ExitCode.USAGE and "no token given" in empty.stderr
    spaced = run_installed(None, "login", config_dir=tmp_path, token=None,
                           stdin="tok\u00e9n-123\n".encode())  # fmt: skip
    assert spaced.code == ExitCode.USAGE and "cannot be sent in an HTTP header" in spaced.stderr
    assert not (tmp_path / "token.json").exists()


def test_login_on_a_terminal_prompts_without_echoing_the_token(tmp_path: Path) -> None:
    token = "typed-at-the-prompt-789"
    env = isolated_env(None, tmp_path, token=None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: runcomfy login on a terminal of its own
        os.execve(str(RUNCOMFY), [str(RUNCOMFY), "login"], env)
    seen = _read_until(fd, PROMPT.strip().encode())
    os.write(fd, f"{token}\n".encode())
    seen += _read_until(fd, None)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == ExitCode.OK, seen
    assert token.encode() not in seen  # the terminal never showed it
    assert json.loads((tmp_path / "token.json").read_text())["access_token"] == token


def _read_until(fd: int, marker: bytes | None) -> bytes:
    """What the terminal shows, until ``marker`` (or the child's end, for None)."""
    seen = b""
    deadline = time.monotonic() + SUBPROCESS_LIMIT
    while time.monotonic() < deadline and (marker is None or marker not in seen):
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    return seen
