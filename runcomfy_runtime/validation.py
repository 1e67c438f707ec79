"""The offline stage of input validation: the documented JSON Schema, every problem at once.

jsonschema's Draft 2020-12 validator does the checking (built once per endpoint and reused);
this module adds the media formats (``schema.formats``), matches ``pattern`` with the engines
of ``schema.patterns`` (no catastrophic backtracking), follows references inside the schema
only (an empty registry: nothing is fetched), and turns its errors into :class:`Problem` values
whose message a user can act on, each at its full path (``multi_prompt[1].duration``). The
online stage is ``media.py``; the media values it checks are found here too
(:meth:`SchemaValidator.media`), by the same validator's reading of the schema.
"""

from __future__ import annotations

import difflib
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry
from referencing.exceptions import Unresolvable

from runcomfy_runtime.errors import InputPath, InputValidationError, Problem
from runcomfy_runtime.schema import pointers
from runcomfy_runtime.schema.formats import FORMATS, MEDIA_KINDS, hint, media_check
from runcomfy_runtime.schema.patterns import matches
from runcomfy_runtime.schema.sites import Found, SiteIndex
from runcomfy_runtime.spec import EndpointSpec

CHECKER = FormatChecker(formats=())
for _kind in MEDIA_KINDS:
    CHECKER.checks(f"{_kind}_uri")(media_check(_kind))


# -- keywords matched by our pattern engines (jsonschema's use Python's ``re``) ----------------


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string"):
        found = matches(pattern, instance)
        if found is None:
            yield ValidationError(f"undecided: {pattern!r}", validator="pattern_timeout")
        elif not found:
            yield ValidationError(f"{instance!r} does not match {pattern!r}")


