"""The catalog as served, end to end: the emulator serving the structured models of
``tests/catalog400`` (a subset covering every feature), ``runcomfy-codegen sync`` into a copy
of the repository, ``generate``, ``check``, ``mypy --strict`` on the package and on typed use
of it (misuse rejected line by line), then one job per model through the freshly generated
package, its output saved with the kind the categories name. And the whole fixture (452
models) synced and generated. ``bench/bench_catalog.py`` times the same pipeline on all of it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer
from tests import catalog400

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests/typing"
SUBSET = catalog400.subset()
ONE_WORKER = pytest.mark.xdist_group("catalog-end-to-end")
"""The tests sharing the synced repository run on one worker (``make test`` distributes by
group), so it is synced and generated once."""


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=merged, timeout=600)


@dataclass
class Synced:
    repo: Path
    emulator: EmulatorServer
    sync: subprocess.CompletedProcess[str]
    generate: subprocess.CompletedProcess[str]
    check: subprocess.CompletedProcess[str]

    @property
    def env(self) -> dict[str, str]:
        return {"RUNCOMFY_API_TOKEN": self.emulator.token, "RUNCOMFY_BASE_URL": self.emulator.url}


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    repo = tmp_path_factory.mktemp("catalog-repo")
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    with EmulatorServer(REGISTRY, catalog=SUBSET, queue_seconds=0.02, run_seconds=0.05,
                        workers=64) as emulator:  # fmt: skip
        env = {"RUNCOMFY_API_TOKEN": emulator.token}
        into = ("--schemas", "schemas", "--into", "generated/runcomfy", "--distribution")
        sync = run(sys.executable, "-m", "runcomfy_codegen", "sync", *into,
                   "--base-url", emulator.url, cwd=repo, env=env)  # fmt: skip
        codegen = [sys.executable, "-m", "runcomfy_codegen"]
        verbs = [run(*codegen, verb, *into, cwd=repo) for verb in ("generate", "check")]
        yield Synced(repo, emulator, sync, *verbs)


@ONE_WORKER
def test_sync_then_generate_and_check_build_every_structured_model(synced: Synced) -> None:
    assert synced.sync.returncode == 0, synced.sync.stdout + synced.sync.stderr
    assert f"{len(SUBSET)} added" in synced.sync.stdout and "0 refused" in synced.sync.stdout
    for done in (synced.generate, synced.check):
        assert done.returncode == 0, done.stdout + done.stderr
    endpoints = synced.repo / "generated/runcomfy/endpoints"
    assert (endpoints / "aurora/vid_1_0/keyframes_to_video/__init__.py").is_file()  # a/b/c
    assert (endpoints / "aurora/vid_1_0/keyframes_to_video/draft.py").is_file()  # a/b/c/draft
    module = (endpoints / "aurora/vid_1_0/multi_shot_to_video.py").read_text()
    assert "class MultiPromptItem(TypedDict):" in module and "Item0" not in module
    assert "multi_prompt: Sequence[MultiPromptItem] | None = None" in module


def _mypy(synced: Synced, cache: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    generated = synced.repo / "generated"
    return run(sys.executable, "-m", "mypy", "--strict", f"--cache-dir={cache}", *targets,
               cwd=generated,
               env={"MYPYPATH": str(generated)})  # fmt: skip


@ONE_WORKER
def test_the_generated_package_and_its_typed_use_pass_mypy_strict(
    synced: Synced, mypy_cache: Path
) -> None:
    done = _mypy(synced, mypy_cache, "runcomfy", str(TYPING / "catalog_ok.py"))
    assert done.returncode == 0, done.stdout


@ONE_WORKER
def test_nested_misuse_is_a_mypy_error_on_its_own_line(synced: Synced, mypy_cache: Path) -> None:
    path = TYPING / "catalog_misuse.py"
    done = _mypy(synced, mypy_cache, str(path))
    marked = {n for n, line in enumerate(path.read_text().splitlines(), 1) if line.endswith("# E")}
    flagged = {int(m) for m in re.findall(r"catalog_misuse\.py:(\d+): error", done.stdout)}
    assert marked and marked == flagged, done.stdout


JOBS = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from runcomfy import REGISTRY, RunComfy
    from runcomfy_runtime.polling import PollPolicy

    payloads = json.loads(Path(sys.argv[1]).read_text())
    signatures = {"image": b"\\x89PNG", "video": b"ftyp", "audio": b"RIFF"}
    kinds = {}
    with RunComfy(poll=PollPolicy(min_interval=0.05, max_interval=0.2)) as client:
        for model_id in sorted(payloads):
            result = client.run(model_id, payloads[model_id])
            (path,) = client.download(result, Path(sys.argv[2]) / model_id)
            wanted = REGISTRY[model_id].output_kind or "image"
            assert signatures[wanted] in path.read_bytes()[:16], (model_id, wanted, path)
            kinds[model_id] = wanted
        typed = client.aurora.vid_1_0.keyframes_to_video.draft.run(  # an id nested three deep
            prompt="a lighthouse",
            keyframes=[{"image_url": payloads["aurora/vid-1.0/keyframes-to-video/draft"]
                        ["keyframes"][0]["image_url"], "time": t} for t in (0, 2)],
        )
        kinds["typed"] = "video" if typed.output.video else "none"
    print(json.dumps(kinds))
""")


@ONE_WORKER
def test_one_job_per_model_through_the_generated_package_with_its_output_kind(
    synced: Synced, tmp_path: Path
) -> None:
    ids = [m["model_id"] for m in SUBSET]
    payloads = {m: synced.emulator.example_payload(m) for m in ids}
    (tmp_path / "payloads.json").write_text(json.dumps(payloads))
    (tmp_path / "jobs.py").write_text(JOBS)
    before = synced.emulator.stats().jobs_created
    done = run(sys.executable, str(tmp_path / "jobs.py"), str(tmp_path / "payloads.json"),
               str(tmp_path / "out"), cwd=tmp_path,
               env={**synced.env, "PYTHONPATH": str(synced.repo / "generated")})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    kinds = json.loads(done.stdout)
    assert kinds.pop("typed") == "video"
    expected = {m["model_id"]: m["categories"][0].rsplit("-", 1)[-1] for m in SUBSET}
    assert kinds == expected
    assert synced.emulator.stats().jobs_created == before + len(ids) + 1


def test_the_whole_fixture_syncs_and_generates(tmp_path: Path) -> None:
    listing = catalog400.listing()
    with EmulatorServer({}, catalog=listing) as emulator:
        done = run(sys.executable, "-m", "runcomfy_codegen", "sync", "--schemas",
                   str(tmp_path / "schemas"), "--into", str(tmp_path / "catalog"),
                   "--base-url", emulator.url, cwd=ROOT,
                   env={"RUNCOMFY_API_TOKEN": emulator.token})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(listing['models'])} added" in done.stdout
    assert "generated" in done.stdout  # sync --into generates the package from what it wrote
    package = tmp_path / "catalog"
    modules = [p for p in (package / "endpoints").rglob("*.py")]
    assert len(modules) >= len(listing["models"])
