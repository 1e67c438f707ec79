"""A user's own project, outside the checkout, against the installed wheel: its test suite
uses only the pytest plugin's fixtures (``runcomfy_emulator``, ``runcomfy_client``), the
sample catalog comes from the wheel, and a project that uses none of it pays nothing for it
when pytest starts."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

from tests.wheel_env import ROOT, run_user_python

USERS_CODE = '''
"""The user's own code: it knows nothing of tests or emulators."""
from runcomfy import RunComfy


def make_picture(client: RunComfy, prompt: str) -> str:
    result = client.bytedance.dreamina_4_0.text_to_image.run(prompt=prompt)
    assert result.output.image is not None
    return result.output.image
'''

USERS_TESTS = '''
"""The user's tests: only the plugin's fixtures, no conftest."""
import httpx
import pytest

from runcomfy import InputValidationError, RunComfy, UnknownModelError
from picture import make_picture


def test_my_code_makes_a_picture(runcomfy_client, runcomfy_emulator):
    url = make_picture(runcomfy_client, "a cat")
    assert url.startswith(runcomfy_emulator.url)
    assert httpx.get(url).content[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    assert runcomfy_emulator.stats().jobs_created == 1


def test_my_code_rides_out_a_flaky_status_route(runcomfy_client, runcomfy_emulator):
    runcomfy_emulator.add_faults("status:server_error=503x2")
    make_picture(runcomfy_client, "a dog")
    stats = runcomfy_emulator.stats()
    assert stats.jobs_created == 1 and sum(stats.faults_fired.values()) == 2


def test_bad_input_costs_no_job(runcomfy_client, runcomfy_emulator):
    with pytest.raises(InputValidationError):
        runcomfy_client.bytedance.dreamina_4_0.text_to_image.run(prompt="x" * 5000)
    assert runcomfy_emulator.stats().submits == 0


def test_code_that_reads_the_environment(runcomfy_emulator, monkeypatch):
    monkeypatch.setenv("RUNCOMFY_BASE_URL", runcomfy_emulator.url)
    monkeypatch.setenv("RUNCOMFY_API_TOKEN", runcomfy_emulator.token)
    with RunComfy() as client:
        make_picture(client, "a bird")


@pytest.mark.runcomfy_emulator(catalog="sample", run_seconds=0.1)
def test_a_catalog_model_from_the_sample_catalog(runcomfy_client):
    speech = runcomfy_client.run("sonora/voice-1/text-to-speech", {"text": "hi", "voice": "coral"})
    assert speech.output.audio is not None


def test_without_a_catalog_only_the_packages_models_are_served(runcomfy_client):
    with pytest.raises(UnknownModelError):
        runcomfy_client.run("sonora/voice-1/text-to-speech", {"text": "hi"})


def test_no_record_of_job_lengths_outlives_the_test(runcomfy_client):
    make_picture(runcomfy_client, "a fish")  # a finished job: a record would have its length
    assert runcomfy_client._record.record is None
'''

USERS_INI_TEST = """
def test_the_ini_adds_the_sample_catalog_to_every_emulator(runcomfy_client):
    ids = [entry.model_id for entry in runcomfy_client.models(search="voice")]
    assert "sonora/voice-1/text-to-speech" in ids
"""

MODULES_PROBE = """
import json, sys
def test_dump_modules():
    with open("modules.json", "w") as handle:
        json.dump(sorted(sys.modules), handle)
"""


def _project(root: Path, files: dict[str, str]) -> Path:
    assert ROOT not in root.parents and root != ROOT
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def _pytest(python: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The user's pytest with the record of job lengths on, as a user has it, and in the
    project's ``.cache`` (never the real user cache): the plugin's fixture is what keeps it off
    (``test_a_users_test_suite_...`` checks)."""
    return run_user_python(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", *args,
        cwd=project, env={"RUNCOMFY_NO_POLL_CACHE": "", "RUNCOMFY_CACHE_DIR": f"{project}/.cache"},
    )  # fmt: skip


def test_a_users_test_suite_runs_on_the_plugins_fixtures_alone(
    user_env: Path, tmp_path: Path
) -> None:
    project = _project(
        tmp_path / "my-project",
        {"picture.py": USERS_CODE, "tests/test_picture.py": USERS_TESTS},
    )
    done = _pytest(user_env, project, "--rootdir", str(project), "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout, done.stdout
    assert not (project / ".cache").exists()  # no client of the suite kept a record
    where = run_user_python(user_env, "-c", "import runcomfy; print(runcomfy.__file__)",
                            cwd=project).stdout  # fmt: skip
    assert str(ROOT) not in where  # the wheel's package ran, not the checkout's


def test_the_ini_option_gives_every_emulator_the_sample_catalog(
    user_env: Path, tmp_path: Path
) -> None:
    project = _project(tmp_path / "with-ini", {"tests/test_voice.py": USERS_INI_TEST})
    (project / "pytest.ini").write_text("[pytest]\nruncomfy_emulator_catalog = sample\n")
    done = _pytest(user_env, project, "tests")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout


def test_the_plugin_loads_nothing_heavy_in_a_project_that_does_not_use_it(
    user_env: Path, tmp_path: Path
) -> None:
    project = _project(tmp_path / "unrelated", {"test_nothing.py": MODULES_PROBE})
    seen = {}
    for label, extra in (("with", ()), ("without", ("-p", "no:runcomfy"))):
        done = _pytest(user_env, project, *extra, "test_nothing.py")
        assert done.returncode == 0, done.stdout + done.stderr
        seen[label] = set(json.loads((project / "modules.json").read_text()))
    added = seen["with"] - seen["without"]
    assert "runcomfy.pytest_plugin" in added  # it was loaded...
    assert added <= {  # ...and brought nothing but itself and two light package inits
        "runcomfy",
        "runcomfy.pytest_plugin",
        "runcomfy_emulator",
        "runcomfy_emulator.pytest_plugin",
    }, sorted(added)


def test_the_sample_catalog_is_served_from_the_wheel(user_env: Path, tmp_path: Path) -> None:
    process = subprocess.Popen(
        [str(user_env), "-m", "runcomfy", "emulator", "--catalog", "sample", "--port", "0",
         "--log-level", "warning"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
    finally:
        process.terminate()
        process.communicate(timeout=30)
    models = [line for line in lines if line.strip().startswith("models:")]
    assert models, lines
    count = int(models[0].split()[1])
    catalog = json.loads((ROOT / "runcomfy_emulator/sample_catalog.json").read_text())
    assert count >= len(catalog["models"])
