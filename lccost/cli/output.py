"""Writing a command's text to stdout or to the file ``-o`` names, once."""

from __future__ import annotations

from pathlib import Path

import typer


def write_text(text: str, path: Path | None) -> bool:
    """``text`` to stdout (``path`` None) or to ``path``; True when a file was written."""
    from lccost.errors import LccostError

    if path is None:
        typer.echo(text, nl=False)
        return False
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise LccostError(f"{path}: cannot be written: {error.strerror or error}") from None
    return True
