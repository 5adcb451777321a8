"""Mixtral (modeling_mixtral.py: Mistral attention, every layer a MoE of num_local_experts of
intermediate_size, linear router without bias).

Defaults: transformers 5.23.0 models/mixtral/configuration_mixtral.py, MixtralConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    window = f.opt_int("sliding_window")
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
    )
    return Built(
        b.top(f), [{"attention": b.attention(H, K, d, window), "ffn": dict(ffn)} for _ in range(n)]
    )


FAMILY = Family(
    model_type="mixtral",
    class_name="MixtralConfig",
    source="transformers 5.23.0 models/mixtral/configuration_mixtral.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": None,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "sliding_window": None,
        "num_experts_per_tok": 2,
        "num_local_experts": 8,
    },
    attribute_map={"num_experts": "num_local_experts"},
    build=build,
)
