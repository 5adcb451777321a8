"""Qwen3 (modeling_qwen3.py: per-head q_norm/k_norm of head_dim; the window as in Qwen2).

Defaults: transformers 5.23.0 models/qwen3/configuration_qwen3.py, Qwen3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(f, b.qwen_windows(f), qkv_bias=bias, o_bias=bias, qk_norm="head")


FAMILY = Family(
    model_type="qwen3",
    class_name="Qwen3Config",
    source="transformers 5.23.0 models/qwen3/configuration_qwen3.py",
    defaults={
        "vocab_size": 151936,
        "hidden_size": 4096,
        "intermediate_size": 22016,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "head_dim": 128,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "max_window_layers": 28,
        "layer_types": None,
    },
    build=build,
)
