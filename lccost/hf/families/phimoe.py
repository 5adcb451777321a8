"""PhiMoE (modeling_phimoe.py: LayerNorms with bias; every layer a MoE of num_local_experts).

Defaults: transformers 5.23.0 models/phimoe/configuration_phimoe.py, PhimoeConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    b.no_lm_head_bias(f)
    H = f.integer("num_attention_heads")
    K = b.check_heads(f, H, b.kv_heads(f))
    d = b.head_dim(f)
    bias = f.flag("attention_bias")
    window = f.opt_int("sliding_window")
    ffn = b.moe(
        f.integer("num_local_experts"),
        f.integer("num_experts_per_tok"),
        f.integer("intermediate_size"),
    )
    att = b.attention(H, K, d, window, qkv_bias=bias, o_bias=bias)
    # LayerNorms with bias: two vectors each, two per layer and a final one.
    return Built(
        b.top(f, per_layer_norms=4, final_norms=2),
        [{"attention": dict(att), "ffn": dict(ffn)} for _ in range(n)],
    )


FAMILY = Family(
    model_type="phimoe",
    class_name="PhimoeConfig",
    source="transformers 5.23.0 models/phimoe/configuration_phimoe.py",
    defaults={
        "vocab_size": 32064,
        "hidden_size": 4096,
        "intermediate_size": 6400,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "max_position_embeddings": 131072,
        "tie_word_embeddings": False,
        "sliding_window": None,
        "num_experts_per_tok": 2,
        "num_local_experts": 16,
        "input_jitter_noise": 0.0,
        "attention_bias": False,
        "lm_head_bias": False,
        "head_dim": None,
    },
    ignored={
        "input_jitter_noise": "training noise",
    },
    build=build,
)
