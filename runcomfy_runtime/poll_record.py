"""The record of how long jobs of each model ran, kept between processes, so a script's second
run polls as one that has seen the model finish (``polling.py``'s expected schedule).

What it holds, and nothing else: ``{"version": 1, "models": {"<model id>": [seconds, ...]}}``,
the running length of this machine's last finished jobs of each model (at most
``POLL_RECORD_MODELS`` models, the least recently updated dropped first, and
``POLL_LEARNED_JOBS`` lengths each, the newest kept: under 40 KB). No token, no URL,
no request id, no payload. A file that holds anything else (another key, an id that is not a
model id, a length that is not a positive number of seconds under a day, more than the
bounds) is not read at all; a file that cannot be read or parsed is ignored the same way, and
the next write replaces it.

Where: ``<user cache dir>/job-lengths.json`` (``platformdirs.user_cache_dir("runcomfy")``:
``~/.cache/runcomfy`` on Linux, ``~/Library/Caches/runcomfy`` on macOS,
``%LOCALAPPDATA%\\runcomfy\\Cache`` on Windows), or ``$RUNCOMFY_CACHE_DIR``, or the client's
``poll_cache=`` directory. Jobs of an emulator on this machine (a loopback base URL) go to
``job-lengths-loopback.json``, so its made-up lengths never steer polls of the service.

When: read once per client, at its first wait; written when a job finishes, at most once per
``POLL_RECORD_WRITE_EVERY`` seconds per client (lengths learned in between go with the next
write, or at ``close()``). A write merges under an advisory lock (``fcntl`` where the platform
has it; a write that cannot have it within 5 s is put off to the next) and lands whole: a
temporary file in the same folder, then ``os.replace``. Concurrent processes never see a
partial file and, with the lock, never lose each other's lengths.

Off: ``RunComfy(poll_cache=False)`` or ``$RUNCOMFY_NO_POLL_CACHE`` (any value but "" or "0").
A cache never fails a wait: every error of the file system is swallowed.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from runcomfy_runtime import constants

if TYPE_CHECKING:
    from runcomfy_runtime.polling import Durations

VERSION = 1
FILE_NAME = "job-lengths.json"
LOOPBACK_FILE_NAME = "job-lengths-loopback.json"
MAX_FILE_BYTES = 256 * 1024  # well above the bounds' ~20 KB: anything larger is not ours
LOCK_WAIT = 5.0  # seconds a write waits for another process's; then it is put off
MODEL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*")
MODEL_ID_MAX = 200

Lengths = dict[str, list[float]]


def is_model_id(value: object) -> bool:
    """What a RunComfy model id looks like (``bytedance/dreamina-4-0/edit``): no scheme, no
    host, no query, nothing a URL or a token would need."""
    return isinstance(value, str) and len(value) <= MODEL_ID_MAX and bool(MODEL_ID.fullmatch(value))


def is_length(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 < value <= constants.POLL_RECORD_MAX_SECONDS
    )


def parse(text: str) -> Lengths | None:
    """The lengths a record holds, or None when it holds anything but what a record may."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or set(found) != {"version", "models"}:
        return None
    version, models = found["version"], found["models"]
    if type(version) is not int or version != VERSION or not isinstance(models, dict):
        return None
    if len(models) > constants.POLL_RECORD_MODELS:
        return None
    for model_id, lengths in models.items():
        if not is_model_id(model_id) or not isinstance(lengths, list):
            return None
        if not 0 < len(lengths) <= constants.POLL_LEARNED_JOBS:
            return None
        if not all(is_length(x) for x in lengths):
            return None
    return {model_id: [float(x) for x in lengths] for model_id, lengths in models.items()}


def merged(old: Mapping[str, list[float]], new: Mapping[str, list[float]]) -> Lengths:
    """``old`` with ``new``'s lengths added: each model's newest ``POLL_LEARNED_JOBS`` kept,
    the models updated now last (most recent), the oldest dropped past ``POLL_RECORD_MODELS``."""
    keep = constants.POLL_LEARNED_JOBS
    out = {model_id: list(lengths) for model_id, lengths in old.items() if model_id not in new}
    for model_id, lengths in new.items():
        if is_model_id(model_id):
            found = [*old.get(model_id, []), *(x for x in lengths if is_length(x))][-keep:]
            if found:
                out[model_id] = found
    drop = max(0, len(out) - constants.POLL_RECORD_MODELS)
    return dict(list(out.items())[drop:])


