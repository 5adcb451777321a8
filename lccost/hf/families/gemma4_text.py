"""Gemma 4 text decoder (modeling_gemma4.py: Gemma4TextAttention L1150-1200 reads head_dim and
num_key_value_heads from config.per_layer_config[layer_idx]; per-layer inputs L1353-1357 and
L1574-1589; kv_sharing_modes in configuration_gemma4.py).

Defaults: transformers 5.23.0 models/gemma4/configuration_gemma4.py, Gemma4TextConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields, refuse


def build(f: Fields) -> Built:
    n, H = f.layers(), f.integer("num_attention_heads")
    if f.flag("enable_moe_block"):
        refuse(
            f,
            "enable_moe_block",
            "is true: Gemma 4's parallel MoE block (a dense MLP plus "
            "routed experts in every layer)",
        )
    f.mark_used("num_experts", "top_k_experts", "moe_intermediate_size")
    types = b.layer_types(f, n, b.alternating(n, 6))
    notes = []
    if types[-1] != "full_attention":  # Gemma4TextConfig.__post_init__ forces it, with a warning
        types[-1] = "full_attention"
        notes.append(
            "The last layer is full attention: transformers forces it "
            "(Gemma4TextConfig.__post_init__), whatever layer_types says."
        )
    window = f.integer("sliding_window")
    if f.choice("use_bidirectional_attention", (None, "all", "vision")) == "all":
        window = window // 2 + 1  # __post_init__: exclusive bounds
    k_eq_v = f.flag("attention_k_eq_v")
    bias = f.flag("attention_bias")
    # __post_init__: without per_layer_config, the full layers get head_dim = global_head_dim and,
    # with attention_k_eq_v, num_key_value_heads = num_global_key_value_heads; with it (what
    # save_pretrained writes), per_layer_config alone decides and those two kwargs are ignored.
    global_d = f.integer("global_head_dim")
    global_kv = f.opt_int("num_global_key_value_heads")
    if f.has("per_layer_config"):
        overrides = f.per_layer_overrides(n)
    else:
        f.mark_used("per_layer_config")
        full = {"head_dim": global_d}
        if k_eq_v and global_kv is not None:
            full["num_key_value_heads"] = global_kv
        overrides = [dict(full) if t == "full_attention" else {} for t in types]
    shared = f.integer("num_kv_shared_layers", minimum=0)
    if shared >= n:
        f.report(
            "num_kv_shared_layers",
            f"is {shared}, but the model has {n} layers; at least "
            "the first layer must hold its own cache",
        )
        shared = 0
    first_shared = n - shared
    missing = sorted(set(types[first_shared:]) - set(types[:first_shared]))
    if shared and missing:
        # Gemma4TextConfig.kv_sharing_modes raises the same: a shared layer reads the cache of
        # the last earlier layer of its type, and there is none.
        f.report(
            "num_kv_shared_layers",
            f"is {shared}: layers from {first_shared} on read the cache of an earlier layer of "
            f"their type, but no layer before {first_shared} is {' or '.join(missing)}",
        )
        shared = 0
    double_wide = f.flag("use_double_wide_mlp")
    intermediate = f.integer("intermediate_size")
    layers = []
    for i, kind in enumerate(types):
        d = f.layer_int(overrides, i, "head_dim")
        K = b.check_heads(f, H, f.layer_int(overrides, i, "num_key_value_heads"))
        is_full = kind == "full_attention"
        attention = b.attention(
            H,
            K,
            d,
            None if is_full else window,
            qkv_bias=bias,
            o_bias=bias,
            qk_norm="head",
            k_eq_v=k_eq_v and is_full,
        )
        wide = double_wide and shared > 0 and i >= first_shared
        layers.append({"attention": attention, "ffn": b.dense(intermediate * (2 if wide else 1))})
    ple_dim = f.integer("hidden_size_per_layer_input", minimum=0)
    # Four RMSNorms per layer, a fifth (post_per_layer_input_norm) with per-layer inputs.
    top = b.top(f, per_layer_norms=5 if ple_dim else 4)
    ple_vocab = f.integer("vocab_size_per_layer_input")
    if ple_dim:
        top["per_layer_embeddings"] = {"dim": ple_dim, "vocab_size": ple_vocab}
    if shared:
        top["kv_sharing"] = {"first_shared_layer": first_shared}
    return Built(top, layers, notes)


FAMILY = Family(
    model_type="gemma4_text",
    class_name="Gemma4TextConfig",
    source="transformers 5.23.0 models/gemma4/configuration_gemma4.py",
    defaults={
        "vocab_size": 262144,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 30,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "sliding_window": 512,
        "layer_types": None,
        "use_bidirectional_attention": None,
        "vocab_size_per_layer_input": 262144,
        "hidden_size_per_layer_input": 256,
        "attention_k_eq_v": False,
        "num_kv_shared_layers": 0,
        "enable_moe_block": False,
        "use_double_wide_mlp": False,
        "num_experts": None,
        "top_k_experts": None,
        "moe_intermediate_size": None,
        "global_head_dim": 512,
        "num_global_key_value_heads": None,
    },
    ignored={
        "expert_intermediate_size": "an older name of moe_intermediate_size; read only with "
        "enable_moe_block, which is refused",
    },
    per_layer=frozenset(["head_dim", "num_key_value_heads"]),
    build=build,
)
