"""Ministral (modeling_ministral.py: Mistral shapes; the window where layer_types says sliding).

Defaults: transformers 5.23.0 models/ministral/configuration_ministral.py, MinistralConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    window = f.opt_int("sliding_window")
    types = b.layer_types(
        f, n, ["sliding_attention" if window is not None else "full_attention"] * n
    )
    return b.uniform(f, b.sliding_types_window(f, n, types), head_dim_required=True)


FAMILY = Family(
    model_type="ministral",
    class_name="MinistralConfig",
    source="transformers 5.23.0 models/ministral/configuration_ministral.py",
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
        "layer_types": None,
    },
    build=build,
)
