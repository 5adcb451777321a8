"""nanochat (modeling_nanochat.py: an ungated fc1/fc2 MLP; parameter-free RMSNorms).

Defaults: transformers 5.23.0 models/nanochat/configuration_nanochat.py, NanoChatConfig."""

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
        gated=False,
        per_layer_norms=0,
        final_norms=0,
    )


FAMILY = Family(
    model_type="nanochat",
    class_name="NanoChatConfig",
    source="transformers 5.23.0 models/nanochat/configuration_nanochat.py",
    defaults={
        "vocab_size": 50304,
        "hidden_size": 768,
        "intermediate_size": 8192,
        "num_hidden_layers": 12,
        "num_attention_heads": 6,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "attention_bias": False,
        "tie_word_embeddings": False,
        "head_dim": None,
    },
    build=build,
)
