"""The schema engine: what RunComfy's input schemas mean, defined once.

Used at build time by the generator (``codegen``) and at run time for models fetched from the
catalog, so a model the package was not generated for is understood, validated and described
with the same words. One module a job:

- ``formats``: the media formats (``image_uri``, ``video_uris``...) and what a value must be;
- ``rules``: the ``validation_rule`` vocabulary (metrics, operators) and its evaluation;
- ``keywords``: the JSON Schema keywords a property may use, each with its check;
- ``names``: the one naming authority (wire name -> Python name);
- ``normalise``: a raw input schema -> fields, rules and a strict validating schema;
- ``describe``: a field in words (docstrings, ``--help``, ``runcomfy schema``);
- ``text``: which text can be kept as it arrives (a NUL or a lone surrogate cannot);
- ``compile``: a raw input schema -> the :class:`~runcomfy_runtime.spec.EndpointSpec`.
"""
