"""Build time: RunComfy endpoint schema files (YAML) -> the typed ``runcomfy`` package.

Stages, one module each: ``load`` (read + meta-schema check) -> ``normalise`` (the documented
quirks, in one place) -> ``model`` (the intermediate model of endpoints, fields and rules) ->
``render`` (Jinja2 templates) -> ``emit`` (format, write or compare). ``importer`` turns a
documentation page into a schema file.
"""
