"""Granite MoE with a shared expert (modeling_granitemoeshared.py: a gated shared MLP of
shared_intermediate_size when it is non-zero).

Defaults: transformers 5.23.0 models/granitemoeshared/configuration_granitemoeshared.py,
GraniteMoeSharedConfig."""

from __future__ import annotations

from lccost.hf.core import Built, Family, Fields
from lccost.hf.families import granitemoe


def build(f: Fields) -> Built:
    # modeling_granitemoeshared.py is modular on GraniteMoe, adding the shared expert.
    return granitemoe.build(f, shared_expert=True)


FAMILY = Family(
    model_type="granitemoeshared",
    class_name="GraniteMoeSharedConfig",
    source="transformers 5.23.0 models/granitemoeshared/configuration_granitemoeshared.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
        "shared_intermediate_size": 0,
        "head_dim": None,
    },
    build=build,
)
