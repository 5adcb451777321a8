"""Kolibri 1 (modeling_kolibri1.py: per-head q_norm/k_norm, four RMSNorms per layer; default
layer_types four sliding then one full; every layer a MoE with a shared expert).

Defaults: transformers 5.23.0 models/kolibri1/configuration_kolibri1.py, Kolibri1Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(
        f, n, ["full_attention" if (i + 1) % 5 == 0 else "sliding_attention" for i in range(n)]
    )
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    shared = f.integer("shared_expert_intermediate_size", minimum=0)
    moe = b.moe(
        f.integer("num_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("moe_intermediate_size"),
        1 if shared else 0,
        shared or None,
    )
    layers = [
        {"attention": b.attention(H, K, d, w, qk_norm="head"), "ffn": dict(moe)}
        for w in b.sliding_types_window(f, n, types)
    ]
    return Built(b.top(f, per_layer_norms=4), layers)


FAMILY = Family(
    model_type="kolibri1",
    class_name="Kolibri1Config",
    source="transformers 5.23.0 models/kolibri1/configuration_kolibri1.py",
    defaults={
        "vocab_size": 128000,
        "hidden_size": 2560,
        "num_hidden_layers": 50,
        "num_attention_heads": 48,
        "num_key_value_heads": 4,
        "max_position_embeddings": 262144,
        "tie_word_embeddings": False,
        "sliding_window": 513,
        "moe_intermediate_size": 512,
        "num_experts_per_tok": 6,
        "num_experts": 384,
        "head_dim": 128,
        "shared_expert_intermediate_size": 512,
        "layer_types": None,
    },
    attribute_map={"num_experts": "num_local_experts"},
    build=build,
)
