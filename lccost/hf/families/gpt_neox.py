"""GPT-NeoX (modeling_gpt_neox.py: MHA with attention_bias on qkv and dense; ungated MLP with
biases; LayerNorms with bias).

Defaults: transformers 5.23.0 models/gpt_neox/configuration_gpt_neox.py, GPTNeoXConfig."""

from __future__ import annotations

from lccost.hf import build as b
from lccost.hf.core import Built, Family, Fields


def build(f: Fields) -> Built:
    bias = f.flag("attention_bias")
    return b.uniform(
        f,
        [None] * f.layers(),
        qkv_bias=bias,
        o_bias=bias,
        mlp_bias=True,
        gated=False,
        per_layer_norms=4,
        final_norms=2,
    )


FAMILY = Family(
    model_type="gpt_neox",
    class_name="GPTNeoXConfig",
    source="transformers 5.23.0 models/gpt_neox/configuration_gpt_neox.py",
    defaults={
        "vocab_size": 50432,
        "hidden_size": 6144,
        "num_hidden_layers": 44,
        "num_attention_heads": 64,
        "intermediate_size": 24576,
        "max_position_embeddings": 2048,
        "tie_word_embeddings": False,
        "use_parallel_residual": True,
        "attention_bias": True,
        "num_key_value_heads": None,
        "head_dim": None,
    },
    ignored={
        "use_parallel_residual": "changes the residual wiring, not shapes",
    },
    build=build,
)
