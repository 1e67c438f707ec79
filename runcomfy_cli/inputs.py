"""A job's input as the command reads it: ``--input JSON``, ``--input-file PATH|-``, a batch line.

Everything read is bounded (:data:`MAX_INPUT_BYTES`: ``/dev/zero`` or an endless pipe is
refused, not read until memory runs out), decoded as UTF-8, parsed as one JSON object (a
document nested too deeply is refused, not a crash), and its keys put in wire form: the Python
name of a field whose wire name is no identifier (``width_height`` for ``width×height``) is
accepted too. Then media fields: a plain string that is no URL names a local file, which the
client checks and sends inline, as for the ``--image-urls`` options.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from runcomfy_cli.failures import InputFailure
from runcomfy_runtime.spec import EndpointSpec

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""One job's input, read from a file or stdin: RunComfy caps a whole request at 64 MiB."""
_MiB = 1024 * 1024


def _read_stream(stream: IO[Any], limit: int) -> bytes | str:
    data: bytes | str = stream.read(limit + 1)
    return data


def read_bounded(source: str, what: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of ``source`` (a path, or ``-`` for stdin), at most ``limit`` bytes."""
    try:
        if source == "-":
            stream = getattr(sys.stdin, "buffer", sys.stdin)
            data = _read_stream(stream, limit)
        else:
            with open(source, "rb") as handle:
                data = _read_stream(handle, limit)
    except IsADirectoryError:
        raise InputFailure(f"{what} {source} is a folder, not a file") from None
    except OSError as exc:
        raise InputFailure(f"cannot read {what} {source}: {exc.strerror or exc}") from None
    except ValueError as exc:  # a path holding a NUL names no file
        raise InputFailure(f"cannot read {what} {source!r}: {exc}") from None
    if len(data) > limit:
        where = "stdin" if source == "-" else source
        raise InputFailure(
            f"{what} {where} is larger than {limit / _MiB:g} MiB: a job's input is one JSON "
            "object (host large files at URLs and pass the URLs)"
        )
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFailure(
            f"{what} {source} is not UTF-8 text (byte {exc.start} cannot be decoded)"
        ) from None


def json_object(text: str) -> dict[str, Any]:
    """One JSON object (a job's input), or ``ValueError`` saying why not, in one line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply to read") from None
    if not isinstance(data, dict):
        kind = {list: "a list", str: "a string", bool: "true/false", type(None): "null"}
        raise ValueError(f"must be a JSON object ({{...}}), not {kind.get(type(data), 'a number')}")
    return data


def _parsed(text: str, what: str) -> dict[str, Any]:
    try:
        return json_object(text)
    except ValueError as exc:
        raise InputFailure(f"{what}: {exc}") from None


def inline_input(value: str) -> dict[str, Any]:
    """``--input``: inline JSON (RunComfy's CLI's meaning). For scripts written for this
    command's earlier versions, a value that is no JSON object but names a file (or ``-``)
    is read as one: a JSON object starts with ``{``, a path never does here, so the two
    cannot be confused."""
    if value.lstrip().startswith("{"):
        return _parsed(value, "--input")
    if value == "-" or _is_file(value):
        return _parsed(read_bounded(value, "--input"), f"--input {value}")
    raise InputFailure(
        '--input takes the input as a JSON object, e.g. --input \'{"prompt": "a cat"}\'; '
        "for a file use --input-file PATH (- for stdin)"
    )


def extra_input(value: str | None) -> dict[str, Any] | None:
    """``--extra``: inputs the schema does not list (``extra_body``), a JSON object."""
    return None if value is None else _parsed(value, "--extra")


def _is_file(value: str) -> bool:
    try:
        return Path(value).is_file()
    except (OSError, ValueError):  # a name too long, a NUL: no file
        return False


def file_input(path: str) -> dict[str, Any]:
    """``--input-file PATH`` or ``-`` (stdin)."""
    where = "stdin" if path == "-" else path
    return _parsed(read_bounded(path, "--input-file"), f"--input-file {where}")


def wire_keys(spec: EndpointSpec | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with Python names of fields (``width_height``) put back to their wire names
    (``width×height``); ``InputFailure`` when one field is given both ways."""
    if spec is None:
        return dict(data)
    renamed = {f.python_name: f.wire_name for f in spec.fields if f.python_name != f.wire_name}
    out: dict[str, Any] = {}
    for key, value in data.items():
        wire = renamed.get(key, key)
        if wire in out or (wire != key and wire in data):
            raise InputFailure(
                f"{wire!r} is given twice, as {wire!r} and as {key!r} (its Python name): keep one"
            )
        out[wire] = value
    return out


def _as_local(value: Any) -> Any:
    """A string that is not a URL or data URI names a local file: the client sends it inline."""
    if isinstance(value, str) and "://" not in value and not value.startswith("data:"):
        return Path(value).expanduser()
    return value


def local_files(spec: EndpointSpec, payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` with local paths wherever a media value goes (a field, a list, an object
    in a list: ``elements[0].frontal_image_url``) turned into ``Path`` values, which the
    client checks against the same rules as a URL and sends as a data URI."""
    from runcomfy_runtime.local_files import plain
    from runcomfy_runtime.validation import validator_for

    try:
        out: dict[str, Any] = plain(payload)
    except RecursionError:  # the schema stage says it is nested too deeply
        return dict(payload)
    for found in validator_for(spec).media(out):
        node: Any = out
        for part in found.path[:-1]:
            node = node[part]
        node[found.path[-1]] = _as_local(found.value)
    return out
