"""Import Hugging Face configs of the hybrid families: layers whose state does not grow with the
context (Mamba2, Gated DeltaNet, short convolutions) or chunked attention.

One module per ``model_type``, each with the transformers 5.23.0 class defaults it reads and a
``build(fields)`` that returns the layers transformers builds; ``spec_from_hybrid_config``
assembles them into an lccost spec mapping (what a YAML spec holds).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from lccost.hf_hybrid import (
    granitemoehybrid,
    kimi_linear,
    lfm2,
    llama4,
    minimax,
    nemotron_h,
    qwen3_5,
    qwen3_next,
)
from lccost.hf_hybrid.fields import Fields, Imported

FAMILIES: dict[str, tuple[dict[str, Any], Callable[[Fields], Imported]]] = {
    "nemotron_h": (nemotron_h.DEFAULTS, nemotron_h.build),
    "qwen3_next": (qwen3_next.DEFAULTS, qwen3_next.build),
    "lfm2": (lfm2.DEFAULTS, lfm2.build),
    "llama4_text": (llama4.DEFAULTS, llama4.build),
    "kimi_linear": (kimi_linear.DEFAULTS, kimi_linear.build),
    "minimax": (minimax.DEFAULTS, minimax.build),
    "granitemoehybrid": (granitemoehybrid.DEFAULTS, granitemoehybrid.build),
    "qwen3_5_text": (qwen3_5.DEFAULTS, qwen3_5.build),
    "qwen3_5_moe_text": (qwen3_5.MOE_DEFAULTS, qwen3_5.build_moe),
}
"""model_type -> (class defaults, builder)."""

WRAPPERS = {"llama4": "llama4_text", "qwen3_5": "qwen3_5_text",
            "qwen3_5_moe": "qwen3_5_moe_text"}
"""Multimodal model types whose text decoder is ``text_config``."""


def spec_from_hybrid_config(config: Mapping[str, Any], name: str,
                            source: str = "config.json") -> dict[str, Any]:
    """The lccost spec mapping of a hybrid-family config (not yet validated)."""
    model_type = str(config.get("model_type"))
    data: Mapping[str, Any] = config
    notes: list[str] = []
    if model_type in WRAPPERS:
        text = config.get("text_config") or {}
        data, model_type = text, WRAPPERS[model_type]
        notes.append("Only the text decoder (text_config) is imported; the vision tower is not "
                     "counted.")
    defaults, build = FAMILIES[model_type]
    fields = Fields(data, defaults, source)
    imported = build(fields)
    notes += imported.notes
    if fields.defaulted:
        values = ", ".join(f"{k} = {v!r}" for k, v in sorted(fields.defaulted.items()))
        notes.append(f"Not in the config, taken from the transformers 5.23.0 class defaults: "
                     f"{values}.")
    return {
        "name": name,
        "description": f"Imported from {source} (model_type {model_type}).",
        **imported.top(fields),
        "layers": imported.layers,
        "sources": [{"ref": f"{source} (model_type {model_type}), read by lccost.hf_hybrid",
                     "covers": "every field of this spec"}],
        "notes": notes,
    }
