"""The installed ``runcomfy`` command, where the process itself matters: its exit status, Ctrl-C,
stdin, resource limits, and the shell that runs its completion script. Everything else is
tested in this process (``test_cli.py``).
"""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from runcomfy_cli.exitcodes import ExitCode
from runcomfy_emulator import EmulatorServer
from tests.conftest import QUICK_JOBS
from tests.helpers import (
    RUNCOMFY,
    SUBPROCESS_LIMIT,
    TEXT_TO_IMAGE,
    isolated_env,
    run_installed,
    wait_line,
)

EMULATOR_JOBS = QUICK_JOBS  # done by the client's first poll


def test_the_installed_command_exits_with_the_documented_codes(tmp_path: Path) -> None:
    assert run_installed(None, "--help", config_dir=tmp_path).code == 0
    unknown = run_installed(None, "run", TEXT_TO_IMAGE, "--no-such-option", config_dir=tmp_path)
    assert unknown.code == ExitCode.USAGE
    assert "usage: runcomfy run" in unknown.stderr
    assert run_installed(None, "status", "x", config_dir=tmp_path, token=None).code == (
        ExitCode.AUTH
    )
    emulator_help = run_installed(None, "emulator", "--help", config_dir=tmp_path)
    assert emulator_help.code == 0 and "--faults" in emulator_help.stdout


def test_emulator_without_its_extra_says_what_to_install(tmp_path: Path) -> None:
    """``pip install runcomfy`` without ``[emulator]``: Starlette is missing (blocked here)."""
    script = (
        "import sys; sys.modules['starlette'] = None; sys.argv = ['runcomfy', 'emulator']\n"
        "from runcomfy.__main__ import main\n"
        "sys.exit(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=isolated_env(None, tmp_path),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_LIMIT,
    )
    assert done.returncode == ExitCode.UNAVAILABLE, done.stderr
    assert done.stderr == (
        "runcomfy: the emulator needs packages not installed (starlette): "
        "pip install 'runcomfy[emulator]'\n"
    )


def test_an_argument_in_bytes_that_are_not_utf8_is_one_line_not_a_traceback(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    argv = [bytes(RUNCOMFY), b"run", TEXT_TO_IMAGE.encode(), b"--prompt", b"caf\xe9"]
    env = {**isolated_env(emulator, tmp_path), "LC_ALL": "C.UTF-8"}
    done = subprocess.run(argv, env=env, capture_output=True, timeout=SUBPROCESS_LIMIT)
    assert done.returncode == ExitCode.USAGE
    assert b"not valid UTF-8" in done.stderr and b"Traceback" not in done.stderr
    assert emulator.stats().submits == 0


def test_input_file_dash_reads_piped_stdin(emulator: EmulatorServer, tmp_path: Path) -> None:
    ran = run_installed(
        emulator, "run", TEXT_TO_IMAGE, "--input-file", "-", "--no-wait", "--output", "json",
        config_dir=tmp_path, stdin=json.dumps({"prompt": "from a pipe"}).encode(),
    )  # fmt: skip
    assert ran.code == 0, ran.stderr
    job = emulator.emulator.jobs.snapshot(ran.json()["request_id"])
    assert job is not None and dict(job.job.payload) == {"prompt": "from a pipe"}


def _start(emulator: EmulatorServer, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(RUNCOMFY), *args],
        env=isolated_env(emulator, tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ctrl_c_while_waiting_says_once_that_the_job_goes_on(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.reset(queue_seconds=600)
    process = _start(emulator, tmp_path, "run", TEXT_TO_IMAGE, "--prompt", "x")
    assert process.stderr is not None
    seen: list[str] = []
    wait_line(process.stderr, ": submitted", seen)
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=SUBPROCESS_LIMIT)
    assert process.returncode == ExitCode.INTERRUPTED
    request_id = seen[-1].split(":")[0]
    said = [line for line in rest.splitlines() if "interrupted" in line]
    assert said == [
        f"runcomfy: interrupted: job {request_id} goes on; `runcomfy wait {request_id}` waits "
        f"for it again, `runcomfy cancel {request_id}` cancels it while it is queued"
    ]
    assert emulator.stats().jobs_created == 1


def test_ctrl_c_during_a_submit_on_the_wire_says_a_job_may_exist(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    emulator.add_fault("delay", "submit", seconds=3)
    process = _start(emulator, tmp_path, "-vv", "run", TEXT_TO_IMAGE, "--prompt", "x")
    assert process.stderr is not None
    seen: list[str] = []
    wait_line(process.stderr, "send_request_headers.started request=<Request [b'POST']>", seen)
    wait_line(process.stderr, "send_request_body.complete", seen)  # -vv: httpcore's steps
    process.send_signal(signal.SIGINT)
    _, rest = process.communicate(timeout=SUBPROCESS_LIMIT)
    assert process.returncode == ExitCode.INTERRUPTED
    assert "interrupted after the submit was sent: a job may exist" in rest
    assert rest.count("interrupted") == 1


def _limit_file_size() -> None:
    """In the child: files may grow to 1 KiB at most, as on a full disk (EFBIG past it)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def test_outputs_the_disk_refuses_say_the_job_succeeded_and_how_to_save_them(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    ran = run_installed(
        emulator, "run", TEXT_TO_IMAGE, "--prompt", "x", "--out", str(out),
        config_dir=tmp_path, preexec_fn=_limit_file_size,
    )  # fmt: skip
    assert ran.code == ExitCode.ERROR, ran.stderr
    [line] = ran.stderr.splitlines()[-1:]
    assert "succeeded, but its outputs could not be saved" in line
    assert f"--out {out}` saves them" in line
    assert "Traceback" not in ran.stderr


def test_the_bash_completion_script_parses_and_completes(tmp_path: Path) -> None:
    script = run_installed(None, "completion", "bash", config_dir=tmp_path)
    assert script.code == 0
    path = tmp_path / "runcomfy.bash"
    path.write_text(script.stdout)
    assert subprocess.run(["bash", "-n", str(path)], capture_output=True).returncode == 0
    probe = f"""
source {path}
complete_words() {{ COMP_WORDS=("$@"); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 )); COMPREPLY=();
    _runcomfy_complete; echo "${{COMPREPLY[*]}}"; }}
complete_words runcomfy re
complete_words runcomfy --output json ru
complete_words runcomfy run bytedance/dreamina-4-0/te
complete_words runcomfy run {TEXT_TO_IMAGE} --wid
complete_words runcomfy models ""
complete_words runcomfy completion ""
complete_words runcomfy --output ""
"""
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "result requests",
        "run",
        TEXT_TO_IMAGE,
        "--width-height",
        "list categories get",
        "bash zsh fish",
        "pretty json",
    ]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_name_every_command(tmp_path: Path, shell: str) -> None:
    script = run_installed(None, "completion", shell, config_dir=tmp_path).stdout
    for command in ("run", "batch", "models", "requests", "completion", TEXT_TO_IMAGE):
        assert command in script
    if shell == "zsh":
        assert script.startswith("autoload -U +X bashcompinit && bashcompinit")
        path = tmp_path / "runcomfy.zsh"
        path.write_text(script.split("\n", 1)[1])  # the rest is the bash script
        assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
