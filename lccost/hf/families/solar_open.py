"""Solar Open (modeling_solar_open.py: GLM-4 MoE without dense layers: every layer a MoE with
n_shared_experts shared experts).

Defaults: transformers 5.23.0 models/solar_open/configuration_solar_open.py, SolarOpenConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    att = b.attention(H, K, d, qkv_bias=f.flag("attention_bias"))
    moe = b.moe(
        f.integer("n_routed_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("moe_intermediate_size"),
        f.integer("n_shared_experts", minimum=0),
    )
    return Built(b.top(f), [{"attention": dict(att), "ffn": dict(moe)} for _ in range(n)])


FAMILY = Family(
    model_type="solar_open",
    class_name="SolarOpenConfig",
    source="transformers 5.23.0 models/solar_open/configuration_solar_open.py",
    defaults={
        "vocab_size": 196608,
        "hidden_size": 4096,
        "num_hidden_layers": 48,
        "num_attention_heads": 64,
        "num_key_value_heads": 8,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "moe_intermediate_size": 1280,
        "num_experts_per_tok": 8,
        "n_shared_experts": 1,
        "n_routed_experts": 128,
        "n_group": 1,
        "topk_group": 1,
        "head_dim": 128,
    },
    attribute_map={"num_local_experts": "n_routed_experts"},
    ignored={
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
    },
    build=build,
)
