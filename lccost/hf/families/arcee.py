"""Arcee (modeling_arcee.py: Llama attention, an ungated up/down MLP).

Defaults: transformers 5.23.0 models/arcee/configuration_arcee.py, ArceeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, mlp_bias=f.flag("mlp_bias"), gated=False
    )


FAMILY = Family(
    model_type="arcee",
    class_name="ArceeConfig",
    source="transformers 5.23.0 models/arcee/configuration_arcee.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 2560,
        "intermediate_size": 18432,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "head_dim": None,
    },
    build=build,
)