def extras(instance: Mapping[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """The keys of ``instance`` neither ``properties`` nor ``patternProperties`` describe."""
    properties = schema.get("properties") or {}
    patterns = schema.get("patternProperties") or {}
    return [
        key
        for key in instance
        if key not in properties and not any(matches(p, key) is not False for p in patterns)
    ]


def _pattern_properties(
    validator: Any, patterns: Mapping[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if matches(pattern, key) is not False:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    found = extras(instance, schema)
    if validator.is_type(allowed, "object"):
        for key in found:
            yield from validator.descend(instance[key], allowed, path=key)
    elif not allowed and found:
        yield ValidationError(f"additional properties: {', '.join(map(repr, found))}")


Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
    },
)
"""Draft 2020-12, its pattern keywords matched without catastrophic backtracking."""

NO_REMOTE: Registry[Any] = Registry()
"""References resolve inside the schema only: this registry holds nothing and fetches nothing
(jsonschema's default would fetch a remote ``$ref`` over the network)."""


# -- messages ----------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _type_message(wanted: Any, instance: Any) -> str:
    kinds = wanted if isinstance(wanted, list) else [wanted]
    return "must be " + " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in kinds)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _count(limit: Any, instance: Any, bound: str, word: str) -> str:
    return f"must have {bound} {_plural(limit, word)}"


def _enum_message(values: Any, instance: Any) -> str:
    text = "must be one of: " + ", ".join(repr(x) for x in values)
    near = nearest_value(instance, values)
    return f"{text}; did you mean {near!r}?" if near is not None else text


def nearest_value(given: Any, values: Any) -> str | None:
    """The one string enum value ``given`` is a near miss of (``2048x2048`` for
    ``2048x2048(1:1)``): the only value it starts, ignoring case, else the only close one."""
    if not isinstance(given, str) or not isinstance(values, list) or not given.strip():
        return None
    strings = [v for v in values if isinstance(v, str)]
    folded = given.strip().lower()
    starts = [v for v in strings if v.lower().startswith(folded)]
    if len(starts) == 1:
        return starts[0]
    close = difflib.get_close_matches(given, strings, n=2, cutoff=0.75)
    return close[0] if len(close) == 1 else None


def _timeout_message(pattern: Any, instance: Any) -> str:
    from runcomfy_runtime.constants import PATTERN_MATCH_TIMEOUT

    return (
        f"could not be checked against the pattern {pattern!r} within "
        f"{PATTERN_MATCH_TIMEOUT:g} s: refused unchecked"
    )


# One small function per keyword: (the keyword's value, the offending value) -> the message.
_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "type": _type_message,
    "enum": _enum_message,
    "const": lambda v, i: f"must be {v!r}",
    "maxLength": lambda v, i: _count(v, i, "at most", "character"),
    "minLength": lambda v, i: _count(v, i, "at least", "character"),
    "minimum": lambda v, i: f"must be >= {v}",
    "maximum": lambda v, i: f"must be <= {v}",
    "exclusiveMinimum": lambda v, i: f"must be > {v}",
    "exclusiveMaximum": lambda v, i: f"must be < {v}",
    "multipleOf": lambda v, i: f"must be a multiple of {v}",
    "minItems": lambda v, i: _count(v, i, "at least", "item"),
    "maxItems": lambda v, i: _count(v, i, "at most", "item"),
    "uniqueItems": lambda v, i: "must not repeat an item",
    "minProperties": lambda v, i: _count(v, i, "at least", "property"),
    "maxProperties": lambda v, i: _count(v, i, "at most", "property"),
    "pattern": lambda v, i: f"must match the pattern {v!r}",
    "pattern_timeout": _timeout_message,
    "format": lambda v, i: _format_message(v),
    "not": lambda v, i: "is a value the schema excludes",
}


def _format_message(name: Any) -> str:
    found = FORMATS.get(name) if isinstance(name, str) else None
    return hint(found.kind) if found is not None and found.kind else f"must be a valid {name}"


_SIZED = {"minItems": "items", "maxItems": "items", "minLength": "chars", "maxLength": "chars"}


class SchemaValidator:
    """The compiled offline validator of one endpoint, and the finder of its media values."""

    def __init__(self, spec: EndpointSpec) -> None:
        self.spec = spec
        schema = spec.input_schema
        self._validator = Validator(schema, format_checker=CHECKER, registry=NO_REMOTE)
        self._anchors = pointers.anchors(schema)
        self._branches: dict[str, Any] = {}
        self.sites = SiteIndex(schema, spec.media_sites)

    # -- the schema stage ------------------------------------------------------------------------

    def problems(self, payload: Any) -> list[Problem]:
        if not isinstance(payload, Mapping):
            return [Problem((), "the input must be a JSON object", payload)]
        try:
            errors = list(self._validator.iter_errors(dict(payload)))
            found = self._problems(errors)
        except RecursionError:
            return [Problem((), "the input is nested too deeply to check")]
        except Unresolvable as e:
            return [Problem((), f"the schema names a reference it does not hold ({e})")]
        found.extend(_non_finite(payload))
        return sort_problems(self.spec, found)

    def _problems(self, errors: Iterable[ValidationError]) -> list[Problem]:
        errors = list(errors)
        # A value of the wrong type breaks its other keywords too ("must be one of" after
        # "must be a string"): the type problem alone says what to fix.
        mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
        return [
            problem
            for e in errors
            if e.validator == "type" or tuple(e.absolute_path) not in mistyped
            for problem in self._problems_of(e)
        ]

    def _problems_of(self, error: ValidationError) -> list[Problem]:
        path: InputPath = tuple(error.absolute_path)
        keyword = str(error.validator)
        wanted: Any = error.validator_value
        instance: Any = error.instance
        if keyword == "required":
            missing = [name for name in wanted if name not in instance]
            return [Problem((*path, name), "is required") for name in missing]
        if keyword in ("additionalProperties", "unevaluatedProperties"):
            return self._not_accepted(error, path, instance)
        if keyword in ("anyOf", "oneOf"):
            return self._union(error, path, instance)
        if keyword == "dependentRequired":
            return [
                Problem((*path, name), f"is required with {key!r}")
                for key, names in wanted.items()
                if key in instance
                for name in names
                if name not in instance
            ]
        describe = _MESSAGES.get(keyword)
        message = describe(wanted, instance) if describe else error.message
        fact = _SIZED.get(keyword)
        measured = f"{len(instance)} {fact}" if fact and hasattr(instance, "__len__") else None
        return [Problem(path, message, instance, fact=measured)]

    def _not_accepted(
        self, error: ValidationError, path: InputPath, instance: Any
    ) -> list[Problem]:
        node: Any = error.schema
        accepted = sorted(self._declared(node))
        unknown = [k for k in instance if k not in accepted] if isinstance(instance, dict) else []
        if error.validator == "additionalProperties":
            unknown = extras(instance, node)
        patterns = [f"keys matching {p!r}" for p in node.get("patternProperties") or {}]
        shown = ", ".join([*accepted, *patterns]) or "nothing"
        return [
            Problem(
                (*path, name), f"is not an accepted property; accepted: {shown}", instance[name]
            )
            for name in sorted(unknown)
        ]

    def _declared(self, node: Any, seen: frozenset[int] = frozenset()) -> set[str]:
        """The property names a schema declares, through ``allOf`` parts and ``$ref``."""
        if not isinstance(node, Mapping) or id(node) in seen:
            return set()
        seen = seen | {id(node)}
        names = set(node.get("properties") or {})
        for part in node.get("allOf") or ():
            names |= self._declared(part, seen)
        ref = node.get("$ref")
        target = pointers.local_target(ref, self.spec.input_schema, self._anchors) if ref else None
        if target is not None:
            names |= self._declared(pointers.node_at(self.spec.input_schema, target), seen)
        return names

    def _union(self, error: ValidationError, path: InputPath, instance: Any) -> list[Problem]:
        """A value no branch takes: the problems of the branch it was meant for (its type
        fits, its discriminating constants match, fewest problems), else the types allowed."""
        if not error.context:  # oneOf with more than one match
            return [Problem(path, "must match exactly one of the allowed forms; it fits several")]
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)

        def mismatched(errors: list[ValidationError]) -> bool:
            return any(e.validator == "type" and tuple(e.absolute_path) == path for e in errors)

        def score(errors: list[ValidationError]) -> tuple[bool, int]:
            constants = any(e.validator in ("const", "enum") for e in errors)
            return (constants, len(errors))

        fitting = [errors for errors in branches.values() if not mismatched(errors)]
        if fitting:
            return self._problems(sorted(fitting, key=score)[0])
        kinds = [
            str(t)
            for errors in branches.values()
            for e in errors
            if e.validator == "type" and tuple(e.absolute_path) == path
            for t in (
                e.validator_value if isinstance(e.validator_value, list) else [e.validator_value]
            )
        ]
        return [Problem(path, _type_message(list(dict.fromkeys(kinds)), instance), instance)]

    def validate(self, payload: Any) -> None:
        found = self.problems(payload)
        if found:
            raise InputValidationError(self.spec.model_id, found)

    # -- the media values, for the media stage and local files -------------------------------------

    def fits(self, value: Any, pointer: str) -> bool:
        """Whether ``value`` is valid against the subschema at ``pointer`` (a union's branch)."""
        branch = self._branches.get(pointer)
        if branch is None:
            node = pointers.node_at(self.spec.input_schema, pointer)
            branch = self._branches[pointer] = self._validator.evolve(schema=node)
        try:
            return bool(branch.is_valid(value))
        except (RecursionError, Unresolvable):
            return False

    def media(self, payload: Any) -> list[Found]:
        """Every value of ``payload`` at a media site, wherever it nests, in payload order."""
        return self.sites.find(payload, self.fits)


