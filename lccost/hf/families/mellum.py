"""Mellum (modeling_mellum.py: per-head q_norm/k_norm; mlp_layer_types, default all MoE).

Defaults: transformers 5.23.0 models/mellum/configuration_mellum.py, MellumConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(f, n, ["full_attention"] * n)
    mlp_types = f.str_list("mlp_layer_types", n, ("dense", "sparse")) or ["sparse"] * n
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    moe = b.moe(
        f.integer("num_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("moe_intermediate_size"),
    )
    dense = b.dense(f.integer("intermediate_size"))
    windows = b.sliding_types_window(f, n, types)
    if f.opt_int("num_mtp_layers", minimum=0):
        f.mark_used("mtp_layer_types", "mtp_mlp_layer_types")
    layers = [
        {
            "attention": b.attention(H, K, d, w, qkv_bias=bias, o_bias=bias, qk_norm="head"),
            "ffn": dict(moe if m == "sparse" else dense),
        }
        for w, m in zip(windows, mlp_types, strict=True)
    ]
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="mellum",
    class_name="MellumConfig",
    source="transformers 5.23.0 models/mellum/configuration_mellum.py",
    defaults={
        "vocab_size": 98304,
        "hidden_size": 2304,
        "intermediate_size": 7168,
        "num_hidden_layers": 28,
        "num_attention_heads": 32,
        "num_key_value_heads": 4,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "sliding_window": 1024,
        "moe_intermediate_size": 896,
        "num_experts_per_tok": 8,
        "num_experts": 64,
        "head_dim": 128,
        "layer_types": None,
        "mlp_layer_types": None,
        "num_mtp_layers": None,
        "mtp_layer_types": None,
        "mtp_mlp_layer_types": None,
    },
    attribute_map={
        "num_experts": "num_local_experts",
        "num_mtp_layers": "num_nextn_predict_layers",
    },
    ignored={
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "mtp_layer_types": "multi-token-prediction layers",
        "mtp_mlp_layer_types": "multi-token-prediction layers",
    },
    build=build,
)
