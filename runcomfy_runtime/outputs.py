"""The files a job produced, as a frozen value: what a result's ``output`` holds.

Generated endpoints subclass :class:`OutputBase` with the fields of their output schema, so
``result.output.audio`` is a typed ``str`` where the endpoint documents one; every URL anywhere
in ``output`` is in ``urls`` whatever the schema says, so nothing a job produced is dropped.
Kept apart from ``results`` because every generated endpoint module imports it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runcomfy_runtime.output_files import OutputFile

_URL_PREFIXES = ("https://", "http://")


def urls_in(value: Any, limit: int = 10_000) -> tuple[str, ...]:
    """Every http(s) URL anywhere in ``value`` (nested objects and lists too), in document
    order, each once. Iterative, so no nesting is too deep."""
    found: dict[str, None] = {}
    stack: list[Any] = [value]
    while stack and len(found) < limit:
        item = stack.pop()
        if isinstance(item, str):
            if item.startswith(_URL_PREFIXES):
                found[item] = None
        elif isinstance(item, Mapping):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list | tuple):
            stack.extend(reversed(item))
    return tuple(found)


def _url(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _url_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


@dataclass(frozen=True)
class OutputBase:
    """A job's outputs. Subclasses declare the keys of an output schema as fields: a ``str |
    None`` field holds one URL, a ``tuple[str, ...]`` field a list. ``urls`` lists every URL
    of the output, declared or not; ``raw`` is the output object as the server sent it.

    ``files`` gives each URL as an :class:`~runcomfy_runtime.output_files.OutputFile`, with
    its media kind, ``read()`` (its bytes) and ``image()`` (a PIL image); ``output_files.py``
    says where their HTTP client comes from. In a notebook the outputs show themselves
    (images, video and audio players, from their URLs: nothing is downloaded to show them)."""

    urls: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def files(self) -> tuple[OutputFile, ...]:
        """Every file of the output, in the order of ``urls``, each with the top-level key of
        ``raw`` it was found under and the media kind that key (or its URL) says."""
        from runcomfy_runtime.output_files import OutputFile, kind_of

        keys: dict[str, str] = {}
        for key, value in self.raw.items():
            for url in (value,) if isinstance(value, str) else urls_in(value):
                keys.setdefault(url, str(key))
        return tuple(OutputFile(u, kind_of(keys.get(u), u), keys.get(u)) for u in self.urls)

    def _repr_html_(self) -> str:
        from runcomfy_runtime.display import output_html

        return output_html(self.files)

    @classmethod
    def from_wire(cls, body: Any) -> Any:
        body = body if isinstance(body, Mapping) else {}
        values: dict[str, Any] = {}
        declared: list[str] = []
        for f in dataclasses.fields(cls):
            wire = f.metadata.get("wire", f.name)
            if f.name in ("urls", "raw") or wire not in body:
                continue
            many = f.default == ()
            values[f.name] = _url_list(body[wire]) if many else _url(body[wire])
            declared.extend(values[f.name] if many else [values[f.name]] if values[f.name] else [])
        found = dict.fromkeys([*declared, *urls_in(body)])  # declared keys first, then the rest
        return cls(urls=tuple(found), raw=dict(body), **values)


@dataclass(frozen=True)
class Output(OutputBase):
    """Outputs under every key RunComfy uses; the type of results of the dynamic path."""

    image: str | None = None
    images: tuple[str, ...] = ()
    video: str | None = None
    videos: tuple[str, ...] = ()
    audio: str | None = None
    audios: tuple[str, ...] = ()
