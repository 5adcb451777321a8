"""EXAONE 4 (modeling_exaone4.py: per-head q_norm/k_norm; RMSNorms after attention and after the
MLP; default layer_types from sliding_window_pattern).

Defaults: transformers 5.23.0 models/exaone4/configuration_exaone4.py, Exaone4Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    window = f.opt_int("sliding_window")
    pattern = f.integer("sliding_window_pattern", minimum=0) if window is not None else 0
    f.mark_used("sliding_window_pattern")
    default = (
        ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(n)]
        if pattern
        else ["full_attention"] * n
    )
    types = b.layer_types(f, n, default)
    return b.uniform(f, b.sliding_types_window(f, n, types), qk_norm="head")


FAMILY = Family(
    model_type="exaone4",
    class_name="Exaone4Config",
    source="transformers 5.23.0 models/exaone4/configuration_exaone4.py",
    defaults={
        "vocab_size": 102400,
        "hidden_size": 4096,
        "intermediate_size": 16384,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": 32,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "sliding_window": 4096,
        "sliding_window_pattern": 4,
        "layer_types": None,
        "head_dim": None,
    },
    build=build,
)
