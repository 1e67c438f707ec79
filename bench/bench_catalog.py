"""Benchmark: RunComfy's whole catalog as served, end to end, at 452 models.

The pipeline a maintainer runs, each stage a whole process, timed (median [min-max] of
``--repeat`` runs; it prints figures and PASS/MISS per goal, asserts nothing):

1. the emulator (its own process) serving ``tests/catalog400``'s 452 fictional models with
   ``--catalog`` (structured inputs, nested ids, every media construct);
2. ``runcomfy-codegen sync --base-url <emulator>`` into a temporary copy of the repository
   (which generates the package too);
3. ``make generate`` and ``make check`` there (the same interpreter: no new virtualenv);
4. ``mypy --strict`` of the generated package;
5. one job per model through the freshly generated package (its dynamic path, 64 at once on
   the async client), each output downloaded and its kind checked against the categories:
   jobs per second.

Goal (issue 19): the catalog syncs, generates, checks and type-checks "in minutes, not hours";
here the sum of stages 2-4 under 2 minutes.

Run: ``.venv/bin/python bench/bench_catalog.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from emulator_process import TOKEN, emulator_process  # noqa: E402

from tests import catalog400  # noqa: E402

GOAL_SECONDS = 120.0
COPIED = ("runcomfy_codegen", "schemas", "generated", "Makefile", "pyproject.toml")

JOBS = textwrap.dedent("""
    import asyncio, json, sys, time
    from pathlib import Path
    from runcomfy import REGISTRY, AsyncRunComfy
    from runcomfy_runtime.polling import PollPolicy

    payloads = json.loads(Path(sys.argv[1]).read_text())
    kinds = json.loads(Path(sys.argv[2]).read_text())
    out = Path(sys.argv[3])
    signatures = {"image": b"\\x89PNG", "video": b"ftyp", "audio": b"RIFF"}

    async def main() -> None:
        gate = asyncio.Semaphore(64)
        poll = PollPolicy(min_interval=0.05, max_interval=0.2)
        async with AsyncRunComfy(poll=poll) as client:
            failed = {}

            async def one(model_id: str) -> None:
                async with gate:
                    try:
                        result = await client.run(model_id, payloads[model_id])
                        (path,) = await client.download(result, out / model_id)
                    except Exception as e:
                        detail = getattr(e, "details", None) or ""
                        failed[model_id] = f"{type(e).__name__}: {e} {detail}"[:600]
                        return
                    kind = REGISTRY[model_id].output_kind
                    assert kind == kinds[model_id], (model_id, kind, kinds[model_id])
                    assert signatures[kind] in path.read_bytes()[:16], (model_id, path)
            start = time.perf_counter()
            await asyncio.gather(*(one(m) for m in sorted(payloads)))
            seconds = time.perf_counter() - start
            print(json.dumps({"jobs": len(payloads), "seconds": seconds, "failed": failed}))

    asyncio.run(main())
""")


def timed(run: Callable[[], subprocess.CompletedProcess[str]]) -> tuple[float, str]:
    start = time.perf_counter()
    done = run()
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.args}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def process(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> Callable[[], subprocess.CompletedProcess[str]]:
    merged = {**os.environ, **(env or {})}
    return lambda: subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=merged)


@contextmanager
def repository_copy() -> Iterator[Path]:
    """The repository's code, schemas and Makefile in a temporary folder (timestamps kept, so
    ``make`` sees the virtualenv as up to date and builds none)."""
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        copy = Path(tmp) / "repo"
        copy.mkdir()
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, copy / name)
        yield copy


def payloads_for(models: list[dict[str, Any]], url: str) -> dict[str, Any]:
    """A valid payload per model, its media at the emulator's ``/inputs`` (made in process
    from the same entries the emulator serves, by the emulator's own stand-in maker)."""
    from runcomfy_emulator.catalog import spec_of_entry
    from runcomfy_emulator.examples import example_payload

    return {m["model_id"]: example_payload(spec_of_entry(m), url) for m in models}


def one_run(catalog_file: Path, models: list[dict[str, Any]]) -> dict[str, float]:
    venv = Path(sys.prefix)  # the virtualenv this runs in: make uses it as it is
    figures: dict[str, float] = {}
    with (
        emulator_process(
            "--catalog", str(catalog_file), "--queue-seconds", "0.02", "--run-seconds", "0.05",
            "--workers", "64", "--probe-timeout", "30",  # its own fetches, on a loaded machine
        ) as url,
        repository_copy() as repo,
    ):  # fmt: skip
        env = {"RUNCOMFY_API_TOKEN": TOKEN, "RUNCOMFY_BASE_URL": url, "PYTHONPATH": str(repo)}
        into = ("--schemas", "schemas", "--into", "generated/runcomfy", "--distribution")
        sync = ("-m", "runcomfy_codegen", "sync", *into, "--base-url", url)
        figures["sync"], said = timed(process(sys.executable, *sync, cwd=repo, env=env))
        print("  " + said.strip().splitlines()[-1])
        make = ("make", f"VENV={venv}")
        figures["generate"], _ = timed(process(*make, "generate", cwd=repo, env=env))
        figures["check"], _ = timed(process(*make, "check", cwd=repo, env=env))
        generated = repo / "generated"
        mypy = [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir=/dev/null",
        ]
        type_check = process(*mypy, "runcomfy", cwd=generated, env={"MYPYPATH": str(generated)})
        figures["mypy"], _ = timed(type_check)
        work = repo / "jobs"
        work.mkdir()
        (work / "payloads.json").write_text(json.dumps(payloads_for(models, url)))
        kinds = {m["model_id"]: m["categories"][0].rsplit("-", 1)[-1] for m in models}
        (work / "kinds.json").write_text(json.dumps(kinds))
        (work / "jobs.py").write_text(JOBS)
        job_env = {**env, "PYTHONPATH": str(generated)}
        files = ("jobs.py", "payloads.json", "kinds.json", "out")
        _, said = timed(process(sys.executable, *files, cwd=work, env=job_env))
        ran = json.loads(said)
        figures["jobs_per_s"] = ran["jobs"] / ran["seconds"]
        figures["failed"] = len(ran["failed"])
        for model_id, why in sorted(ran["failed"].items()):
            print(f"  job failed: {model_id}: {why}")
    return figures


def shown(values: list[float], unit: str) -> str:
    if len(values) == 1:
        return f"{values[0]:.1f} {unit}"
    return f"{statistics.median(values):.1f} [{min(values):.1f}-{max(values):.1f}] {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs of the whole pipeline")
    args = parser.parse_args()
    models = catalog400.catalog()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s); {len(models)} models")
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-catalog-json-") as tmp:
        catalog_file = Path(tmp) / "catalog.json"
        catalog_file.write_text(json.dumps(catalog400.listing()), encoding="utf-8")
        for n in range(args.repeat):
            print(f"run {n + 1} of {args.repeat}")
            runs.append(one_run(catalog_file, models))
    for stage, unit in (("sync", "s"), ("generate", "s"), ("check", "s"), ("mypy", "s"),
                        ("jobs_per_s", "jobs/s"), ("failed", "jobs")):  # fmt: skip
        print(f"{stage:>10}: {shown([r[stage] for r in runs], unit)}")
    total = statistics.median(r["sync"] + r["generate"] + r["check"] + r["mypy"] for r in runs)
    verdict = "PASS" if total < GOAL_SECONDS else "MISS"
    print(f"sync + generate + check + mypy: {total:.1f} s (goal < {GOAL_SECONDS:.0f} s): {verdict}")


if __name__ == "__main__":
    main()
