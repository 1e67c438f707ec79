"""``runcomfy-codegen sync`` against a served catalog (the emulator's, with a fixture of 28
models of every kind), then ``generate``, ``check``, ``mypy --strict`` and one job per synced
model through the freshly generated package, its output saved with the right kind. And a sync
where one model uses a construct nobody knows: the rest is written, it is listed, exit 1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer
from tests.hostile import HostileServer, as_json

ROOT = Path(__file__).resolve().parent.parent
CATALOG = json.loads((ROOT / "examples/catalog.json").read_text(encoding="utf-8"))


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    merged = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=merged, timeout=300)


JOBS = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from runcomfy import REGISTRY, RunComfy
    from runcomfy_runtime.polling import PollPolicy

    payloads = json.loads(Path(sys.argv[1]).read_text())
    signatures = {"image": b"\\x89PNG", "video": b"ftyp", "audio": b"RIFF"}
    fast = PollPolicy(min_interval=0.05, max_interval=0.2)
    kinds = {}
    with RunComfy(poll=fast) as client:
        for model_id in sorted(REGISTRY):
            result = client.run(model_id, payloads[model_id])
            (path,) = client.download(result, Path(sys.argv[2]) / model_id)
            wanted = REGISTRY[model_id].output_kind or "image"
            assert signatures[wanted] in path.read_bytes()[:16], (model_id, wanted, path)
            kinds[model_id] = wanted
    print(json.dumps(kinds))
""")


def test_sync_generate_check_type_check_and_run_every_model(
    tmp_path: Path, mypy_cache: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    with EmulatorServer(REGISTRY, queue_seconds=0.02, run_seconds=0.05, workers=64,
                        catalog=ROOT / "examples/catalog.json") as emulator:  # fmt: skip
        env = {"RUNCOMFY_API_TOKEN": emulator.token, "RUNCOMFY_BASE_URL": emulator.url}
        into = ("--schemas", "schemas", "--into", "generated/runcomfy", "--distribution")
        synced = run(sys.executable, "-m", "runcomfy_codegen", "sync", *into,
                     "--base-url", emulator.url, cwd=repo, env=env)  # fmt: skip
        assert synced.returncode == 0, synced.stdout + synced.stderr
        assert "28 added, 4 changed" in synced.stdout, synced.stdout
        for verb in ("generate", "check"):
            done = run(sys.executable, "-m", "runcomfy_codegen", verb, *into,
                       cwd=repo)  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
        typed = run(sys.executable, "-m", "mypy", "--strict", f"--cache-dir={mypy_cache}",
                    "runcomfy", cwd=repo / "generated",
                    env={"MYPYPATH": str(repo / "generated")})  # fmt: skip
        assert typed.returncode == 0, typed.stdout
        synced_ids = [*REGISTRY, *(m["model_id"] for m in CATALOG["models"])]
        payloads = {m: emulator.example_payload(m) for m in synced_ids}
        (tmp_path / "payloads.json").write_text(json.dumps(payloads))
        (tmp_path / "jobs.py").write_text(JOBS)
        jobs = run(sys.executable, str(tmp_path / "jobs.py"), str(tmp_path / "payloads.json"),
                   str(tmp_path / "out"), cwd=tmp_path,
                   env={**env, "PYTHONPATH": str(repo / "generated")})  # fmt: skip
        assert jobs.returncode == 0, jobs.stdout + jobs.stderr
    kinds = json.loads(jobs.stdout)
    assert len(kinds) == 32
    assert set(kinds.values()) == {"image", "video", "audio"}
    merged = (repo / "schemas/bytedance/dreamina-4-0/edit.yaml").read_text()
    assert "catalog:" in merged and "output:" in merged  # the page's output schema was kept


UNKNOWN = {
    "model_id": "acme/hologram-1/make",
    "display_name": "Hologram",
    "kind": "image",
    "input_schema": {
        "type": "object",
        "required": ["depth"],
        "properties": {
            "depth": {"type": "tensor"},
            "scan": {"type": "string", "format": "hologram_uri"},
        },
    },
}


def test_a_sync_with_one_model_nobody_understands_writes_the_others_and_exits_1(
    tmp_path: Path,
) -> None:
    good = CATALOG["models"][:3]
    with HostileServer() as server:
        listing = {"models": [*good, UNKNOWN], "total": 4}
        server.routes["/v1/models"] = as_json(200, listing)
        env = {"RUNCOMFY_API_TOKEN": "sk-sync-test-0123456789"}
        done = run(sys.executable, "-m", "runcomfy_codegen", "sync", "--schemas",
                   str(tmp_path / "schemas"), "--into", str(tmp_path / "mymodels"),
                   "--base-url", server.url, cwd=ROOT, env=env)  # fmt: skip
        asked = [r for r in server.requests if r.path == "/v1/models"]
    assert done.returncode == 1, done.stdout + done.stderr
    assert "3 added" in done.stdout and "1 refused" in done.stdout
    assert "refused   acme/hologram-1/make:" in done.stdout
    assert "unknown type 'tensor'" in done.stdout and "unknown format 'hologram_uri'" in done.stdout
    for entry in good:
        assert (tmp_path / "schemas" / f"{entry['model_id']}.yaml").is_file()
    assert not (tmp_path / "schemas/acme/hologram-1/make.yaml").exists()
    assert asked and asked[0].headers["authorization"] == "Bearer sk-sync-test-0123456789"
