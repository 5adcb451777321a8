"""GLM-4 (modeling_glm4.py: GLM shapes with four RMSNorms per layer).

Defaults: transformers 5.23.0 models/glm4/configuration_glm4.py, Glm4Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(f, [None] * f.layers(), qkv_bias=f.flag("attention_bias"), per_layer_norms=4)


FAMILY = Family(
    model_type="glm4",
    class_name="Glm4Config",
    source="transformers 5.23.0 models/glm4/configuration_glm4.py",
    defaults={
        "vocab_size": 151552,
        "hidden_size": 4096,
        "intermediate_size": 13696,
        "num_hidden_layers": 40,
        "num_attention_heads": 32,
        "num_key_value_heads": 2,
        "head_dim": 128,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "attention_bias": True,
    },
    build=build,
)
