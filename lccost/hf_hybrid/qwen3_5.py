"""Qwen3.5 text decoders: Gated DeltaNet layers and gated full-attention layers (3:1 by default),
a dense SwiGLU MLP on every layer (qwen3_5_text) or a MoE with a gated shared expert on every
layer (qwen3_5_moe_text).

transformers 5.23.0 models/qwen3_5 and qwen3_5_moe: ``Qwen3_5TextConfig.__post_init__``
(``layer_types`` default: every ``full_attention_interval``-th layer (4) full);
``Qwen3_5Attention`` (q_proj D·H·2d: the query and a per-element output gate);
``Qwen3_5GatedDeltaNet`` (in_proj_qkv, in_proj_z, in_proj_b, in_proj_a: the same matrices as
Qwen3-Next's in_proj_qkvz and in_proj_ba, split differently); ``Qwen3_5DecoderLayer``
(``Qwen3_5MLP`` of ``intermediate_size``); ``Qwen3_5MoeSparseMoeBlock`` (D x 1
``shared_expert_gate``).
"""

from __future__ import annotations

from typing import Any

from lccost.hf_hybrid.fields import Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 248320, "hidden_size": 4096, "intermediate_size": 12288,
    "num_hidden_layers": 32, "num_attention_heads": 16, "num_key_value_heads": 4,
    "max_position_embeddings": 32768, "tie_word_embeddings": False, "head_dim": 256,
    "linear_conv_kernel_dim": 4, "linear_key_head_dim": 128, "linear_value_head_dim": 128,
    "linear_num_key_heads": 16, "linear_num_value_heads": 32, "layer_types": None,
    "full_attention_interval": 4,
}
"""``Qwen3_5TextConfig``."""

MOE_DEFAULTS: dict[str, Any] = {
    **DEFAULTS, "hidden_size": 2048, "num_hidden_layers": 40, "num_key_value_heads": 2,
    "moe_intermediate_size": 512, "shared_expert_intermediate_size": 512,
    "num_experts_per_tok": 8, "num_experts": 256,
}
"""``Qwen3_5MoeTextConfig`` (no ``intermediate_size``: every layer is a MoE)."""
del MOE_DEFAULTS["intermediate_size"]


def _mixers(f: Fields) -> list[dict[str, Any]]:
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", ("linear_attention", "full_attention"))
    if types is None:
        interval = f.integer("full_attention_interval")
        types = ["linear_attention" if (i + 1) % interval else "full_attention"
                 for i in range(N)]
    full = attention(f.integer("num_attention_heads"), f.integer("num_key_value_heads"),
                     f.integer("head_dim"), output_gate="per_element")
    linear = {"kind": "gated_deltanet", "key_heads": f.integer("linear_num_key_heads"),
              "value_heads": f.integer("linear_num_value_heads"),
              "key_head_dim": f.integer("linear_key_head_dim"),
              "value_head_dim": f.integer("linear_value_head_dim"),
              "conv_kernel": f.integer("linear_conv_kernel_dim", minimum=2)}
    return [full if t == "full_attention" else linear for t in types[:N]]


NOTES = ["Multi-token prediction layers (mtp_*) are not counted."]


def build(f: Fields) -> Imported:
    ffn = {"kind": "dense", "intermediate_size": f.integer("intermediate_size")}
    return Imported([{"attention": m, "ffn": ffn} for m in _mixers(f)], list(NOTES))


def build_moe(f: Fields) -> Imported:
    ffn = {"kind": "moe", "experts": f.integer("num_experts"),
           "active_experts": f.integer("num_experts_per_tok"),
           "expert_intermediate_size": f.integer("moe_intermediate_size"),
           "shared_experts": 1,
           "shared_intermediate_size": f.integer("shared_expert_intermediate_size"),
           "shared_expert_gate": True}
    return Imported([{"attention": m, "ffn": ffn} for m in _mixers(f)], list(NOTES))
