"""Validated specs, kept once per process and, for the shipped specs, across processes.

Validating a spec builds pydantic's schema and walks every field: tens of milliseconds on a cold
start, for a result that only changes when a file does. So ``lccost.spec.loader`` keeps each
validated ``Architecture`` with the files it was read from (the spec and its ``extends``
parents) and the SHA-256 of each; a kept architecture is used only while every one of those
files still has the same digest, so an edited file is always read and validated again.

In process: by resolved path. Across processes, shipped specs only: pickled under
``LCCOST_CACHE_DIR`` (default ``$XDG_CACHE_HOME/lccost``, else ``~/.cache/lccost``), one file per
spec named by the digest of its file and of lccost's own source files (their paths, sizes and
modification times), the Python version and pydantic's, so a changed mechanism class never
reads an architecture pickled by an older one. ``LCCOST_CACHE_DIR=off`` turns it off. A cache
file that cannot be read, written or unpickled is ignored: the spec is validated as usual.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lccost.spec.model import Architecture

PACKAGE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Kept:
    """A validated architecture and the (resolved path, SHA-256) of every file it came from."""

    architecture: Architecture
    files: tuple[tuple[str, str], ...]

    def still_current(self) -> bool:
        return all(digest_of(Path(path)) == digest for path, digest in self.files)


_IN_PROCESS: dict[str, Kept] = {}


def digest_of(path: Path) -> str | None:
    """SHA-256 of the file's bytes; None if it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, ValueError):
        return None


@cache
def code_fingerprint() -> str:
    """lccost's source (paths, sizes, modification times), Python's and pydantic's versions."""
    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    for source in sorted(PACKAGE.rglob("*.py")):
        stat = source.stat()
        digest.update(f"|{source.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}"
                      .encode())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    configured = os.environ.get("LCCOST_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lccost"


def _disk_path(path: Path) -> Path | None:
    folder = cache_dir()
    digest = digest_of(path)
    if folder is None or digest is None:
        return None
    key = hashlib.sha256(f"{digest}|{code_fingerprint()}".encode()).hexdigest()[:32]
    return folder / f"spec-{key}.pickle"


def recall(path: Path, shipped: bool) -> Architecture | None:
    """The architecture validated from ``path`` before, if every file it came from is
    unchanged."""
    resolved = str(path.resolve())
    kept = _IN_PROCESS.get(resolved)
    if kept is not None and kept.still_current():
        return kept.architecture
    if not shipped:
        return None
    stored = _disk_path(path)
    if stored is None:
        return None
    try:
        kept = pickle.loads(stored.read_bytes())
    except Exception:  # absent, unreadable, or written by another version: validate instead
        return None
    if not isinstance(kept, Kept) or not kept.still_current():
        return None
    _IN_PROCESS[resolved] = kept
    return kept.architecture


def keep(path: Path, files: list[Path], architecture: Architecture, shipped: bool) -> None:
    """Remember ``architecture``, validated from ``files`` (``path`` and its parents)."""
    digests = tuple((str(f.resolve()), digest_of(f)) for f in files)
    if any(digest is None for _, digest in digests):
        return
    kept = Kept(architecture, tuple((p, d) for p, d in digests if d is not None))
    _IN_PROCESS[str(path.resolve())] = kept
    stored = _disk_path(path) if shipped else None
    if stored is None:
        return
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=stored.parent, delete=False,
                                         suffix=".tmp") as handle:
            handle.write(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, stored)  # atomic: a reader sees the old file or the new one
    except OSError:
        pass  # a read-only home: no cache, same answers
