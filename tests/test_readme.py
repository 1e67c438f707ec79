"""The README as a user meets it: every ```python block runs as pasted, in order, each in a
fresh interpreter of its own (a block that opens with ``# test_NAME.py`` is a test file, run
by pytest), and every ``runcomfy ...`` line of a ```sh block runs as the installed command,
against the emulator, started as the README says (its catalog included).

A shell line is skipped when it starts the emulator itself, sets the environment, or holds a
``<placeholder>``; one that must fail says so with a trailing ``# exits N``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer
from tests.bigfiles import BigFiles
from tests.helpers import RECORD_OFF

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RUNCOMFY = Path(sys.executable).with_name("runcomfy")
DOCUMENTED = "127.0.0.1:8765"
DEV_TOKEN = "runcomfy-emulator-dev-token"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
_EXITS = re.compile(r"#\s*exits\s+(\d+)\s*$")


def blocks(kind: str) -> list[str]:
    return [
        body for lang, body in _BLOCK.findall(README.read_text(encoding="utf-8")) if lang == kind
    ]


def shell_lines() -> Iterator[str]:
    for block in blocks("sh"):
        joined = re.sub(r"\\\n\s*", " ", block)
        for raw in joined.splitlines():
            line = raw.strip()
            if not line.startswith("runcomfy ") or line.startswith("runcomfy emulator"):
                continue
            if "<" in line.split("#", 1)[0]:
                continue
            yield line


@pytest.fixture(scope="module")
def documented_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(
        REGISTRY,
        token=DEV_TOKEN,
        queue_seconds=0.1,
        run_seconds=0.2,
        catalog="sample",
    ) as server:
        yield server


def _here(text: str, server: EmulatorServer) -> str:
    return text.replace(f"http://{DOCUMENTED}", server.url)


_TEST_FILE = re.compile(r"^# (test_\w+\.py)\b")


def _isolated(server: EmulatorServer, home: Path) -> dict[str, str]:
    """A user's shell after the two lines the emulator prints: none of the run's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "YOUR_API"))}
    env.update(RUNCOMFY_BASE_URL=server.url, RUNCOMFY_API_TOKEN=DEV_TOKEN)
    env.update(RUNCOMFY_CONFIG_DIR=str(home / "config"), NO_PROXY="127.0.0.1,localhost")
    env.update(RECORD_OFF)  # nor the user's record of job lengths
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_XDIST_WORKER", None)
    return env


PYTHON_BLOCKS = blocks("python")


def test_the_readme_has_python_examples() -> None:
    assert len(PYTHON_BLOCKS) >= 6


@pytest.mark.parametrize("number", range(1, len(PYTHON_BLOCKS) + 1))
def test_every_python_block_of_the_readme_runs_as_pasted(
    documented_emulator: EmulatorServer, tmp_path: Path, number: int
) -> None:
    source = _here(PYTHON_BLOCKS[number - 1], documented_emulator)
    named = _TEST_FILE.match(source)
    script = tmp_path / (named.group(1) if named else f"readme_block_{number}.py")
    script.write_text(source, encoding="utf-8")
    command = [sys.executable, str(script)]
    if named:
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
                   "no:xdist", str(script)]  # fmt: skip
    done = subprocess.run(
        command, cwd=tmp_path, env=_isolated(documented_emulator, tmp_path),
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, f"block {number}:\n{source}\n{done.stdout}\n{done.stderr}"
    if named:
        tests = len(re.findall(r"^def test_", source, re.M))
        assert f"{tests} passed" in done.stdout, done.stdout


@pytest.mark.parametrize("line", list(shell_lines()))
def test_every_runcomfy_line_of_the_readme_runs(
    documented_emulator: EmulatorServer, tmp_path: Path, line: str, request: pytest.FixtureRequest
) -> None:
    wanted = _EXITS.search(line)
    command = shlex.split(_here(line.split(" #", 1)[0], documented_emulator))
    env = _isolated(documented_emulator, tmp_path)
    (tmp_path / "prompts.jsonl").write_text('{"prompt": "a boat"}\n{"prompt": "a street"}\n')
    (tmp_path / "job.json").write_text('{"prompt": "A street at dusk"}')
    if "noise.png" in line:  # the uploads section's file, too large to inline: the run's 19 MiB
        big_files: BigFiles = request.getfixturevalue("big_files")
        shutil.copyfile(big_files.png, tmp_path / "noise.png")
    done = subprocess.run(
        [str(RUNCOMFY), *command[1:]],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expected = int(wanted.group(1)) if wanted else 0
    assert done.returncode == expected, f"{line}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
