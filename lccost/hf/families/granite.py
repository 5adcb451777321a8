"""Granite (modeling_granite.py: Llama shapes; attention_bias on q/k/v/o, mlp_bias).

Defaults: transformers 5.23.0 models/granite/configuration_granite.py, GraniteConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, mlp_bias=f.flag("mlp_bias")
    )


FAMILY = Family(
    model_type="granite",
    class_name="GraniteConfig",
    source="transformers 5.23.0 models/granite/configuration_granite.py",
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
    },
    build=build,
)
