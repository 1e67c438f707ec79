"""Where every model lives in the generated package, from the model ids alone.

Ids nest: ``blackforestlabs/flux-3/extend-video`` and ``.../extend-video/draft`` are both
models, so an endpoint is also a namespace (``client.blackforestlabs.flux_3.extend_video.run``
and ``....extend_video.draft.run``). A node of the id tree is a namespace (a package of its
children), an endpoint (a module), or both (a package whose ``__init__`` holds the endpoint,
its children beside it). Every Python name of the tree comes from here, through the naming
authority (``runcomfy_runtime.schema.names``), and every clash is a problem of each model it
involves, naming the others: two ids that land on one attribute (``a-b``, ``a.b``, ``a_b``),
a child id that would hide an endpoint's own method (``.../extend-video/submit``), two
namespaces that would share a class. Only ids are read, so ``generate`` knows the layout
before it renders a single endpoint, and ``sync`` before it writes a single file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from runcomfy_runtime.errors import SchemaProblem
from runcomfy_runtime.reserved import ENDPOINT_ATTRIBUTES
from runcomfy_runtime.schema import names
from runcomfy_runtime.schema.ids import model_id_problem

MODULE_NAMES = frozenset(
    {
        "annotations",
        "TYPE_CHECKING",
        "dataclass",
        "field",
        "Any",
        "Mapping",
        "Sequence",
        "Literal",
        "NotRequired",
        "Required",
        "TypeAlias",
        "TypedDict",
        "SPEC",
        "AsyncEndpoint",
        "ExtraBody",
        "SyncEndpoint",
        "cached_property",
        "ValidationLevel",
        "AsyncJob",
        "Job",
        "Result",
        "StatusCallback",
        "EndpointSpec",
        "FieldSpec",
        "MediaSite",
        "OutputBase",
        "ImageInput",
        "VideoInput",
        "AudioInput",
        "Rule",
    }
)
"""Names every endpoint module imports or defines; a generated type must not shadow one."""


@dataclass(frozen=True)
class Child:
    """One attribute of a namespace or endpoint: the module and class it builds."""

    attribute: str
    module: str
    class_name: str
    wire: str  # the model id, or the id prefix a namespace stands for
    endpoint: bool


@dataclass
class Node:
    """One segment of the id tree: a namespace, an endpoint, or both."""

    path: tuple[str, ...]  # attribute names from the client: ("blackforestlabs", "flux_3")
    wire: str  # the id or id prefix: "blackforestlabs/flux-3"
    package: str  # the generated package's import name: "runcomfy", "mymodels"
    model_id: str | None = None  # set when a model has exactly this id
    endpoint_class: str = ""
    children: dict[str, Node] = field(default_factory=dict)

    @property
    def module(self) -> str:
        return ".".join((self.package, "endpoints", *self.path))

    @property
    def is_package(self) -> bool:
        return bool(self.children) or self.model_id is None

    @property
    def namespace_class(self) -> str:
        return "_".join(names.pascal(p) for p in self.path)

    @property
    def file(self) -> str:
        """``endpoints/a/b/c.py``, or ``endpoints/a/b/c/__init__.py`` for a package."""
        folder = "/".join(("endpoints", *self.path))
        return f"{folder}/__init__.py" if self.is_package else f"{folder}.py"

    def child(self, name: str) -> Child:
        node = self.children[name]
        if node.model_id is not None:
            return Child(name, node.module, node.endpoint_class, node.wire, True)
        return Child(name, node.module, node.namespace_class, node.wire, False)

    def entries(self) -> list[Child]:
        """Its children in name order: the table its class builds them from."""
        return [self.child(name) for name in sorted(self.children)]


@dataclass(frozen=True)
class Place:
    """Where one model lives: its module, file, class, attribute path and children."""

    model_id: str
    path: tuple[str, ...]
    module: str
    file: str
    class_name: str
    children: tuple[Child, ...] = ()

    @property
    def attribute(self) -> str:
        return self.path[-1]

    @property
    def namespace(self) -> tuple[str, ...]:
        return self.path[:-1]


@dataclass
class Layout:
    root: Node
    places: dict[str, Place]
    problems: dict[str, list[SchemaProblem]]  # by model id: every clash that model is part of


def _segment_name(segment: str, depth: int) -> str:
    return names.namespace_name(segment) if depth == 0 else names.identifier(segment)


def endpoint_class(model_id: str) -> str:
    """The endpoint's class: its last segment, PascalCase (``TextToImage``)."""
    return names.type_name(model_id.rsplit("/", 1)[-1], MODULE_NAMES)


