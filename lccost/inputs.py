"""Input files, read safely: one check of a path and one bounded read for every file lccost reads.

Specs, hardware profiles, claims files and config.json files all come through here, so each gets
the same refusals, each as one ``SpecError`` line naming the file: a path the OS cannot hold
(a NUL byte, a name over ``MAX_NAME_BYTES``, a path over ``MAX_PATH_BYTES``), a missing file, a
directory, anything that is not a regular file (a FIFO would block the read forever,
``/dev/zero`` never ends), a file over the size cap (read no further than the cap), a file the
OS refuses to read (``/proc/self/mem``), and bytes that are not UTF-8.
"""

from __future__ import annotations

from pathlib import Path

from lccost.errors import SpecError

MAX_NAME_BYTES = 255
"""Longest file or folder name (POSIX ``NAME_MAX`` on Linux, macOS and Windows' NTFS)."""

MAX_PATH_BYTES = 4096
"""Longest path (Linux ``PATH_MAX``)."""

SHOWN_PATH_CHARS = 80
"""A path longer than this is shortened in messages (the message stays one readable line)."""


def shown_path(path: Path | str) -> str:
    """``path`` as messages show it: NUL bytes escaped, shortened past ``SHOWN_PATH_CHARS``."""
    text = str(path).replace("\0", "\\0")
    if len(text) <= SHOWN_PATH_CHARS:
        return text
    half = (SHOWN_PATH_CHARS - 3) // 2
    return f"{text[:half]}...{text[-half:]}"


def check_path_name(path: Path, what: str = "a file") -> None:
    """Raise a ``SpecError`` if ``path`` is no name the OS can look up: a NUL byte, a name over
    ``MAX_NAME_BYTES`` or a path over ``MAX_PATH_BYTES`` (UTF-8 bytes; ``os.stat`` would raise
    ``ValueError`` or ``OSError: File name too long``)."""
    text = str(path)
    if "\0" in text:
        raise SpecError(
            shown_path(path), f"is not a usable path (it holds a NUL byte); give {what}"
        )
    encoded = text.encode("utf-8", "surrogateescape")
    longest = max((len(part.encode("utf-8", "surrogateescape")) for part in path.parts), default=0)
    if longest > MAX_NAME_BYTES:
        raise SpecError(
            shown_path(path),
            f"has a name of {longest} bytes; allowed: file and "
            f"folder names of at most {MAX_NAME_BYTES} bytes",
        )
    if len(encoded) > MAX_PATH_BYTES:
        raise SpecError(
            shown_path(path),
            f"is a path of {len(encoded)} bytes; allowed: paths of at most {MAX_PATH_BYTES} bytes",
        )


def exists(path: Path) -> bool:
    """``path.exists()``, false for a name the OS refuses (too long, a NUL byte)."""
    try:
        check_path_name(path)
        return path.exists()
    except (OSError, ValueError, SpecError):
        return False


def read_bytes(path: Path, max_bytes: int, what: str = "a file") -> bytes:
    """At most ``max_bytes`` of the regular file ``path``, every failure as a ``SpecError``."""
    check_path_name(path, what)
    name = shown_path(path)
    try:
        if not path.exists():
            raise SpecError(name, f"no such file; give {what}")
        if path.is_dir():
            raise SpecError(name, f"is a directory; give {what}")
        if not path.is_file():
            raise SpecError(name, f"is not a regular file (a device, FIFO or socket); give {what}")
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as error:
        raise SpecError(name, f"cannot be read ({error.strerror or error}); give {what}") from None
    if len(raw) > max_bytes:
        raise SpecError(name, f"is over {max_bytes:,} bytes; allowed: at most {max_bytes:,} bytes")
    return raw


def read_text(path: Path, max_bytes: int, what: str = "a file") -> str:
    """``read_bytes`` decoded as UTF-8 (a BOM is dropped), or a ``SpecError`` at the line of the
    first byte that is not UTF-8."""
    raw = read_bytes(path, max_bytes, what)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise SpecError(
            shown_path(path),
            f"is not UTF-8 text (byte {error.start} is "
            f"0x{raw[error.start]:02x}); save the file as UTF-8",
            line=line,
        ) from None
