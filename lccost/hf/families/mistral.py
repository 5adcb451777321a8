"""Mistral (modeling_mistral.py: config.sliding_window, default 4096 and null = full, on every
layer; no biases; two RMSNorms per layer and a final one).

Defaults: transformers 5.23.0 models/mistral/configuration_mistral.py, MistralConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(f, [f.opt_int("sliding_window")] * f.layers())


FAMILY = Family(
    model_type="mistral",
    class_name="MistralConfig",
    source="transformers 5.23.0 models/mistral/configuration_mistral.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 14336,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": None,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "sliding_window": 4096,
    },
    build=build,
)
