"""``make demo``: the generated client end to end, offline.

1. Bad input is caught before anything is sent, with every problem at once.
2. The local emulator of the API starts in the background (a real HTTP server on 127.0.0.1).
3. A text-to-image job and an edit job run through the typed client, with a live status line.
4. The outputs are downloaded; their paths and sizes are printed.
The emulator is stopped whatever happens.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import runcomfy
from runcomfy import RunComfy, Status

OUT = Path(__file__).resolve().parent.parent / "demo-out"
TOKEN = "demo-token"


def show_validation() -> None:
    print("1. Validation before anything is sent:")
    try:
        runcomfy.validate(
            "bytedance/dreamina-4-0/edit",
            {"image_urls": [], "prompt": "x" * 801, "width×height": "999x999", "seed": 7},
        )
    except runcomfy.InputValidationError as e:
        print("   " + str(e).replace("\n", "\n   "))


@contextmanager
def emulator() -> Iterator[str]:
    """The emulator as its own process; yields its URL and always stops it."""
    command = [sys.executable, "-m", "runcomfy", "emulator", "--port", "0", "--token", TOKEN]
    command += ["--queue-seconds", "0.5", "--run-seconds", "1.5", "--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        if "emulator at " not in first:
            raise SystemExit(f"the emulator did not start: {first!r}")
        url = first.rsplit(" ", 1)[-1].strip()
        print(f"2. Emulator running at {url} (pid {process.pid})")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        print("   emulator stopped")


def status_line(label: str) -> Callable[[Status], None]:
    started = time.monotonic()
    tty = sys.stdout.isatty()

    def show(status: Status) -> None:
        text = f"   {label}: {status} after {time.monotonic() - started:.1f}s"
        print(("\r" + text.ljust(70)) if tty else text, end="" if tty else "\n", flush=True)

    return show


def end_line() -> None:
    if sys.stdout.isatty():
        print()


def main(out: Path = OUT) -> int:
    show_validation()
    with emulator() as url, RunComfy(api_token=TOKEN, base_url=url) as client:
        print("3. Jobs through the typed client:")
        image = client.bytedance.dreamina_4_0.text_to_image.run(
            prompt="A beautiful girl is walking on the street",
            width_height="1024x1024(1:1)",
            on_status=status_line("text-to-image"),
        )
        end_line()
        edit = client.bytedance.dreamina_4_0.edit.run(
            image_urls=[
                f"{url}/inputs/usecase5-1-1-input.jpg",
                f"{url}/inputs/usecase5-1-2-input.jpg",
            ],
            prompt="A beautiful girl is sitting on the boat",
            on_status=status_line("edit"),
        )
        end_line()
        print(
            f"4. Outputs saved under {out} (the emulator's placeholder images, of the size asked):"
        )
        for name, result in (("text-to-image", image), ("edit", edit)):
            for path in client.download(result, out / name):
                print(f"   {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    os.environ.pop("RUNCOMFY_BASE_URL", None)
    given = sys.argv[1:]
    sys.exit(main(Path(given[1]) if given[:1] == ["--out"] and len(given) > 1 else OUT))
