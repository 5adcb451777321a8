"""Ministral 3 (modeling_ministral3.py: Mistral shapes).

Defaults: transformers 5.23.0 models/ministral3/configuration_ministral3.py, Ministral3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(f, [f.opt_int("sliding_window")] * f.layers())


FAMILY = Family(
    model_type="ministral3",
    class_name="Ministral3Config",
    source="transformers 5.23.0 models/ministral3/configuration_ministral3.py",
    defaults={
        "vocab_size": 131072,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 34,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "max_position_embeddings": 262144,
        "tie_word_embeddings": False,
        "sliding_window": None,
    },
    build=build,
)
