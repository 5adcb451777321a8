"""The base of every schema model: strict, frozen, no unknown fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class SpecModel(BaseModel):
    """Strict (``True`` and ``"12"`` are not integers), frozen (hashable) and closed
    (an unknown field is an error, not silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, defer_build=True)
