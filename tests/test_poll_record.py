"""The record of job lengths kept between processes: what it may hold, where it lives, how it
is written (whole, under several processes at once), and a client that starts warm from it."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import platformdirs
import pytest

from runcomfy import RunComfy
from runcomfy_runtime import constants, poll_record
from runcomfy_runtime.poll_record import PollRecord, location, merged, parse, read, write

MODEL = "bytedance/dreamina-4-0/text-to-image"
PAYLOAD = {"prompt": "a cat", "width×height": "1024x1024(1:1)"}
EMULATOR_JOBS = (0.0, 0.3)


def _record(models: dict[str, Any], **extra: Any) -> str:
    return json.dumps({"version": 1, "models": models, **extra})


def test_a_record_holds_model_ids_and_lengths() -> None:
    assert parse(_record({MODEL: [4.2, 5], "acme/widget-2.0/make": [61.5]})) == {
        MODEL: [4.2, 5.0],
        "acme/widget-2.0/make": [61.5],
    }
    assert parse(_record({})) == {}


# Anything else in the file and it is not read at all (nor trusted in part).
REFUSED = [
    _record({MODEL: [4.2]}, token="sk-secret"),  # another key
    json.dumps({"models": {MODEL: [4.2]}}),  # no version
    json.dumps({"version": 2, "models": {MODEL: [4.2]}}),  # a newer version
    json.dumps({"version": True, "models": {MODEL: [4.2]}}),
    _record({"https://evil.example/x": [4.2]}),  # a URL is not a model id
    _record({"bytedance/dreamina?x=1": [4.2]}),
    _record({"/etc/passwd": [4.2]}),
    _record({"a" * 201: [4.2]}),
    _record({MODEL: ["4.2"]}),  # a string
    _record({MODEL: [True]}),
    _record({MODEL: [-1.0]}),
    _record({MODEL: [0]}),
    _record({MODEL: [90000.0]}),  # over a day
    _record({MODEL: [{"prompt": "x"}]}),  # a payload
    '{"version": 1, "models": {"' + MODEL + '": [NaN]}}',
    _record({MODEL: []}),
    _record({MODEL: [1.0] * (constants.POLL_LEARNED_JOBS + 1)}),  # over the bounds
    _record({f"m/{i}": [1.0] for i in range(constants.POLL_RECORD_MODELS + 1)}),
    _record({MODEL: 4.2}),
    json.dumps([MODEL, 4.2]),
    '{"version": 1, "models": {',  # cut short
    "",
]


@pytest.mark.parametrize("text", REFUSED)
def test_a_file_holding_anything_else_is_not_read(text: str) -> None:
    assert parse(text) is None


def test_a_missing_huge_or_undecodable_file_reads_as_nothing(tmp_path: Path) -> None:
    assert read(tmp_path / "absent.json") is None
    huge = tmp_path / "huge.json"
    huge.write_text(_record({MODEL: [1.0]}) + " " * poll_record.MAX_FILE_BYTES)
    assert read(huge) is None
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe" + _record({MODEL: [1.0]}).encode())
    assert read(binary) is None


def test_the_record_is_bounded_newest_lengths_and_recent_models_kept() -> None:
    keep, models = constants.POLL_LEARNED_JOBS, constants.POLL_RECORD_MODELS
    lengths = merged({MODEL: [1.0] * keep}, {MODEL: [2.0, 3.0]})[MODEL]
    assert len(lengths) == keep and lengths[-2:] == [2.0, 3.0]
    old = {f"m/{i}": [1.0] for i in range(models)}
    now = merged(old, {"m/0": [5.0], "new/model": [7.0]})
    assert len(now) == models
    assert "m/1" not in now  # the least recently updated went
    assert list(now)[-2:] == ["m/0", "new/model"]  # the ones updated now are the most recent
    assert merged({}, {"not a model id": [1.0], MODEL: [-3.0, 2.0]}) == {MODEL: [2.0]}


def test_a_write_lands_whole_and_replaces_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "job-lengths.json"
    path.parent.mkdir()
    path.write_text('{"version": 1, "models": {"' + MODEL + '": [4.')  # a torn file
    assert read(path) is None  # ignored...
    write(path, {MODEL: [4.25]})
    assert read(path) == {MODEL: [4.25]}  # ...and replaced
    assert json.loads(path.read_text()) == {"version": 1, "models": {MODEL: [4.25]}}
    assert sorted(p.name for p in path.parent.iterdir()) == [
        "job-lengths.json",
        "job-lengths.json.lock",
    ]  # no temporary file left behind


def test_writes_are_at_most_once_a_second_and_close_writes_the_rest(tmp_path: Path) -> None:
    now = [100.0]
    record = PollRecord(tmp_path / "r.json", every=1.0, clock=lambda: now[0])
    record.add(MODEL, 4.0)
    assert read(record.path) == {MODEL: [4.0]}  # the first at once
    now[0] += 0.5
    record.add(MODEL, 5.0)
    assert read(record.path) == {MODEL: [4.0]}  # a moment later: held
    record.flush()
    assert read(record.path) == {MODEL: [4.0, 5.0]}
    now[0] += 2.0
    record.add(MODEL, 6.0)
    record.add("https://not/a/model", 1.0)
    record.add(MODEL, float("nan"))
    record.flush()
    assert read(record.path) == {MODEL: [4.0, 5.0, 6.0]}


def test_a_write_that_cannot_have_the_lock_is_put_off_not_done_unlocked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fcntl = pytest.importorskip("fcntl")  # the lock exists where fcntl does (not on Windows)
    monkeypatch.setattr(poll_record, "LOCK_WAIT", 0.05)
    record = PollRecord(tmp_path / "r.json", every=0.0)
    with (tmp_path / "r.json.lock").open("w") as other:
        fcntl.flock(other, fcntl.LOCK_EX)  # another process's write, holding on
        record.add(MODEL, 4.0)
        assert read(record.path) is None  # not written around it
        fcntl.flock(other, fcntl.LOCK_UN)
    record.add(MODEL, 5.0)
    assert read(record.path) == {MODEL: [4.0, 5.0]}  # the put-off length went with the next


def test_where_the_record_lives_and_how_it_is_turned_off(tmp_path: Path) -> None:
    default = Path(platformdirs.user_cache_dir("runcomfy", appauthor=False))
    off = {"RUNCOMFY_NO_POLL_CACHE": "1"}
    assert location(None, {}, loopback=False) == default / "job-lengths.json"
    assert location(None, {}, loopback=True) == default / "job-lengths-loopback.json"
    assert location(None, {"RUNCOMFY_CACHE_DIR": str(tmp_path)}, False) == (
        tmp_path / "job-lengths.json"
    )
    assert location(None, {"RUNCOMFY_NO_POLL_CACHE": "0"}, False) is not None
    assert location(None, off, False) is None
    assert location(False, {}, False) is None
    assert location(True, off, False) == default / "job-lengths.json"  # asked for: on
    assert location(tmp_path, off, False) == tmp_path / "job-lengths.json"


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from runcomfy_runtime.poll_record import write

    path, me, times = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for i in range(times):
        write(path, {f"own/{me}": [1.0 + i], "shared/model": [float(i + 1)]})
    """
)
READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from runcomfy_runtime.poll_record import read

    path, stop, bad, reads = Path(sys.argv[1]), Path(sys.argv[2]), 0, 0
    deadline = time.monotonic() + 60
    while not stop.exists() and time.monotonic() < deadline:
        if path.exists():
            reads += 1
            bad += read(path) is None
    print(reads, bad)
    """
)


def test_processes_writing_at_once_never_tear_the_file_nor_lose_a_length(tmp_path: Path) -> None:
    path, stop = tmp_path / "job-lengths.json", tmp_path / "stop"
    writers, times = 4, 40
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(stop)], stdout=subprocess.PIPE, text=True
    )
    running = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(n), str(times)])
        for n in range(writers)
    ]
    assert all(p.wait(timeout=60) == 0 for p in running)
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    reads, bad = map(int, out.split())
    assert reads > 0 and bad == 0  # every read of the file while it was rewritten was whole
    found = read(path)
    assert found is not None
    for n in range(writers):  # the lock: no process's lengths were lost to another's write
        own = found[f"own/{n}"]
        assert own == [1.0 + i for i in range(times)][-constants.POLL_LEARNED_JOBS :]
    assert len(found["shared/model"]) == constants.POLL_LEARNED_JOBS


def test_a_client_reads_the_record_at_its_first_wait_and_adds_to_it(
    emulator: Any, tmp_path: Path
) -> None:
    path = tmp_path / "job-lengths-loopback.json"  # the emulator is on loopback
    with RunComfy(api_token=emulator.token, base_url=emulator.url, poll_cache=tmp_path) as first:
        assert not path.exists()  # nothing before a wait
        first.submit(MODEL, PAYLOAD, validate="schema").wait(timeout=30)
    found = read(path)
    assert found is not None and list(found) == [MODEL]
    (ran,) = found[MODEL]
    assert 0.2 < ran < 2.0  # how long it ran (0.3 s), not a URL, an id or a payload
    assert emulator.token not in path.read_text()
    with RunComfy(api_token=emulator.token, base_url=emulator.url, poll_cache=tmp_path) as second:
        job = second.submit(MODEL, PAYLOAD, validate="schema")
        assert second._expected(MODEL) is not None  # what its wait polls with: warm
        job.wait(timeout=30)
    again = read(path)
    assert again is not None and len(again[MODEL]) == 2
    with RunComfy(api_token=emulator.token, base_url=emulator.url, poll_cache=False) as off:
        job = off.submit(MODEL, PAYLOAD, validate="schema")
        assert off._expected(MODEL) is None
        job.wait(timeout=30)
    assert read(path) == again  # nothing written either


def test_a_clients_views_share_its_record(emulator: Any, tmp_path: Path) -> None:
    with RunComfy(api_token=emulator.token, base_url=emulator.url, poll_cache=tmp_path) as client:
        view = client.with_options(wait_timeout=30)
        view.submit(MODEL, PAYLOAD, validate="schema").wait()
        assert client._expected(MODEL) is not None  # what the view learnt, the client knows
        client.submit(MODEL, PAYLOAD, validate="schema").wait(timeout=30)
    found = read(tmp_path / "job-lengths-loopback.json")
    assert found is not None and len(found[MODEL]) == 2  # both jobs, one record


def test_under_the_test_suite_a_default_client_keeps_no_record(emulator: Any) -> None:
    with RunComfy(api_token=emulator.token, base_url=emulator.url) as client:
        client.submit(MODEL, PAYLOAD, validate="schema").wait(timeout=30)
        assert client._record.record is None  # conftest: RUNCOMFY_NO_POLL_CACHE
