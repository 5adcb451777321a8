"""GLM-4 MoE Lite (modeling_glm4_moe_lite.py: MLA with latent norms; mlp_layer_types, default one
dense layer then MoE with n_shared_experts; head_dim is an alias of qk_rope_head_dim).

Defaults: transformers 5.23.0 models/glm4_moe_lite/configuration_glm4_moe_lite.py,
Glm4MoeLiteConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    mlp_types = f.str_list("mlp_layer_types", n, ("dense", "sparse")) or ["dense"] + ["sparse"] * (
        n - 1
    )
    return Built(b.top(f), b.mla_layers(f, None, mlp_types))


FAMILY = Family(
    model_type="glm4_moe_lite",
    class_name="Glm4MoeLiteConfig",
    source="transformers 5.23.0 models/glm4_moe_lite/configuration_glm4_moe_lite.py",
    defaults={
        "vocab_size": 154880,
        "hidden_size": 2048,
        "intermediate_size": 10240,
        "moe_intermediate_size": 1536,
        "num_hidden_layers": 47,
        "num_attention_heads": 20,
        "num_key_value_heads": 20,
        "n_shared_experts": 1,
        "n_routed_experts": 64,
        "kv_lora_rank": 512,
        "q_lora_rank": 768,
        "qk_rope_head_dim": 64,
        "v_head_dim": 256,
        "qk_nope_head_dim": 192,
        "n_group": 1,
        "topk_group": 1,
        "num_experts_per_tok": 4,
        "max_position_embeddings": 202752,
        "tie_word_embeddings": False,
        "mlp_layer_types": None,
        "attention_bias": False,
    },
    attribute_map={"num_local_experts": "n_routed_experts", "head_dim": "qk_rope_head_dim"},
    ignored={
        "qk_head_dim": "derived in __post_init__ (= qk_nope + qk_rope)",
        "num_key_value_heads": "not read by MLA (one latent per token)",
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
    },
    build=build,
)
