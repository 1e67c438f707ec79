"""The names the clients and the endpoints keep for themselves, in one leaf module.

A generated name must never hide one of them: a top-level namespace called ``run`` would hide
``client.run``, a child id ``submit`` under an endpoint would hide ``endpoint.submit``, and a
field called ``timeout`` would take the place of the call's own ``timeout=``. The schema engine
reads these sets to name things (``schema.names``), so they live here, importing nothing of the
package: the engine never has to import the HTTP client to learn its attribute names.
``tests/test_reserved.py`` checks each set against the classes' public attributes.
"""

from __future__ import annotations

CLIENT_ATTRIBUTES = frozenset(
    {
        "aclose",
        "base_url",
        "categories",
        "close",
        "download",
        "estimate",  # coming with client.estimate (issue 21): reserved ahead
        "job",
        "map",  # coming with client.map (issue 21): reserved ahead
        "model",
        "models",
        "poll",
        "rate_limiter",
        "registry",
        "retry",
        "run",
        "spec",
        "submit",
        "timeout",
        "uploader",
        "validate",
        "wait_timeout",
        "with_options",
    }
)
"""Public attributes of ``Client`` and ``AsyncClient`` (and of names announced for them): a
top-level namespace with one of these names gets a trailing ``_`` (``client.run_``)."""

ENDPOINT_ATTRIBUTES = frozenset({"estimate", "map", "output", "run", "spec", "submit"})
"""Public attributes of every generated endpoint class (``submit``, ``run``; ``map`` and
``estimate`` are announced): an id nested under an endpoint (``.../extend-video/draft``) is
an attribute of it, and one with a name here is refused, never renamed silently."""

CALL_ARGUMENTS = frozenset(
    {"self", "validate", "timeout", "on_status", "include_cost", "expected", "extra_body"}
)
"""Keyword arguments every generated call takes besides the schema's fields: a field with one
of these names gets a trailing ``_`` (``timeout_``) and keeps its wire name."""
