"""``mypy --strict`` as the typing tests run it: each test on its own copy of a cache warmed
once per test run.

Each of those tests checks a few lines of its own (a misuse file, a freshly generated package, a
user's script against the installed wheel) on top of the same stdlib, httpx, anyio, jsonschema,
PIL and runtime, and a cold run spends nearly all of its CPU re-analysing those. So the first
worker that asks (``tests/once.py``) checks the repository's own generated package once, as the
tests check theirs (``--strict``, no config file); every test then copies that cache and
re-analyses only what it brings, and no test sees what another one wrote.

A warm cache hides nothing: mypy reuses a module's analysis only when its source hash, the
options it is checked with and the interfaces of everything it imports all match; anything else,
and whatever depends on it, is checked again (``tests/test_typecheck_cache.py`` plants errors
past a warm cache to show it).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def warm_cache(folder: Path) -> Path:
    """A mypy cache in ``folder`` holding everything the repository's generated package
    imports (checked from ``folder``, outside the checkout, so no config file applies)."""
    cache = folder / "cache"
    generated = ROOT / "generated"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={cache}",
         str(generated / "runcomfy")],
        capture_output=True, text=True, cwd=folder, env={**os.environ, "MYPYPATH": str(generated)},
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"warming the mypy cache failed:\n{done.stdout}{done.stderr}")
    return cache
