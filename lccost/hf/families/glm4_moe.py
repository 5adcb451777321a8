"""GLM-4 MoE (modeling_glm4_moe.py: attention_bias on q/k/v; use_qk_norm adds per-head norms; MoE
from first_k_dense_replace with shared experts of n_shared_experts x moe_intermediate_size;
e_score_correction_bias is a buffer).

Defaults: transformers 5.23.0 models/glm4_moe/configuration_glm4_moe.py, Glm4MoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    norm = "head" if f.flag("use_qk_norm") else "none"
    att = b.attention(H, K, d, qkv_bias=f.flag("attention_bias"), qk_norm=norm)
    first_dense = min(f.integer("first_k_dense_replace", minimum=0), n)
    moe = b.moe(
        f.integer("n_routed_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("moe_intermediate_size"),
        f.integer("n_shared_experts", minimum=0),
    )
    dense = b.dense(f.integer("intermediate_size"))
    return Built(
        b.top(f),
        [
            {"attention": dict(att), "ffn": dict(dense if i < first_dense else moe)}
            for i in range(n)
        ],
    )


FAMILY = Family(
    model_type="glm4_moe",
    class_name="Glm4MoeConfig",
    source="transformers 5.23.0 models/glm4_moe/configuration_glm4_moe.py",
    defaults={
        "vocab_size": 151552,
        "hidden_size": 4096,
        "intermediate_size": 10944,
        "num_hidden_layers": 46,
        "num_attention_heads": 96,
        "num_key_value_heads": 8,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "moe_intermediate_size": 1408,
        "num_experts_per_tok": 8,
        "n_shared_experts": 1,
        "n_routed_experts": 128,
        "n_group": 1,
        "topk_group": 1,
        "first_k_dense_replace": 1,
        "use_qk_norm": False,
        "num_mtp_layers": 1,
        "head_dim": None,
    },
    attribute_map={
        "num_local_experts": "n_routed_experts",
        "num_mtp_layers": "num_nextn_predict_layers",
    },
    ignored={
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
    },
    build=build,
)
