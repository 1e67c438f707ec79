"""The batch's own files in its folder (``out=``, ``--out``), written only where they really are.

Another user who can write in the folder can plant a name there before the batch runs: a
symbolic link ``.runcomfy-batch.lock`` -> a file of yours (which the lock would truncate), a
link ``000003`` -> a folder of yours (where line 3's output would land), or remove the journal
(so the rerun would pay for every line again). So every name the batch writes under the folder
is checked on its real path: it must be the folder's own child, not a link, and of the kind the
batch made (a regular file with one name, or a folder). The folder itself is the user's
choice, links in its path included.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from runcomfy_runtime.errors import BatchFolderError

LINE_DIGITS = 6


def line_dir_name(line: int) -> str:
    return f"{line:0{LINE_DIGITS}d}"


def _planted(path: Path, what: str) -> BatchFolderError:
    return BatchFolderError(
        f"{path} is {what}, not a file this batch made: refused, so nothing is written through "
        "it (was it planted?); remove it, or use another folder",
        "planted",
    )


def own_child(folder: Path, name: str) -> Path:
    """``folder / name`` when its real path is that, whether it exists or not; a link (or a
    path through one) is refused."""
    path = folder / name
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    if stat.S_ISLNK(info.st_mode):
        raise _planted(path, "a symbolic link")
    if os.path.realpath(path) != os.path.join(os.path.realpath(folder), name):
        raise _planted(path, "reached through a link")
    return path


def checked_file(folder: Path, name: str) -> Path:
    """``folder / name``, absent or a regular file with no other name (a hard link to a file
    elsewhere would be written through too)."""
    path = own_child(folder, name)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return path
    if not stat.S_ISREG(info.st_mode):
        raise _planted(path, "not a regular file")
    if info.st_nlink > 1:
        raise _planted(path, f"a file with {info.st_nlink} names (a hard link)")
    return path


def open_nofollow(path: Path) -> int:
    """A descriptor for reading and writing ``path``, created if absent, never through a link
    (``O_NOFOLLOW``; where the platform lacks it, :func:`checked_file` said so already), never
    blocking on a FIFO; then checked to be a regular file with one name."""
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _planted(path, "a symbolic link") from None
        raise
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
        os.close(fd)
        what = "not a regular file" if not stat.S_ISREG(info.st_mode) else "a hard link"
        raise _planted(path, what)
    return fd


def line_dir(folder: Path, line: int) -> Path:
    """Line ``line``'s output folder, made if absent; refused when it is a link or no folder."""
    path = own_child(folder, line_dir_name(line))
    with contextlib.suppress(FileExistsError):
        path.mkdir()
    path = own_child(folder, line_dir_name(line))  # made by someone else meanwhile: again
    if not path.is_dir():
        raise _planted(path, "not a folder")
    return path


def saved_outputs(folder: Path) -> Iterator[Path]:
    """The line folders under ``folder`` that hold a file: outputs of a batch."""
    try:
        children = list(os.scandir(folder))
    except OSError:
        return
    for child in children:
        if len(child.name) != LINE_DIGITS or not child.name.isdigit():
            continue
        if not child.is_dir(follow_symlinks=False):
            continue
        try:
            with os.scandir(child.path) as inside:
                if any(True for _ in inside):
                    yield Path(child.path)
        except OSError:
            continue
