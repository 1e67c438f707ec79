"""What a test run makes once for all its workers: the wheel, the user's environment, the warm
mypy cache.

Under xdist every worker is its own process with its own session fixtures; a thing made with
``once`` is made by the first worker that asks, under a file lock in the run's shared temporary
folder (the others wait, then reuse it). A run never reuses what an earlier run made: the folder
is the run's own.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def shared_folder(factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run sees (the base temp of the run, not of a worker)."""
    base = factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    return shared / "installed"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def once(folder: Path, make: Callable[[Path], Path]) -> Path:
    """``make(folder)``'s result, made by one process of the run; the rest reuse it."""
    done = folder / "done"
    with _locked(folder.with_suffix(".lock")):
        if not done.exists():
            folder.mkdir(parents=True, exist_ok=True)
            made = make(folder)
            done.write_text(str(made))
        return Path(done.read_text())
