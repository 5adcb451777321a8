"""Nemotron-H: single-purpose blocks, each a Mamba2 mixer, an attention mixer, an MLP or a MoE.

transformers 5.23.0 models/nemotron_h: ``NemotronHConfig.__post_init__`` (``layers_block_type``,
alias ``layer_types``, or the legacy ``hybrid_override_pattern``: M mamba, * attention, - mlp,
E moe; the legacy ``mamba_*`` names of the Mamba fields); ``NemotronHBlock`` (one norm and one
mixer per block); ``NemotronHMamba2Mixer`` (heads ``mamba_num_heads`` of ``mamba_head_dim``;
A_log, D, dt_bias, a gated norm, the conv bias with ``use_conv_bias``, projection biases with
``use_bias``); ``NemotronHAttention`` (no biases); ``NemotronHMLP`` and ``NemotronHExperts``
(ungated: up and down, relu²); ``NemotronHTopkRouter`` (D x E); the final ``norm_f``.

Defaults: transformers 5.23.0 models/nemotron_h/configuration_nemotron_h.py, NemotronHConfig.
"""

from __future__ import annotations

from typing import Any

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse

NONE = {"kind": "none"}
"""The missing half of a single-purpose block (``lccost.mechanisms.identity``)."""

_PATTERN = {"M": "mamba", "*": "attention", "-": "mlp", "E": "moe"}
_TYPES = {
    "mamba": "mamba",
    "attention": "attention",
    "mlp": "mlp",
    "moe": "moe",
    "linear_attention": "mamba",
    "full_attention": "attention",
}
"""``layers_block_type`` names (and the legacy ones ``remap_legacy_layer_types`` accepts)."""


def _block_types(f: Fields) -> list[str]:
    raw = f.get("layers_block_type")
    if raw is None:
        pattern = f.get("hybrid_override_pattern") if f.has("hybrid_override_pattern") else None
        if pattern is None:
            return ["mamba", "moe", "attention", "mlp"]  # __post_init__'s default
        if not isinstance(pattern, str) or not pattern or any(c not in _PATTERN for c in pattern):
            f.report(
                "hybrid_override_pattern",
                f"got {pattern!r}; allowed: a string of M "
                "(mamba), * (attention), - (mlp) and E (moe)",
            )
            return ["mamba"]
        return [_PATTERN[c] for c in pattern]
    f.mark_used("hybrid_override_pattern")  # __post_init__ drops it when the list is given
    if (
        not isinstance(raw, list)
        or not raw
        or len(raw) > 100_000
        or any(t not in _TYPES for t in raw)
    ):
        f.report("layers_block_type", f"got {raw!r}; allowed: a list of {', '.join(_TYPES)}")
        return ["mamba"]
    return [_TYPES[t] for t in raw]


def build(f: Fields) -> Built:
    if f.get("moe_latent_size") is not None:
        refuse(f, "moe_latent_size", "MoE latent projections (fc1/fc2_latent_proj)")
    if f.flag("mlp_bias"):
        refuse(f, "mlp_bias", "biases on Nemotron-H's MLPs and experts")
    mamba: dict[str, Any] = {
        "kind": "mamba2",
        "heads": f.integer("mamba_num_heads"),
        "head_dim": f.integer("mamba_head_dim"),
        "state_size": f.integer("ssm_state_size"),
        "groups": f.integer("n_groups"),
        "conv_kernel": f.integer("conv_kernel", minimum=2),
        "chunk_size": f.integer("chunk_size"),
        "conv_bias": f.flag("use_conv_bias"),
        "bias": f.flag("use_bias"),
    }
    if mamba["heads"] % mamba["groups"]:
        f.report(
            "n_groups",
            f"is {mamba['groups']}, which does not divide mamba_num_heads "
            f"({mamba['heads']}); transformers cannot build this",
        )
        mamba["groups"] = 1
    layers = []
    for block in _block_types(f):
        if block == "mamba":
            layers.append({"attention": dict(mamba), "ffn": dict(NONE)})
        elif block == "attention":
            H = f.integer("num_attention_heads")
            K = b.check_heads(f, H, b.kv_heads(f))
            layers.append(
                {"attention": b.attention(H, K, f.integer("head_dim")), "ffn": dict(NONE)}
            )
        elif block == "mlp":
            layers.append(
                {
                    "attention": dict(NONE),
                    "ffn": b.dense(f.integer("intermediate_size"), gated=False),
                }
            )
        else:
            experts = f.integer("n_routed_experts")
            moe = b.moe(
                experts,
                min(f.integer("num_experts_per_tok"), experts),
                f.integer("moe_intermediate_size"),
                f.integer("n_shared_experts", minimum=0),
                f.integer("moe_shared_expert_intermediate_size"),
            )
            layers.append({"attention": dict(NONE), "ffn": {**moe, "gated": False}})
    # read above where a block uses them; no shape depends on them otherwise
    f.mark_used(
        "num_attention_heads",
        "num_key_value_heads",
        "head_dim",
        "intermediate_size",
        "n_routed_experts",
        "num_experts_per_tok",
        "moe_intermediate_size",
        "n_shared_experts",
        "moe_shared_expert_intermediate_size",
    )
    return Built(
        b.top(f, per_layer_norms=1),
        layers,
        [
            "Each Nemotron-H block is one mixer or one feed-forward block; the other half "
            "is kind: none.",
            "Multi-token prediction layers (mtp) are not counted (transformers does not "
            "build them).",
        ],
    )


