"""Qwen2-MoE (modeling_qwen2_moe.py: q/k/v biases with qkv_bias; MoE layers as in Qwen3-MoE plus one
shared expert of shared_expert_intermediate_size behind a sigmoid gate D x 1).

Defaults: transformers 5.23.0 models/qwen2_moe/configuration_qwen2_moe.py, Qwen2MoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    f.layers()  # checked (and capped) before the per-layer lists are read
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("qkv_bias")
    only = f.int_list("mlp_only_layers", None, minimum=0) or []
    step = f.integer("decoder_sparse_step")
    experts = f.integer("num_experts", minimum=0)
    active = f.integer("num_experts_per_tok")
    width = f.integer("moe_intermediate_size")
    shared_width = f.integer("shared_expert_intermediate_size", minimum=0)
    dense_width = f.integer("intermediate_size")
    layers = []
    for i, window in enumerate(b.qwen_windows(f)):
        sparse = i not in only and experts > 0 and (i + 1) % step == 0
        if sparse:
            ffn = b.moe(
                experts,
                min(active, experts),
                width,
                1 if shared_width else 0,
                shared_width or None,
                shared_expert_gate=True,
            )
        else:
            ffn = b.dense(dense_width)
        layers.append({"attention": b.attention(H, K, d, window, qkv_bias=bias), "ffn": ffn})
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="qwen2_moe",
    class_name="Qwen2MoeConfig",
    source="transformers 5.23.0 models/qwen2_moe/configuration_qwen2_moe.py",
    defaults={
        "vocab_size": 151936,
        "hidden_size": 2048,
        "intermediate_size": 5632,
        "num_hidden_layers": 24,
        "num_attention_heads": 16,
        "num_key_value_heads": 16,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "max_window_layers": 28,
        "decoder_sparse_step": 1,
        "moe_intermediate_size": 1408,
        "shared_expert_intermediate_size": 5632,
        "num_experts_per_tok": 4,
        "num_experts": 60,
        "mlp_only_layers": None,
        "qkv_bias": True,
        "layer_types": None,
        "head_dim": None,
    },
    build=build,
)
