"""Seed-OSS (modeling_seed_oss.py: attention_bias on q/k/v, attention_out_bias on o_proj).

Defaults: transformers 5.23.0 models/seed_oss/configuration_seed_oss.py, SeedOssConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=f.flag("attention_bias"),
        o_bias=f.flag("attention_out_bias"),
        mlp_bias=f.flag("mlp_bias"),
    )


FAMILY = Family(
    model_type="seed_oss",
    class_name="SeedOssConfig",
    source="transformers 5.23.0 models/seed_oss/configuration_seed_oss.py",
    defaults={
        "vocab_size": 155136,
        "hidden_size": 4096,
        "intermediate_size": 27648,
        "num_hidden_layers": 64,
        "num_attention_heads": 80,
        "num_key_value_heads": 8,
        "max_position_embeddings": 524288,
        "tie_word_embeddings": False,
        "attention_bias": True,
        "attention_out_bias": False,
        "mlp_bias": False,
        "head_dim": 128,
    },
    ignored={
        "residual_dropout": "training only",
    },
    build=build,
)
