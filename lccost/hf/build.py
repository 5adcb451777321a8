"""Builders the family modules share: layer mappings, top-level fields, the usual patterns.

Each returns the plain mapping a YAML spec would hold (validated later by the spec schema);
the ``Fields`` readers have already checked every value they take.
"""

from __future__ import annotations

from typing import Any

from lccost.hf.core import Built, Fields

ATTENTION_TYPES = ("full_attention", "sliding_attention")


def attention(H: int, K: int, d: int, window: int | None = None, **extra: Any) -> dict[str, Any]:
    """A ``kind: attention`` layer; ``extra`` holds only non-default flags."""
    spec: dict[str, Any] = {"kind": "attention", "query_heads": H, "kv_heads": K, "head_dim": d}
    if window is not None:
        spec["window"] = window
    spec.update({k: v for k, v in extra.items() if v not in (False, None, "none")})
    return spec


def dense(
    intermediate: int, gated: bool = True, bias: bool = False, activation_params: int = 0
) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": "dense", "intermediate_size": intermediate}
    if activation_params:
        spec["activation_params"] = activation_params
    if not gated:
        spec["gated"] = False
    if bias:
        spec["bias"] = True
    return spec


def moe(
    experts: int,
    active: int,
    width: int,
    shared: int = 0,
    shared_width: int | None = None,
    **extra: Any,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "kind": "moe",
        "experts": experts,
        "active_experts": active,
        "expert_intermediate_size": width,
    }
    if shared:
        spec["shared_experts"] = shared
        if shared_width is not None and shared_width != width:
            spec["shared_intermediate_size"] = shared_width
    spec.update({k: v for k, v in extra.items() if v not in (False, None, 0)})
    return spec


def head_dim(f: Fields, key: str = "head_dim") -> int:
    """``head_dim`` or, when null or not a field, hidden_size // num_attention_heads (the
    classes' ``__post_init__`` / modeling fallback ``getattr(config, "head_dim", None) or
    hidden_size // num_attention_heads``)."""
    if key not in f.family.ignored and (key in f.defaults or f.has(key)):
        value = f.opt_int(key)
        if value is not None:
            return value
    return f.integer("hidden_size") // f.integer("num_attention_heads")


def kv_heads(f: Fields, key: str = "num_key_value_heads") -> int:
    """``num_key_value_heads``; null means MHA (``__post_init__``: = num_attention_heads)."""
    kv = f.opt_int(key)
    return kv if kv is not None else f.integer("num_attention_heads")


def check_heads(f: Fields, H: int, K: int, key: str = "num_key_value_heads") -> int:
    """K, reported when it does not divide H (transformers' ``repeat_kv`` cannot group)."""
    if H % K:
        f.report(
            key,
            f"is {K}, which does not divide num_attention_heads ({H}); allowed: a "
            "divisor of num_attention_heads",
        )
        return H
    return K


def alternating(n: int, pattern: int) -> list[str]:
    """Gemma's default ``layer_types``: every ``pattern``-th layer full, the others sliding."""
    return ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n)]


def no_lm_head_bias(f: Fields) -> None:
    """``lm_head_bias`` (a V-wide bias on the LM head) is refused: not modelled."""
    if f.flag("lm_head_bias"):
        f.report(
            "lm_head_bias",
            "is true: a bias on the LM head is not modelled by lccost, so "
            "the import is refused rather than guessed",
        )


def top(
    f: Fields,
    tie: bool | None = None,
    final_norms: int = 1,
    per_layer_norms: int = 2,
    max_context_key: str = "max_position_embeddings",
) -> dict[str, Any]:
    """hidden_size, vocab_size, tied embeddings, max_context and the norm vectors."""
    spec: dict[str, Any] = {
        "hidden_size": f.integer("hidden_size"),
        "vocab_size": f.integer("vocab_size"),
        "tie_word_embeddings": f.flag("tie_word_embeddings") if tie is None else tie,
    }
    if max_context_key:
        max_context = f.opt_int(max_context_key)
        if max_context is not None:
            spec["max_context"] = max_context
    spec["norms"] = {"per_layer": per_layer_norms, "final": final_norms}
    return spec


def layer_types(
    f: Fields, n: int, default: list[str], allowed: tuple[str, ...] = ATTENTION_TYPES
) -> list[str]:
    """``layer_types`` or ``default`` when null."""
    return f.str_list("layer_types", n, allowed) or default


def hidden_and_heads(f: Fields) -> tuple[int, int]:
    """hidden_size D and num_attention_heads H of an MHA model whose head_dim is D // H,
    reported (under the names the file uses) when H does not divide D."""
    D, H = f.integer("hidden_size"), f.integer("num_attention_heads")
    if D % H:
        names = f.family.attribute_map
        f.report(
            names.get("num_attention_heads", "num_attention_heads"),
            f"is {H}, which does not divide {names.get('hidden_size', 'hidden_size')} ({D})",
        )
    return D, H


def gqa_heads(f: Fields, head_dim_required: bool = False) -> tuple[int, int, int]:
    """num_attention_heads H, num_key_value_heads K (checked to divide H) and head_dim.
    head_dim_required: the modeling code reads config.head_dim without a fallback, so
    transformers cannot build the model when it is null (it raises); lccost refuses too."""
    H = f.integer("num_attention_heads")
    K = check_heads(f, H, kv_heads(f))
    d = f.integer("head_dim") if head_dim_required else head_dim(f)
    return H, K, d


