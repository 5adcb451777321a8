"""Nemotron-H: single-purpose blocks, each a Mamba2 mixer, an attention mixer, an MLP or a MoE.

transformers 5.23.0 models/nemotron_h: ``NemotronHConfig.__post_init__`` (``layers_block_type``,
alias ``layer_types``, or the legacy ``hybrid_override_pattern``: M mamba, * attention, - mlp,
E moe); ``NemotronHBlock`` (one mixer per block); ``NemotronHMamba2Mixer`` (heads
``mamba_num_heads`` of ``mamba_head_dim``); ``NemotronHMLP`` and ``NemotronHExperts``
(ungated: up and down, relu²); ``NemotronHTopkRouter`` (D x E).
"""

from __future__ import annotations

from typing import Any

from lccost.errors import SpecError
from lccost.hf_hybrid.fields import NONE, Fields, Imported, attention

DEFAULTS: dict[str, Any] = {
    "vocab_size": 131072, "hidden_size": 4096, "layers_block_type": None,
    "hybrid_override_pattern": None, "tie_word_embeddings": False, "num_attention_heads": 32,
    "num_key_value_heads": 8, "head_dim": 128, "max_position_embeddings": 4096,
    "intermediate_size": 21504, "ssm_state_size": 128, "mamba_num_heads": 128,
    "mamba_head_dim": 64, "n_groups": 8, "conv_kernel": 4, "chunk_size": 128,
    "n_routed_experts": 8, "n_shared_experts": 1, "moe_intermediate_size": 7688,
    "moe_shared_expert_intermediate_size": 7688, "moe_latent_size": None,
    "num_experts_per_tok": 2,
}

_PATTERN = {"M": "mamba", "*": "attention", "-": "mlp", "E": "moe"}
_LEGACY = {"mamba": "mamba", "attention": "attention", "mlp": "mlp", "moe": "moe",
           "linear_attention": "mamba", "full_attention": "attention"}


def _block_types(f: Fields) -> list[str]:
    types = f.get("layers_block_type") if "layers_block_type" in f.data else f.data.get(
        "layer_types")
    if types is None:
        pattern = f.get("hybrid_override_pattern")
        if pattern is None:
            return ["mamba", "moe", "attention", "mlp"]  # __post_init__'s default
        if not isinstance(pattern, str) or any(c not in _PATTERN for c in pattern):
            raise SpecError(f.file, f"got {pattern!r}; allowed: a string of M, *, - and E",
                            field="hybrid_override_pattern")
        return [_PATTERN[c] for c in pattern]
    if not isinstance(types, list) or any(t not in _LEGACY for t in types):
        raise SpecError(f.file, f"got {types!r}; allowed: a list of {', '.join(_LEGACY)}",
                        field="layers_block_type")
    return [_LEGACY[t] for t in types]


def build(f: Fields) -> Imported:
    if f.get("moe_latent_size") is not None:
        raise SpecError(f.file, "MoE latent projections (moe_latent_size) are not modelled",
                        field="moe_latent_size")
    mamba = {"kind": "mamba2", "heads": f.integer("mamba_num_heads"),
             "head_dim": f.integer("mamba_head_dim"), "state_size": f.integer("ssm_state_size"),
             "groups": f.integer("n_groups"), "conv_kernel": f.integer("conv_kernel", minimum=2),
             "chunk_size": f.integer("chunk_size")}
    layers = []
    for block in _block_types(f):
        if block == "mamba":
            layers.append({"attention": mamba, "ffn": NONE})
        elif block == "attention":
            layers.append({"attention": attention(
                f.integer("num_attention_heads"), f.integer("num_key_value_heads"),
                f.integer("head_dim")), "ffn": NONE})
        elif block == "mlp":
            layers.append({"attention": NONE, "ffn": {
                "kind": "dense", "intermediate_size": f.integer("intermediate_size"),
                "gated": False}})
        else:
            layers.append({"attention": NONE, "ffn": {
                "kind": "moe", "experts": f.integer("n_routed_experts"),
                "active_experts": f.integer("num_experts_per_tok"),
                "expert_intermediate_size": f.integer("moe_intermediate_size"),
                "shared_experts": f.integer("n_shared_experts", minimum=0),
                "shared_intermediate_size": f.integer("moe_shared_expert_intermediate_size"),
                "gated": False}})
    return Imported(layers, ["Each Nemotron-H block is one mixer or one feed-forward block; "
                             "the other half is kind: none.",
                             "Multi-token prediction layers (mtp) are not counted."])
