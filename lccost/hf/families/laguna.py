"""Laguna (modeling_laguna.py: LagunaAttention with g_proj L324-356, LagunaDecoderLayer L412-419,
LagunaSparseMoeBlock with one shared expert L218-229).

Defaults: transformers 5.23.0 models/laguna/configuration_laguna.py, LagunaConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n, K = f.layers(), f.integer("num_key_value_heads")
    d = f.integer("head_dim")
    types = b.layer_types(f, n, ["full_attention"] * n)
    default_heads = f.integer("num_attention_heads")
    heads = f.int_list("num_attention_heads_per_layer", n, minimum=1) or [default_heads] * n
    notes = []
    mlp_types = f.str_list("mlp_layer_types", n, ("dense", "sparse"))
    if mlp_types is None and f.has("mlp_only_layers"):
        # Not a LagunaConfig field (transformers ignores it and makes only layer 0 dense);
        # third-party Laguna configs use it for the dense layers, so it is honoured here.
        only = f.int_list("mlp_only_layers", None, minimum=0) or []
        mlp_types = ["dense" if i in only else "sparse" for i in range(n)]
        notes.append(
            "mlp_only_layers is not a transformers 5.23.0 LagunaConfig field; it "
            "decides the dense layers here (transformers would make only layer 0 dense)."
        )
    mlp_types = mlp_types or ["dense"] + ["sparse"] * (n - 1)
    gating = f.choice("gating", (True, False, "per-head", "per-element"))
    # LagunaAttention: gate_per_head = gating is True or gating == "per-head"; anything else
    # (False, "per-element") builds the per-element g_proj, which the forward pass applies.
    gate = "per_head" if gating is True or gating == "per-head" else "per_element"
    if gating is False:
        notes.append(
            "gating is false, but transformers 5.23.0 LagunaAttention still builds and "
            "applies a per-element gate (gate_per_head is False): counted as such."
        )
    bias = f.flag("attention_bias")
    window = f.integer("sliding_window")
    layers = []
    for i in range(n):
        if heads[i] % K:
            f.report(
                "num_attention_heads_per_layer",
                f"entry {i}: {heads[i]} heads is not a multiple of num_key_value_heads ({K})",
            )
            continue
        attention = b.attention(
            heads[i],
            K,
            d,
            window if types[i] == "sliding_attention" else None,
            output_gate=gate,
            qkv_bias=bias,
            o_bias=bias,
            qk_norm="head",
        )
        if mlp_types[i] == "dense":
            ffn = b.dense(f.integer("intermediate_size"))
        else:
            ffn = b.moe(
                f.integer("num_experts"),
                f.integer("num_experts_per_tok"),
                f.integer("moe_intermediate_size"),
                1,
                f.integer("shared_expert_intermediate_size"),
                score_correction_bias=True,
            )
        layers.append({"attention": attention, "ffn": ffn})
    return Built(b.top(f), layers, notes)


FAMILY = Family(
    model_type="laguna",
    class_name="LagunaConfig",
    source="transformers 5.23.0 models/laguna/configuration_laguna.py",
    defaults={
        "vocab_size": 100352,
        "hidden_size": 2048,
        "intermediate_size": 8192,
        "num_hidden_layers": 40,
        "num_attention_heads": 48,
        "num_key_value_heads": 8,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "sliding_window": 512,
        "moe_intermediate_size": 512,
        "shared_expert_intermediate_size": 512,
        "num_experts_per_tok": 8,
        "num_experts": 256,
        "layer_types": None,
        "head_dim": 128,
        "attention_bias": False,
        "gating": True,
        "num_attention_heads_per_layer": None,
        "mlp_layer_types": None,
        "moe_routed_scaling_factor": 1.0,
        "moe_apply_router_weight_on_input": False,
        "moe_router_logit_softcapping": 0.0,
        "mlp_only_layers": None,
    },
    ignored={
        "moe_routed_scaling_factor": "scales expert outputs",
        "moe_apply_router_weight_on_input": "where routing weights multiply",
        "moe_router_logit_softcapping": "a router constant",
    },
    build=build,
)
