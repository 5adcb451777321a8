"""Jais 2 (modeling_jais2.py: Llama attention, an ungated up/down MLP, LayerNorms with bias).

Defaults: transformers 5.23.0 models/jais2/configuration_jais2.py, Jais2Config."""

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
        mlp_bias=f.flag("mlp_bias"),
        gated=False,
        per_layer_norms=4,
        final_norms=2,
    )


FAMILY = Family(
    model_type="jais2",
    class_name="Jais2Config",
    source="transformers 5.23.0 models/jais2/configuration_jais2.py",
    defaults={
        "vocab_size": 150272,
        "hidden_size": 3328,
        "intermediate_size": 26624,
        "num_hidden_layers": 32,
        "num_attention_heads": 26,
        "num_key_value_heads": None,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": False,
        "attention_bias": True,
        "mlp_bias": True,
        "head_dim": None,
    },
    build=build,
)
