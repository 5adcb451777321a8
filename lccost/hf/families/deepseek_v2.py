"""DeepSeek V2 (modeling_deepseek_v2.py: MLA with latent norms; MoE from first_k_dense_replace on
with n_shared_experts shared experts of moe_intermediate_size).

Defaults: transformers 5.23.0 models/deepseek_v2/configuration_deepseek_v2.py, DeepseekV2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    first_dense = min(f.integer("first_k_dense_replace", minimum=0), n)
    if f.get("num_experts_per_tok") is None:
        f.report(
            "num_experts_per_tok",
            "is null (the DeepseekV2Config default), which transformers "
            "cannot build; allowed: a whole number",
        )
        f.data["num_experts_per_tok"] = 1
    return Built(
        b.top(f), b.mla_layers(f, None, ["dense"] * first_dense + ["sparse"] * (n - first_dense))
    )


FAMILY = Family(
    model_type="deepseek_v2",
    class_name="DeepseekV2Config",
    source="transformers 5.23.0 models/deepseek_v2/configuration_deepseek_v2.py",
    defaults={
        "vocab_size": 102400,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "head_dim": None,
        "first_k_dense_replace": 0,
        "kv_lora_rank": 512,
        "q_lora_rank": 1536,
        "n_group": None,
        "n_routed_experts": 64,
        "n_shared_experts": 2,
        "qk_nope_head_dim": 128,
        "qk_rope_head_dim": 64,
        "topk_group": None,
        "v_head_dim": 128,
        "num_experts_per_tok": None,
        "moe_intermediate_size": 1407,
    },
    attribute_map={"num_experts": "n_routed_experts"},
    ignored={
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
