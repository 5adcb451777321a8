"""Llama (modeling_llama.py: LlamaAttention q/k/v/o with attention_bias, LlamaMLP with mlp_bias, two
RMSNorms per layer and a final one).

Defaults: transformers 5.23.0 models/llama/configuration_llama.py, LlamaConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, mlp_bias=f.flag("mlp_bias")
    )


FAMILY = Family(
    model_type="llama",
    class_name="LlamaConfig",
    source="transformers 5.23.0 models/llama/configuration_llama.py",
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
        "mlp_bias": False,
        "head_dim": None,
    },
    build=build,
)
