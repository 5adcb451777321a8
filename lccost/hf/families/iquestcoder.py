"""IQuestCoder (modeling_iquestcoder.py: Llama shapes).

Defaults: transformers 5.23.0 models/iquestcoder/configuration_iquestcoder.py, IQuestCoderConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, mlp_bias=f.flag("mlp_bias")
    )


FAMILY = Family(
    model_type="iquestcoder",
    class_name="IQuestCoderConfig",
    source="transformers 5.23.0 models/iquestcoder/configuration_iquestcoder.py",
    defaults={
        "vocab_size": 76800,
        "hidden_size": 5120,
        "intermediate_size": 27648,
        "num_hidden_layers": 80,
        "num_attention_heads": 40,
        "num_key_value_heads": 8,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "head_dim": 128,
    },
    build=build,
)
