"""The schema engine: what RunComfy's input schemas mean, defined once.

Used at build time by the generator (``codegen``) and at run time for models fetched from the
catalog, so a model the package was not generated for is understood, validated and described
with the same words. One module a job:

- ``formats``: the media formats (``image_uri``, ``video_uris``...) and what a value must be;
- ``rules``: the ``validation_rule`` vocabulary (metrics, operators) and its evaluation;
- ``keywords``: what each JSON Schema keyword's value may be, each with its check;
- ``patterns``: a ``pattern`` matched without catastrophic backtracking (RE2, else ``regex``);
- ``pointers``: JSON pointers into one schema, and the only ``$ref`` followed (a local one);
- ``names``: the one naming authority (wire name -> Python name); ``ids``: what a model id is;
- ``normalise``: a raw input schema, nested -> fields, media sites and a strict schema;
- ``sites``: a payload's media values, wherever they nest, found beside the schema;
- ``describe``: a field in words (docstrings, ``--help``, ``runcomfy schema``), nested too;
- ``text``: which text can be kept as it arrives (a NUL or a lone surrogate cannot);
- ``compile``: a raw input schema -> the :class:`~runcomfy_runtime.spec.EndpointSpec`.
"""
