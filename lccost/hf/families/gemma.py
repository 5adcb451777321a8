"""Gemma (modeling_gemma.py: Llama shapes with GeGLU; two RMSNorms per layer).

Defaults: transformers 5.23.0 models/gemma/configuration_gemma.py, GemmaConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    f.mark_used("use_bidirectional_attention")
    return b.uniform(f, [None] * f.layers(), qkv_bias=bias, o_bias=bias)


FAMILY = Family(
    model_type="gemma",
    class_name="GemmaConfig",
    source="transformers 5.23.0 models/gemma/configuration_gemma.py",
    defaults={
        "vocab_size": 256000,
        "hidden_size": 3072,
        "intermediate_size": 24576,
        "num_hidden_layers": 28,
        "num_attention_heads": 16,
        "num_key_value_heads": 16,
        "head_dim": 256,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "use_bidirectional_attention": None,
    },
    ignored={
        "use_bidirectional_attention": "changes the mask, not shapes",
    },
    build=build,
)
