# The project's verbs. Every target sets up its own environment first: nothing depends on
# what happens to be installed on the machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The repository's own package: the generator a user runs, with the repository's schemas/.

.PHONY: venv demo test generate check lint bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

generate: venv
	$(PY) -m runcomfy_codegen generate  # options from [tool.runcomfy-codegen] in pyproject.toml

check: venv
	$(PY) -m runcomfy_codegen check

lint: venv
	$(PY) -m ruff check runcomfy_codegen runcomfy_runtime runcomfy_cli runcomfy_emulator generated tests bench examples
	$(PY) -m mypy --strict

test: venv
	$(PY) -m pytest -q -n 4 --dist loadgroup  # mostly waiting on loopback servers: 4 workers on 2 cores

demo: venv generate
	$(PY) examples/demo.py

bench: venv
	for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
