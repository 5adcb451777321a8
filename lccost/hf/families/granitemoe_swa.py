"""Granite MoE SWA (modeling_granitemoe_swa.py: attention sinks, default layer_types one full then
three sliding; every layer a MoE, a shared expert when shared_intermediate_size > 0).

Defaults: transformers 5.23.0 models/granitemoe_swa/configuration_granitemoe_swa.py,
GraniteMoeSWAConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(
        f, n, ["full_attention" if i % 4 == 0 else "sliding_attention" for i in range(n)]
    )
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    shared = f.integer("shared_intermediate_size", minimum=0)
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
        1 if shared else 0,
        shared or None,
    )
    windows = b.sliding_types_window(f, n, types)
    layers = [
        {
            "attention": b.attention(H, K, d, w, qkv_bias=bias, o_bias=bias, sinks=True),
            "ffn": dict(ffn),
        }
        for w in windows
    ]
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="granitemoe_swa",
    class_name="GraniteMoeSWAConfig",
    source="transformers 5.23.0 models/granitemoe_swa/configuration_granitemoe_swa.py",
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
        "shared_intermediate_size": 0,
        "sliding_window": 128,
        "layer_types": None,
        "layer_rope_theta": None,
        "head_dim": None,
    },
    ignored={
        "layer_rope_theta": "RoPE bases per layer",
    },
    build=build,
)
