"""EXAONE MoE (modeling_exaone_moe.py: EXAONE 4 attention; mlp_layer_types, default dense before
first_k_dense_replace; num_shared_experts shared experts).

Defaults: transformers 5.23.0 models/exaone_moe/configuration_exaone_moe.py, ExaoneMoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    window = f.opt_int("sliding_window")
    pattern = f.integer("sliding_window_pattern", minimum=0) if window is not None else 0
    f.mark_used("sliding_window_pattern")
    default = (
        ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n)]
        if pattern
        else ["full_attention"] * n
    )
    types = b.layer_types(f, n, default)
    first_dense = f.integer("first_k_dense_replace", minimum=0)
    mlp_types = f.str_list("mlp_layer_types", n, ("dense", "sparse")) or [
        "dense" if i < first_dense else "sparse" for i in range(n)
    ]
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    moe = b.moe(
        f.integer("num_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("moe_intermediate_size"),
        f.integer("num_shared_experts", minimum=0),
    )
    dense = b.dense(f.integer("intermediate_size"))
    layers = [
        {
            "attention": b.attention(
                H, K, d, window if t == "sliding_attention" else None, qk_norm="head"
            ),
            "ffn": dict(dense if m == "dense" else moe),
        }
        for t, m in zip(types, mlp_types, strict=True)
    ]
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="exaone_moe",
    class_name="ExaoneMoeConfig",
    source="transformers 5.23.0 models/exaone_moe/configuration_exaone_moe.py",
    defaults={
        "vocab_size": 102400,
        "hidden_size": 4096,
        "intermediate_size": 16384,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "sliding_window": 4096,
        "sliding_window_pattern": 4,
        "layer_types": None,
        "mlp_layer_types": None,
        "first_k_dense_replace": 1,
        "moe_intermediate_size": 1024,
        "num_experts": 64,
        "num_experts_per_tok": 8,
        "num_shared_experts": 1,
        "n_group": 1,
        "topk_group": 1,
        "head_dim": None,
    },
    ignored={
        "n_group": "expert grouping for routing; no shape",
        "topk_group": "expert grouping for routing; no shape",
        "num_mtp_layers": "multi-token-prediction layers are not built by the causal LM",
        "num_nextn_predict_layers": "multi-token-prediction layers are not built by the causal LM",
    },
    build=build,
)
