"""ERNIE 4.5 (modeling_ernie4_5.py: use_bias on q/k/v/o and the MLP).

Defaults: transformers 5.23.0 models/ernie4_5/configuration_ernie4_5.py, Ernie4_5Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("use_bias")
    return b.uniform(f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, mlp_bias=bias)


FAMILY = Family(
    model_type="ernie4_5",
    class_name="Ernie4_5Config",
    source="transformers 5.23.0 models/ernie4_5/configuration_ernie4_5.py",
    defaults={
        "vocab_size": 103424,
        "hidden_size": 1024,
        "intermediate_size": 3072,
        "num_hidden_layers": 18,
        "num_attention_heads": 16,
        "num_key_value_heads": 2,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
        "use_bias": False,
        "head_dim": 128,
    },
    build=build,
)