def _non_finite(payload: Mapping[str, Any]) -> list[Problem]:
    """NaN and infinity pass every numeric bound (each comparison is false) and JSON cannot
    carry them: each is a problem at its place."""
    found: list[Problem] = []
    stack: list[tuple[InputPath, Any]] = [((key,), value) for key, value in payload.items()]
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            found.append(Problem(path, "must be a finite number", value))
        elif isinstance(value, Mapping):
            stack.extend(((*path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list | tuple):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return found


def sort_problems(spec: EndpointSpec, problems: Iterable[Problem]) -> list[Problem]:
    """In the documented order of properties, then by path (indices as numbers)."""
    key = path_order(spec)
    return sorted(problems, key=lambda p: key(p.path))


PathKey = tuple[int, list[tuple[int, str]]]


def path_order(spec: EndpointSpec) -> Callable[[InputPath], PathKey]:
    """Paths in the documented order of properties, then part by part (``a[10]`` after
    ``a[2]``): problems and media values read alike, stable for the reader."""
    rank = {f.wire_name: i for i, f in enumerate(spec.fields)}

    def key(path: InputPath) -> PathKey:
        head = path[0] if path else ""
        natural = [(part, "") if isinstance(part, int) else (-1, part) for part in path]
        return (rank.get(str(head), len(rank)), natural)

    return key


_compiled: dict[int, SchemaValidator] = {}
_lock = threading.Lock()


def validator_for(spec: EndpointSpec) -> SchemaValidator:
    """The endpoint's validator, compiled on first use and reused afterwards."""
    found = _compiled.get(id(spec))
    if found is not None and found.spec is spec:
        return found
    with _lock:
        found = _compiled.get(id(spec))
        if found is None or found.spec is not spec:
            found = _compiled[id(spec)] = SchemaValidator(spec)
        return found


def schema_problems(spec: EndpointSpec, payload: Any) -> list[Problem]:
    return validator_for(spec).problems(payload)
