"""The package as a user installs it: the wheel, built once per test session, unpacked into a
fresh virtual environment outside the checkout.

Under xdist the wheel and the environment are made once for the whole run all the same
(``tests/once.py``).

The environment's dependencies come from the test run's own through a ``.pth`` line, so no
index is needed; the repository's editable install stays out of sight (a directory added by a
``.pth`` line does not have its own ``.pth`` files run).
"""

from __future__ import annotations

import configparser
import importlib.metadata
import os
import subprocess
import sys
import venv
import zipfile
from collections.abc import Collection
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


def _install_scripts(wheel: Path, python: Path) -> None:
    """The wheel's console scripts in the environment's ``bin``, as pip writes them."""
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        entry_points = configparser.ConfigParser(delimiters=("=",))
        entry_points.read_string(archive.read(name).decode())
    for script, target in entry_points["console_scripts"].items():
        module, function = target.strip().split(":")
        path = python.parent / script
        path.write_text(
            f"#!{python}\nimport sys\nfrom {module} import {function}\n"
            f"sys.exit({function}())\n"
        )
        path.chmod(0o755)


def _dependencies_without(left_out: Collection[str], folder: Path) -> Path:
    """A folder holding every top-level name of the test run's site-packages (as symbolic
    links) except those of the distributions ``left_out``: an install without an extra."""
    site = Path(_purelib(sys.executable))
    gone: set[str] = set()
    for dist in left_out:
        files = importlib.metadata.distribution(dist).files or []
        gone.update(f.parts[0] for f in files if f.parts and f.parts[0] != "..")
    folder.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():
        if entry.name not in gone and not entry.name.endswith(".pth"):
            (folder / entry.name).symlink_to(entry)
    return folder


def make_user_env(wheel: Path, home: Path, without: Collection[str] = ()) -> Path:
    """A fresh virtual environment in ``home`` with ``wheel`` installed, its console scripts
    in ``bin``; its python. ``without`` names distributions it does not get (an extra left
    out: ``{"Jinja2", "PyYAML", ...}``)."""
    env = home / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = _purelib(python)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # a wheel is a zip of site-packages: what pip would unpack
    _install_scripts(wheel, python)
    deps = _dependencies_without(without, home / "deps") if without else _purelib(sys.executable)
    Path(site, "zz-deps.pth").write_text(f"{deps}\n")
    return python


def run_user_python(
    python: Path, *args: str, cwd: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python *args`` in the user's project, with none of the run's RunComfy settings and
    the checkout off its path (``python`` may be one of the environment's scripts too)."""
    return subprocess.run(
        [str(python), *args], cwd=cwd, env=user_environ(env), capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def user_environ(env: dict[str, str] | None = None) -> dict[str, str]:
    """The user's environment: this one without the run's RunComfy settings or path, plus
    ``env``."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RUNCOMFY_", "YOUR_API", "PYTEST_", "PYTHONPATH"))
    }
    clean.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost", **RECORD_OFF)
    return {**clean, **(env or {})}
