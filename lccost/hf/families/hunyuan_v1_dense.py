"""HunYuan dense (modeling_hunyuan_v1_dense.py: per-head query/key layernorms; head_dim has no
fallback, so null cannot be built).

Defaults: transformers 5.23.0 models/hunyuan_v1_dense/configuration_hunyuan_v1_dense.py,
HunYuanDenseV1Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f, [None] * f.layers(), qkv_bias=bias, o_bias=bias, qk_norm="head", head_dim_required=True
    )


FAMILY = Family(
    model_type="hunyuan_v1_dense",
    class_name="HunYuanDenseV1Config",
    source="transformers 5.23.0 models/hunyuan_v1_dense/configuration_hunyuan_v1_dense.py",
    defaults={
        "vocab_size": 290943,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "eod_token_id": 3,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "head_dim": None,
    },
    ignored={
        "eod_token_id": "a token id",
    },
    build=build,
)
