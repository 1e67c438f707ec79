"""Stage 4: the intermediate model -> Python source text, through the Jinja2 templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from codegen import slots
from codegen.model import EndpointModel, NamespaceModel, walk

TEMPLATES = Path(__file__).with_name("templates")


def isort_key(name: str) -> tuple[int, str]:
    """isort's order by type: CONSTANTS, then Classes, then functions; case-insensitive."""
    rank = 0 if name.isupper() else 1 if name[:1].isupper() else 2
    return (rank, name.lower())


def public_names() -> dict[str, list[str]]:
    """The runtime's public names by the module defining them: what ``runcomfy`` re-exports.
    The list lives once, in ``runcomfy_runtime.PUBLIC``."""
    from runcomfy_runtime import PUBLIC

    modules: dict[str, list[str]] = {}
    for name, module in PUBLIC.items():
        modules.setdefault(module, []).append(name)
    return {module: sorted(found, key=isort_key) for module, found in sorted(modules.items())}


OWN_NAMES = ("AsyncRunComfy", "MODULES", "REGISTRY", "RunComfy", "validate")
"""What the generated package defines itself, beside the runtime's names."""


def exported() -> list[str]:
    from runcomfy_runtime import PUBLIC

    names = {*PUBLIC, *OWN_NAMES}
    return sorted(names, key=lambda name: (isort_key(name)[0], name))  # RUF022's order


TEMPLATE_NAMES = (
    "client.py.jinja",
    "endpoint.py.jinja",
    "main.py.jinja",
    "namespace.py.jinja",
    "namespace.pyi.jinja",
    "package_init.py.jinja",
    "pytest_plugin.py.jinja",
    "registry.py.jinja",
)


@cache
def environment() -> jinja2.Environment:
    """The templates' environment: data prints only through the escaping filters of
    ``slots.py``, and a template that prints anything else is refused as it loads."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Python: slots.py's filters do the escaping
    )
    slots.install(env)
    for name in TEMPLATE_NAMES:
        slots.check_template(env, name)
    return env


def _render(name: str, **context: Any) -> str:
    return slots.render(environment().get_template(name), **context)


_MEDIA_TYPES = ("ImageInput", "VideoInput", "AudioInput")


def render_endpoint(ep: EndpointModel) -> str:
    aliases = [f.alias for f in ep.fields if f.alias]
    hints = " ".join(f.type_hint for f in ep.fields)
    spec_names = ["EndpointSpec", "FieldSpec"]
    spec_names += [name for name in _MEDIA_TYPES if name in hints]
    spec_names += ["Rule"] if any(f.rules for f in ep.fields) else []
    return _render(
        "endpoint.py.jinja",
        ep=ep,
        aliases=aliases,
        spec_names=sorted(spec_names, key=isort_key),
        uses_field=any(k.python_name != k.wire_name for k in ep.outputs),
        uses_sequence="Sequence[" in hints,
    )


def _package_inits(endpoints: list[EndpointModel]) -> dict[str, str]:
    """The ``endpoints`` package itself (every folder below it is a namespace's package)."""
    return {"endpoints/__init__.py": '"""Generated endpoint modules; do not edit."""\n'}


def render_package(endpoints: list[EndpointModel], root: NamespaceModel) -> dict[str, str]:
    """Every file of the generated package: relative path -> text (before formatting)."""
    files = render_shared(endpoints, root)
    files.update({ep.file: render_endpoint(ep) for ep in sorted(endpoints, key=lambda e: e.file)})
    return files


def _source_orders() -> dict[str, str]:
    """Where the clients' token and base URL come from, as sentences for their docstrings:
    rendered from the runtime's tables, the one statement of each order."""
    from runcomfy_runtime.sources import BASE_URL_SOURCES, TOKEN_SOURCES, inline

    return {
        "token_order": "The token, first found: " + inline(TOKEN_SOURCES, quote="``") + ".",
        "base_url_order": "The base URL, first found: "
        + inline(BASE_URL_SOURCES, quote="``")
        + ".",
    }


def render_shared(endpoints: list[EndpointModel], root: NamespaceModel) -> dict[str, str]:
    """The files that list every endpoint: package init, registry, clients, folder inits."""
    ordered = sorted(endpoints, key=lambda e: e.model_id)
    first = ordered[0]
    files = {
        "__init__.py": _render(
            "package_init.py.jinja",
            endpoints=ordered,
            first=first,
            public=public_names(),
            exported=exported(),
        ),
        "_registry.py": _render("registry.py.jinja", endpoints=ordered),
        "_client.py": _render("client.py.jinja", first=first, root=root, **_source_orders()),
        "__main__.py": _render("main.py.jinja"),
        "pytest_plugin.py": _render("pytest_plugin.py.jinja", count=str(len(ordered))),
        "py.typed": "",
    }
    files.update(_package_inits(ordered))
    files.update(_namespace_modules(root))
    return files


def _namespace_modules(root: NamespaceModel) -> dict[str, str]:
    """One package per namespace (the folder of its endpoints), holding its two classes and,
    beside them, a stub with their typed attributes: reaching an endpoint loads the packages
    on its way only, each small, however many endpoints the package has."""
    files: dict[str, str] = {}
    for node in walk(root)[1:]:
        modules = sorted(
            [c.module_name for c in node.children.values()]
            + [ep.module for ep in node.endpoints.values()]
        )
        files[f"{node.folder}/__init__.py"] = _render("namespace.py.jinja", ns=node)
        files[f"{node.folder}/__init__.pyi"] = _render(
            "namespace.pyi.jinja", ns=node, modules=modules
        )
    return files
