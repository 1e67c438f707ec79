"""Local files as inputs: checked against the documented rules, then sent inline.

The API fetches media by URL, but it also accepts ``data:<type>/...;base64,`` URIs; a
``pathlib.Path`` (any ``os.PathLike``) in a media field becomes one, after its bytes pass the
same format and rule checks a URL's would. Each data URI is capped, and so is the whole
request (``constants.INLINE_*``): past a cap the error says to host the file at a URL.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from runcomfy_runtime import constants
from runcomfy_runtime.errors import Problem
from runcomfy_runtime.jsonpath import json_path
from runcomfy_runtime.media import problems_of
from runcomfy_runtime.probe import ProbeFailure, facts_of_bytes
from runcomfy_runtime.schema.formats import MEDIA_TYPES
from runcomfy_runtime.spec import EndpointSpec, FieldSpec

_MiB = 1024 * 1024


@dataclass
class Inlined:
    """The payload to send, what the local files broke, the payload left for probing, and
    the paths where a local file stood (the schema stage does not report those again)."""

    payload: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    to_probe: dict[str, Any] = field(default_factory=dict)  # local files masked out
    local_paths: set[str] = field(default_factory=set)


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
    item: os.PathLike[str], fld: FieldSpec, path: str, check: bool
) -> tuple[Any, Problem | None]:
    """(the value to send, the problem of the file or None)."""
    name = os.fspath(item)
    kind = fld.media or "image"
    cap = constants.INLINE_FILE_MAX_BYTES
    data = read_bounded(item, cap * 3 // 4)
    if isinstance(data, str):
        why = data
        if data.startswith("is larger"):
            why = (
                f"the local file is too large to send inline (a data: URI of at most "
                f"{cap / _MiB:g} MiB): host the file at an https URL and pass the URL"
            )
        return name, Problem(path, why, name)
    facts = facts_of_bytes(data, kind, source=name)
    if isinstance(facts, ProbeFailure):
        return name, Problem(path, f"the local file is {facts.reason}", name)
    mime = MEDIA_TYPES.get(facts.format or "")
    if mime is None:
        why = f"the local file is {facts.format}, which cannot be sent inline"
        return name, Problem(path, why, name)
    if check:
        found = problems_of(fld, facts, path, name)
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


def inline_local_files(spec: EndpointSpec, payload: Mapping[str, Any], *, check: bool) -> Inlined:
    """Turn every path in a media field into a data URI; with ``check``, apply the rules.

    Each local file gives at most one problem. ``to_probe`` is the payload with those files
    masked, so the online stage neither probes nor reports them twice.
    """
    out = Inlined(dict(payload), to_probe=dict(payload))
    for fld in spec.media_fields:
        value = payload.get(fld.wire_name)
        items = list(value) if fld.many and isinstance(value, list | tuple) else [value]
        if not any(isinstance(v, os.PathLike) for v in items):
            continue
        sent: list[Any] = []
        masked: list[Any] = []
        for index, item in enumerate(items):
            if not isinstance(item, os.PathLike):
                sent.append(item)
                masked.append(item)
                continue
            path = json_path([fld.wire_name, index]) if fld.many else fld.wire_name
            value_sent, problem = _inline(item, fld, path, check)
            sent.append(value_sent)
            masked.append(None)
            out.local_paths.add(path)
            if problem is not None:
                out.problems.append(problem)
        out.payload[fld.wire_name] = sent if fld.many else sent[0]
        out.to_probe[fld.wire_name] = masked if fld.many else masked[0]
    if out.local_paths and not out.problems:
        _check_request_size(out)
    return out


def _check_request_size(out: Inlined) -> None:
    size = len(json.dumps(out.payload, ensure_ascii=False).encode())
    cap = constants.INLINE_REQUEST_MAX_BYTES
    if size > cap:
        out.problems.append(
            Problem(
                "",
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
