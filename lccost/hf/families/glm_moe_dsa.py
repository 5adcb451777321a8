"""GLM MoE DSA (modeling_glm_moe_dsa.py: DeepSeek V3.2 layers, MLA with the lightning indexer;
indexer_types shared layers reuse another layer's selection, not modelled).

Defaults: transformers 5.23.0 models/glm_moe_dsa/configuration_glm_moe_dsa.py, GlmMoeDsaConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse


def build(f: Fields) -> Built:
    n = f.layers()
    mlp_types = f.str_list("mlp_layer_types", n, ("dense", "sparse"))
    first_dense = min(f.integer("first_k_dense_replace", minimum=0), n)
    if mlp_types is None:
        mlp_types = ["dense"] * first_dense + ["sparse"] * (n - first_dense)
    b.layer_types(f, n, [], ("indexed_attention",))
    kinds = f.str_list("indexer_types", n, ("full", "shared"))
    if kinds is not None and "shared" in kinds:
        refuse(
            f,
            "indexer_types",
            f"layer {kinds.index('shared')} reuses an earlier layer's "
            "indexer selection (a shared DSA indexer)",
        )
    indexer = {
        "heads": f.integer("index_n_heads"),
        "head_dim": f.integer("index_head_dim"),
        "top_k": f.integer("index_topk"),
    }
    return Built(b.top(f), b.mla_layers(f, indexer, mlp_types))


FAMILY = Family(
    model_type="glm_moe_dsa",
    class_name="GlmMoeDsaConfig",
    source="transformers 5.23.0 models/glm_moe_dsa/configuration_glm_moe_dsa.py",
    defaults={
        "vocab_size": 154880,
        "hidden_size": 6144,
        "intermediate_size": 12288,
        "moe_intermediate_size": 2048,
        "num_hidden_layers": 78,
        "num_attention_heads": 64,
        "num_key_value_heads": 64,
        "n_shared_experts": 1,
        "n_routed_experts": 256,
        "kv_lora_rank": 512,
        "q_lora_rank": 2048,
        "qk_rope_head_dim": 64,
        "v_head_dim": 256,
        "qk_nope_head_dim": 192,
        "n_group": 1,
        "topk_group": 1,
        "num_experts_per_tok": 8,
        "max_position_embeddings": 202752,
        "tie_word_embeddings": False,
        "mlp_layer_types": None,
        "attention_bias": False,
        "index_topk": 2048,
        "index_head_dim": 128,
        "index_n_heads": 32,
        "mlp_bias": False,
        "head_dim": 64,
        "first_k_dense_replace": 3,
        "layer_types": None,
        "indexer_types": None,
    },
    attribute_map={"num_local_experts": "n_routed_experts"},
    ignored={
        "head_dim": "derived in __post_init__ (= qk_rope_head_dim)",
        "qk_head_dim": "derived in __post_init__ (= qk_nope + qk_rope)",
        "num_key_value_heads": "not read by MLA (one latent per token)",
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
        "mlp_bias": "read by mla_attention",
    },
    build=build,
)
