"""Build time: RunComfy endpoint schema files (YAML) -> the typed ``runcomfy`` package.

Stages, one module each: ``load`` (read YAML + check the file's envelope) -> the runtime's
schema engine (``runcomfy_runtime.schema``: normalise the documented quirks, name everything,
describe every field; the same engine serves catalog schemas at run time) -> ``model`` (the
intermediate model of endpoints, fields and outputs) -> ``render`` (Jinja2 templates) ->
``emit`` (format, write or compare). ``importer`` turns a documentation page or a catalog entry
into a schema file; ``sync`` pulls every model of RunComfy's catalog. This package is never
installed: users of the wheel never run it.
"""
