"""Granite SWA (modeling_granite_swa.py: Granite shapes with attention sinks; default layer_types
one full then three sliding).

Defaults: transformers 5.23.0 models/granite_swa/configuration_granite_swa.py, GraniteSWAConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(
        f, n, ["full_attention" if i % 4 == 0 else "sliding_attention" for i in range(n)]
    )
    f.mark_used("layer_rope_theta")
    built = b.uniform(
        f,
        b.sliding_types_window(f, n, types),
        qkv_bias=f.flag("attention_bias"),
        o_bias=f.flag("attention_bias"),
        mlp_bias=f.flag("mlp_bias"),
    )
    for layer in built.layers:
        layer["attention"]["sinks"] = True
    return built


FAMILY = Family(
    model_type="granite_swa",
    class_name="GraniteSWAConfig",
    source="transformers 5.23.0 models/granite_swa/configuration_granite_swa.py",
    defaults={
        "vocab_size": 100352,
        "hidden_size": 2560,
        "intermediate_size": 8192,
        "num_hidden_layers": 24,
        "num_attention_heads": 20,
        "num_key_value_heads": 4,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "mlp_bias": False,
        "sliding_window": 128,
        "layer_types": None,
        "layer_rope_theta": None,
        "head_dim": None,
    },
    ignored={
        "layer_rope_theta": "RoPE bases per layer",
    },
    build=build,
)
