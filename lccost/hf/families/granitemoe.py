"""Granite MoE (modeling_granitemoe.py: every layer a MoE of num_local_experts, linear router).

Defaults: transformers 5.23.0 models/granitemoe/configuration_granitemoe.py, GraniteMoeConfig."""

from __future__ import annotations

from typing import Any

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def heads_and_moe(f: Fields, shared_expert: bool) -> tuple[int, int, int, bool, dict[str, Any]]:
    """Query heads, KV heads, head_dim, attention_bias and the MoE of every layer; with
    ``shared_expert`` (granitemoeshared and granitemoe_swa, modular on this one) a gated shared
    MLP of shared_intermediate_size when it is non-zero."""
    H, K, d = b.gqa_heads(f)
    bias = f.flag("attention_bias")
    shared = f.integer("shared_intermediate_size", minimum=0) if shared_expert else 0
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
        1 if shared else 0,
        shared or None,
    )
    return H, K, d, bias, ffn


def build(f: Fields, shared_expert: bool = False) -> Built:
    n = f.layers()
    H, K, d, bias, ffn = heads_and_moe(f, shared_expert)
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias)
    return Built(b.top(f), b.same_layers(n, att, ffn))


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
