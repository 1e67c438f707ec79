"""Local files as inputs: checked against the documented rules, then sent inline or uploaded.

The API fetches media by URL, but it also accepts ``data:<type>/...;base64,`` URIs; a
``pathlib.Path`` (any ``os.PathLike``) wherever a media value goes (a field, a list, an object
inside a list: ``elements[0].frontal_image_url``) becomes one, after its bytes pass the same
format and rule checks a URL's would. Each data URI is capped, and so is the whole
request (``constants.INLINE_*``). A file past a cap goes to the client's uploader, when it has
one (``uploads.py``: checked here on its own bytes, uploaded by the submit); without one the
error says how to give one, or to host the file at a URL.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from runcomfy_runtime import constants
from runcomfy_runtime.errors import InputPath, Problem
from runcomfy_runtime.jsonpath import json_path
from runcomfy_runtime.media import count_limit, problems_of
from runcomfy_runtime.media_headers import Header, Unreadable, reader_for
from runcomfy_runtime.probe import ProbeFailure, facts_of_bytes
from runcomfy_runtime.schema.formats import MEDIA_TYPES, LocalPath, MediaKind
from runcomfy_runtime.schema.rules import MediaFacts
from runcomfy_runtime.spec import EndpointSpec, MediaSite

if TYPE_CHECKING:
    from runcomfy_runtime.uploads import LocalFile

_MiB = 1024 * 1024


@dataclass
class Inlined:
    """The payload to send, what the local files broke, the payload left for probing (each
    local file standing as a :class:`LocalPath`, which the probes pass by), and the paths
    where a local file stood (the schema stage does not report those again)."""

    payload: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    to_probe: dict[str, Any] = field(default_factory=dict)
    local_paths: set[InputPath] = field(default_factory=set)


def _encoded_size(n: int) -> int:
    return (n + 2) // 3 * 4


def read_bounded(path: os.PathLike[str] | str, limit: int) -> bytes | str:
    """At most ``limit`` bytes of ``path``, or why not; never reads past ``limit + 1`` bytes,
    whatever the file claims (``/dev/zero`` and pipes claim a size of 0)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as e:
        return f"cannot read the file: {e.strerror or e}"
    if len(data) > limit:
        return f"is larger than {limit / _MiB:g} MiB"
    return data


@dataclass
class _Local:
    """One local file of the payload: where it stands, and, once decided, what is sent."""

    site: MediaSite
    path: InputPath
    item: os.PathLike[str]
    data: bytes | None = None  # the whole file, when it is small enough to inline
    mime: str = ""
    problem: Problem | None = None
    sent: Any = None

    @property
    def shown(self) -> str:
        return os.fspath(self.item)

    def fail(self, message: str, fact: str | None = None) -> None:
        self.problem = Problem(self.path, message, self.shown, fact)

    def uri_size(self) -> int | None:
        """Its length as a data URI; None when it is too large to read for inlining."""
        if self.data is None:
            return None
        return len(f"data:{self.mime};base64,") + _encoded_size(len(self.data))


def _examine(local: _Local, check: bool) -> None:
    """Read a local file for inlining and check it; a file too large for that is left for the
    placement decision (``data`` stays None)."""
    limit = constants.INLINE_FILE_MAX_BYTES * 3 // 4
    if _regular_size(local.item) > limit:  # a regular file's size is known: no need to read
        return
    data = read_bounded(local.item, limit)  # others (a pipe, /dev/zero) claim any size
    if isinstance(data, str):
        if not data.startswith("is larger"):
            local.fail(data)
        return
    facts = facts_of_bytes(data, local.site.kind, source=local.shown)
    mime = _checked(local, facts, check)
    if mime is not None:
        local.data, local.mime = data, mime


def _regular_size(item: os.PathLike[str]) -> int:
    """The size of a regular file; -1 for anything else, or when it cannot be read."""
    try:
        found = os.stat(item)
    except (OSError, ValueError):
        return -1
    return found.st_size if stat.S_ISREG(found.st_mode) else -1


def _checked(local: _Local, facts: MediaFacts | ProbeFailure, check: bool) -> str | None:
    """The file's media type if it can be sent and (with ``check``) passes its field's rules;
    else None, with the problem recorded."""
    if isinstance(facts, ProbeFailure):
        local.fail(f"the local file is {facts.reason}")
        return None
    mime = MEDIA_TYPES.get(facts.format or "")
    if mime is None:
        local.fail(f"the local file is {facts.format}, which cannot be sent")
        return None
    if check:
        found = problems_of(local.site, facts, local.path, local.shown)
        if found:
            local.problem = found[0] if len(found) == 1 else _merged(found)
            return None
    return mime


