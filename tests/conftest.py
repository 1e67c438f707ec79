"""Shared pytest fixtures.

The emulator fixtures start a real server on 127.0.0.1 (a free port) in a background thread;
start-up takes a fraction of a second, so each test gets its own, with nothing left over from
another test.

The run writes bytecode whatever ``PYTHONDONTWRITEBYTECODE`` says (this machine sets it): without
it every xdist worker redid pytest's assertion rewriting of every test module (about 3 s of CPU
each) and each of the suite's hundreds of child processes compiled the project's modules afresh.
``__pycache__`` is ignored by git, by ``codegen check`` and by the wheel.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer, ManualClock
from tests.bigfiles import BigFiles, make_big_files
from tests.helpers import RECORD_OFF, InProcess
from tests.once import once, shared_folder
from tests.typecheck import warm_cache
from tests.wheel_env import build_wheel, make_user_env

sys.dont_write_bytecode = False  # this process: the test modules, imported after this one
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the workers and every child process

# No test reads or writes the user's record of job lengths (runcomfy_runtime/poll_record.py),
# nor do the processes tests start (they inherit the environment): the record is off, and
# points at a folder of this run's own should a test turn it on without naming one (subprocesses
# with an isolated environment get RECORD_OFF from tests/helpers.py). A test that wants the
# record passes poll_cache=tmp_path (or sets both variables for its subprocesses).
os.environ.update(RECORD_OFF)
os.environ["RUNCOMFY_CACHE_DIR"] = tempfile.mkdtemp(prefix="runcomfy-test-cache-")

EMULATOR_QUEUE_SECONDS = 0.2
EMULATOR_RUN_SECONDS = 0.3
EMULATOR_PROBE_TIMEOUT = 1.0


QUICK_JOBS = (0.05, 0.1)
"""(queued, running) seconds of jobs done by the client's first poll: a module whose tests only
need jobs to end says ``EMULATOR_JOBS = QUICK_JOBS``."""


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorServer]:
    """The emulator on the real clock, with short jobs (0.2 s queued, 0.3 s running), or the
    (queued, running) seconds of the test module's ``EMULATOR_JOBS``."""
    queued, running = getattr(
        request.module, "EMULATOR_JOBS", (EMULATOR_QUEUE_SECONDS, EMULATOR_RUN_SECONDS)
    )
    with EmulatorServer(
        REGISTRY,
        queue_seconds=queued,
        run_seconds=running,
        probe_timeout=EMULATOR_PROBE_TIMEOUT,
    ) as server:
        yield server


@pytest.fixture
def manual_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def clocked_emulator(manual_clock: ManualClock) -> Iterator[EmulatorServer]:
    """The emulator on ``manual_clock``: jobs move only when the test advances it.

    One worker; a job waits at least 1 s in the queue and runs 2 s.
    """
    with EmulatorServer(
        REGISTRY,
        queue_seconds=1.0,
        run_seconds=2.0,
        workers=1,
        clock=manual_clock,
        probe_timeout=EMULATOR_PROBE_TIMEOUT,
    ) as server:
        yield server


@pytest.fixture
def cli(
    emulator: EmulatorServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> InProcess:
    """``runcomfy`` in this process against ``emulator`` (a module may override that fixture
    with faster or slower jobs): ``cli("run", MODEL, ...)`` -> its code, stdout and stderr."""
    return InProcess(monkeypatch, capsys, tmp_path, emulator)


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built wheel: one build for the whole run, whatever the number of workers."""
    return once(shared_folder(tmp_path_factory) / "dist", build_wheel)


@pytest.fixture(scope="session")
def user_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh virtual environment with the wheel (and nothing of the checkout)
    installed, outside the checkout; one for the whole run (``tests/wheel_env.py``)."""
    return once(shared_folder(tmp_path_factory) / "user", lambda home: make_user_env(wheel, home))


@pytest.fixture(scope="session")
def warm_mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mypy cache of the stdlib, the dependencies and the runtime: one for the whole run
    (``tests/typecheck.py``). Tests take a copy (``mypy_cache``), never this one."""
    return once(shared_folder(tmp_path_factory) / "mypy", warm_cache)


@pytest.fixture
def mypy_cache(warm_mypy_cache: Path, tmp_path: Path) -> Path:
    """This test's own copy of the run's warm mypy cache, the ``--cache-dir`` of its mypy runs."""
    return Path(shutil.copytree(warm_mypy_cache, tmp_path / "mypy-cache"))


@pytest.fixture(scope="session")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> BigFiles:
    """A 20 MiB MP4, a 19 MiB PNG and a 40 MiB MP4 (``tests/bigfiles.py``), made once for the
    whole run; read them, never change them."""
    return BigFiles.of(once(shared_folder(tmp_path_factory) / "big", make_big_files))