def layout(model_ids: Iterable[str], package: str) -> Layout:
    """The tree of the package ``package`` for ``model_ids``, and every problem of every id
    (which depend on the ids alone)."""
    problems: dict[str, list[SchemaProblem]] = {}

    def refuse(model_id: str, reason: str) -> None:
        problems.setdefault(model_id, []).append(SchemaProblem("id", reason))

    root = Node((), "", package)
    for model_id in sorted(set(model_ids)):
        wrong = model_id_problem(model_id)
        if wrong is not None:
            refuse(model_id, wrong)
            continue
        segments = model_id.split("/")
        try:
            path = tuple(_segment_name(s, i) for i, s in enumerate(segments))
            class_name = endpoint_class(model_id)
        except ValueError as e:
            refuse(model_id, str(e))
            continue
        node = _place(root, model_id, segments, path, refuse)
        if node is not None:
            node.model_id = model_id
            node.endpoint_class = class_name
    _check_tree(root, refuse)
    places = {
        node.model_id: Place(
            node.model_id,
            node.path,
            node.module,
            node.file,
            node.endpoint_class,
            tuple(node.entries()),
        )
        for node in walk(root)
        if node.model_id is not None
    }
    return Layout(root, places, problems)


Refuse = Callable[[str, str], None]


def _place(
    root: Node, model_id: str, segments: list[str], path: tuple[str, ...], refuse: Refuse
) -> Node | None:
    """The node ``model_id`` takes, made on the way; None (both refused) on a clash."""
    node = root
    for depth, name in enumerate(path, start=1):
        wire = "/".join(segments[:depth])
        node = node.children.setdefault(name, Node(path[:depth], wire, root.package))
        if node.wire != wire:
            where = ".".join(path[:depth])
            refuse(model_id, f"{wire!r} and {node.wire!r} both become the Python path {where!r}")
            for other in _under(node):
                refuse(other, f"{node.wire!r} and {wire!r} both become the Python path {where!r}")
            return None
    return node


def _under(node: Node) -> list[str]:
    return [n.model_id for n in walk(node) if n.model_id is not None]


def _check_tree(root: Node, refuse: Refuse) -> None:
    """Children that would hide an endpoint's methods; namespaces sharing a class name."""
    classes: dict[str, Node] = {}
    for node in walk(root)[1:]:
        if node.model_id is not None:
            for name in sorted(set(node.children) & ENDPOINT_ATTRIBUTES):
                child = node.children[name]
                for model_id in _under(child):
                    refuse(
                        model_id,
                        f"{child.wire!r} would be the attribute {name!r} of the endpoint "
                        f"{node.model_id}, hiding its {name}(): not generated",
                    )
        if node.is_package and node.model_id is None:
            first = classes.setdefault(node.namespace_class, node)
            if first is not node:
                for model_id in _under(node) + _under(first):
                    refuse(
                        model_id,
                        f"namespace class {node.namespace_class} would serve both "
                        f"{first.wire} and {node.wire}",
                    )


def walk(node: Node) -> list[Node]:
    """Every node, depth first, children in name order: a fixed order for the templates."""
    out = [node]
    for name in sorted(node.children):
        out.extend(walk(node.children[name]))
    return out
