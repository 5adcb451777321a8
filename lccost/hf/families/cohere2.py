"""Cohere 2 (modeling_cohere2.py: one LayerNorm without bias per layer; default layer_types from the
kwarg sliding_window_pattern, 4).

Defaults: transformers 5.23.0 models/cohere2/configuration_cohere2.py, Cohere2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    pattern = f.integer("sliding_window_pattern")
    types = b.layer_types(f, n, b.alternating(n, pattern))
    bias = f.flag("attention_bias")
    return b.uniform(
        f, b.sliding_types_window(f, n, types), qkv_bias=bias, o_bias=bias, per_layer_norms=1
    )


FAMILY = Family(
    model_type="cohere2",
    class_name="Cohere2Config",
    source="transformers 5.23.0 models/cohere2/configuration_cohere2.py",
    defaults={
        "vocab_size": 256000,
        "hidden_size": 8192,
        "intermediate_size": 22528,
        "num_hidden_layers": 40,
        "num_attention_heads": 64,
        "num_key_value_heads": None,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "sliding_window": 4096,
        "layer_types": None,
        "sliding_window_pattern": 4,
    },
    ignored={
        "head_dim": "recomputed by __post_init__ (hidden_size // num_attention_heads)",
    },
    build=build,
)
