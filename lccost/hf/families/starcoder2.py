"""StarCoder2 (modeling_starcoder2.py: use_bias on q/k/v/o and the ungated c_fc/c_proj MLP;
LayerNorms with bias; sliding_window on every layer).

Defaults: transformers 5.23.0 models/starcoder2/configuration_starcoder2.py, Starcoder2Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("use_bias")
    return b.uniform(
        f,
        [f.opt_int("sliding_window")] * f.layers(),
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=bias,
        gated=False,
        per_layer_norms=4,
        final_norms=2,
    )


FAMILY = Family(
    model_type="starcoder2",
    class_name="Starcoder2Config",
    source="transformers 5.23.0 models/starcoder2/configuration_starcoder2.py",
    defaults={
        "vocab_size": 49152,
        "hidden_size": 3072,
        "intermediate_size": 12288,
        "num_hidden_layers": 30,
        "num_attention_heads": 24,
        "num_key_value_heads": 2,
        "max_position_embeddings": 4096,
        "sliding_window": None,
        "use_bias": True,
        "tie_word_embeddings": True,
        "head_dim": None,
    },
    build=build,
)
