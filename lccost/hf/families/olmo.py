"""OLMo (modeling_olmo.py: Llama shapes with parameter-free LayerNorms).

Defaults: transformers 5.23.0 models/olmo/configuration_olmo.py, OlmoConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, per_layer_norms=0, final_norms=0
    )


FAMILY = Family(
    model_type="olmo",
    class_name="OlmoConfig",
    source="transformers 5.23.0 models/olmo/configuration_olmo.py",
    defaults={
        "vocab_size": 50304,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "clip_qkv": None,
        "head_dim": None,
    },
    ignored={
        "clip_qkv": "clamps activations",
    },
    build=build,
)
