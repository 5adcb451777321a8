"""Validated shipped specs, kept across processes.

Validating a spec builds pydantic's schema and walks every field: tens of milliseconds on a cold
start, for a result that only changes when a file does. ``lccost.spec.loader`` validates each
file once per process (keyed by the SHA-256 of every file of its ``extends`` chain); here the
shipped specs are also pickled, under ``LCCOST_CACHE_DIR`` (default ``$XDG_CACHE_HOME/lccost``,
else ``~/.cache/lccost``), one file per spec named by the same digests and by lccost's own
source files (their paths, sizes and modification times), the Python version and pydantic's,
so an edited spec or a changed mechanism class never reads an architecture pickled before.
``LCCOST_CACHE_DIR=off`` turns it off. A cache file that cannot be read, written or unpickled
is ignored: the spec is validated as usual.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from functools import cache
from pathlib import Path

from lccost.spec.model import Architecture

PACKAGE = Path(__file__).resolve().parent.parent


ChainKey = tuple[tuple[Path, str], ...]
"""(resolved path, SHA-256) of each file of a spec's ``extends`` chain, child first."""


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
        digest.update(f"|{source.relative_to(PACKAGE)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    configured = os.environ.get("LCCOST_CACHE_DIR")
    if configured == "off":
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lccost"


def _stored(chain: ChainKey) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    text = "|".join(f"{path}:{digest}" for path, digest in chain)
    key = hashlib.sha256(f"{text}|{code_fingerprint()}".encode()).hexdigest()[:32]
    return folder / f"spec-{key}.pickle"


def recall(chain: ChainKey) -> Architecture | None:
    """The architecture validated from exactly these files before, if kept."""
    stored = _stored(chain)
    if stored is None:
        return None
    try:
        kept = pickle.loads(stored.read_bytes())
    except Exception:  # absent, unreadable, or written by another version: validate instead
        return None
    return kept if isinstance(kept, Architecture) else None


def keep(chain: ChainKey, architecture: Architecture) -> None:
    """Store ``architecture``, validated from the files of ``chain``."""
    stored = _stored(chain)
    if stored is None:
        return
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=stored.parent, delete=False, suffix=".tmp") as handle:
            handle.write(pickle.dumps(architecture, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(handle.name, stored)  # atomic: a reader sees the old file or the new one
    except OSError:
        pass  # a read-only home: no cache, same answers
