"""The generator in a user's hands: the installed wheel (``tests/wheel_env.py``), outside the
checkout. ``runcomfy-codegen sync`` pulls three models of the emulator's sample catalog (one
with structured inputs) into ``src/mymodels`` of the user's project; ``check`` passes; the
user's ``mypy --strict`` accepts a script using the three typed endpoints and rejects a wrong
enum on its line; the script runs against the emulator and its jobs complete, loading neither
the generator nor Jinja2 nor PyYAML. Without the ``codegen`` extra the command names the pip
line (exit 69)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runcomfy_codegen.__main__ import NEEDS, PIP_LINE
from tests.once import once, shared_folder
from tests.wheel_env import ROOT, make_user_env, run_user_python, user_environ

pytestmark = pytest.mark.xdist_group("codegen-installed")
"""One worker runs the module (``make test`` distributes by group): one project, one sync."""

TOKEN = "user-project-emulator-token"
STRUCTURED = "nimbus/drift-3/multi-shot"  # a list of {prompt, duration} shots
MODELS = (STRUCTURED, "sonora/voice-1/text-to-speech", "nimbus/glaze-2/text-to-image")

USERS_SCRIPT = '''
"""The user's own script: typed calls to the models they generated."""
import json
import sys

from mymodels import RunComfy
from mymodels.endpoints.nimbus.drift_3.multi_shot import MultiPromptItem


def main() -> None:
    plan: list[MultiPromptItem] = [
        {"prompt": "gulls over the pier", "duration": 3},
        {"prompt": "a boat leaves the harbour", "duration": 2},
    ]
    with RunComfy() as client:  # the token and base URL from the environment
        shots = client.nimbus.drift_3.multi_shot.run(prompt="A harbour", multi_prompt=plan)
        speech = client.sonora.voice_1.text_to_speech.run(text="Hello there", voice="coral")
        picture = client.nimbus.glaze_2.text_to_image.run(prompt="A dune", image_size="square")
    tops = ("jinja2", "yaml", "runcomfy_codegen")
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in tops)
    found = {
        "statuses": [shots.status, speech.status, picture.status],
        "video": shots.output.video,
        "audio": speech.output.audio,
        "image": picture.output.image,
        "loaded": loaded,
    }
    print(json.dumps(found))


main()
'''

WRONG_ENUM = '''
from mymodels import RunComfy


def speak(client: RunComfy) -> None:
    client.sonora.voice_1.text_to_speech.run(text="Hello", voice="coral")
    client.sonora.voice_1.text_to_speech.run(text="Hello", voice="alto")  # E
