"""Stage 4: the intermediate model -> Python source text, through the Jinja2 templates."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from codegen.hints import TypedDictModel
from codegen.layout import Node
from codegen.model import EndpointModel, walk, wrap

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


def py_literal(value: Any) -> str:
    """A Python literal for a JSON value: ``repr`` does the escaping, never a hand-made quote."""
    return repr(value)


def doc_text(value: Any) -> str:
    """Text safe inside a triple-quoted docstring, on one line."""
    text = " ".join(str(value).split())
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # the output is Python; literals go through py_literal
    )
    env.filters["py"] = py_literal
    env.filters["doc"] = doc_text
    env.filters["wrap"] = lambda text, indent="": "\n".join(
        wrap(" ".join(str(text).split()), 92, indent, hang="")
    )
    return env


_MEDIA_TYPES = ("ImageInput", "VideoInput", "AudioInput")
_TYPING = ("Any", "Literal", "NotRequired", "TypeAlias", "TypedDict")
_ABC = ("Mapping", "Sequence")


def typed_dict_doc(td: TypedDictModel) -> list[str]:
    """A ``TypedDict``'s docstring lines: what the object is, then each key's description."""
    lines = wrap(td.doc or f"The {td.name} object.", 92, hang="")
    described = [k for k in td.keys if k.doc]
    if described:
        lines += ["", "Keys:"]
        for key in described:
            lines += wrap(f"{key.wire_name}: {key.doc}", 88, indent="    ")
    return lines


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
    return (
        environment()
        .get_template("endpoint.py.jinja")
        .render(
            ep=ep,
            aliases=aliases,
            spec_names=sorted(spec_names, key=isort_key),
            typing_names=sorted(set(typing_names), key=isort_key),
            abc_names=[n for n in _ABC if n in uses or f"{n}[" in hints],
            typed_dicts=[(td, typed_dict_doc(td)) for td in ep.typed_dicts],
            input_type=ep.input_type,
            input_doc=typed_dict_doc(ep.input_type) if ep.input_type else [],
            uses_field=any(k.python_name != k.wire_name for k in ep.outputs),
            modes=[("", "Job", "", ""), ("Async", "AsyncJob", "async ", "await ")],
        )
    )


def _package_inits(endpoints: list[EndpointModel]) -> dict[str, str]:
    """The ``endpoints`` package itself (every folder below it is a namespace's package)."""
    return {"endpoints/__init__.py": '"""Generated endpoint modules; do not edit."""\n'}


def render_package(endpoints: list[EndpointModel], root: Node) -> dict[str, str]:
    """Every file of the generated package: relative path -> text (before formatting)."""
    files = render_shared(endpoints, root)
    files.update({ep.file: render_endpoint(ep) for ep in sorted(endpoints, key=lambda e: e.file)})
    return files


def render_shared(endpoints: list[EndpointModel], root: Node) -> dict[str, str]:
    """The files that list every endpoint: package init, registry, clients, folder inits."""
    env = environment()
    ordered = sorted(endpoints, key=lambda e: e.model_id)
    first = ordered[0]
    files = {
        "__init__.py": env.get_template("package_init.py.jinja").render(
            endpoints=ordered, first=first, public=public_names(), exported=exported()
        ),
        "_registry.py": env.get_template("registry.py.jinja").render(endpoints=ordered),
        "_client.py": env.get_template("client.py.jinja").render(
            first=first,
            root=root,
            modes=[("", "Client"), ("Async", "AsyncClient")],
        ),
        "__main__.py": env.get_template("main.py.jinja").render(),
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
    template = environment().get_template("namespace.py.jinja")
    stub = environment().get_template("namespace.pyi.jinja")
    modes = [("", "Client"), ("Async", "AsyncClient")]
    files: dict[str, str] = {}
    for node in walk(root)[1:]:
        if node.model_id is not None:
            continue
        entries = node.entries()
        modules = sorted(child.module for child in entries)
        docs = {c.attribute: summaries.get(c.wire, f"``{c.wire}``") for c in entries}
        files[node.file] = template.render(ns=node, entries=entries, modes=modes)
        files[node.file + "i"] = stub.render(
            ns=node, entries=entries, modules=modules, docs=docs, modes=modes
        )
    return files
