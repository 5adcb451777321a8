"""OLMo 3 (modeling_olmo3.py: OLMo 2 shapes; default layer_types three sliding then one full).

Defaults: transformers 5.23.0 models/olmo3/configuration_olmo3.py, Olmo3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    n = f.layers()
    types = b.layer_types(
        f, n, ["sliding_attention" if (i + 1) % 4 else "full_attention" for i in range(n)]
    )
    bias = f.flag("attention_bias")
    return b.uniform(
        f, b.sliding_types_window(f, n, types), qkv_bias=bias, o_bias=bias, qk_norm="full"
    )


FAMILY = Family(
    model_type="olmo3",
    class_name="Olmo3Config",
    source="transformers 5.23.0 models/olmo3/configuration_olmo3.py",
    defaults={
        "vocab_size": 50304,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "sliding_window": 4096,
        "layer_types": None,
    },
    build=build,
)
