"""OLMo 2 (modeling_olmo2.py: q_norm and k_norm over all heads (H·d, K·d); two RMSNorms per layer,
after attention and after the MLP).

Defaults: transformers 5.23.0 models/olmo2/configuration_olmo2.py, Olmo2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, qk_norm="full")


FAMILY = Family(
    model_type="olmo2",
    class_name="Olmo2Config",
    source="transformers 5.23.0 models/olmo2/configuration_olmo2.py",
    defaults={
        "vocab_size": 50304,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
    },
    build=build,
)
