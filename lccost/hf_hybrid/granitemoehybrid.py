"""Granite 4.0-H (granitemoehybrid): Mamba2 layers and GQA layers, each followed by a MoE plus
an always-on shared MLP (or the shared MLP alone when ``num_local_experts`` is 0).

transformers 5.23.0 models/granitemoehybrid: ``GraniteMoeHybridConfig`` (``attribute_map``:
``layers_block_type`` -> ``layer_types``; ``__post_init__``: ``mamba_d_head`` "auto" =
``mamba_expand`` x hidden_size / ``mamba_n_heads``, every layer Mamba when ``layer_types`` is
absent); ``GraniteMoeHybridMambaLayer`` (inner width ``mamba_expand`` x hidden_size, the same
SSD code as Nemotron-H); ``GraniteMoeHybridAttention`` (head_dim = hidden_size / heads);
``GraniteMoeHybridMoE`` (router D x E, experts of ``intermediate_size``) and
``GraniteMoeHybridMLP`` (gated, ``shared_intermediate_size``).
"""

from __future__ import annotations

from typing import Any

from lccost.errors import SpecError
from lccost.hf_hybrid.fields import Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008,
    "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": None,
    "max_position_embeddings": 2048, "tie_word_embeddings": False, "num_local_experts": 8,
    "num_experts_per_tok": 2, "shared_intermediate_size": 1024, "layer_types": None,
    "mamba_n_heads": 128, "mamba_n_groups": 1, "mamba_d_state": 256, "mamba_d_head": "auto",
    "mamba_d_conv": 4, "mamba_expand": 2, "mamba_chunk_size": 256,
}


def build(f: Fields) -> Imported:
    if "layers_block_type" in f.data and "layer_types" not in f.data:
        f = Fields({**f.data, "layer_types": f.data["layers_block_type"]}, f.defaults, f.file)
    N, D = f.integer("num_hidden_layers"), f.integer("hidden_size")
    # PreTrainedConfig remaps the legacy "mamba" and "attention" (``remap_legacy_layer_types``).
    types = f.str_list("layer_types", ("linear_attention", "full_attention", "mamba",
                                       "attention")) or ["linear_attention"] * N
    heads, inner = f.integer("mamba_n_heads"), f.integer("mamba_expand") * D
    head_dim = inner // heads if f.get("mamba_d_head") == "auto" else f.integer("mamba_d_head")
    if heads * head_dim != inner:
        raise SpecError(f.file, f"mamba_n_heads x mamba_d_head = {heads * head_dim}, but the "
                                f"Mamba inner width mamba_expand x hidden_size is {inner}; "
                                "transformers cannot build this", field="mamba_d_head")
    mamba = {"kind": "mamba2", "heads": heads, "head_dim": head_dim,
             "state_size": f.integer("mamba_d_state"), "groups": f.integer("mamba_n_groups"),
             "conv_kernel": f.integer("mamba_d_conv", minimum=2),
             "chunk_size": f.integer("mamba_chunk_size")}
    H = f.integer("num_attention_heads")
    full = attention(H, f.opt_integer("num_key_value_heads") or H, D // H)
    experts, shared = f.integer("num_local_experts", minimum=0), f.integer(
        "shared_intermediate_size")
    ffn: dict[str, Any] = (
        {"kind": "moe", "experts": experts, "active_experts": f.integer("num_experts_per_tok"),
         "expert_intermediate_size": f.integer("intermediate_size"), "shared_experts": 1,
         "shared_intermediate_size": shared}
        if experts else {"kind": "dense", "intermediate_size": shared})
    return Imported([{"attention": full if t in ("attention", "full_attention") else mamba,
                      "ffn": ffn}
                     for t in types[:N]])
