"""DeepSeek V3 (modeling_deepseek_v3.py: MLA with q/kv latent RMSNorms; MoE from layer
first_k_dense_replace on with n_shared_experts of moe_intermediate_size; e_score_correction_bias
is a buffer, not a parameter).

Defaults: transformers 5.23.0 models/deepseek_v3/configuration_deepseek_v3.py, DeepseekV3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.build import check_legacy_moe_freq, mla_layers
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    check_legacy_moe_freq(f)
    n = f.layers()
    dense_layers = min(f.integer("first_k_dense_replace", minimum=0), n)
    return Built(
        b.top(f), mla_layers(f, None, ["dense"] * dense_layers + ["sparse"] * (n - dense_layers))
    )


FAMILY = Family(
    model_type="deepseek_v3",
    class_name="DeepseekV3Config",
    source="transformers 5.23.0 models/deepseek_v3/configuration_deepseek_v3.py",
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
        "first_k_dense_replace": 3,
        "max_position_embeddings": 4096,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "num_mtp_layers": 1,
    },
    attribute_map={
        "num_local_experts": "n_routed_experts",
        "num_mtp_layers": "num_nextn_predict_layers",
    },
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
