"""Writing a command's text to stdout or to the file ``-o`` names, once, safely
(``lccost.files``: atomic, never over an input, never over an existing file without --force)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer

from lccost.files import check_target, write_atomic


def write_text(
    text: str, path: Path | None, inputs: Sequence[Path] = (), force: bool = False
) -> bool:
    """``text`` to stdout (``path`` None) or to ``path`` (see ``check_target``); True when a
    file was written."""
    if path is None:
        typer.echo(text, nl=False)
        return False
    check_target(path, inputs, force)
    write_atomic(path, text)
    return True
