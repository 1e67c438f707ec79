"""Token files that cannot hang, flood or fool the client (issue 18, finding 10), and the one
statement of where the token and base URL come from (issue 20).

Each file kind is planted at ``<config dir>/token.json``: a FIFO (which blocked every command
before it was opened without blocking), ``/dev/zero``, a directory, a 1 GB file, text that is
not a token.json; each is refused with what it is. A token file others may read is used with a
warning, as ssh warns of a private key.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

import runcomfy
from runcomfy import RunComfy
from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from runcomfy_runtime.auth import InsecureTokenFileWarning, resolve_token
from runcomfy_runtime.errors import ConfigurationError, MissingTokenError
from runcomfy_runtime.sources import BASE_URL_SOURCES, TOKEN_SOURCES, inline
from tests.helpers import RUNCOMFY, SUBPROCESS_LIMIT, isolated_env, run_installed

T2I = "bytedance/dreamina-4-0/text-to-image"
HANG_LIMIT = 30  # seconds: far more than reading a token takes; only a blocked open reaches it


def _env(config: Path) -> dict[str, str]:
    return {"RUNCOMFY_CONFIG_DIR": str(config), "HOME": str(config.parent)}


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _directory(path: Path) -> None:
    path.mkdir()


def _one_gigabyte(path: Path) -> None:
    with path.open("wb") as handle:  # sparse: a gigabyte on paper, nothing on the disk
        handle.truncate(1024**3)


def _not_json(path: Path) -> None:
    path.write_text("access_token = abc\n")
    path.chmod(0o600)


def _no_access_token(path: Path) -> None:
    path.write_text(json.dumps({"refresh_token": "r", "user_email": "me@example.com"}))
    path.chmod(0o600)


PLANTED: dict[str, tuple[Callable[[Path], None], str]] = {
    "fifo": (_fifo, "is a FIFO (a named pipe), not a regular file"),
    "/dev/zero": (_dev_zero, "is a character device, not a regular file"),
    "directory": (_directory, "is a directory, not a regular file"),
    "1 GB file": (_one_gigabyte, f"is {1024**3} bytes, not a token file"),
    "not JSON": (_not_json, "is not JSON: not a token.json"),
    "no access_token": (_no_access_token, 'has no "access_token"'),
}


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir()
    return folder


def test_a_fifo_at_token_json_does_not_hang_building_a_client(config: Path) -> None:
    _fifo(config / "token.json")
    script = "from runcomfy import RunComfy\nRunComfy()\n"
    env = {k: v for k, v in isolated_env(None, config).items() if k != "RUNCOMFY_API_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True,
        timeout=HANG_LIMIT,
    )  # fmt: skip
    assert done.returncode == 1
    assert "MissingTokenError" in done.stderr
    assert "token.json is a FIFO (a named pipe), not a regular file" in done.stderr


def test_a_fifo_at_token_json_does_not_hang_a_command(config: Path) -> None:
    _fifo(config / "token.json")
    ran = run_installed(None, "status", "some-request-id", config_dir=config, token=None)
    assert ran.code == ExitCode.AUTH
    assert "no API token" in ran.stderr and "is a FIFO (a named pipe)" in ran.stderr


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_token_json_that_is_not_one_is_refused_saying_what_it_is(config: Path, kind: str) -> None:
    plant, said = PLANTED[kind]
    path = config / "token.json"
    plant(path)
    with pytest.raises(MissingTokenError) as caught:
        resolve_token(None, _env(config))
    assert isinstance(caught.value, ConfigurationError)
    assert f"{path} {said}" in str(caught.value)
    assert caught.value.reason is not None and said in caught.value.reason


@pytest.mark.parametrize("kind", ["directory", "1 GB file", "not JSON"])
def test_the_command_says_what_is_wrong_with_token_json(config: Path, kind: str) -> None:
    plant, said = PLANTED[kind]
    plant(config / "token.json")
    ran = run_installed(None, "status", "some-request-id", config_dir=config, token=None)
    assert ran.code == ExitCode.AUTH
    assert said in ran.stderr and "Traceback" not in ran.stderr
    assert len(ran.stderr.splitlines()) == 1


def test_no_token_anywhere_is_a_missing_token_error_naming_every_source(config: Path) -> None:
    with pytest.raises(MissingTokenError) as caught:
        resolve_token(None, _env(config))
    assert caught.value.reason is None
    for name in ("$RUNCOMFY_API_TOKEN", "$YOUR_API_TOKEN", "$RUNCOMFY_TOKEN", "runcomfy login"):
        assert name in str(caught.value)
    assert str(config / "token.json") in str(caught.value)
    assert runcomfy.MissingTokenError is MissingTokenError


def test_a_token_file_open_to_others_is_used_with_a_warning(config: Path) -> None:
    path = config / "token.json"
    path.write_text(json.dumps({"access_token": "a-token-others-can-read"}))
    path.chmod(0o644)
    with pytest.warns(InsecureTokenFileWarning, match=r"open to others \(mode 0644\)") as seen:
        secret = resolve_token(None, _env(config))
    assert secret.reveal() == "a-token-others-can-read" and secret.source == str(path)
    assert "a-token-others-can-read" not in str(seen[0].message)
    path.chmod(0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # 0600: not a word
        assert resolve_token(None, _env(config)).reveal() == "a-token-others-can-read"


def test_the_command_warns_once_of_a_token_file_open_to_others_and_uses_it(
    emulator: EmulatorServer, config: Path
) -> None:
    path = config / "token.json"
    path.write_text(json.dumps({"access_token": emulator.token}))
    path.chmod(0o640)
    ran = run_installed(emulator, "run", T2I, "--prompt", "x", "--no-wait", config_dir=config,
                        token=None)  # fmt: skip
    assert ran.code == ExitCode.OK, ran.stderr
    warned = [line for line in ran.stderr.splitlines() if "open to others" in line]
    assert warned == [
        f"runcomfy: warning: the token file {path} is open to others (mode 0640): anyone on this "
        f"machine who can read it has your API token; chmod 600 {path}"
    ]
    assert emulator.stats().jobs_created == 1


def test_token_file_takes_a_pipe_given_on_purpose(emulator: EmulatorServer, config: Path) -> None:
    env = isolated_env(emulator, config, token=None)
    script = f'"{RUNCOMFY}" run {T2I} --prompt x --no-wait --token-file <(printf %s "$TOKEN")'
    done = subprocess.run(
        ["bash", "-c", script], env={**env, "TOKEN": emulator.token}, capture_output=True,
        text=True, timeout=SUBPROCESS_LIMIT,
    )  # fmt: skip
    assert done.returncode == ExitCode.OK, done.stderr
    assert emulator.stats().jobs_created == 1


def test_token_file_refuses_a_directory_and_a_huge_file_saying_so(config: Path) -> None:
    for kind in ("directory", "1 GB file"):
        path = config / kind.replace(" ", "-")
        plant, said = PLANTED[kind]
        plant(path)
        ran = run_installed(None, "status", "some-request-id", "--token-file", str(path),
                            config_dir=config, token=None)  # fmt: skip
        assert ran.code == ExitCode.USAGE
        assert ran.stderr.strip() == f"runcomfy: --token-file {path} {said}" + (
            ": it was not read" if kind == "directory" else
            f" (one holds a few hundred; at most {64 * 1024}): it was not read"
        )  # fmt: skip


# -- one statement of the order ---------------------------------------------------------------


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_generated_clients_docstrings_state_the_orders_of_the_tables() -> None:
    for client in (RunComfy, runcomfy.AsyncRunComfy):
        doc = _flat(client.__doc__ or "")
        assert inline(TOKEN_SOURCES, quote="``") in doc
        assert inline(BASE_URL_SOURCES, quote="``") in doc
    assert inline(TOKEN_SOURCES, quote="``") in _flat(resolve_token.__doc__ or "")


def test_the_readme_states_the_orders_of_the_tables() -> None:
    readme = _flat((Path(__file__).resolve().parent.parent / "README.md").read_text())
    section = readme[readme.index("### The token") :]
    assert "The token, first found: " + inline(TOKEN_SOURCES, quote="`") + "." in section
    assert "The base URL, first found: " + inline(BASE_URL_SOURCES, quote="`") in section


def test_the_resolvers_read_the_tables_in_order(config: Path) -> None:
    env = _env(config)
    names = [s.env for s in TOKEN_SOURCES if s.env]
    for index, name in enumerate(names):  # each variable beats every one after it
        given = {**env, **{later: f"token-of-{later}" for later in names[index:]}}
        assert resolve_token(None, given).source == f"${name}"
    from runcomfy_runtime.sources import base_url_from_env

    urls = [s.env for s in BASE_URL_SOURCES if s.env]
    assert base_url_from_env({u: f"http://127.0.0.1:{n}/v1" for n, u in enumerate(urls)}) == (
        "http://127.0.0.1:0",
        f"${urls[0]}",
    )
    assert base_url_from_env({})[0] == BASE_URL_SOURCES[-1].python


def test_no_hand_written_order_is_left_where_the_tables_are_rendered() -> None:
    root = Path(__file__).resolve().parent.parent
    for path in (
        "runcomfy_cli/parser.py",
        "runcomfy_cli/config.py",
        "runcomfy_codegen/templates/client.py.jinja",
        "runcomfy_codegen/templates/package_init.py.jinja",
    ):
        text = (root / path).read_text()
        assert "YOUR_API_TOKEN" not in text, path  # named only by the table
        assert "RUNCOMFY_MODEL_API_BASE" not in text, path
