"""Moved to ``lccost.strict`` (the mechanisms use it, and ``lccost.spec.model`` uses the
mechanisms: keeping it here made the two packages import each other). Kept for branches in
flight; import ``SpecModel`` from ``lccost.strict``."""

from lccost.strict import SpecModel

__all__ = ["SpecModel"]
