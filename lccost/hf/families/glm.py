"""GLM (modeling_glm.py: attention_bias on q/k/v only, fused gate_up_proj).

Defaults: transformers 5.23.0 models/glm/configuration_glm.py, GlmConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(f, [None] * f.layers(), qkv_bias=f.flag("attention_bias"))


FAMILY = Family(
    model_type="glm",
    class_name="GlmConfig",
    source="transformers 5.23.0 models/glm/configuration_glm.py",
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
