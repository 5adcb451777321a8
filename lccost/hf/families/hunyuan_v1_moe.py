"""HunYuan MoE (modeling_hunyuan_v1_moe.py: every layer num_experts experts of intermediate_size
plus one shared MLP of the same width; per-head query/key layernorms).

Defaults: transformers 5.23.0 models/hunyuan_v1_moe/configuration_hunyuan_v1_moe.py,
HunYuanMoEV1Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = f.integer("head_dim")
    bias = f.flag("attention_bias")
    width = f.integer("intermediate_size")
    ffn = b.moe(f.integer("num_experts"), f.integer("num_experts_per_tok"), width, 1)
    att = b.attention(H, K, d, qkv_bias=bias, o_bias=bias, qk_norm="head")
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)])


FAMILY = Family(
    model_type="hunyuan_v1_moe",
    class_name="HunYuanMoEV1Config",
    source="transformers 5.23.0 models/hunyuan_v1_moe/configuration_hunyuan_v1_moe.py",
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
        "num_experts": 1,
        "moe_topk": 1,
        "head_dim": None,
    },
    attribute_map={"num_experts_per_tok": "moe_topk", "num_local_experts": "num_experts"},
    ignored={
        "eod_token_id": "a token id",
    },
    build=build,
)
