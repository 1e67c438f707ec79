"""Start-up, as a user meets it: whole processes of the command line and of building a client,
against ``python -c pass`` and ``import httpx`` in the same run, interleaved.

Goals (the issue's): ``runcomfy --help`` and ``runcomfy models`` (no token: the generated
models only) within 100 ms of a whole process each; building a client for an ``http://`` base
URL builds no TLS context (it costs ~16 ms a pool).

With ``--before PATH`` (a checkout of an earlier commit: ``git worktree add PATH REV``), each
``runcomfy`` case runs again importing that checkout's packages (``PYTHONPATH``), interleaved
with this tree's, and the ratios are printed.

Run: ``.venv/bin/python bench/bench_startup.py [--reps 9] [--before PATH]``
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
RUNCOMFY = str(Path(sys.executable).with_name("runcomfy"))
CLIENT = (
    "from runcomfy import RunComfy\n"
    "RunComfy(api_token='sk-bench-0123456789', base_url='http://127.0.0.1:9')\n"
)
TLS = CLIENT + (
    "from runcomfy_runtime.transport import tls_context\n"
    "assert tls_context.cache_info().misses == 0, 'a TLS context was built'\n"
)
CASES = {
    "python -c pass": [PYTHON, "-c", "pass"],
    "python -c 'import httpx'": [PYTHON, "-c", "import httpx"],
    "runcomfy --help": [RUNCOMFY, "--help"],
    "runcomfy models (no token)": [RUNCOMFY, "models"],
    "build a client (http:// base)": [PYTHON, "-c", CLIENT],
}
GOALS = {"runcomfy --help": 0.100, "runcomfy models (no token)": 0.100}


def whole(command: list[str], tree: Path | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole process; the CPU time (user + system, from
    ``getrusage``) is what a loaded machine disturbs least."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNCOMFY_", "YOUR_API"))}
    env["RUNCOMFY_CONFIG_DIR"] = "/nonexistent"
    if tree is not None:
        env["PYTHONPATH"] = f"{tree}{os.pathsep}{tree / 'generated'}"
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, capture_output=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=9)
    parser.add_argument("--before", type=Path, help="a checkout to compare with")
    args = parser.parse_args()
    runs: list[tuple[str, list[str], Path | None]] = [(n, c, None) for n, c in CASES.items()]
    if args.before is not None:
        runs += [(f"{n} (before)", c, args.before) for n, c in CASES.items() if "runcomfy" in n
                 or "client" in n]  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    cpus: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    for _, command, tree in runs:  # warm-up: .pyc files, disk cache
        whole(command, tree)
    for _ in range(args.reps):
        for name, command, tree in runs:
            wall, cpu = whole(command, tree)
            times[name].append(wall)
            cpus[name].append(cpu)
    base = statistics.median(times["python -c pass"])
    print(f"whole processes, median [min-max] of {args.reps} interleaved runs: wall, then CPU")
    for name, values in times.items():
        med, used = statistics.median(values), cpus[name]
        print(
            f"  {name:<41} {med * 1e3:6.1f} ms [{min(values) * 1e3:.1f}-{max(values) * 1e3:.1f}]"
            f"  (+{(med - base) * 1e3:.1f} ms over python -c pass)  CPU "
            f"{statistics.median(used) * 1e3:.1f} ms [{min(used) * 1e3:.1f}-{max(used) * 1e3:.1f}]"
        )
    if args.before is not None:
        for name in CASES:
            was = f"{name} (before)"
            if was in times:
                wall = statistics.median(times[name]) / statistics.median(times[was])
                cpu = statistics.median(cpus[name]) / statistics.median(cpus[was])
                print(f"  {name}: now / before: wall {wall:.2f}x, CPU {cpu:.2f}x")
    for name, goal in GOALS.items():
        med = statistics.median(times[name])
        print(
            f"  goal: {name} <= {goal * 1e3:.0f} ms ({med * 1e3:.1f} ms): "
            f"{'PASS' if med <= goal else 'MISS'}"
        )
    whole([PYTHON, "-c", TLS])  # raises if a TLS context was built
    print("  goal: a client for an http:// base builds no TLS context: PASS")


if __name__ == "__main__":
    main()
