"""Writing output files safely: whole or not at all, never over an input, never over an
existing file unless asked (``--force``)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from lccost.errors import LccostError


def check_target(path: Path, inputs: Sequence[Path] = (), force: bool = False) -> None:
    """Refuse ``path`` before any work: an input of the command, a folder, an existing file
    (without ``force``) or a folder that does not exist."""
    try:
        resolved = path.resolve()
        for source in inputs:
            if source.exists() and resolved == source.resolve():
                raise LccostError(
                    f"{path}: is this command's input; write the output to another file"
                )
        if path.is_dir():
            raise LccostError(f"{path}: is a folder; give a file name")
        if path.exists() and not force:
            raise LccostError(f"{path}: exists; pass --force to replace it")
        if not path.parent.is_dir():
            raise LccostError(f"{path}: folder {path.parent} does not exist")
        _probe_writable(path)
    except OSError as error:
        raise LccostError(f"{path}: cannot be written: {error.strerror or error}") from None


def _probe_writable(path: Path) -> None:
    """Create and remove a temporary file beside ``path``: the only honest test, since
    ``os.access`` says yes to root where the write later fails (/proc, /sys, read-only mounts),
    and the refusal must come before any output."""
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.probe."):
            pass
    except OSError as error:
        raise LccostError(
            f"{path}: folder {path.parent} is not writable ({error.strerror or error})"
        ) from None


def write_atomic(path: Path, data: str | bytes) -> None:
    """``data`` to ``path`` through a temporary file in the same folder, renamed over it, so
    a failed write leaves any earlier file untouched and no partial file behind."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    temporary = None
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent
        )
        with os.fdopen(fd, "wb") as stream:
            stream.write(raw)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        raise LccostError(f"{path}: cannot be written: {error.strerror or error}") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
