"""VaultGemma (modeling_vaultgemma.py: Gemma 2 attention; two RMSNorms per layer).

Defaults: transformers 5.23.0 models/vaultgemma/configuration_vaultgemma.py, VaultGemmaConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(f, n, b.alternating(n, 2))
    bias = f.flag("attention_bias")
    return b.uniform(f, b.sliding_types_window(f, n, types), qkv_bias=bias, o_bias=bias)


FAMILY = Family(
    model_type="vaultgemma",
    class_name="VaultGemmaConfig",
    source="transformers 5.23.0 models/vaultgemma/configuration_vaultgemma.py",
    defaults={
        "vocab_size": 256000,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 26,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "sliding_window": 4096,
        "layer_types": None,
    },
    build=build,
)
