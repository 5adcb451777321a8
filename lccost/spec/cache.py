"""Validated shipped specs, kept across processes.

Validating a spec builds pydantic's schema and walks every field: tens of milliseconds on a cold
start, for a result that only changes when a file does. ``lccost.spec.loader`` validates each
file once per process (keyed by the SHA-256 of every file of its ``extends`` chain); here the
shipped specs are also pickled, under ``LCCOST_CACHE_DIR`` (default ``$XDG_CACHE_HOME/lccost``,
else ``~/.cache/lccost``), one file per spec named by the spec file's resolved path and SHA-256
and by lccost's own source files (their paths, sizes and modification times), the Python
version and pydantic's, in a folder of that build (``v-<fingerprint>``): the first entry a new
build keeps removes what other builds kept, so an upgrade or an edit does not leave its
predecessors' entries behind. The entry holds the architecture and its chain: each file's resolved
path, SHA-256 and ``extends`` reference as written, so the loader finds a kept spec without
parsing any YAML, and uses it only when every file of the chain still has that digest and each
reference still resolves to that file (an edited parent, or a new file that an ``extends`` now
finds first, is validated again). Shipped hardware profiles are kept the same way, one file
each (``hardwareprofile-*.pickle``, a chain of one file). ``LCCOST_CACHE_DIR=off`` turns it
off. A cache file that cannot be read, written or unpickled is ignored: the file is validated
as usual.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import TypeVar

from lccost.spec.model import Architecture

Kept = TypeVar("Kept")

PACKAGE = Path(__file__).resolve().parent.parent


Link = tuple[Path, str, str | None]
"""One file of a spec's ``extends`` chain: its resolved path, the SHA-256 of its text and its
``extends`` reference as written (``None`` for the root parent)."""

Chain = tuple[Link, ...]
"""A spec's ``extends`` chain, child first."""


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
    root = str(PACKAGE)
    sources: list[tuple[str, str]] = []  # (path relative to the package, full path)
    # os.walk and plain strings, not Path.rglob: this runs on every cold start
    for folder, folders, names in os.walk(root):
        folders[:] = [name for name in folders if name != "__pycache__"]
        relative = os.path.relpath(folder, root)
        for name in names:
            if name.endswith(".py"):
                full = os.path.join(folder, name)
                sources.append((os.path.normpath(os.path.join(relative, name)), full))
    for relative, full in sorted(sources):
        stat = os.stat(full)
        digest.update(f"|{relative}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    configured = os.environ.get("LCCOST_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lccost"


_ENTRY = re.compile(r"(spec|hardwareprofile)-[0-9a-f]{32}\.pickle|tmp\w+\.tmp")
"""The files lccost writes in a cache folder: entries, and a write in progress."""

_VERSION = re.compile(r"v-[0-9a-f]{16}")
"""A folder of entries kept by one build of lccost (its ``code_fingerprint``)."""


def _stored(first: tuple[Path, str], kind: type) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    path, digest = first
    fingerprint = code_fingerprint()
    # Architectures keep the name their entries always had; another kind is part of the key.
    what = "chain" if kind is Architecture else f"{kind.__module__}.{kind.__qualname__}"
    key = hashlib.sha256(f"{what}|{path}:{digest}|{fingerprint}".encode()).hexdigest()[:32]
    prefix = "spec" if kind is Architecture else kind.__name__.lower()
    return folder / f"v-{fingerprint[:16]}" / f"{prefix}-{key}.pickle"


def _prune(current: Path) -> None:
    """Remove what other builds of lccost kept beside ``current`` (this build's folder): their
    ``v-*`` folders and entries of the older flat layout. Only names lccost writes are touched
    (``LCCOST_CACHE_DIR`` may name a folder that holds other files); whatever cannot be removed
    stays, since a stale entry is never read (its name holds another fingerprint)."""
    try:
        for entry in current.parent.iterdir():
            if entry == current or entry.is_symlink():
                continue
            if entry.is_dir() and _VERSION.fullmatch(entry.name):
                for kept in entry.iterdir():
                    if _ENTRY.fullmatch(kept.name) and not kept.is_symlink() and kept.is_file():
                        kept.unlink()
                entry.rmdir()  # fails, and is left, when it holds anything else
            elif entry.is_file() and _ENTRY.fullmatch(entry.name):
                entry.unlink()
    except OSError:
        pass


def _is_chain(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) > 0
        and all(
            isinstance(link, tuple)
            and len(link) == 3
            and isinstance(link[0], Path)
            and isinstance(link[1], str)
            and (link[2] is None or isinstance(link[2], str))
            for link in value
        )
    )


def recall(first: tuple[Path, str], kind: type[Kept]) -> tuple[Chain, Kept] | None:
    """The chain and the ``kind`` (a spec's architecture, a hardware profile) kept for the
    file ``first`` (resolved path, SHA-256), if any; the caller checks that the chain's other
    files are unchanged."""
    stored = _stored(first, kind)
    if stored is None:
        return None
    try:
        kept = pickle.loads(stored.read_bytes())
    except Exception:  # absent, unreadable, or written by another version: validate instead
        return None
    if not (isinstance(kept, tuple) and len(kept) == 2):
        return None
    chain, value = kept
    if not (_is_chain(chain) and type(value) is kind):
        return None
    if chain[0][:2] != first:
        return None
    return chain, value


def keep(chain: Chain, value: object) -> None:
    """Store ``value`` (an architecture, a hardware profile), validated from the files of
    ``chain``."""
    stored = _stored(chain[0][:2], type(value))
    if stored is None:
        return
    try:
        if not stored.parent.is_dir():  # this build's first entry: what older builds kept goes
            stored.parent.mkdir(parents=True, exist_ok=True)
            _prune(stored.parent)
        with tempfile.NamedTemporaryFile(dir=stored.parent, delete=False, suffix=".tmp") as handle:
            handle.write(pickle.dumps((chain, value), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, stored)  # atomic: a reader sees the old file or the new one
    except OSError:
        pass  # a read-only home: no cache, same answers
