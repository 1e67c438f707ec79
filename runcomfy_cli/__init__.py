"""The ``runcomfy`` command: one model from a shell, or a resumable batch of many.

Modules, one job each: ``main`` (parser and dispatch), ``options`` (argparse options built
from an endpoint's schema), ``describe`` (``models`` and ``schema``), ``lifecycle`` (run,
status, result, wait, cancel, download), ``batch`` and ``journal`` (the resumable batch
runner and its SQLite record), ``progress`` (status line and progress bar), ``exitcodes``.

Nothing here is imported by ``import runcomfy``; the CLI imports the client lazily, so
``runcomfy --help`` stays fast.
"""
