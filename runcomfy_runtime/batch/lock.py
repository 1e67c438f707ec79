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

from runcomfy_runtime.batch.folder import checked_file, open_nofollow
from runcomfy_runtime.errors import BatchFolderError

FILENAME = ".runcomfy-batch.lock"


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
def holding(out_dir: Path, option: str = "folder") -> Iterator[None]:
    """Hold ``out_dir``'s batch lock while inside; ``BatchFolderError("locked")`` if another
    run has it (``option`` names the folder's setting in the message: ``--out``, ``out=``)."""
    path = checked_file(out_dir, FILENAME)
    handle = os.fdopen(open_nofollow(path), "r+", encoding="utf-8")
    try:
        if not _try_lock(handle):
            handle.seek(0)
            holder = _describe(handle.read())
            raise BatchFolderError(
                f"another batch is running on {out_dir} ({holder}); wait for it to finish, "
                f"or use another {option}",
                "locked",
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
