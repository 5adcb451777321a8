"""Qwen3-Next: Gated DeltaNet layers and gated full-attention layers (3:1 by default), MoE.

transformers 5.23.0 models/qwen3_next: ``Qwen3NextConfig.__post_init__`` (``layer_types``
default: every ``full_attention_interval``-th layer (4) full, the others linear attention);
``Qwen3NextAttention`` (q_proj D·H·2d: the query and a per-element output gate);
``Qwen3NextGatedDeltaNet``; ``Qwen3NextDecoderLayer`` (MoE where layer_idx not in
``mlp_only_layers`` and (layer_idx + 1) % ``decoder_sparse_step`` == 0, else a dense MLP);
``Qwen3NextSparseMoeBlock`` (shared expert with a D x 1 sigmoid gate).
"""

from __future__ import annotations

from typing import Any

from lccost.hf_hybrid.fields import Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 151936, "hidden_size": 2048, "intermediate_size": 5632,
    "num_hidden_layers": 48, "num_attention_heads": 16, "num_key_value_heads": 2,
    "max_position_embeddings": 32768, "tie_word_embeddings": False, "head_dim": 256,
    "linear_conv_kernel_dim": 4, "linear_key_head_dim": 128, "linear_value_head_dim": 128,
    "linear_num_key_heads": 16, "linear_num_value_heads": 32, "decoder_sparse_step": 1,
    "moe_intermediate_size": 512, "shared_expert_intermediate_size": 512,
    "num_experts_per_tok": 10, "num_experts": 512, "mlp_only_layers": None,
    "layer_types": None, "full_attention_interval": 4,
}


def build(f: Fields) -> Imported:
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", ("linear_attention", "full_attention"))
    if types is None:
        interval = f.integer("full_attention_interval")
        types = ["linear_attention" if (i + 1) % interval else "full_attention"
                 for i in range(N)]
    only = f.int_list("mlp_only_layers") or []
    step, experts = f.integer("decoder_sparse_step"), f.integer("num_experts", minimum=0)
    full = attention(f.integer("num_attention_heads"), f.integer("num_key_value_heads"),
                     f.integer("head_dim"), output_gate="per_element")
    linear = {"kind": "gated_deltanet", "key_heads": f.integer("linear_num_key_heads"),
              "value_heads": f.integer("linear_num_value_heads"),
              "key_head_dim": f.integer("linear_key_head_dim"),
              "value_head_dim": f.integer("linear_value_head_dim"),
              "conv_kernel": f.integer("linear_conv_kernel_dim", minimum=2)}
    layers = []
    for i in range(N):
        if i not in only and experts > 0 and (i + 1) % step == 0:
            ffn: dict[str, Any] = {
                "kind": "moe", "experts": experts,
                "active_experts": f.integer("num_experts_per_tok"),
                "expert_intermediate_size": f.integer("moe_intermediate_size"),
                "shared_experts": 1,
                "shared_intermediate_size": f.integer("shared_expert_intermediate_size"),
                "shared_expert_gate": True}
        else:
            ffn = {"kind": "dense", "intermediate_size": f.integer("intermediate_size")}
        mixer = full if types[i] == "full_attention" else linear
        layers.append({"attention": mixer, "ffn": ffn})
    return Imported(layers, ["Multi-token prediction layers (mtp_*) are not counted."])
