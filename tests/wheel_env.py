"""The package as a user installs it: the wheel, built once per test session, unpacked into a
fresh virtual environment outside the checkout.

Under xdist the wheel and the environment are made once for the whole run all the same
(``tests/once.py``).

The environment's dependencies come from the test run's own through a ``.pth`` line, so no
index is needed; the repository's editable install stays out of sight (a directory added by a
``.pth`` line does not have its own ``.pth`` files run).
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from tests.helpers import RECORD_OFF

ROOT = Path(__file__).resolve().parent.parent


def build_wheel(out: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    (found,) = out.glob("runcomfy-*.whl")
    return found


def _purelib(python: Path | str) -> str:
    return subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip


def make_user_env(wheel: Path, home: Path) -> Path:
    """A fresh virtual environment in ``home`` with ``wheel`` installed; its python."""
    env = home / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = _purelib(python)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # a wheel is a zip of site-packages: what pip would unpack
    Path(site, "zz-deps.pth").write_text(_purelib(sys.executable) + "\n")
    return python


def run_user_python(
    python: Path, *args: str, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python *args`` in the user's project, with none of the run's RunComfy settings and
    the checkout off its path."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RUNCOMFY_", "YOUR_API", "PYTEST_", "PYTHONPATH"))
    }
    clean.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **RECORD_OFF)
    return subprocess.run(
        [str(python), *args], cwd=cwd, env={**clean, **(env or {})}, capture_output=True,
        text=True, timeout=timeout,
    )  # fmt: skip
