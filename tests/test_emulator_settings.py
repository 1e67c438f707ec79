"""The emulator's settings are one frozen value, checked once where it is built and passed
whole: the server, the app and the emulator read the same value."""

from __future__ import annotations

import dataclasses

import pytest

from runcomfy import REGISTRY
from runcomfy_emulator import EmulatorServer, EmulatorSettings, create_app


def test_one_value_is_passed_whole_from_the_server_to_the_emulator() -> None:
    settings = EmulatorSettings(token="t", queue_seconds=0.0, run_seconds=(0.1, 0.2), seed=7,
                                dialect="variants", faults=())  # fmt: skip
    with EmulatorServer(REGISTRY, settings) as server:
        assert server.emulator.settings is settings
        assert server.emulator.jobs.timing == settings.timing
        assert server.emulator.dialect.name == "variants"
        assert server.token == "t"


def test_keyword_arguments_are_a_shorthand_for_the_same_value() -> None:
    app = create_app(REGISTRY, token="t", workers=3, faults=(), input_origins=["http://a:1"])
    assert app.emulator.settings == EmulatorSettings(token="t", workers=3,
                                                     input_origins=("http://a:1",))  # fmt: skip
    with pytest.raises(TypeError):
        EmulatorServer(REGISTRY, no_such_setting=1)


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"token": ""}, "non-empty token"),
        ({"probe_timeout": 0}, "probe_timeout"),
        ({"dialect": "klingon"}, "unknown dialect"),
        ({"workers": 0}, "workers"),
        ({"queue_seconds": -1}, "queue_seconds"),
        ({"max_upload_bytes": 0}, "upload caps"),
    ],
)
def test_impossible_settings_are_refused_where_they_are_built(
    changes: dict[str, object], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        EmulatorSettings(**changes)  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        EmulatorSettings().workers = 5  # type: ignore[misc]
