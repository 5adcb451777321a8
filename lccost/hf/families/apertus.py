"""Apertus (modeling_apertus.py: per-head q_norm/k_norm; an ungated MLP with the xIELU activation's
two learned scalars).

Defaults: transformers 5.23.0 models/apertus/configuration_apertus.py, ApertusConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=bias,
        o_bias=bias,
        qk_norm="head",
        gated=False,
        activation_params=2,
    )


FAMILY = Family(
    model_type="apertus",
    class_name="ApertusConfig",
    source="transformers 5.23.0 models/apertus/configuration_apertus.py",
    defaults={
        "vocab_size": 131072,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 65536,
        "tie_word_embeddings": False,
        "attention_bias": False,
    },
    build=build,
)
