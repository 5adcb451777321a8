"""Kimi Linear: Kimi Delta Attention layers and MLA layers (NoPE in the checkpoint's design), a
dense MLP on the first layers and a MoE with shared experts after.

transformers 5.23.0 models/kimi_linear: ``KimiLinearConfig`` (``attribute_map``: the
checkpoint's ``num_experts``, ``num_experts_per_token``, ``num_shared_experts``,
``model_max_length`` name ``num_local_experts``, ``num_experts_per_tok``, ``n_shared_experts``,
``max_position_embeddings``; ``__post_init__``: ``linear_attn_config`` overrides the linear
fields and gives 1-indexed ``full_attn_layers`` / ``kda_layers``, else full attention on
layers i > 0 with i % 4 == 0; ``mlp_layer_types`` dense before ``first_k_dense_replace`` (1));
``KimiLinearAttention`` (MLA caching the latent and the rotary key); ``KimiLinearMoE`` (router
D x E, one shared MLP of ``moe_intermediate_size`` x ``n_shared_experts``).
"""

from __future__ import annotations

from typing import Any

from lccost.errors import SpecError
from lccost.hf_hybrid.fields import Fields, Imported

DEFAULTS: dict[str, Any] = {
    "vocab_size": 163840, "hidden_size": 2304, "intermediate_size": 9216,
    "moe_intermediate_size": 1024, "num_hidden_layers": 27, "num_attention_heads": 32,
    "n_shared_experts": 1, "kv_lora_rank": 512, "q_lora_rank": None, "qk_rope_head_dim": 64,
    "v_head_dim": 128, "qk_nope_head_dim": 128, "num_experts_per_tok": 8,
    "max_position_embeddings": 1048576, "tie_word_embeddings": False, "num_local_experts": 256,
    "mlp_layer_types": None, "layer_types": None, "linear_head_dim": 128,
    "linear_num_heads": 32, "linear_conv_kernel_dim": 4, "first_k_dense_replace": 1,
    "linear_attn_config": {},
}

ALIASES = {"num_local_experts": "num_experts", "num_experts_per_tok": "num_experts_per_token",
           "n_shared_experts": "num_shared_experts",
           "max_position_embeddings": "model_max_length"}
"""``KimiLinearConfig.attribute_map``: canonical name -> the checkpoint's name."""


def _resolved(f: Fields) -> Fields:
    data = dict(f.data)
    for canonical, alias in ALIASES.items():
        if alias in data and canonical not in data:
            data[canonical] = data.pop(alias)
    linear = data.get("linear_attn_config") or {}
    if not isinstance(linear, dict):
        raise SpecError(f.file, f"got {linear!r}; allowed: an object", field="linear_attn_config")
    for key, field in (("head_dim", "linear_head_dim"), ("num_heads", "linear_num_heads"),
                       ("short_conv_kernel_size", "linear_conv_kernel_dim")):
        if key in linear:
            data[field] = linear[key]
    if data.get("layer_types") is None and "full_attn_layers" in linear \
            and "kda_layers" in linear:
        n = data.get("num_hidden_layers", DEFAULTS["num_hidden_layers"])
        types: list[str | None] = [None] * n
        for layer in linear["full_attn_layers"]:
            types[layer - 1] = "full_attention"
        for layer in linear["kda_layers"]:
            types[layer - 1] = "linear_attention"
        data["layer_types"] = types
    resolved = Fields(data, f.defaults, f.file)
    resolved.defaulted = f.defaulted
    return resolved


def build(fields: Fields) -> Imported:
    f = _resolved(fields)
    N = f.integer("num_hidden_layers")
    types = f.str_list("layer_types", ("full_attention", "linear_attention")) or [
        "full_attention" if i and i % 4 == 0 else "linear_attention" for i in range(N)]
    mlp = f.str_list("mlp_layer_types", ("dense", "sparse")) or [
        "dense" if i < f.integer("first_k_dense_replace", minimum=0) else "sparse"
        for i in range(N)]
    mla: dict[str, Any] = {"kind": "mla", "query_heads": f.integer("num_attention_heads"),
                           "kv_lora_rank": f.integer("kv_lora_rank"),
                           "qk_nope_head_dim": f.integer("qk_nope_head_dim"),
                           "qk_rope_head_dim": f.integer("qk_rope_head_dim"),
                           "v_head_dim": f.integer("v_head_dim")}
    if f.opt_integer("q_lora_rank") is not None:
        mla["q_lora_rank"] = f.integer("q_lora_rank")
    kda = {"kind": "kimi_delta", "heads": f.integer("linear_num_heads"),
           "head_dim": f.integer("linear_head_dim"),
           "conv_kernel": f.integer("linear_conv_kernel_dim", minimum=2)}
    layers = []
    for i in range(N):
        if mlp[i] == "sparse":
            width = f.integer("moe_intermediate_size")
            ffn: dict[str, Any] = {
                "kind": "moe", "experts": f.integer("num_local_experts"),
                "active_experts": f.integer("num_experts_per_tok"),
                "expert_intermediate_size": width, "shared_experts": 1,
                "shared_intermediate_size": width * f.integer("n_shared_experts")}
        else:
            ffn = {"kind": "dense", "intermediate_size": f.integer("intermediate_size")}
        layers.append({"attention": mla if types[i] == "full_attention" else kda, "ffn": ffn})
    return Imported(layers)
