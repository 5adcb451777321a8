"""A parsed spec file and the bounds on what one may hold, shared by the loader
(``lccost.spec.loader``) and its YAML parser (``lccost.spec.yaml12``). Kept apart from the parser
so that loading a spec kept by ``lccost.spec.cache`` imports no YAML library."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Position = tuple[str, int]
"""(file, 1-based line) where a value is written."""


@dataclass
class Document:
    """A parsed YAML mapping and where each value was written, by field path."""

    data: dict[str, Any]
    positions: dict[tuple[str | int, ...], Position] = field(default_factory=dict)
    inherited: dict[tuple[str | int, ...], tuple[str | int, ...]] = field(default_factory=dict)
    """Paths of values a layer template inherited whole, and where each was written."""


MAX_INT_DIGITS = 19
"""Integers in a spec fit in 64 bits (at most 9,223,372,036,854,775,807, 19 digits): every real
size is far below, and the bound keeps Python's int-from-text limit and float formatting of the
results out of reach."""

MAX_INT = 2**63 - 1

MAX_DEPTH = 64
"""Nesting deeper than this is no spec (the deepest shipped spec nests 7 levels)."""


SPEC_FIELDS = "name, hidden_size, vocab_size and layers"
"""The fields a spec cannot do without, named when a file is empty or not a mapping."""


def render_path(path: tuple[str | int, ...]) -> str:
    """A field path as messages write it: ``layers[3].attention.kv_heads``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(top level)"
