"""Local files as inputs: checked against the documented rules, then sent inline.

The API fetches media by URL, but it also accepts ``data:<type>/...;base64,`` URIs; a
``pathlib.Path`` (any ``os.PathLike``) wherever a media value goes (a field, a list, an object
inside a list: ``elements[0].frontal_image_url``) becomes one, after its bytes pass the same
format and rule checks a URL's would. Each data URI is capped, and so is the whole
request (``constants.INLINE_*``): past a cap the error says to host the file at a URL.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from runcomfy_runtime import constants
from runcomfy_runtime.errors import InputPath, Problem
from runcomfy_runtime.media import problems_of
from runcomfy_runtime.probe import ProbeFailure, facts_of_bytes
from runcomfy_runtime.schema.formats import MEDIA_TYPES, LocalFile
from runcomfy_runtime.spec import EndpointSpec, MediaSite

_MiB = 1024 * 1024


@dataclass
class Inlined:
    """The payload to send, what the local files broke, the payload left for probing (each
    local file standing as a :class:`LocalFile`, which the probes pass by), and the paths
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


def _inline(
    item: LocalFile, site: MediaSite, path: InputPath, check: bool
) -> tuple[Any, Problem | None]:
    """(the value to send, the problem of the file or None)."""
    name = str(item)
    cap = constants.INLINE_FILE_MAX_BYTES
    data = read_bounded(name, cap * 3 // 4)
    if isinstance(data, str):
        why = data
        if data.startswith("is larger"):
            why = (
                f"the local file is too large to send inline (a data: URI of at most "
                f"{cap / _MiB:g} MiB): host the file at an https URL and pass the URL"
            )
        return name, Problem(path, why, name)
    facts = facts_of_bytes(data, site.kind, source=name)
    if isinstance(facts, ProbeFailure):
        return name, Problem(path, f"the local file is {facts.reason}", name)
    mime = MEDIA_TYPES.get(facts.format or "")
    if mime is None:
        why = f"the local file is {facts.format}, which cannot be sent inline"
        return name, Problem(path, why, name)
    if check:
        found = problems_of(site, facts, path, name)
        if found:
            return name, found[0] if len(found) == 1 else _merged(found)
    uri = f"data:{mime};base64,{base64.b64encode(data).decode()}"
    if len(uri) > cap:
        size = _encoded_size(len(data)) / _MiB
        return name, Problem(
            path,
            f"local file is {size:.1f} MiB as a data: URI; at most {cap / _MiB:g} MiB can be "
            "sent inline: host the file at an https URL and pass the URL",
            name,
        )
    return uri, None


def _merged(found: list[Problem]) -> Problem:
    first = found[0]
    messages = "; ".join(dict.fromkeys(p.message for p in found))
    facts = ", ".join(p.fact for p in found if p.fact) or None
    return Problem(first.path, messages, first.value, facts)


def plain(value: Any, local: Callable[[str], str] = str) -> Any:
    """``value`` as JSON data: mappings as dicts, tuples as lists, a path as ``local`` of it
    (a :class:`LocalFile` while media sites are looked for, else a plain string)."""
    if isinstance(value, Mapping):
        return {k: plain(v, local) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v, local) for v in value]
    if isinstance(value, os.PathLike):
        return local(os.fspath(value))
    return value


def _put(payload: Any, path: InputPath, value: Any) -> None:
    """Set the value at ``path`` (it exists: the walk found it there)."""
    node = payload
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _has_paths(value: Any) -> bool:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, os.PathLike):
            return True
        if isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def inline_local_files(spec: EndpointSpec, payload: Mapping[str, Any], *, check: bool) -> Inlined:
    """Turn every path at a media site, wherever it nests, into a data URI; with ``check``,
    apply the site's rules to its bytes first.

    Each local file gives at most one problem. ``to_probe`` keeps each local file as a
    :class:`LocalFile`, so the online stage neither probes nor reports it twice.
    """
    try:
        if not _has_paths(payload):
            sent = plain(payload)
            return Inlined(sent, to_probe=sent)
        marked = plain(payload, LocalFile)
        sent = plain(payload)
    except RecursionError:  # the schema stage says the input is nested too deeply
        return Inlined(dict(payload), to_probe=dict(payload))
    from runcomfy_runtime.validation import validator_for

    out = Inlined(sent, to_probe=marked)
    for found in validator_for(spec).media(marked):
        if not isinstance(found.value, LocalFile):
            continue
        value_sent, problem = _inline(found.value, found.site, found.path, check)
        _put(out.payload, found.path, value_sent)
        out.local_paths.add(found.path)
        if problem is not None:
            out.problems.append(problem)
    if out.local_paths and not out.problems:
        _check_request_size(out)
    return out


def _check_request_size(out: Inlined) -> None:
    size = len(json.dumps(out.payload, ensure_ascii=False).encode())
    cap = constants.INLINE_REQUEST_MAX_BYTES
    if size > cap:
        out.problems.append(
            Problem(
                (),
                f"the request is {size / _MiB:.1f} MiB with its local files inline; at most "
                f"{cap / _MiB:g} MiB can be sent: host some files at https URLs and pass the URLs",
            )
        )


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
