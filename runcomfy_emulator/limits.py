"""The emulator's documented defaults and limits, in one place.

The emulator is a server users run on their own machines: what it accepts is bounded, and a
user looking for "how big may an upload be" or "how long does a probe wait" finds it here.
"""

from __future__ import annotations

DEFAULT_HOST = "127.0.0.1"
"""Loopback only: the emulator is for the machine it runs on."""
DEFAULT_PORT = 8765

DEFAULT_PROBE_TIMEOUT = 3.0
"""Seconds one input file may take to fetch: an unreachable URL becomes a problem in the 422
answer promptly, instead of a submit that hangs."""

MAX_UPLOAD_BYTES = 64 * 1024 * 1024
"""One upload (``PUT /inputs/<name>``) past this is refused with 413, counted as it arrives
(no ``Content-Length`` needed): the documented media limits are far lower."""
MAX_UPLOADS_TOTAL_BYTES = 256 * 1024 * 1024
"""All uploads held at once; an upload that would pass it is refused with 507. A reset (or
replacing a file under the same name) frees the room."""

MAX_BODY_BYTES = 64 * 1024 * 1024
"""A submit or control request's body past this is refused with 413 (RunComfy's own nodes
keep a request under 64 MiB)."""
MAX_JSON_DEPTH = 64
"""JSON nested deeper than this is refused with 400: no documented input nests past 2."""
