"""``Result.status`` is typed with the words the runtime knows, and still carries one it does
not; a required field shows no default (a default on a required field is only an example)."""

from __future__ import annotations

import typing

import pytest

from runcomfy import REGISTRY, Output, Result, StatusWord, UnknownStatus
from runcomfy_cli.options import help_text
from runcomfy_runtime.results import Result as RuntimeResult
from runcomfy_runtime.schema.describe import describe_field
from runcomfy_runtime.statuses import MEANINGS, Meaning, status_word


def test_the_literal_holds_exactly_the_words_of_the_meanings_table() -> None:
    assert set(typing.get_args(StatusWord)) == set(MEANINGS)


def test_result_status_is_annotated_with_the_known_words_or_an_unknown_one() -> None:
    hints = typing.get_type_hints(RuntimeResult)
    assert set(typing.get_args(hints["status"])) == {StatusWord, UnknownStatus}


@pytest.mark.parametrize(
    ("said", "carried", "meaning"),
    [
        ("succeeded", "succeeded", Meaning.SUCCEEDED),
        ("Completed ", "completed", Meaning.SUCCEEDED),
        ("canceled", "canceled", Meaning.CANCELLED),
        ("exploded", "exploded", Meaning.FAILED),
        ("Half Done", "Half Done", Meaning.FAILED),
    ],
)
def test_a_word_is_carried_known_or_not(said: str, carried: str, meaning: Meaning) -> None:
    result = Result.from_wire("r1", {"status": said, "output": {}}, Output)
    assert result.status == carried and result.meaning is meaning
    assert (carried in MEANINGS) is (status_word(said) in MEANINGS)


def test_a_required_field_shows_no_default_and_an_optional_one_does() -> None:
    spec = REGISTRY["bytedance/dreamina-4-0/text-to-image"]
    properties = spec.input_schema["properties"]
    fields = {field.python_name: field for field in spec.fields}
    assert "default" in properties["prompt"] and fields["prompt"].required
    prompt = help_text(fields["prompt"], properties["prompt"])
    assert "Default" not in prompt and "Required." in prompt
    assert "A beautiful girl" not in " ".join(
        describe_field(fields["prompt"], properties["prompt"]).sentences()
    )
    scale = help_text(fields["scale"], properties["scale"])
    assert "Default: 0.5." in scale
