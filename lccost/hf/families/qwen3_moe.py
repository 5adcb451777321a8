"""Qwen3-MoE (modeling_qwen3_moe.py L308: MoE where layer_idx not in mlp_only_layers and (layer_idx
+ 1) % decoder_sparse_step == 0; no shared expert; per-head q_norm/k_norm).

Defaults: transformers 5.23.0 models/qwen3_moe/configuration_qwen3_moe.py, Qwen3MoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    f.layers()  # checked (and capped) before the per-layer lists are read
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    only = f.int_list("mlp_only_layers", None, minimum=0) or []
    step = f.integer("decoder_sparse_step")
    experts = f.integer("num_experts", minimum=0)
    active = f.integer("num_experts_per_tok")
    width = f.integer("moe_intermediate_size")
    dense_width = f.integer("intermediate_size")
    layers = []
    for i, window in enumerate(b.qwen_windows(f, has_layer_types=False)):
        sparse = i not in only and experts > 0 and (i + 1) % step == 0
        ffn = b.moe(experts, min(active, experts), width) if sparse else b.dense(dense_width)
        layers.append(
            {
                "attention": b.attention(
                    H, K, d, window, qkv_bias=bias, o_bias=bias, qk_norm="head"
                ),
                "ffn": ffn,
            }
        )
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="qwen3_moe",
    class_name="Qwen3MoeConfig",
    source="transformers 5.23.0 models/qwen3_moe/configuration_qwen3_moe.py",
    defaults={
        "vocab_size": 151936,
        "hidden_size": 2048,
        "intermediate_size": 6144,
        "num_hidden_layers": 24,
        "num_attention_heads": 32,
        "num_key_value_heads": 4,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "decoder_sparse_step": 1,
        "moe_intermediate_size": 768,
        "num_experts_per_tok": 8,
        "num_experts": 128,
        "mlp_only_layers": None,
        "head_dim": None,
    },
    attribute_map={"num_experts": "num_local_experts"},
    build=build,
)
