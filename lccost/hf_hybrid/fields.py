"""Reading a config mapping against its class defaults, with errors that name the field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lccost.errors import SpecError


class Fields:
    """``data`` read against ``defaults`` (the transformers 5.23.0 class defaults); keys taken
    from the defaults are recorded in ``defaulted`` for the spec's notes."""

    def __init__(self, data: Mapping[str, Any], defaults: Mapping[str, Any], file: str) -> None:
        self.data, self.defaults, self.file = data, defaults, file
        self.defaulted: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        if key in self.data:
            return self.data[key]
        if key not in self.defaults:
            raise SpecError(self.file, "is required", field=key)
        self.defaulted[key] = self.defaults[key]
        return self.defaults[key]

    def integer(self, key: str, minimum: int = 1) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise SpecError(self.file, f"got {value!r}; allowed: a whole number >= {minimum}",
                            field=key)
        return value

    def opt_integer(self, key: str, minimum: int = 1) -> int | None:
        return None if self.get(key) is None else self.integer(key, minimum)

    def flag(self, key: str) -> bool:
        value = self.get(key)
        if not isinstance(value, bool):
            raise SpecError(self.file, f"got {value!r}; allowed: true or false", field=key)
        return value

    def str_list(self, key: str, allowed: tuple[str, ...]) -> list[str] | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(v in allowed for v in value):
            raise SpecError(self.file, f"got {value!r}; allowed: a list of "
                                       f"{', '.join(allowed)}", field=key)
        return list(value)

    def int_list(self, key: str) -> list[int] | None:
        value = self.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise SpecError(self.file, f"got {value!r}; allowed: a list of whole numbers",
                            field=key)
        return list(value)


@dataclass
class Imported:
    """What a family builder returns: one layer mapping per layer and notes."""

    layers: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    norms: dict[str, int] | None = None
    """D-wide norm vectors per layer and after the last (``lccost.mechanisms.norms``)."""

    def top(self, f: Fields) -> dict[str, Any]:
        top: dict[str, Any] = {"hidden_size": f.integer("hidden_size"),
                               "vocab_size": f.integer("vocab_size"),
                               "tie_word_embeddings": f.flag("tie_word_embeddings")}
        max_context = f.opt_integer("max_position_embeddings")
        if max_context is not None:
            top["max_context"] = max_context
        if self.norms is not None:
            top["norms"] = dict(self.norms)
        return top


def attention(H: int, K: int, d: int, **extra: Any) -> dict[str, Any]:
    return {"kind": "attention", "query_heads": H, "kv_heads": K, "head_dim": d, **extra}


NONE = {"kind": "none"}
"""The missing half of a single-purpose block (``lccost.mechanisms.identity``)."""
