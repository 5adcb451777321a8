"""Granite 4.0-H (granitemoehybrid): Mamba2 layers and GQA layers, each followed by a MoE plus
an always-on shared MLP (or the shared MLP alone when ``num_local_experts`` is 0).

transformers 5.23.0 models/granitemoehybrid: ``GraniteMoeHybridConfig`` (``attribute_map``:
``layers_block_type`` -> ``layer_types``; ``__post_init__``: ``mamba_d_head`` "auto" =
``mamba_expand`` x hidden_size / ``mamba_n_heads``, every layer Mamba when ``layer_types`` is
absent); ``GraniteMoeHybridMambaLayer`` (inner width ``mamba_expand`` x hidden_size, the same
SSD code as Nemotron-H; conv bias with ``mamba_conv_bias``, projection biases with
``mamba_proj_bias``); ``GraniteMoeHybridAttention`` (head_dim = hidden_size / heads, biases with
``attention_bias``); ``GraniteMoeHybridMoE`` (router D x E, experts of ``intermediate_size``)
and ``GraniteMoeHybridMLP`` (gated, ``shared_intermediate_size``); two norms per layer and a
final one.

Defaults: transformers 5.23.0 models/granitemoehybrid/configuration_granitemoehybrid.py,
GraniteMoeHybridConfig.
"""

from __future__ import annotations

from typing import Any

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields

_TYPES = ("linear_attention", "full_attention", "mamba", "attention")
"""``layer_types`` (PreTrainedConfig remaps the legacy "mamba" and "attention")."""


def build(f: Fields) -> Built:
    n, D = f.layers(), f.integer("hidden_size")
    types = f.str_list("layer_types", n, _TYPES) or ["linear_attention"] * n
    heads, inner = f.integer("mamba_n_heads"), f.integer("mamba_expand") * D
    head_dim = inner // heads if f.get("mamba_d_head") == "auto" else f.integer("mamba_d_head")
    if heads * head_dim != inner:
        f.report(
            "mamba_d_head",
            f"mamba_n_heads x mamba_d_head = {heads * head_dim}, but the "
            f"Mamba inner width mamba_expand x hidden_size is {inner}; "
            "transformers cannot build this",
        )
    groups = f.integer("mamba_n_groups")
    if heads % groups:
        f.report(
            "mamba_n_groups",
            f"is {groups}, which does not divide mamba_n_heads ({heads}); "
            "transformers cannot build this",
        )
        groups = 1
    mamba = {
        "kind": "mamba2",
        "heads": heads,
        "head_dim": head_dim,
        "state_size": f.integer("mamba_d_state"),
        "groups": groups,
        "conv_kernel": f.integer("mamba_d_conv", minimum=2),
        "chunk_size": f.integer("mamba_chunk_size"),
        "conv_bias": f.flag("mamba_conv_bias"),
        "bias": f.flag("mamba_proj_bias"),
    }
    H = f.integer("num_attention_heads")
    bias = f.flag("attention_bias")
    full = b.attention(H, b.check_heads(f, H, b.kv_heads(f)), D // H, qkv_bias=bias, o_bias=bias)
    experts = f.integer("num_local_experts", minimum=0)
    shared = f.integer("shared_intermediate_size")
    ffn: dict[str, Any] = (
        b.moe(
            experts,
            min(f.integer("num_experts_per_tok"), experts),
            f.integer("intermediate_size"),
            1,
            shared,
        )
        if experts
        else b.dense(shared)
    )
    if not experts:
        f.mark_used("num_experts_per_tok", "intermediate_size")
    return Built(
        b.top(f),
        [
            {
                "attention": dict(full if t in ("attention", "full_attention") else mamba),
                "ffn": dict(ffn),
            }
            for t in types
        ],
    )


FAMILY = Family(
    model_type="granitemoehybrid",
    class_name="GraniteMoeHybridConfig",
    source="transformers 5.23.0 models/granitemoehybrid/configuration_granitemoehybrid.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "num_local_experts": 8,
        "num_experts_per_tok": 2,
        "shared_intermediate_size": 1024,
        "position_embedding_type": None,
        "layer_types": None,
        "mamba_n_heads": 128,
        "mamba_n_groups": 1,
        "mamba_d_state": 256,
        "mamba_d_head": "auto",
        "mamba_d_conv": 4,
        "mamba_expand": 2,
        "mamba_chunk_size": 256,
        "mamba_conv_bias": True,
        "mamba_proj_bias": False,
        "time_step_limit": [0.0, "inf"],
    },
    attribute_map={"layers_block_type": "layer_types"},
    ignored={
        "position_embedding_type": "rope or none; no parameter or cache shape depends on it",
        "time_step_limit": "a clamp on dt; shapes do not depend on it",
    },
    build=build,
)