'''


@dataclass
class Project:
    python: Path
    root: Path  # the user's project, outside the checkout
    emulator: str
    sync: subprocess.CompletedProcess[str]

    @property
    def package(self) -> Path:
        return self.root / "src" / "mymodels"

    @property
    def env(self) -> dict[str, str]:
        return {"RUNCOMFY_API_TOKEN": TOKEN, "RUNCOMFY_BASE_URL": self.emulator}

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return run_user_python(self.python, *args, cwd=self.root, env={**self.env, **env})

    def codegen(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The console script, as the user types it."""
        script = self.python.parent / "runcomfy-codegen"
        return run_user_python(script, *args, cwd=self.root, env=self.env)

    def mypy(self, name: str, source: str) -> subprocess.CompletedProcess[str]:
        (self.root / name).write_text(textwrap.dedent(source))
        return self.run("-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
                        name, MYPYPATH=str(self.root / "src"))  # fmt: skip


def _emulator(python: Path, cwd: Path) -> subprocess.Popen[str]:
    command = [str(python.parent / "runcomfy"), "emulator", "--catalog", "sample", "--port", "0",
               "--token", TOKEN, "--queue-seconds", "0.05", "--run-seconds", "0.2",
               "--log-level", "warning"]  # fmt: skip
    return subprocess.Popen(command, cwd=cwd, env=user_environ(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.fixture(scope="module")
def project(user_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """The user's project after ``runcomfy-codegen sync`` of three models from the emulator
    (started from the user's environment with the wheel's sample catalog)."""
    root = tmp_path_factory.mktemp("users-project")
    assert ROOT not in root.parents
    (root / "src").mkdir()
    process = _emulator(user_env, root)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert "emulator at " in first, first + (process.stderr.read() if process.stderr else "")
        url = first.rsplit(" ", 1)[-1].strip()
        made = Project(user_env, root, url, subprocess.CompletedProcess([], 0))
        only = [arg for model in MODELS for arg in ("--only", model)]
        made.sync = made.codegen("sync", "--base-url", url, *only, "--into", "src/mymodels")
        yield made
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_sync_writes_the_three_models_and_their_package_into_the_users_folder(
    project: Project,
) -> None:
    done = project.sync
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sync: 3 added, 0 changed, 0 unchanged, 0 removed, 0 refused" in done.stdout
    package = project.package
    assert sorted(p.relative_to(package / "schemas").as_posix()
                  for p in (package / "schemas").rglob("*.yaml")) == sorted(
        f"{m}.yaml" for m in MODELS
    )  # fmt: skip
    for name in ("__init__.py", "_client.py", "_registry.py", "py.typed"):
        assert (package / name).is_file(), name
    assert not (package / "__main__.py").exists() and not (package / "pytest_plugin.py").exists()
    assert (package / "endpoints/nimbus/drift_3/multi_shot.py").is_file()
    registry = (package / "_registry.py").read_text()
    assert "'mymodels.endpoints.nimbus.drift_3.multi_shot'" in registry.replace('"', "'")


def test_check_passes_and_generate_has_nothing_to_write(project: Project) -> None:
    check = project.codegen("check", "--into", "src/mymodels")
    assert check.returncode == 0, check.stdout + check.stderr
    again = project.codegen("generate", "--into", "src/mymodels")
    assert again.returncode == 0 and "nothing to write" in again.stdout, again.stdout


def test_the_generated_package_imports_only_the_runtime_and_itself(project: Project) -> None:
    found: set[str] = set()
    for path in project.package.rglob("*.py*"):
        if path.suffix not in (".py", ".pyi"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
    assert found - set(sys.stdlib_module_names) == {"mymodels", "runcomfy_runtime"}, found


def test_the_users_typed_script_passes_mypy_strict(project: Project) -> None:
    done = project.mypy("make_media.py", USERS_SCRIPT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues found" in done.stdout


def test_a_wrong_enum_value_is_rejected_by_mypy_on_its_line(project: Project) -> None:
    done = project.mypy("wrong_voice.py", WRONG_ENUM)
    marked = {n for n, line in enumerate(WRONG_ENUM.splitlines(), 1) if line.endswith("# E")}
    flagged = {int(n) for n in re.findall(r"wrong_voice\.py:(\d+): error", done.stdout)}
    assert done.returncode == 1 and flagged == marked, done.stdout
    assert "Literal['alto']" in done.stdout  # the message names the value it refused


def test_the_users_script_runs_its_three_jobs_against_the_emulator(project: Project) -> None:
    (project.root / "make_media.py").write_text(USERS_SCRIPT)
    done = project.run("make_media.py", PYTHONPATH=str(project.root / "src"))
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(done.stdout)
    assert found["statuses"] == ["succeeded"] * 3
    for kind in ("video", "audio", "image"):
        assert found[kind].startswith(project.emulator + "/files/"), found
    assert found["loaded"] == []  # neither the generator nor Jinja2 nor PyYAML at run time


def test_the_generator_refuses_a_package_name_that_would_hide_another(project: Project) -> None:
    refused = {"runcomfy": "ships with", "httpx": "already imports", "json": "already imports",
               "my-models": "not a Python identifier"}  # fmt: skip
    for name, said in refused.items():
        done = project.codegen("generate", "--into", f"src/{name}")
        assert done.returncode == 2 and said in done.stderr, (name, done.stderr)
        assert "Traceback" not in done.stderr and not (project.root / "src" / name).exists()


def test_python_m_runcomfy_codegen_shows_its_help(project: Project) -> None:
    done = project.run("-m", "runcomfy_codegen", "--help")
    assert done.returncode == 0, done.stderr
    for verb in ("sync", "import", "generate", "check", "--into"):
        assert verb in done.stdout


@pytest.fixture(scope="module")
def plain_env(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel installed without the ``codegen`` extra: its dependencies are not there."""
    folder = shared_folder(tmp_path_factory) / "plain"
    return once(folder, lambda home: make_user_env(wheel, home, without=set(NEEDS.values())))


def test_without_the_codegen_extra_the_command_names_the_pip_line(
    plain_env: Path, tmp_path: Path
) -> None:
    absent = run_user_python(plain_env, "-c", "import jinja2", cwd=tmp_path)
    assert absent.returncode == 1 and "No module named 'jinja2'" in absent.stderr
    script = plain_env.parent / "runcomfy-codegen"
    for args in (["sync", "--into", "src/mymodels"], ["generate", "--into", "src/mymodels"], []):
        done = run_user_python(script, *args, cwd=tmp_path)
        assert done.returncode == 69, (args, done.stderr)
        assert PIP_LINE in done.stderr and "Traceback" not in done.stderr
        assert "Jinja2" in done.stderr and "PyYAML" in done.stderr
    assert not (tmp_path / "src").exists()
    helped = run_user_python(plain_env, "-m", "runcomfy_codegen", "--help", cwd=tmp_path)
    assert helped.returncode == 0 and "--into" in helped.stdout  # help needs no extra