def _too_large(local: _Local) -> None:
    cap = constants.INLINE_FILE_MAX_BYTES
    local.fail(
        f"the local file is too large to send inline (a data: URI of at most {cap / _MiB:g} "
        "MiB): give the client an uploader (RunComfy(uploader=S3Uploader(bucket)); on the "
        "command line --upload s3://bucket/prefix) or host the file at an https URL and pass "
        "the URL"
    )


def _merged(found: list[Problem]) -> Problem:
    first = found[0]
    messages = "; ".join(dict.fromkeys(p.message for p in found))
    facts = ", ".join(p.fact for p in found if p.fact) or None
    return Problem(first.path, messages, first.value, facts)


def plain(value: Any, local: Callable[[str], str] = str) -> Any:
    """``value`` as JSON data: mappings as dicts, tuples as lists, a path as ``local`` of it
    (a :class:`LocalPath` while media sites are looked for, else a plain string), a pending
    upload marked the same way (checked before: a payload ``validate()`` gave)."""
    from runcomfy_runtime.uploads import PendingUpload

    if isinstance(value, Mapping):
        return {k: plain(v, local) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, local) for v in value]
    if isinstance(value, os.PathLike):
        return local(os.fspath(value))
    if isinstance(value, PendingUpload) and local is LocalPath:
        return LocalPath(value.shown)
    return value


def _at(payload: Any, path: InputPath) -> Any:
    node = payload
    for part in path:
        node = node[part]
    return node


def _put(payload: Any, path: InputPath, value: Any) -> None:
    """Set the value at ``path`` (it exists: the walk found it there)."""
    _at(payload, path[:-1])[path[-1]] = value


def _has_local(value: Any) -> bool:
    from runcomfy_runtime.uploads import PendingUpload

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, os.PathLike | PendingUpload):
            return True
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def inline_local_files(
    spec: EndpointSpec, payload: Mapping[str, Any], *, check: bool, can_upload: bool = False
) -> Inlined:
    """Turn every path at a media site, wherever it nests, into what is sent; with ``check``,
    apply the site's rules to its bytes.

    Each local file goes inline as a data URI, or, with ``can_upload`` (the client has an
    uploader), to the user's storage when too large to inline (``uploads.placement`` decides):
    it is then checked on its own bytes and left as a :class:`~runcomfy_runtime.uploads.
    PendingUpload` for the submit to upload. Each local file gives at most one problem.
    ``to_probe`` keeps each local file as a :class:`LocalPath`, so the online stage neither
    probes nor reports it twice.
    """
    try:
        if not _has_local(payload):
            sent = plain(payload)
            return Inlined(sent, to_probe=sent)
        marked = plain(payload, LocalPath)
        out = Inlined(plain(payload), to_probe=marked)
    except RecursionError:  # the schema stage says the input is nested too deeply
        return Inlined(dict(payload), to_probe=dict(payload))
    from runcomfy_runtime.uploads import PendingUpload
    from runcomfy_runtime.validation import validator_for

    found: list[_Local] = []
    for value in validator_for(spec).media(marked):
        if not isinstance(value.value, LocalPath):
            continue
        out.local_paths.add(value.path)
        given = _at(payload, value.path)
        if isinstance(given, PendingUpload):
            _put(out.payload, value.path, given)
            continue
        local = _Local(value.site, value.path, given)
        found.append(local)
        _put(out.payload, value.path, local)
    if found:
        _place(out, found, check, can_upload)
    return out


def _place(out: Inlined, found: list[_Local], check: bool, can_upload: bool) -> None:
    """Examine every local file, decide inline or upload for the whole request, then put
    what is sent where each file stood."""
    from runcomfy_runtime.uploads import placement

    for local in found:
        _examine(local, check)
    readable = [local for local in found if local.problem is None]
    decided = placement(
        [local.uri_size() for local in readable],
        rest_bytes=_json_size(out.payload),
        can_upload=can_upload,
        file_cap=constants.INLINE_FILE_MAX_BYTES,
        request_cap=constants.INLINE_REQUEST_MAX_BYTES,
    )
    for local, place in zip(readable, decided.places, strict=True):
        if place == "inline":
            assert local.data is not None
            local.sent = f"data:{local.mime};base64,{base64.b64encode(local.data).decode()}"
        elif place == "upload":
            _to_upload(local, check)
        else:
            _too_large(local)
    for local in found:
        if local.problem is not None:
            out.problems.append(local.problem)
            local.sent = local.shown
    if decided.request_too_large and not out.problems:
        cap = constants.INLINE_REQUEST_MAX_BYTES
        size = decided.request_bytes / _MiB
        out.problems.append(
            Problem(
                (),
                f"the request is {size:.1f} MiB with its local files inline; at most "
                f"{cap / _MiB:g} MiB can be sent: give the client an uploader, or host some "
                "files at https URLs and pass the URLs",
            )
        )
    out.payload = _resolved(out.payload)


