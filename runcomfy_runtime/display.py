"""Results and their outputs as HTML, for notebooks (``_repr_html_``): pure, no I/O.

Each file is shown from its URL (``<img>``, ``<video controls>``, ``<audio controls>``, a link
for a kind nobody named), so displaying a result downloads nothing; the browser fetches what
it shows, as it would any link. Every value is escaped (``html.escape``), whatever the server
sent, and a URL is put in ``src``/``href`` only when it is ``https://``/``http://`` (or, for a
medium, ``data:`` of that medium): a ``javascript:`` URL is left out, saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runcomfy_runtime.output_files import OutputFile
    from runcomfy_runtime.results import Result

SAFE_SCHEMES = ("https://", "http://")
CAPTION_CHARS = 96  # a data: URL is shown by its head only

TAGS: dict[str, str] = {
    "image": '<img src="{src}" alt="{alt}" style="max-width:100%;max-height:480px">',
    "video": '<video controls preload="metadata" src="{src}" style="max-width:100%;'
    'max-height:480px"></video>',
    "audio": '<audio controls preload="metadata" src="{src}"></audio>',
}
"""The element of each media kind; ``src`` and ``alt`` are escaped before they go in."""


def safe_url(url: str, kind: str | None) -> str | None:
    """``url`` when it may be put in an attribute: http(s), or a ``data:`` URL of ``kind``'s
    medium (``data:image/png;...`` for an image); None otherwise."""
    lowered = url.strip().lower()
    if lowered.startswith(SAFE_SCHEMES):
        return url
    if kind is not None and lowered.startswith(f"data:{kind}/"):
        return url
    return None


def _caption(url: str) -> str:
    return url if len(url) <= CAPTION_CHARS else url[: CAPTION_CHARS - 1] + "…"


def file_html(file: OutputFile, number: int = 1) -> str:
    """One output file: its player (or a link), and its URL as text beneath."""
    url = safe_url(file.url, file.kind)
    if url is None:
        what = escape(file.kind or "file")
        return f"<div><em>output {number} ({what}): its URL is not http(s), not shown</em></div>"
    src = escape(url, quote=True)
    alt = escape(f"output {number}" + (f" ({file.key})" if file.key else ""), quote=True)
    tag = TAGS.get(file.kind or "")
    shown = tag.format(src=src, alt=alt) if tag else ""
    caption = escape(_caption(url))
    link = f'<a href="{src}" target="_blank" rel="noopener noreferrer">{caption}</a>'
    if url.lower().startswith("data:"):
        link = f"<code>{caption}</code>"
    return f'<div style="margin:4px 0">{shown}<div style="font-size:small">{link}</div></div>'


def output_html(files: Sequence[OutputFile]) -> str:
    if not files:
        return "<div><em>no output file</em></div>"
    return "".join(file_html(file, n) for n, file in enumerate(files, 1))


def _rows(pairs: Sequence[tuple[str, Any]]) -> str:
    return "".join(
        f'<tr><th style="text-align:left;padding-right:1em">{escape(name)}</th>'
        f"<td><code>{escape(str(value))}</code></td></tr>"
        for name, value in pairs
        if value is not None
    )


def result_html(result: Result[Any]) -> str:
    """A result: request id, model, status and cost (when known), then its files."""
    cost = f"${result.cost:.4f}".rstrip("0").rstrip(".") if result.cost is not None else None
    facts = [
        ("request id", result.request_id),
        ("model", result.model_id),
        ("status", result.status),
        ("cost", cost),
        ("error", result.error if result.error not in (None, "") else None),
    ]
    return (
        '<div class="runcomfy-result">'
        f"<table>{_rows(facts)}</table>"
        f"{output_html(result.output.files)}"
        "</div>"
    )
