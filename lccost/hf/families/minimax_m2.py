"""MiniMax-M2 (modeling_minimax_m2.py: q_norm/k_norm over all heads; every layer a MoE).

Defaults: transformers 5.23.0 models/minimax_m2/configuration_minimax_m2.py, MiniMaxM2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
    )
    att = b.attention(H, K, d, qk_norm="full")
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="minimax_m2",
    class_name="MiniMaxM2Config",
    source="transformers 5.23.0 models/minimax_m2/configuration_minimax_m2.py",
    defaults={
        "vocab_size": 200064,
        "hidden_size": 3072,
        "intermediate_size": 1536,
        "num_hidden_layers": 62,
        "num_attention_heads": 48,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "max_position_embeddings": 196608,
        "tie_word_embeddings": False,
        "num_experts_per_tok": 8,
        "num_local_experts": 256,
    },
    attribute_map={"num_experts": "num_local_experts"},
    build=build,
)