def same_layers(n: int, att: dict[str, Any], ffn: dict[str, Any]) -> list[dict[str, Any]]:
    """``n`` identical layers of ``att`` and ``ffn`` (each layer its own copies)."""
    return [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)]


def uniform(
    f: Fields,
    windows: list[int | None],
    *,
    qkv_bias: bool = False,
    o_bias: bool = False,
    mlp_bias: bool = False,
    qk_norm: str = "none",
    per_layer_norms: int = 2,
    final_norms: int = 1,
    gated: bool = True,
    intermediate_key: str = "intermediate_size",
    activation_params: int = 0,
    head_dim_required: bool = False,
) -> Built:
    """A decoder whose layers are all GQA attention (full or windowed) + one dense MLP: Llama
    and its many descendants."""
    H, K, d = gqa_heads(f, head_dim_required)
    ffn = dense(f.integer(intermediate_key), gated, mlp_bias, activation_params)
    layers = [
        {
            "attention": attention(H, K, d, w, qkv_bias=qkv_bias, o_bias=o_bias, qk_norm=qk_norm),
            "ffn": dict(ffn),
        }
        for w in windows
    ]
    return Built(top(f, per_layer_norms=per_layer_norms, final_norms=final_norms), layers)


def sliding_types_window(f: Fields, n: int, types: list[str]) -> list[int | None]:
    """One window per layer: ``sliding_window`` on sliding layers, none on full ones."""
    window = f.opt_int("sliding_window")
    return [window if t == "sliding_attention" else None for t in types]


def qwen_windows(f: Fields, has_layer_types: bool = True) -> list[int | None]:
    """Qwen2/Qwen3 ``__post_init__``: the window only with use_sliding_window; default
    layer_types = sliding from layer ``max_window_layers`` on."""
    n = f.layers()
    window = None
    if f.flag("use_sliding_window"):
        window = f.opt_int("sliding_window")
    else:  # __post_init__ sets sliding_window = None: whatever the file says is not used
        f.mark_used("sliding_window")
    if not has_layer_types:
        return [window] * n
    start = f.integer("max_window_layers", minimum=0)
    types = f.str_list("layer_types", n, ATTENTION_TYPES)
    if types is None:
        types = [
            "sliding_attention" if window is not None and i >= start else "full_attention"
            for i in range(n)
        ]
    return [window if t == "sliding_attention" else None for t in types]


def mla_attention(
    f: Fields, indexer: dict[str, int] | None = None, v_head_dim: int | None = None
) -> dict[str, Any]:
    """A DeepSeek V2/V3-style MLA layer with its q/kv latent RMSNorms (q_lora_rank null: a
    plain q_proj); biases on its projections are refused (not modelled)."""
    spec: dict[str, Any] = {"kind": "mla", "query_heads": f.integer("num_attention_heads")}
    q_lora = f.opt_int("q_lora_rank")
    if q_lora is not None:
        spec["q_lora_rank"] = q_lora
    spec.update(
        {
            "kv_lora_rank": f.integer("kv_lora_rank"),
            "qk_nope_head_dim": f.integer("qk_nope_head_dim"),
            "qk_rope_head_dim": f.integer("qk_rope_head_dim"),
            "v_head_dim": v_head_dim if v_head_dim is not None else f.integer("v_head_dim"),
            "latent_norms": True,
        }
    )
    if f.flag("attention_bias"):
        f.report(
            "attention_bias",
            "is true: biases on the MLA projections are not modelled by "
            "lccost, so the import is refused rather than guessed",
        )
    if "mlp_bias" in f.defaults and f.flag("mlp_bias"):
        f.report("mlp_bias", "is true: MLP biases in an MLA model are not modelled by lccost")
    if indexer is not None:
        spec["indexer"] = indexer
    return spec


def mla_layers(
    f: Fields, indexer: dict[str, int] | None, mlp_types: list[str]
) -> list[dict[str, Any]]:
    """DeepSeek V3-style layers: MLA + a dense MLP or a MoE with n_shared_experts shared
    experts of moe_intermediate_size (DeepseekV3MoE: one shared MLP of moe_intermediate_size x
    n_shared_experts, the same parameters)."""
    spec = mla_attention(f, indexer)
    experts = f.integer("n_routed_experts")
    active = f.integer("num_experts_per_tok")
    width = f.integer("moe_intermediate_size")
    shared = f.integer("n_shared_experts", minimum=0)
    dense_width = f.integer("intermediate_size")
    return [
        {
            "attention": dict(spec),
            "ffn": dense(dense_width) if mlp == "dense" else moe(experts, active, width, shared),
        }
        for mlp in mlp_types
    ]


def check_legacy_moe_freq(f: Fields) -> None:
    """``moe_layer_freq`` of DeepSeek's own configs: not a transformers 5.23.0 field (its
    modeling code makes every layer from first_k_dense_replace on a MoE, i.e. freq 1); any
    other value describes a model transformers does not build, so it is refused."""
    if not f.has("moe_layer_freq"):
        return
    f.mark_used("moe_layer_freq")
    if f.data.get("moe_layer_freq") != 1:
        f.report(
            "moe_layer_freq",
            f"is {f.data.get('moe_layer_freq')!r}; transformers 5.23.0 "
            "ignores it and builds a MoE in every layer from "
            "first_k_dense_replace on (freq 1), so only 1 is imported",
        )
