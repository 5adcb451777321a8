"""Granite MoE (modeling_granitemoe.py: every layer a MoE of num_local_experts, linear router).

Defaults: transformers 5.23.0 models/granitemoe/configuration_granitemoe.py, GraniteMoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
    )
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias)
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="granitemoe",
    class_name="GraniteMoeConfig",
    source="transformers 5.23.0 models/granitemoe/configuration_granitemoe.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
        "head_dim": None,
    },
    build=build,
)
