"""HyperCLOVA X (modeling_hyperclovax.py: Llama shapes; use_post_norm adds post_norm1/2).

Defaults: transformers 5.23.0 models/hyperclovax/configuration_hyperclovax.py, HyperCLOVAXConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    post = f.flag("use_post_norm")
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=f.flag("mlp_bias"),
        per_layer_norms=4 if post else 2,
    )


FAMILY = Family(
    model_type="hyperclovax",
    class_name="HyperCLOVAXConfig",
    source="transformers 5.23.0 models/hyperclovax/configuration_hyperclovax.py",
    defaults={
        "vocab_size": 32000,
        "hidden_size": 4096,
        "intermediate_size": 11008,
        "num_hidden_layers": 32,
        "num_attention_heads": 32,
        "num_key_value_heads": None,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
        "head_dim": None,
        "use_post_norm": True,
    },
    build=build,
)
