"""Phi-3 (modeling_phi3.py: fused qkv_proj and gate_up_proj, no biases; sliding_window, when set, on
every layer).

Defaults: transformers 5.23.0 models/phi3/configuration_phi3.py, Phi3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(f, [f.opt_int("sliding_window")] * f.layers())


FAMILY = Family(
    model_type="phi3",
    class_name="Phi3Config",
    source="transformers 5.23.0 models/phi3/configuration_phi3.py",
    defaults={
        "vocab_size": 32064,
        "hidden_size": 3072,
        "intermediate_size": 8192,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 4096,
        "original_max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "sliding_window": None,
    },
    ignored={
        "original_max_position_embeddings": "a RoPE scaling constant",
    },
    build=build,
)
