"""Gemma 3 text decoder (modeling_gemma3.py: four RMSNorms per layer, per-head q_norm/k_norm;
default layer_types from sliding_window_pattern, a kwarg of __post_init__, default 6).

Defaults: transformers 5.23.0 models/gemma3/configuration_gemma3.py, Gemma3TextConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    pattern = f.integer("sliding_window_pattern")
    types = b.layer_types(f, n, b.alternating(n, pattern))
    window = f.opt_int("sliding_window")
    if window is not None and f.flag("use_bidirectional_attention"):
        window = window // 2 + 1  # Gemma3TextConfig.__post_init__: exclusive bounds
    bias = f.flag("attention_bias")
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, f.integer("num_key_value_heads"))
    d = f.integer("head_dim")
    ffn = b.dense(f.integer("intermediate_size"))
    layers = [
        {
            "attention": b.attention(
                H,
                K,
                d,
                window if t == b.ATTENTION_TYPES[1] else None,
                qkv_bias=bias,
                o_bias=bias,
                qk_norm="head",
            ),
            "ffn": dict(ffn),
        }
        for t in types
    ]
    return Built(b.top(f, per_layer_norms=4), layers)


FAMILY = Family(
    model_type="gemma3_text",
    class_name="Gemma3TextConfig",
    source="transformers 5.23.0 models/gemma3/configuration_gemma3.py",
    defaults={
        "vocab_size": 262208,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 26,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "sliding_window": 4096,
        "layer_types": None,
        "use_bidirectional_attention": False,
        "sliding_window_pattern": 6,
    },
    ignored={
        "_sliding_window_pattern": "a private copy save_pretrained writes; __post_init__ reads "
        "the kwarg sliding_window_pattern, and layer_types decides",
    },
    build=build,
)
