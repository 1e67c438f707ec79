"""The one error generation raises: it names the file, the place in it and the reason."""

from __future__ import annotations


class SchemaFileError(Exception):
    def __init__(self, file: str, where: str, reason: str) -> None:
        self.file = file
        self.where = where
        self.reason = reason
        place = f" at {where}" if where else ""
        super().__init__(f"{file}{place}: {reason}")

    def __reduce__(self) -> tuple[type[SchemaFileError], tuple[str, str, str]]:
        return (SchemaFileError, (self.file, self.where, self.reason))  # crosses process pools
