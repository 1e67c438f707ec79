"""Start the emulator as its own process for a benchmark, so it does not share our GIL."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

TOKEN = "bench-token"


@contextmanager
def emulator_process(*args: str) -> Iterator[str]:
    command = [sys.executable, "-m", "runcomfy", "emulator", "--port", "0", "--token", TOKEN]
    process = subprocess.Popen(
        [*command, "--log-level", "warning", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if "emulator at " not in first:
            raise SystemExit(f"the emulator did not start: {first!r}")
        yield first.rsplit(" ", 1)[-1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)
