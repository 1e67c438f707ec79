"""The run's warm mypy cache (``tests/typecheck.py``) speeds the typing tests up and hides
nothing from them: errors planted past it, in a module it holds and behind an import of a
module it has just recorded as clean, are each reported on their line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EDIT = "runcomfy/endpoints/bytedance/dreamina_4_0/edit.py"


def _mypy(folder: Path, cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", f"--cache-dir={cache}", *args],
        capture_output=True, text=True, cwd=folder, env={**os.environ, "MYPYPATH": str(folder)},
    )  # fmt: skip


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of the repository's generated package, the one the cache was warmed with."""
    shutil.copytree(ROOT / "generated/runcomfy", tmp_path / "runcomfy")
    return tmp_path


def test_an_error_planted_in_a_module_the_warm_cache_holds_is_reported(
    package: Path, mypy_cache: Path
) -> None:
    target = package / EDIT
    line = len(target.read_text().splitlines()) + 1
    with target.open("a") as handle:
        handle.write('PLANTED: int = "not an int"\n')
    done = _mypy(package, mypy_cache, "--verbose", "runcomfy")
    assert "Metadata fresh for runcomfy_runtime.spec" in done.stderr  # the cache was warm
    assert done.returncode == 1, done.stdout
    assert done.stdout.startswith(f"{EDIT}:{line}: error: Incompatible types"), done.stdout
    assert "Found 1 error in 1 file" in done.stdout


def test_a_module_cached_clean_is_checked_again_when_what_it_imports_changes(
    package: Path, mypy_cache: Path
) -> None:
    user = package / "user_code.py"
    user.write_text(
        "from runcomfy.endpoints.bytedance.dreamina_4_0.edit import EditOutput\n\n\n"
        "def image(output: EditOutput) -> str | None:\n"
        "    return output.image\n"
    )
    clean = _mypy(package, mypy_cache, "user_code.py")
    assert clean.returncode == 0, clean.stdout  # now in the cache, clean
    target = package / EDIT
    source, field = target.read_text(), "    image: str | None = None\n"
    assert source.count(field) == 1
    target.write_text(source.replace(field, field.replace("str", "int")))  # fine on its own
    done = _mypy(package, mypy_cache, "user_code.py")  # user_code.py itself is unchanged
    assert done.returncode == 1, done.stdout
    assert "user_code.py:5: error: Incompatible return value type" in done.stdout, done.stdout
