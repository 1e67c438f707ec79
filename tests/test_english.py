"""What a user reads is English: the doc pages' Spanish, Portuguese and Italian boilerplate
(page summaries, the input schema's title, output descriptions) stays in the schema files as
their source, and never reaches a generated docstring, ``runcomfy schema`` or ``models``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from runcomfy import REGISTRY
from tests.helpers import InProcess

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "schemas").rglob("*.yaml"))


def foreign_prose() -> set[str]:
    """Every prose string of the pages that is not English (their summaries and the texts the
    generator must not carry), read from the schema files themselves."""
    found: set[str] = set()
    for path in PAGES:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.add(doc["summary"])
        found.add(doc["input"]["title"])
        for prop in doc["output"]["properties"].values():
            found.add(prop["description"])
    return found


FOREIGN = sorted(foreign_prose())
WORDS = ("Usa la API", "Use a API", "Usa l'API", "consulta", "esquema", "immagine", "imagem")


def test_the_pages_do_carry_foreign_prose_so_this_check_means_something() -> None:
    assert len(PAGES) == 4
    assert any("Usa la API" in text for text in FOREIGN)
    assert any("URL immagine" in text for text in FOREIGN)


@pytest.mark.parametrize("model_id", sorted(REGISTRY))
def test_no_generated_module_says_anything_but_english(model_id: str) -> None:
    module = ROOT / "generated" / _module_path(model_id)
    text = module.read_text(encoding="utf-8")
    for foreign in [*FOREIGN, *WORDS]:
        assert foreign not in text, (model_id, foreign)
    assert REGISTRY[model_id].summary is not None and model_id in REGISTRY[model_id].summary


def _module_path(model_id: str) -> str:
    from runcomfy._registry import MODULES

    return MODULES[model_id].replace(".", "/") + ".py"


@pytest.mark.parametrize("model_id", sorted(REGISTRY))
def test_the_command_line_describes_every_model_in_english(cli: InProcess, model_id: str) -> None:
    shown = [
        cli("schema", model_id).stdout,
        cli("run", model_id, "--help").stdout,
        cli("models", "--output", "json").stdout,
        cli("models").stdout,
    ]
    for text in shown:
        for foreign in [*FOREIGN, *WORDS]:
            assert foreign not in text, (model_id, foreign)
