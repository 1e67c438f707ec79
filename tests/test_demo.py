"""``make demo``'s script, run as the Makefile runs it: it must keep working at every landing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_demo_runs_jobs_offline_and_saves_real_outputs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples/demo.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    saved = sorted(tmp_path.rglob("*.png"))
    assert len(saved) >= 2, done.stdout
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in saved)
    assert "Traceback" not in done.stderr
