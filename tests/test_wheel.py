"""The package as a user meets it: the built wheel, installed in a fresh environment outside
the checkout (the session's ``wheel`` and ``user_env``, ``tests/wheel_env.py``), its names, its
license and its types seen by the user's own ``mypy --strict``."""

from __future__ import annotations

import subprocess
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_wheel_installs_only_runcomfy_prefixed_top_level_names(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    tops = {name.split("/")[0] for name in names}
    packages = {t for t in tops if not t.endswith(".dist-info")}
    assert packages == {
        "runcomfy",
        "runcomfy_runtime",
        "runcomfy_cli",
        "runcomfy_emulator",
        "runcomfy_codegen",
    }
    assert all(t.startswith("runcomfy") for t in tops)  # no generic name such as codegen
    assert {f"{package}/py.typed" for package in packages} <= names


def test_the_wheel_ships_the_generator_with_its_templates_and_meta_schema(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entries = archive.read(entry_points).decode()
    templates = {p.name for p in (ROOT / "runcomfy_codegen/templates").glob("*.jinja")}
    assert templates and {f"runcomfy_codegen/templates/{t}" for t in templates} <= names
    assert "runcomfy_codegen/schema_file.schema.json" in names
    assert "runcomfy-codegen = runcomfy_codegen.__main__:main" in entries


def test_the_wheel_carries_its_license(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        text = archive.read(metadata).decode()
        licenses = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
        assert licenses and archive.read(licenses[0]) == (ROOT / "LICENSE").read_bytes()
    assert "License-Expression: MIT" in text.splitlines()
    assert "License-File: LICENSE" in text.splitlines()
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_the_wheel_ships_the_sample_catalog_and_the_pytest_plugin(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        entries = archive.read(entry_points).decode()
    assert "runcomfy_emulator/sample_catalog.json" in names
    assert "[pytest11]\nruncomfy = runcomfy.pytest_plugin" in entries
    assert "runcomfy/pytest_plugin.py" in names


def test_the_installed_package_is_the_wheel_not_the_checkout(user_env: Path) -> None:
    where = subprocess.run(
        [str(user_env), "-c", "import runcomfy, runcomfy_runtime; print(runcomfy.__file__)"],
        check=True, capture_output=True, text=True, cwd=user_env.parent.parent,
    ).stdout  # fmt: skip
    assert str(ROOT) not in where


USER_SCRIPT_OK = """
from pathlib import Path
from runcomfy import (
    AsyncRunComfy, InputValidationError, Job, Output, PollPolicy, Result, RetryPolicy, RunComfy,
    StatusWord, UnknownStatus,
)

def main(client: RunComfy) -> str | None:
    result = client.bytedance.dreamina_4_0.text_to_image.run(prompt="A street at dusk")
    paths: list[Path] = client.download(result, "out/")
    return result.output.image

def dynamic(client: RunComfy) -> tuple[str, ...]:
    job: Job[Output] = client.submit("bytedance/dreamina-4-0/edit", {"prompt": "p"})
    result: Result[Output] = job.wait(timeout=60)
    return result.urls

async def later(client: AsyncRunComfy) -> str | None:
    result = await client.bytedance.seedream_4_0.edit.run(prompt="p", images=[Path("a.png")])
    return result.output.image

def outcome(result: Result[Output]) -> str:
    status: StatusWord | UnknownStatus = result.status
    if status == "succeeded":
        return "ok"
    return status

configured = RunComfy(poll=PollPolicy(max_interval=2), retry=RetryPolicy(max_retries=8))
"""

EDIT = "client.bytedance.dreamina_4_0.edit"
T2I = "client.bytedance.dreamina_4_0.text_to_image"
USER_SCRIPT_BAD = {
    "an output key that does not exist": "result.output.imgs",
    "a wrong enum value": f'{EDIT}.submit(image_urls=["u"], prompt="p", width_height="3x3")',
    "a result taken for an int": f"r: int = {T2I}.run(prompt='p')",
}


def _mypy(python: Path, folder: Path, source: str, cache: Path) -> subprocess.CompletedProcess[str]:
    script = folder / "user_code.py"
    script.write_text(source)
    return subprocess.run(
        [str(python), "-m", "mypy", "--strict", f"--cache-dir={cache}", str(script)],
        capture_output=True, text=True, cwd=folder,
    )  # fmt: skip


def test_a_users_correct_code_type_checks_against_the_installed_wheel(
    user_env: Path, tmp_path: Path, mypy_cache: Path
) -> None:
    done = _mypy(user_env, tmp_path, USER_SCRIPT_OK, mypy_cache)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("case", sorted(USER_SCRIPT_BAD))
def test_a_users_misuse_is_rejected_by_mypy_against_the_installed_wheel(
    user_env: Path, tmp_path: Path, mypy_cache: Path, case: str
) -> None:
    prelude = "from runcomfy import RunComfy\n\ndef f(client: RunComfy) -> None:\n"
    setup = "    result = client.bytedance.dreamina_4_0.text_to_image.run(prompt='p')\n"
    source = prelude + setup + textwrap.indent(USER_SCRIPT_BAD[case], "    ") + "\n"
    done = _mypy(user_env, tmp_path, source, mypy_cache)
    assert done.returncode == 1, done.stdout
    assert "user_code.py:5: error" in done.stdout, done.stdout
