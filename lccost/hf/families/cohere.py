"""Cohere (modeling_cohere.py: one LayerNorm without bias per layer (attention and MLP in parallel);
use_qk_norm adds LayerNorms over (heads, head_dim)).

Defaults: transformers 5.23.0 models/cohere/configuration_cohere.py, CohereConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    norm = "full" if f.flag("use_qk_norm") else "none"
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, qk_norm=norm, per_layer_norms=1
    )


FAMILY = Family(
    model_type="cohere",
    class_name="CohereConfig",
    source="transformers 5.23.0 models/cohere/configuration_cohere.py",
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
        "use_qk_norm": False,
    },
    build=build,
)
