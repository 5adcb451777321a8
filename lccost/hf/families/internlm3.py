"""InternLM3 (modular_internlm3.py: Llama shapes; qkv_bias and bias are aliases of attention_bias
and mlp_bias).

Defaults: transformers 5.23.0 models/internlm3/configuration_internlm3.py, InternLM3Config."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=f.flag("attention_bias"),
        o_bias=f.flag("attention_bias"),
        mlp_bias=f.flag("mlp_bias"),
    )


FAMILY = Family(
    model_type="internlm3",
    class_name="InternLM3Config",
    source="transformers 5.23.0 models/internlm3/configuration_internlm3.py",
    defaults={
        "vocab_size": 128512,
        "hidden_size": 4096,
        "intermediate_size": 10240,
        "num_hidden_layers": 48,
        "num_attention_heads": 32,
        "num_key_value_heads": 2,
        "max_position_embeddings": 32768,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "head_dim": 128,
    },
    attribute_map={"qkv_bias": "attention_bias", "bias": "mlp_bias"},
    build=build,
)
