"""Kimi Linear: Kimi Delta Attention layers and MLA layers (NoPE in the checkpoint's design), a
dense MLP on the first layers and a MoE with shared experts after.

transformers 5.23.0 models/kimi_linear: ``KimiLinearConfig`` (``attribute_map``: the
checkpoint's ``num_experts``, ``num_experts_per_token``, ``num_shared_experts``,
``model_max_length`` name ``num_local_experts``, ``num_experts_per_tok``, ``n_shared_experts``,
``max_position_embeddings``; ``__post_init__``: ``linear_attn_config`` overrides the linear
fields and gives 1-indexed ``full_attn_layers`` / ``kda_layers`` (when layer_types is null),
else full attention on layers i > 0 with i % 4 == 0; ``mlp_layer_types`` dense before
``first_k_dense_replace`` (1)); ``KimiLinearAttention`` (MLA caching the latent and the rotary
key; q_a_layernorm and kv_a_layernorm); ``KimiDeltaAttention`` (A_log, dt_bias, o_norm);
``KimiLinearMoE`` (router D x E, one shared MLP of ``moe_intermediate_size`` x
``n_shared_experts``); two norms per layer and a final one.

Defaults: transformers 5.23.0 models/kimi_linear/configuration_kimi_linear.py,
KimiLinearConfig.
"""

from __future__ import annotations

from typing import Any

from lccost.errors import SpecError
from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields

LINEAR_KEYS = {
    "head_dim": "linear_head_dim",
    "num_heads": "linear_num_heads",
    "short_conv_kernel_size": "linear_conv_kernel_dim",
}
"""``linear_attn_config`` keys -> the fields they override (``__post_init__``)."""


def _linear_config(f: Fields, n: int) -> tuple[dict[str, int], list[str] | None]:
    """The overrides of ``linear_attn_config`` and its layer types (1-indexed lists)."""
    raw = f.get("linear_attn_config") or {}
    if not isinstance(raw, dict):
        f.report("linear_attn_config", f"got {raw!r}; allowed: an object")
        return {}, None
    here = (*f.path, f.written_as.get("linear_attn_config", "linear_attn_config"))
    overrides: dict[str, int] = {}
    types: list[str | None] = [None] * n
    for key, value in raw.items():
        at = ".".join(map(str, (*here, key)))
        if key in LINEAR_KEYS:
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                f.problems.append(
                    SpecError(
                        f.config.file,
                        f"got {value!r}; allowed: a whole number >= 1",
                        line=f.config.line((*here, key)),
                        field=at,
                    )
                )
            else:
                overrides[LINEAR_KEYS[key]] = value
        elif key in ("full_attn_layers", "kda_layers"):
            kind = "full_attention" if key == "full_attn_layers" else "linear_attention"
            if not isinstance(value, list) or not all(
                isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= n for v in value
            ):
                f.problems.append(
                    SpecError(
                        f.config.file,
                        f"got {value!r}; allowed: a list of layer numbers from 1 to {n}",
                        line=f.config.line((*here, key)),
                        field=at,
                    )
                )
                continue
            for layer in value:
                types[layer - 1] = kind
        else:
            f.problems.append(
                SpecError(
                    f.config.file,
                    "not a linear_attn_config key transformers 5.23.0 reads; lccost "
                    "would need to know how it changes the model's parameters or cache; allowed: "
                    f"{', '.join([*LINEAR_KEYS, 'full_attn_layers', 'kda_layers'])}",
                    line=f.config.line((*here, key)),
                    field=at,
                )
            )
    if "full_attn_layers" not in raw or "kda_layers" not in raw:
        return overrides, None
    if any(t is None for t in types):
        missing = [i + 1 for i, t in enumerate(types) if t is None]
        f.report(
            "linear_attn_config",
            f"full_attn_layers and kda_layers leave layers {missing} "
            "without a type; transformers cannot build this",
        )
        return overrides, None
    return overrides, [str(t) for t in types]