def _to_upload(local: _Local, check: bool) -> None:
    """The file becomes a pending upload, checked on its own bytes (streamed, when it was
    too large to hold) against every rule of its field."""
    from runcomfy_runtime.uploads import LocalFile, PendingUpload

    kind = local.site.kind
    if local.data is not None:  # read whole and checked already; moved out for the request cap
        facts = facts_of_bytes(local.data, kind, source=local.shown)
        assert isinstance(facts, MediaFacts) and facts.format is not None
        file = LocalFile(
            Path(local.item),
            len(local.data),
            local.mime,
            facts.format,
            hashlib.sha256(local.data).hexdigest(),
        )
    else:
        measured = _measured(local, check)
        if measured is None:
            return
        file = measured
    local.sent = PendingUpload(json_path(local.path), file, local.shown, kind)


def _measured(local: _Local, check: bool) -> LocalFile | None:
    """A file too large to hold, read once in chunks: its header (for the format and pixel
    size), its size and its digest. Only a regular file is read (``/dev/zero`` never ends),
    and no further than the upload cap. Once it is past its field's largest size bound every
    size rule is decided, so a file breaking one is not read on."""
    from runcomfy_runtime.uploads import LocalFile

    kind = local.site.kind
    try:
        if not stat.S_ISREG(os.stat(local.item).st_mode):
            local.fail("the local file is not a regular file: only a regular file is uploaded")
            return None
        with open(local.item, "rb") as handle:
            read = _read_all(handle, local, kind, check)
    except OSError as e:
        local.fail(f"cannot read the file: {e.strerror or e}")
        return None
    except Unreadable as e:
        local.fail(f"the local file is {e.reason}")
        return None
    if read is None:
        return None
    facts, digest = read
    mime = _checked(local, facts, check)
    if mime is None or facts.format is None or facts.size_bytes is None:
        return None
    return LocalFile(Path(local.item), facts.size_bytes, mime, facts.format, digest)


def _read_all(
    handle: BinaryIO, local: _Local, kind: MediaKind, check: bool
) -> tuple[MediaFacts, str] | None:
    reader = reader_for(kind)
    digest = hashlib.sha256()
    header: Header | None = None
    size = 0
    bound = count_limit(local.site) if check else None
    cap = constants.UPLOAD_FILE_MAX_BYTES
    while chunk := handle.read(constants.UPLOAD_CHUNK_BYTES):
        size += len(chunk)
        digest.update(chunk)
        if header is None:
            reader.add(chunk)
            header = reader.partial(
                cap=constants.PROBE_HEADER_CAP_BYTES, sniff=constants.PROBE_FIRST_RANGE_BYTES
            )
        if header is not None and bound is not None and size > bound:
            early = _facts(header, size, kind, at_least=True)
            if _checked(local, early, check) is None:
                return None
            bound = None  # every size rule passed: read on for the digest
        if size > cap:
            local.fail(f"the local file is larger than {cap / 1024**3:g} GiB, too large to upload")
            return None
    if header is None:
        header = reader.final()
    return _facts(header, size, kind), digest.hexdigest()


def _facts(header: Header, size: int, kind: MediaKind, *, at_least: bool = False) -> MediaFacts:
    return MediaFacts(size, header.width, header.height, header.format, at_least, kind)


def _json_size(payload: Mapping[str, Any]) -> int:
    """The request's size without its local files (each counted as an empty string)."""
    return len(json.dumps(payload, ensure_ascii=False, default=lambda _: "").encode())


def _resolved(value: Any) -> Any:
    """``value`` with each local file replaced by what is sent for it, at any depth."""
    if isinstance(value, _Local):
        return value.sent
    if isinstance(value, dict):
        return {key: _resolved(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_resolved(item) for item in value]
    return value


def local_file_hint(problem: Problem) -> Problem:
    """A media value that is a ``str`` naming an existing file gets a hint to pass a Path."""
    value = problem.value
    if isinstance(value, str) and "://" not in value and not value.startswith("data:"):
        try:
            exists = os.path.isfile(value)
        except (OSError, ValueError):
            exists = False
        if exists:
            return Problem(
                problem.path,
                f"{problem.message}; {value!r} is a local file: pass it as pathlib.Path({value!r})",
                value,
                problem.fact,
            )
    return problem
