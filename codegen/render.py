"""Stage 4: the intermediate model -> Python source text, through the Jinja2 templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from codegen import slots
from codegen.hints import TypedDictModel
from codegen.layout import Node
from codegen.model import EndpointModel, walk
from codegen.source import wrap

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
_TYPING = ("Any", "Literal", "NotRequired", "TypeAlias", "TypedDict")
_ABC = ("Mapping", "Sequence")


def typed_dict_doc(td: TypedDictModel) -> tuple[str, ...]:
    """A ``TypedDict``'s docstring lines (text: the ``lines`` filter escapes them): what the
    object is, then each key's description."""
    lines = wrap(td.doc or f"The {td.name} object.", 92, hang="")
    described = [k for k in td.keys if k.doc]
    if described:
        lines += ["", "Keys:"]
        for key in described:
            lines += wrap(f"{key.wire_name}: {key.doc}", 88, indent="    ")
    return tuple(lines)


def render_endpoint(ep: EndpointModel) -> str:
    aliases = [f.alias for f in ep.fields if f.alias]
    hints = " ".join(
        [f.type_hint for f in ep.fields] + [k.hint for t in ep.typed_dicts for k in t.keys]
    )
    uses = set(ep.uses)
    spec_names = ["EndpointSpec", "FieldSpec"]
    spec_names += [name for name in _MEDIA_TYPES if name in uses or name in hints]
    has_rules = any(f.rules for f in ep.fields) or any(s.rules for s in ep.nested_media)
    spec_names += ["Rule"] if has_rules else []
    spec_names += ["MediaSite"] if ep.nested_media else []
    typing_names = ["TYPE_CHECKING", *(n for n in _TYPING if n in uses)]
    if aliases:
        typing_names += ["Literal", "TypeAlias"]
    return _render(
        "endpoint.py.jinja",
        ep=ep,
        aliases=aliases,
        spec_names=sorted(spec_names, key=isort_key),
        typing_names=sorted(set(typing_names), key=isort_key),
        abc_names=[n for n in _ABC if n in uses or f"{n}[" in hints],
        typed_dicts=[(td, typed_dict_doc(td)) for td in ep.typed_dicts],
        input_type=ep.input_type,
        input_doc=typed_dict_doc(ep.input_type) if ep.input_type else (),
        uses_field=any(k.python_name != k.wire_name for k in ep.outputs),
    )


def _package_inits(endpoints: list[EndpointModel]) -> dict[str, str]:
    """The ``endpoints`` package itself (every folder below it is a namespace's package)."""
    return {"endpoints/__init__.py": '"""Generated endpoint modules; do not edit."""\n'}


def render_package(endpoints: list[EndpointModel], root: Node) -> dict[str, str]:
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


def render_shared(endpoints: list[EndpointModel], root: Node) -> dict[str, str]:
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
    files.update(_namespace_modules(root, {ep.model_id: ep.summary for ep in ordered}))
    return files


def _namespace_modules(root: Node, summaries: dict[str, str]) -> dict[str, str]:
    """One package per namespace (the folder of its endpoints), holding its two classes and,
    beside them, a stub with their typed attributes: reaching an endpoint loads the packages
    on its way only, each small, however many endpoints the package has. A node that is also
    an endpoint is the endpoint's own package (its module renders it, children included)."""
    files: dict[str, str] = {}
    for node in walk(root)[1:]:
        if node.model_id is not None:
            continue
        entries = node.entries()
        modules = sorted(child.module for child in entries)
        docs = {
            c.attribute: summaries.get(c.wire, f"``{c.wire}``")
            if c.endpoint
            else f"``{c.wire}/...``"
            for c in entries
        }
        files[node.file] = _render("namespace.py.jinja", ns=node, entries=entries)
        files[node.file + "i"] = _render(
            "namespace.pyi.jinja", ns=node, entries=entries, modules=modules, docs=docs
        )
    return files
