"""ZAYA1 (modeling_zaya.py: ZayaCCAProjection, ZayaRouter with the extra skip class L506-533,
ZayaExperts).

Defaults: transformers 5.23.0 models/zaya/configuration_zaya.py, ZayaConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(f, n, ["hybrid"] * n, ("hybrid", "hybrid_sliding"))
    window = f.opt_int("sliding_window")
    if "hybrid_sliding" in types and window is None:
        f.report(
            "sliding_window",
            "is null, but layer_types has hybrid_sliding layers "
            "(ZayaConfig requires a window for them)",
        )
    if f.flag("attention_bias"):
        refuse(f, "attention_bias", "is true: biases on ZAYA1's CCA projections")
    if f.flag("lm_head_bias"):
        refuse(f, "lm_head_bias", "is true: a bias on the LM head")
    layers = []
    for i, kind in enumerate(types):
        attention: dict[str, object] = {
            "kind": "cca",
            "query_heads": f.integer("num_attention_heads"),
            "kv_heads": f.integer("num_key_value_heads"),
            "head_dim": f.integer("head_dim"),
            "conv_kernel": f.integer("cca_time0"),
            "grouped_conv_kernel": f.integer("cca_time1"),
        }
        if kind == "hybrid_sliding":
            attention["window"] = window
        ffn = b.moe(
            f.integer("num_experts"),
            f.integer("num_experts_per_tok"),
            f.integer("moe_intermediate_size"),
            router_hidden_size=f.integer("router_hidden_size"),
            extra_router_classes=1,
            # down_proj, fc1, fc2 biases and the router norm; router_states_scale
            # from layer 1 on (it scales the previous layer's router state)
            router_vectors=4 if i == 0 else 5,
        )
        layers.append({"attention": attention, "ffn": ffn})
    # Two RMSNorms and two residual scalers of four D-wide vectors each per layer; the final
    # norm plus input_hidden_states_scale and _bias.
    return Built(b.top(f, per_layer_norms=10, final_norms=3), layers)


FAMILY = Family(
    model_type="zaya",
    class_name="ZayaConfig",
    source="transformers 5.23.0 models/zaya/configuration_zaya.py",
    defaults={
        "vocab_size": 262272,
        "hidden_size": 2048,
        "num_hidden_layers": 40,
        "num_attention_heads": 8,
        "num_key_value_heads": 2,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
        "sliding_window": None,
        "moe_intermediate_size": 2048,
        "num_experts_per_tok": 1,
        "num_experts": 16,
        "layer_types": None,
        "head_dim": 128,
        "attention_bias": False,
        "lm_head_bias": False,
        "router_hidden_size": 256,
        "cca_time0": 2,
        "cca_time1": 2,
    },
    build=build,
)
