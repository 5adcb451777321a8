"""FlexOlmo (modeling_flex_olmo.py: OLMo 2 attention; every layer a MoE).

Defaults: transformers 5.23.0 models/flex_olmo/configuration_flex_olmo.py, FlexOlmoConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    ffn = b.moe(
        f.integer("num_experts"), f.integer("num_experts_per_tok"), f.integer("intermediate_size")
    )
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias, qk_norm="full")
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="flex_olmo",
    class_name="FlexOlmoConfig",
    source="transformers 5.23.0 models/flex_olmo/configuration_flex_olmo.py",
    defaults={
        "vocab_size": 100352,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "num_experts_per_tok": 5,
        "num_experts": 7,
        "head_dim": None,
    },
    attribute_map={"num_local_experts": "num_experts"},
    build=build,
)
