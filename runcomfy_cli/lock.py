"""One batch per output folder: an OS file lock held for the whole run.

Two runs on one ``--out`` would each read the journal, find a line unsent, and each submit it:
two paid jobs for one line. The lock is the operating system's (``flock``), so it is released
when the holder exits, however it exits (``kill -9`` included); a stale lock file never blocks
a later run. The file also names its holder, so the refused run can say who it is. It is
opened without following a link (``folder.open_nofollow``): a lock file planted as a link to
another file would have that file truncated.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_cli.failures import CliFailure
from runcomfy_cli.folder import checked_file, open_nofollow

FILENAME = ".runcomfy-batch.lock"


class BatchLocked(CliFailure):
    """Another batch holds the output folder: try again when it has finished (exit 75)."""

    code = ExitCode.RETRYABLE


def _describe(holder: str) -> str:
    try:
        info = json.loads(holder)
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(info["started"])))
        return f"pid {int(info['pid'])} on {info['host']}, started {started}"
    except (ValueError, KeyError, TypeError):
        return "another process"


def _try_lock(handle: IO[str]) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def holding(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir``'s batch lock while inside; :class:`BatchLocked` if another run has it."""
    path = checked_file(out_dir, FILENAME)
    handle = os.fdopen(open_nofollow(path), "r+", encoding="utf-8")
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = _describe(handle.read())
            raise BatchLocked(
                f"another batch is running on {out_dir} ({holder}); wait for it to finish, "
                "or use another --out"
            )
        handle.seek(0)
        handle.truncate()
        handle.write(
            json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()})
        )
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the lock
