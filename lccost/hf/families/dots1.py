"""dots.llm1 (modeling_dots1.py: per-head q_norm/k_norm; dense layers before first_k_dense_replace,
then MoE with n_shared_experts shared experts of moe_intermediate_size; e_score_correction_bias
is a buffer).

Defaults: transformers 5.23.0 models/dots1/configuration_dots1.py, Dots1Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    window = f.opt_int("sliding_window")
    start = f.integer("max_window_layers", minimum=0)
    types = b.layer_types(
        f,
        n,
        [
            "sliding_attention" if window is not None and i >= start else "full_attention"
            for i in range(n)
        ],
    )
    first_dense = min(f.integer("first_k_dense_replace", minimum=0), n)
    experts, active = f.opt_int("n_routed_experts"), f.opt_int("num_experts_per_tok")
    if experts is None or active is None:
        f.report(
            "n_routed_experts",
            "and num_experts_per_tok must be set: Dots1Config defaults them "
            "to null, which transformers cannot build",
        )
        experts = active = 1
    shared = f.opt_int("n_shared_experts", minimum=0) or 0
    width, dense_width = f.integer("moe_intermediate_size"), f.integer("intermediate_size")
    layers = []
    for i, t in enumerate(types):
        ffn = b.dense(dense_width) if i < first_dense else b.moe(experts, active, width, shared)
        layers.append(
            {
                "attention": b.attention(
                    H,
                    K,
                    d,
                    window if t == "sliding_attention" else None,
                    qkv_bias=bias,
                    o_bias=bias,
                    qk_norm="head",
                ),
                "ffn": ffn,
            }
        )
    return Built(b.top(f), layers)


FAMILY = Family(
    model_type="dots1",
    class_name="Dots1Config",
    source="transformers 5.23.0 models/dots1/configuration_dots1.py",
    defaults={
        "vocab_size": 152064,
        "hidden_size": 4608,
        "intermediate_size": 10944,
        "moe_intermediate_size": 1408,
        "num_hidden_layers": 62,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "n_shared_experts": None,
        "n_routed_experts": None,
        "n_group": 1,
        "topk_group": 1,
        "num_experts_per_tok": None,
        "first_k_dense_replace": 0,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "sliding_window": 4096,
        "max_window_layers": 62,
        "layer_types": None,
        "head_dim": None,
    },
    attribute_map={"num_local_experts": "n_routed_experts"},
    ignored={
        "n_group": "expert grouping for routing",
        "topk_group": "expert grouping for routing",
    },
    build=build,
)