def build(f: Fields) -> Built:
    n = f.layers()
    overrides, linear_types = _linear_config(f, n)
    types = f.str_list("layer_types", n, ("full_attention", "linear_attention"))
    if types is None:
        types = linear_types or [
            "full_attention" if i and i % 4 == 0 else "linear_attention" for i in range(n)
        ]
    mlp = f.str_list("mlp_layer_types", n, ("dense", "sparse"))
    if mlp is None:
        first = f.integer("first_k_dense_replace", minimum=0)
        mlp = ["dense" if i < first else "sparse" for i in range(n)]
    else:
        f.mark_used("first_k_dense_replace")
    if f.flag("attention_bias"):
        f.report(
            "attention_bias",
            "is true: biases on the MLA projections are not modelled by "
            "lccost, so the import is refused rather than guessed",
        )
    mla: dict[str, Any] = {"kind": "mla", "query_heads": f.integer("num_attention_heads")}
    q_lora = f.opt_int("q_lora_rank")
    if q_lora is not None:
        mla["q_lora_rank"] = q_lora
    mla.update(
        {
            "kv_lora_rank": f.integer("kv_lora_rank"),
            "qk_nope_head_dim": f.integer("qk_nope_head_dim"),
            "qk_rope_head_dim": f.integer("qk_rope_head_dim"),
            "v_head_dim": f.integer("v_head_dim"),
            "latent_norms": True,
        }
    )

    def linear(key: str) -> int:
        if key in overrides:
            f.mark_used(key)
            return overrides[key]
        return f.integer(key, minimum=2 if key == "linear_conv_kernel_dim" else 1)

    kda = {
        "kind": "kimi_delta",
        "heads": linear("linear_num_heads"),
        "head_dim": linear("linear_head_dim"),
        "conv_kernel": linear("linear_conv_kernel_dim"),
    }
    layers = []
    for i in range(n):
        if mlp[i] == "sparse":
            width = f.integer("moe_intermediate_size")
            experts = f.integer("num_local_experts")
            ffn = b.moe(
                experts,
                min(f.integer("num_experts_per_tok"), experts),
                width,
                1,
                width * f.integer("n_shared_experts"),
            )
        else:
            ffn = b.dense(f.integer("intermediate_size"))
        layers.append({"attention": dict(mla if types[i] == "full_attention" else kda), "ffn": ffn})
    # read above where a layer uses them; no shape depends on them otherwise
    f.mark_used(
        "intermediate_size",
        "moe_intermediate_size",
        "num_local_experts",
        "num_experts_per_tok",
        "n_shared_experts",
    )
    return Built(b.top(f), layers)


DERIVED = "derived by KimiLinearConfig.__post_init__ from other fields; not read from the file"

FAMILY = Family(
    model_type="kimi_linear",
    class_name="KimiLinearConfig",
    source="transformers 5.23.0 models/kimi_linear/configuration_kimi_linear.py",
    defaults={
        "vocab_size": 163840,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "moe_intermediate_size": 1024,
        "num_hidden_layers": 27,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "n_shared_experts": 1,
        "kv_lora_rank": 512,
        "q_lora_rank": None,
        "qk_rope_head_dim": 64,
        "v_head_dim": 128,
        "qk_nope_head_dim": 128,
        "n_group": 1,
        "topk_group": 1,
        "num_experts_per_tok": 8,
        "max_position_embeddings": 1048576,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "num_local_experts": 256,
        "mlp_layer_types": None,
        "layer_types": None,
        "linear_head_dim": 128,
        "linear_num_heads": 32,
        "linear_conv_kernel_dim": 4,
        "linear_attn_config": {},
        "first_k_dense_replace": 1,
    },
    attribute_map={
        "model_max_length": "max_position_embeddings",
        "moe_renormalize": "norm_topk_prob",
        "num_expert_group": "n_group",
        "num_experts": "num_local_experts",
        "num_experts_per_token": "num_experts_per_tok",
        "num_shared_experts": "n_shared_experts",
    },
    ignored={
        "num_key_value_heads": "MLA layers cache one latent, not per-head K and V; "
        "KimiLinearAttention does not read it",
        "n_group": "expert-group routing; no shape depends on it",
        "topk_group": "expert-group routing; no shape depends on it",
        "head_dim": DERIVED,
        "qk_head_dim": DERIVED,
    },
    build=build,
)