FAMILY = Family(
    model_type="nemotron_h",
    class_name="NemotronHConfig",
    source="transformers 5.23.0 models/nemotron_h/configuration_nemotron_h.py",
    defaults={
        "vocab_size": 131072,
        "hidden_size": 4096,
        "layers_block_type": None,
        "tie_word_embeddings": False,
        "num_logits_to_keep": 1,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "max_position_embeddings": 4096,
        "attention_bias": False,
        "sliding_window": None,
        "intermediate_size": 21504,
        "mlp_hidden_act": "relu2",
        "mlp_bias": False,
        "use_mamba_kernels": True,
        "ssm_state_size": 128,
        "mamba_num_heads": 128,
        "mamba_head_dim": 64,
        "mamba_hidden_act": "silu",
        "n_groups": 8,
        "conv_kernel": 4,
        "expand": 2,
        "time_step_min": 0.001,
        "time_step_max": 0.1,
        "time_step_limit": [0.0, "inf"],
        "time_step_floor": 0.0001,
        "use_conv_bias": True,
        "chunk_size": 128,
        "mamba_proj_bias": False,
        "mamba_ssm_cache_dtype": "float32",
        "n_routed_experts": 8,
        "n_shared_experts": 1,
        "moe_intermediate_size": 7688,
        "moe_shared_expert_intermediate_size": 7688,
        "moe_latent_size": None,
        "moe_shared_expert_overlap": True,
        "num_experts_per_tok": 2,
        "n_group": 1,
        "topk_group": 1,
        "num_nextn_predict_layers": 0,
        "mtp_layers_block_type": None,
        "use_bias": False,
        "residual_in_fp32": False,
        "rescale_prenorm_residual": True,
        "hybrid_override_pattern": None,
        "num_hidden_layers": None,
    },
    attribute_map={
        "layer_types": "layers_block_type",
        "num_local_experts": "n_routed_experts",
        "mamba_n_groups": "n_groups",
        "mamba_d_conv": "conv_kernel",
        "mamba_expand": "expand",
        "mamba_dt_min": "time_step_min",
        "mamba_dt_max": "time_step_max",
        "mamba_dt_limit": "time_step_limit",
        "mamba_dt_init_floor": "time_step_floor",
        "mamba_conv_bias": "use_conv_bias",
        "mamba_chunk_size": "chunk_size",
    },
    ignored={
        "num_hidden_layers": "deprecated: transformers builds one block per layers_block_type "
        "entry",
        "num_logits_to_keep": "how many logits generation keeps; no shape depends on it",
        "attention_bias": "NemotronHAttention builds its projections without biases whatever "
        "it says",
        "sliding_window": "not read by the transformers 5.23.0 modeling code",
        "mlp_hidden_act": "an activation; shapes and FLOP counts do not depend on it",
        "mamba_hidden_act": "an activation; shapes and FLOP counts do not depend on it",
        "use_mamba_kernels": "a kernel choice; shapes do not depend on it",
        "expand": "not read by NemotronHMamba2Mixer (its width is mamba_num_heads x "
        "mamba_head_dim)",
        "time_step_min": "training or initialisation only",
        "time_step_max": "training or initialisation only",
        "time_step_floor": "training or initialisation only",
        "time_step_limit": "a clamp on dt; shapes do not depend on it",
        "mamba_proj_bias": "not read by the transformers 5.23.0 modeling code (use_bias is)",
        "mamba_ssm_cache_dtype": "not read by the transformers 5.23.0 modeling code (its "
        "scan keeps the SSM state in fp32)",
        "moe_shared_expert_overlap": "an execution schedule; shapes do not depend on it",
        "n_group": "expert-group routing; no shape depends on it",
        "topk_group": "expert-group routing; no shape depends on it",
        "num_nextn_predict_layers": "multi-token prediction layers; transformers does not "
        "build them",
        "mtp_layers_block_type": "multi-token prediction layers; transformers does not build them",
        "mtp_hybrid_override_pattern": "multi-token prediction layers; transformers does not "
        "build them",
        "residual_in_fp32": "a numerical choice; shapes do not depend on it",
        "rescale_prenorm_residual": "training or initialisation only",
    },
    build=build,
)
