"""Qwen2 (modeling_qwen2.py: q/k/v with biases, o_proj without; the window only with
use_sliding_window, from layer max_window_layers on unless layer_types says otherwise).

Defaults: transformers 5.23.0 models/qwen2/configuration_qwen2.py, Qwen2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(f, b.qwen_windows(f), qkv_bias=True)


FAMILY = Family(
    model_type="qwen2",
    class_name="Qwen2Config",
    source="transformers 5.23.0 models/qwen2/configuration_qwen2.py",
    defaults={
        "vocab_size": 151936,
        "hidden_size": 4096,
        "intermediate_size": 22016,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "use_sliding_window": False,
        "sliding_window": 4096,
        "max_window_layers": 28,
        "layer_types": None,
        "head_dim": None,
    },
    build=build,
)
