"""One error taxonomy: the library raises these; only the CLI catches and prints them.

Every message is one paragraph that names the file, the line, the field and what is allowed.
"""

from __future__ import annotations


class LccostError(Exception):
    """An error the user can fix (bad input, unknown model); printed without a traceback."""


class SpecError(LccostError):
    """A spec file that cannot be used: where it is wrong, and what is allowed there."""

    def __init__(
        self, file: str, message: str, line: int | None = None, field: str | None = None
    ) -> None:
        self.file, self.line, self.field, self.detail = file, line, field, message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")


class SpecErrors(LccostError):
    """Several problems in one spec, each a ``SpecError``; printed one per line, the first
    ``MAX_SHOWN`` of them (a generated file can hold thousands of the same mistake)."""

    MAX_SHOWN = 20

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = errors
        lines = [str(e) for e in errors[: self.MAX_SHOWN]]
        if len(errors) > self.MAX_SHOWN:
            lines.append(f"... and {len(errors) - self.MAX_SHOWN} more problems in this spec")
        super().__init__("\n".join(lines))
