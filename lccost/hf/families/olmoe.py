"""OLMoE (modeling_olmoe.py: q_norm/k_norm over all heads; every layer a MoE).

Defaults: transformers 5.23.0 models/olmoe/configuration_olmoe.py, OlmoeConfig."""

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
        f.integer("num_experts"), f.integer("num_experts_per_tok"), f.integer("intermediate_size")
    )
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias, qk_norm="full")
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="olmoe",
    class_name="OlmoeConfig",
    source="transformers 5.23.0 models/olmoe/configuration_olmoe.py",
    defaults={
        "vocab_size": 50304,
        "hidden_size": 2048,
        "intermediate_size": 2048,
        "num_hidden_layers": 16,
        "num_attention_heads": 16,
        "num_key_value_heads": None,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "clip_qkv": None,
        "num_experts_per_tok": 8,
        "num_experts": 64,
    },
    attribute_map={"num_local_experts": "num_experts"},
    ignored={
        "clip_qkv": "clamps activations",
        "head_dim": "not read: OlmoeAttention uses hidden_size // num_attention_heads",
    },
    build=build,
)
