"""Gemma 2 (modeling_gemma2.py: default layer_types alternate sliding / full
(Gemma2Config.__post_init__); four RMSNorms per layer).

Defaults: transformers 5.23.0 models/gemma2/configuration_gemma2.py, Gemma2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(f, n, b.alternating(n, 2))
    window = f.opt_int("sliding_window")
    bias = f.flag("attention_bias")
    f.mark_used("use_bidirectional_attention")
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, f.integer("num_key_value_heads"))
    d = f.integer("head_dim")
    ffn = b.dense(f.integer("intermediate_size"))
    layers = [
        {
            "attention": b.attention(
                H, K, d, window if t == b.ATTENTION_TYPES[1] else None, qkv_bias=bias, o_bias=bias
            ),
            "ffn": dict(ffn),
        }
        for t in types
    ]
    return Built(b.top(f, per_layer_norms=4), layers)


FAMILY = Family(
    model_type="gemma2",
    class_name="Gemma2Config",
    source="transformers 5.23.0 models/gemma2/configuration_gemma2.py",
    defaults={
        "vocab_size": 256000,
        "hidden_size": 2304,
        "intermediate_size": 9216,
        "num_hidden_layers": 26,
        "num_attention_heads": 8,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "max_position_embeddings": 8192,
        "tie_word_embeddings": True,
        "attention_bias": False,
        "sliding_window": 4096,
        "layer_types": None,
        "use_bidirectional_attention": None,
    },
    ignored={
        "use_bidirectional_attention": "changes the mask, not shapes",
    },
    build=build,
)
