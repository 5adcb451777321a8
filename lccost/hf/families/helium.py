"""Helium (modeling_helium.py: Llama shapes).

Defaults: transformers 5.23.0 models/helium/configuration_helium.py, HeliumConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, mlp_bias=f.flag("mlp_bias")
    )


FAMILY = Family(
    model_type="helium",
    class_name="HeliumConfig",
    source="transformers 5.23.0 models/helium/configuration_helium.py",
    defaults={
        "vocab_size": 48000,
        "hidden_size": 2560,
        "intermediate_size": 7040,
        "num_hidden_layers": 24,
        "num_attention_heads": 20,
        "num_key_value_heads": 20,
        "head_dim": 128,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
    },
    build=build,
)