def dump(lengths: Mapping[str, list[float]]) -> str:
    models = {model_id: [round(x, 3) for x in found] for model_id, found in lengths.items()}
    return json.dumps({"version": VERSION, "models": models}, separators=(",", ":"))


def switched_off(environ: Mapping[str, str]) -> bool:
    return environ.get(constants.POLL_RECORD_ENV_OFF, "").strip() not in ("", "0")


def location(
    setting: bool | str | os.PathLike[str] | None,
    environ: Mapping[str, str],
    loopback: bool,
) -> Path | None:
    """The record's file for a client's ``poll_cache=`` setting, or None when it is off.
    None (the default) follows the environment; True turns it on whatever it says."""
    if setting is False or (setting is None and switched_off(environ)):
        return None
    if isinstance(setting, str | os.PathLike):
        folder = Path(setting)
    elif environ.get(constants.POLL_RECORD_ENV_DIR, "").strip():
        folder = Path(environ[constants.POLL_RECORD_ENV_DIR].strip())
    else:
        import platformdirs  # only a client that waits pays for it

        folder = Path(platformdirs.user_cache_dir("runcomfy", appauthor=False))
    return folder / (LOOPBACK_FILE_NAME if loopback else FILE_NAME)


def read(path: Path) -> Lengths | None:
    """The record at ``path``: None when absent, unreadable, too large or not a record."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if len(raw) > MAX_FILE_BYTES:
        return None
    try:
        return parse(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None


def write(path: Path, new: Mapping[str, list[float]]) -> bool:
    """Add ``new`` to the record at ``path``: merged with what is there now (under the lock),
    then replaced whole. False when another process held the lock all along (nothing was
    written: the caller keeps ``new`` for its next write). Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_name(path.name + ".lock")) as held:
        if not held:
            return False
        text = dump(merged(read(path) or {}, new))
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    return True


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[bool]:
    """An exclusive advisory lock between processes, where the platform has ``fcntl``:
    whether it was had within ``LOCK_WAIT`` seconds (True without ``fcntl``: on Windows the
    last writer wins, the file still replaced whole)."""
    try:
        import fcntl
    except ImportError:
        yield True
        return
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.005)
            else:
                yield True
                return
    finally:
        os.close(descriptor)  # releases the lock


class PollRecord:
    """One client's view of the record: read once, written behind at most once per
    ``every`` seconds. Thread-safe (a sync client may wait from several threads)."""

    @classmethod
    def opened(
        cls,
        setting: bool | str | os.PathLike[str] | None,
        environ: Mapping[str, str],
        base_url: str,
    ) -> PollRecord | None:
        """The record a client with ``poll_cache=setting`` on ``base_url`` keeps, or None."""
        from urllib.parse import urlsplit

        from runcomfy_runtime.schema.formats import is_loopback_host

        loopback = is_loopback_host(urlsplit(base_url).hostname or "")
        path = location(setting, environ, loopback)
        return None if path is None else cls(path)

    def __init__(
        self,
        path: Path,
        every: float = constants.POLL_RECORD_WRITE_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._every = every
        self._clock = clock
        self._lock = threading.Lock()
        self._pending: Lengths = {}
        self._written: float | None = None

    def load(self) -> Lengths:
        """What earlier processes recorded (empty when nothing usable is there)."""
        return read(self.path) or {}

    def seed(self, durations: Durations) -> None:
        """Give ``durations`` what earlier processes recorded, oldest first."""
        for model_id, lengths in self.load().items():
            for seconds in lengths:
                durations.record(model_id, seconds)

    def add(self, model_id: str, seconds: float) -> None:
        """Note a finished job's length; write now unless a write happened a moment ago."""
        if not (is_model_id(model_id) and is_length(seconds)):
            return
        with self._lock:
            self._pending.setdefault(model_id, []).append(seconds)
            now = self._clock()
            if self._written is None or now - self._written >= self._every:
                self._flush(now)

    def flush(self) -> None:
        """Write whatever is pending (a client's close)."""
        with self._lock:
            if self._pending:
                self._flush(self._clock())

    def _flush(self, now: float) -> None:
        pending, self._pending, self._written = self._pending, {}, now
        try:
            if write(self.path, pending):
                return
        except OSError:  # a cache never fails a wait: these lengths are dropped
            return
        for model_id, lengths in pending.items():  # the lock was busy: the next write has them
            self._pending[model_id] = [*lengths, *self._pending.get(model_id, [])]
