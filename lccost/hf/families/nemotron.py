"""Nemotron (modeling_nemotron.py: an ungated up/down MLP; LayerNorm1P with bias; head_dim has no
fallback).

Defaults: transformers 5.23.0 models/nemotron/configuration_nemotron.py, NemotronConfig."""

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
        head_dim_required=True,
    )


FAMILY = Family(
    model_type="nemotron",
    class_name="NemotronConfig",
    source="transformers 5.23.0 models/nemotron/configuration_nemotron.py",
    defaults={
        "vocab_size": 256000,
        "hidden_size": 6144,
        "intermediate_size": 24576,
        "num_hidden_layers": 32,
        "num_attention_heads": 48,
        "head_dim": None,
        "num_key_value_heads": None,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
    },
    ignored={
        "partial_rotary_factor": "rotary dims; no shape",
    },
    build=build,
)
