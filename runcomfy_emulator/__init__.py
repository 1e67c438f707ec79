"""A local emulator of RunComfy's Model API, driven by the same endpoint specs as the client.

It validates input as the docs describe (the documented messages, every problem at once),
moves jobs through ``in_queue`` -> ``in_progress`` -> ``completed`` on a configurable clock,
serves real output files (PNG, MP4, WAV) and a model catalog, speaks the documented words or
the variants RunComfy's own clients meet (``dialects.py``), and injects faults on demand. See
``app.py`` for the routes, ``faults.py`` for the fault format, ``catalog.py`` for the catalog,
``limits.py`` and ``fetching.py`` for what it accepts and fetches, ``settings.py`` for what it
is built with (one frozen value), ``server.py`` for running it in-process, and
``runcomfy emulator --help`` for the command line.

Kept cheap to import: the names below load their modules (Starlette, uvicorn) on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runcomfy_emulator.app import EmulatorApp, create_app
    from runcomfy_emulator.clock import ManualClock
    from runcomfy_emulator.examples import example_payload
    from runcomfy_emulator.faults import Fault, parse_faults
    from runcomfy_emulator.server import EmulatorServer
    from runcomfy_emulator.settings import EmulatorSettings
    from runcomfy_emulator.stats import Stats

_EXPORTS = {
    "EmulatorApp": "app",
    "create_app": "app",
    "ManualClock": "clock",
    "example_payload": "examples",
    "Fault": "faults",
    "parse_faults": "faults",
    "EmulatorServer": "server",
    "EmulatorSettings": "settings",
    "Stats": "stats",
}

__all__ = [
    "EmulatorApp",
    "EmulatorServer",
    "EmulatorSettings",
    "Fault",
    "ManualClock",
    "Stats",
    "create_app",
    "example_payload",
    "parse_faults",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
