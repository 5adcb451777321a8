"""DeepSeek V3.2 (DeepseekV32Config.__post_init__: mlp_layer_types defaults to first_k_dense_replace
dense layers; every layer is MLA with the lightning indexer, whose key LayerNorm has weight and
bias).

Defaults: transformers 5.23.0 models/deepseek_v32/configuration_deepseek_v32.py,
DeepseekV32Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.build import check_legacy_moe_freq, mla_layers
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    check_legacy_moe_freq(f)
    n = f.layers()
    f.mark_used("num_experts")
    mlp_types = f.str_list("mlp_layer_types", n, ("dense", "sparse"))
    first_dense = min(f.integer("first_k_dense_replace", minimum=0), n)
    if mlp_types is None:
        mlp_types = ["dense"] * first_dense + ["sparse"] * (n - first_dense)
    b.layer_types(f, n, [], ("indexed_attention",))
    indexer = {
        "heads": f.integer("index_n_heads"),
        "head_dim": f.integer("index_head_dim"),
        "top_k": f.integer("index_topk"),
    }
    return Built(b.top(f), mla_layers(f, indexer, mlp_types))


FAMILY = Family(
    model_type="deepseek_v32",
    class_name="DeepseekV32Config",
    source="transformers 5.23.0 models/deepseek_v32/configuration_deepseek_v32.py",
    defaults={
        "vocab_size": 129280,
        "hidden_size": 7168,
        "intermediate_size": 18432,
        "moe_intermediate_size": 2048,
        "num_hidden_layers": 61,
        "num_attention_heads": 128,
        "num_key_value_heads": 128,
        "n_shared_experts": 1,
        "n_routed_experts": 256,
        "kv_lora_rank": 512,
        "q_lora_rank": 1536,
        "qk_rope_head_dim": 64,
        "v_head_dim": 128,
        "qk_nope_head_dim": 128,
        "n_group": 8,
        "topk_group": 4,
        "num_experts_per_tok": 8,
        "max_position_embeddings": 163840,
        "tie_word_embeddings": False,
        "mlp_layer_types": None,
        "attention_bias": False,
        "index_topk": 2048,
        "index_head_dim": 128,
        "index_n_heads": 64,
        "mlp_bias": False,
        "head_dim": 64,
        "first_k_dense_replace": 3,
        "layer_types": None,
        "num_experts": None,
    },
    attribute_map={"num_local_experts": "n_routed_experts"},
    ignored={
        "ep_size": "the expert-parallel degree of DeepSeek's own code; no shape",
        "head_dim": "derived in __post_init__ (= qk_rope_head_dim)",
        "qk_head_dim": "derived in __post_init__ (= qk_nope + qk_rope)",
        "num_key_value_heads": "not read by MLA (one latent per token)",
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
    },
    build=build,
)
