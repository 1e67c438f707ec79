"""The typed surface, checked by mypy itself: correct use passes, misuse is rejected."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mypy import api

HERE = Path(__file__).parent / "typing"
ROOT = Path(__file__).resolve().parent.parent


def _mypy(path: Path, cache: Path) -> tuple[str, int]:
    """mypy on ``path`` with the project's settings, past the run's warm cache (a copy)."""
    out, err, status = api.run(
        ["--strict", "--config-file", str(ROOT / "pyproject.toml"), f"--cache-dir={cache}",
         str(path)]
    )  # fmt: skip
    return out + err, status


def test_correct_usage_type_checks_under_strict(mypy_cache: Path) -> None:
    out, status = _mypy(HERE / "usage_ok.py", mypy_cache)
    assert status == 0, out


@pytest.mark.parametrize("name", ["misuse.py", "map_payloads.py"])
def test_each_misuse_is_rejected_on_its_own_line(name: str, mypy_cache: Path) -> None:
    path = HERE / name
    out, status = _mypy(path, mypy_cache)
    assert status == 1, out
    marked = {n for n, line in enumerate(path.read_text().splitlines(), 1) if line.endswith("# E")}
    flagged = {int(m) for m in re.findall(rf"{re.escape(name)}:(\d+): error", out)}
    assert marked, "the misuse file marks its bad lines"
    assert marked <= flagged, f"not rejected: lines {sorted(marked - flagged)}\n{out}"
    assert flagged <= marked, f"errors on lines not marked: {sorted(flagged - marked)}\n{out}"
