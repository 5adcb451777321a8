"""gpt-oss (modeling_gpt_oss.py: default layer_types alternate sliding / full; every layer a MoE of
num_local_experts with biased gated experts and a biased router; attention sinks).

Defaults: transformers 5.23.0 models/gpt_oss/configuration_gpt_oss.py, GptOssConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(f, n, b.alternating(n, 2))
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = f.integer("head_dim")
    window = f.opt_int("sliding_window")
    bias = f.flag("attention_bias")
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
        router_bias=True,
        expert_bias=True,
    )
    layers = [
        {
            "attention": b.attention(
                H,
                K,
                d,
                window if t == b.ATTENTION_TYPES[1] else None,
                qkv_bias=bias,
                o_bias=bias,
                sinks=True,
            ),
            "ffn": dict(ffn),
        }
        for t in types
    ]
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="gpt_oss",
    class_name="GptOssConfig",
    source="transformers 5.23.0 models/gpt_oss/configuration_gpt_oss.py",
    defaults={
        "num_hidden_layers": 36,
        "num_local_experts": 128,
        "vocab_size": 201088,
        "hidden_size": 2880,
        "intermediate_size": 2880,
        "head_dim": 64,
        "num_attention_heads": 64,
        "num_key_value_heads": 8,
        "sliding_window": 128,
        "tie_word_embeddings": False,
        "max_position_embeddings": 131072,
        "num_experts_per_tok": 4,
        "swiglu_alpha": 1.702,
        "swiglu_limit": 7.0,
        "layer_types": None,
        "attention_bias": True,
    },
    attribute_map={"num_experts": "num_local_experts"},
    ignored={
        "swiglu_alpha": "an activation constant",
        "swiglu_limit": "an activation clamp",
    },
    build=build,
)
