"""The emulator as pytest fixtures, for a project's own tests of code that calls RunComfy.

Registered through the generated package's ``pytest11`` entry point (``runcomfy.pytest_plugin``,
which hands in its models as ``runcomfy_registry`` and adds ``runcomfy_client``), so a project
with ``runcomfy[emulator]`` installed has, with no conftest of its own:

- ``runcomfy_emulator``: a running :class:`~runcomfy_emulator.server.EmulatorServer` on a free
  loopback port, one per test, with ``.url`` and ``.token``; ``add_faults(...)``/
  ``add_fault(...)`` arm faults, ``stats()`` reads the counters (``jobs_created``,
  ``submits``, ``requests`` per route, ``faults_fired``), ``put_input(...)`` serves a file;
- ``runcomfy_client``: a ``runcomfy.RunComfy`` bound to it.

Settings: jobs are quick (0.05 s queued, 0.2 s running); while the fixture runs,
``RUNCOMFY_NO_POLL_CACHE=1`` keeps every client's record of job lengths off (a run's jobs never
change how the next run polls; a test that wants the record passes ``poll_cache=PATH``); the marker
``@pytest.mark.runcomfy_emulator(catalog="sample", run_seconds=2, faults="status:rate_limit")``
passes any keyword of ``EmulatorServer`` for one test, and the ini option
``runcomfy_emulator_catalog`` (a path from the rootdir, or ``sample``) adds a catalog to
every emulator. The emulator logs one line per request at ``info`` (``--log-level=INFO``
shows them with a failing test's output).

Loading this module costs nothing: pytest imports it in every project where the package is
installed, so Starlette, uvicorn and the HTTP client load only when a test asks for a fixture.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from runcomfy_emulator.server import EmulatorServer
    from runcomfy_runtime.spec import EndpointSpec

MARKER = "runcomfy_emulator"
CATALOG_INI = "runcomfy_emulator_catalog"
QUICK_JOBS = {"queue_seconds": 0.05, "run_seconds": 0.2}
"""Job lengths of the fixture's emulator unless a test says otherwise: done by a first poll."""

__all__ = [
    "CATALOG_INI",
    "MARKER",
    "emulator_settings",
    "pytest_addoption",
    "pytest_configure",
    "runcomfy_emulator",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        CATALOG_INI,
        "a catalog listing every runcomfy_emulator serves too: a path from the rootdir, or "
        "'sample' (the package's 25 fictional models)",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(**settings): keywords of runcomfy_emulator.EmulatorServer for this test's "
        "emulator (catalog='sample', run_seconds=2, faults='submit:drop_after', ...)",
    )


def emulator_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The keywords of this test's emulator: quick jobs, the ini's catalog, then the
    markers' keywords (the closest marker wins)."""
    settings: dict[str, Any] = dict(QUICK_JOBS)
    catalog = str(request.config.getini(CATALOG_INI) or "").strip()
    if catalog:
        from runcomfy_emulator.catalog import NAMED_CATALOGS

        named = catalog in NAMED_CATALOGS
        settings["catalog"] = catalog if named else Path(request.config.rootpath, catalog)
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keywords only")
        settings.update(marker.kwargs)
    return settings


@pytest.fixture
def runcomfy_emulator(
    request: pytest.FixtureRequest, runcomfy_registry: Mapping[str, EndpointSpec]
) -> Iterator[EmulatorServer]:
    """A running emulator of RunComfy's Model API serving ``runcomfy_registry``'s models (and a
    catalog, if set): ``.url``, ``.token``, ``add_faults(...)``, ``stats()``."""
    try:
        from runcomfy_emulator.server import EmulatorServer
    except ModuleNotFoundError as e:  # the package without its [emulator] extra
        pytest.fail(
            f"the runcomfy_emulator fixture needs the emulator's packages ({e.name} is not "
            "installed): pip install 'runcomfy[emulator]'",
            pytrace=False,
        )
    with (
        pytest.MonkeyPatch.context() as env,
        EmulatorServer(runcomfy_registry, **emulator_settings(request)) as server,
    ):
        # No client of the test keeps a record of job lengths (poll_record.py): one run's jobs
        # would change how the next run polls. A test that wants one passes poll_cache=PATH.
        env.setenv("RUNCOMFY_NO_POLL_CACHE", "1")
        yield server
