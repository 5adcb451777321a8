"""Persimmon (modeling_persimmon.py: MHA with biases, per-head LayerNorms with bias on q and k with
qk_layernorm; an ungated MLP with biases; LayerNorms with bias).

Defaults: transformers 5.23.0 models/persimmon/configuration_persimmon.py, PersimmonConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    norm = "head_ln" if f.flag("qk_layernorm") else "none"
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=True,
        o_bias=True,
        mlp_bias=True,
        gated=False,
        qk_norm=norm,
        per_layer_norms=4,
        final_norms=2,
    )


FAMILY = Family(
    model_type="persimmon",
    class_name="PersimmonConfig",
    source="transformers 5.23.0 models/persimmon/configuration_persimmon.py",
    defaults={
        "vocab_size": 262144,
        "hidden_size": 4096,
        "intermediate_size": 16384,
        "num_hidden_layers": 36,
        "num_attention_heads": 64,
        "max_position_embeddings": 16384,
        "tie_word_embeddings": False,
        "qk_layernorm": True,
        "num_key_value_heads": None,
        "head_dim": None,
    },
    build=build,
)
