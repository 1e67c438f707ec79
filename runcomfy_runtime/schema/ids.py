"""What a model id may be, decided once, before it becomes a path, a module or a URL.

A model id is a path of segments (``bytedance/dreamina-4-0/edit``): each starts with a letter
or digit and holds letters, digits, ``.``, ``_``, ``~``, ``-``. It becomes a schema file
(``schemas/<id>.yaml``), a module per segment and a URL path, so it is checked before any of
them is built: no absolute path (``/outside/secret``), no ``..``, no segment too long for a
file name (the file systems' limit is 255 bytes), nothing that is not ASCII.
"""

from __future__ import annotations

import re

SEGMENT_MAX = 128
"""Characters in one segment (RunComfy's own nodes allow request ids of 128)."""
ID_MAX = 512
PATTERN = r"[A-Za-z0-9][A-Za-z0-9._~-]*(?:/[A-Za-z0-9][A-Za-z0-9._~-]*)+"
"""The whole id, as ``runcomfy_codegen/schema_file.schema.json`` says it too."""
_ID = re.compile(PATTERN)


def model_id_problem(model_id: object) -> str | None:
    """Why ``model_id`` cannot be a model id, or None."""
    if not isinstance(model_id, str):
        return f"a model id is a string, got {type(model_id).__name__}"
    shown = model_id if len(model_id) <= 80 else model_id[:77] + "..."
    if len(model_id) > ID_MAX:
        return f"model id {shown!r} is {len(model_id)} characters long; at most {ID_MAX}"
    if not _ID.fullmatch(model_id):
        return (
            f"model id {shown!r} is not owner/model/... (segments of letters, digits, '.', "
            "'_', '~', '-', each starting with a letter or digit)"
        )
    longest = max(model_id.split("/"), key=len)
    if len(longest) > SEGMENT_MAX:
        size = len(longest)
        return f"model id {shown!r} has a segment of {size} characters; at most {SEGMENT_MAX}"
    return None
